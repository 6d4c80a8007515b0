"""Session 29 (api29): `trajlm eval`'s val-checked kNN row names its settings; the eval notes
reach Python users as warnings of a category; ``TrajLM.evaluate`` takes the CLI's asked-times
options; ``trajlm.clean`` gives a frame that still unpacks as (frame, report)."""

from __future__ import annotations

import warnings

import pytest
from reliability_helpers import invoke

from trajlm.api_fit import frame_store
from trajlm.data.synthetic import generate_city
from trajlm.errors import EvalNoteWarning, NoteWarning, TrajlmInputError


@pytest.fixture(scope="module")
def unchecked_run(tmp_path_factory, trajlm_small):
    """A 24-trip store and a copy of trajlm-small whose saved prediction verdict is the
    unchecked one (kNN continuation at its defaults, fitted on the train split), as `trajlm
    train` saves it when val has too few trips (heldout28's harvester)."""
    from trajlm.data.store import read_store
    from trajlm.eval.unchecked_verdict import unchecked_verdict
    from trajlm.eval.val_verdict import save_verdict

    d = tmp_path_factory.mktemp("api29")
    frame_store(generate_city(n_trajectories=24, seed=5).points.drop("label"), d / "store", {})
    train = read_store(d / "store", split="train").drop("split")
    trajlm_small.save_pretrained(d / "run")
    v, table = unchecked_verdict(train, 2, "val has 2 trip(s)")
    save_verdict(d / "run", {"predict": v}, None, str(d / "store"), knn=table)
    return {"store": d / "store", "run": d / "run", "train": train}


def _mae(out, method: str) -> float:
    import json

    rows = json.loads(out.read_text())["results"]
    return next(r["metrics"]["mae_m"] for r in rows if r["method"] == method)


def test_the_val_checked_knn_row_names_its_settings_and_is_that_knn(unchecked_run, tmp_path):
    """heldout28: "(val-checked: kNN continuation)" read 1.72 m beside the "kNN continuation"
    row's 1.27 m: the row answers with the run's saved kNN (defaults), the baseline row is
    tuned on val. The row now names its settings, a note says both, and the row is exactly
    kNN continuation at those settings fitted on the train split."""
    from trajlm.data.features import LocalProjection
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.eval import baselines as B
    from trajlm.eval import metrics as M
    from trajlm.eval.protocol import ProjectedBaseline

    out = tmp_path / "e.json"
    r = invoke("eval", "--task", "predict", "--data", unchecked_run["store"], "--model",
               unchecked_run["run"], "--threads", "1", "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    name = "trajlm:run (val-checked: kNN continuation, 10 neighbours, 5-point histories)"
    assert f"| {name} |" in r.output
    notes = [ln for ln in r.output.splitlines() if "one engine at two settings" in ln]
    assert len(notes) == 1 and "(10 neighbours, 5-point histories: its defaults" in notes[0]
    test = read_store(unchecked_run["store"], split="test").drop("split")
    train = unchecked_run["train"].sort(["traj_id", "t"])
    proj = LocalProjection.fit(train)
    task = make_prediction_task(test.sort(["traj_id", "t"]), k=5)
    knn = ProjectedBaseline(B.KNNContinuation().fit(train, proj), proj).predict_next(task)
    mae = float(M.point_errors(knn, task.target_latlon).mean())
    assert _mae(out, name) == pytest.approx(mae, rel=1e-9)
    assert _mae(out, "kNN continuation") != pytest.approx(mae, rel=1e-3)  # tuned: other settings


# ------------------------------------------------------- TrajLM.evaluate's asked-times keywords
@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("api29s") / "store"
    frame_store(generate_city(n_trajectories=16, seed=5).points.drop("label"), store, {})
    return store


def test_evaluate_passes_the_asked_times_to_the_clis_code(small_store, trajlm_small, monkeypatch):
    """horizon_s / at_report_times / shift reach `trajlm eval`'s own function as its options."""
    import trajlm.cli_eval

    got = {}

    def spy(*args, **kwargs):
        got.update(kwargs)
        raise TrajlmInputError("stop here")

    monkeypatch.setattr(trajlm.cli_eval, "run_eval_command", spy)
    for kwargs, want in (
        ({"horizon_s": [60, 300.5]}, {"horizon_s": "60,300.5"}),
        ({"horizon_s": 90}, {"horizon_s": "90"}),
        ({"at_report_times": True}, {"at_report_times": True, "horizon_s": None}),
        ({"shift": "clock=+4h"}, {"shifts": ["clock=+4h"]}),
        ({"shift": ["clock=+4h", "weekday=+1"]}, {"shifts": ["clock=+4h", "weekday=+1"]}),
    ):
        got.clear()
        with pytest.raises(TrajlmInputError, match="stop here"):
            trajlm_small.evaluate(small_store, **kwargs)
        assert {k: got[k] for k in want} == want, kwargs


@pytest.mark.parametrize(
    ("kwargs", "said"),
    [
        ({"horizon_s": True}, "horizon_s must be seconds ahead"),
        ({"horizon_s": ["60"]}, "horizon_s must be seconds ahead"),
        ({"at_report_times": "yes"}, "at_report_times must be True or False"),
        ({"shift": 4}, "shift must be e.g. 'clock=+4h'"),
        ({"horizon_s": [0, 60]}, "horizon_s '0,60': expected seconds > 0"),  # the CLI's check
        ({"shift": "clock=4"}, "shift 'clock=4': expected clock=+4h"),
        ({"horizon_s": 60, "at_report_times": True}, "horizon_s already asks every method"),
        ({"horizon_s": 60, "task": "recover"}, "horizon_s is implemented for task='predict'"),
    ],
)
def test_evaluate_refuses_asked_times_in_its_keywords(small_store, trajlm_small, kwargs, said):
    """One line naming the keyword, never the CLI's --option, and before any scoring."""
    with pytest.raises(TrajlmInputError) as e:
        trajlm_small.evaluate(small_store, **kwargs)
    text = str(e.value)
    assert said in text and "--" not in text and "\n" not in text, text


def test_evaluate_with_a_shift_equals_the_cli_table(small_store, trajlm_small, tmp_path):
    """shift="clock=+4h" gives `trajlm eval --shift clock=+4h`'s rows and numbers."""
    import json

    out = tmp_path / "s.json"
    r = invoke("eval", "--task", "predict", "--data", small_store, "--model", "trajlm-small",
               "--shift", "clock=+4h", "--threads", "1", "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    cli = json.loads(out.read_text())["results"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        got = trajlm_small.evaluate(small_store, shift="clock=+4h")
    pairs = list(zip(got["setting"], got["method"], strict=True))
    assert pairs == [(row["setting"], row["method"]) for row in cli]
    assert ("k=5, clock=+4h", "trajlm:trajlm-small") in pairs
    for rec, row in zip(got.to_dict("records"), cli, strict=True):
        assert rec["mae_m"] == pytest.approx(row["metrics"]["mae_m"], rel=1e-9)


# ----------------------------------------------------------------- notes as Python warnings
def test_evaluate_gives_the_clis_notes_as_warnings_of_their_category(unchecked_run):
    """TrajLM.evaluate's console is silent: the notes `trajlm eval` prints reach the notebook
    as warnings a user can filter (the CLI prints each once: the test above)."""
    import trajlm
    from trajlm.eval.few_scored import FewScoredWarning

    model = trajlm.TrajLM.from_pretrained(unchecked_run["run"], threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = model.evaluate(unchecked_run["store"])
    kinds = {w.category for w in caught}
    assert {EvalNoteWarning, FewScoredWarning} <= kinds
    note = next(str(w.message) for w in caught if w.category is EvalNoteWarning
                and "one engine at two settings" in str(w.message))  # fmt: skip
    assert not note.startswith("note: ") and "kNN continuation, 10 neighbours" in note
    assert all(w.filename == __file__ for w in caught if issubclass(w.category, NoteWarning))
    assert any("(val-checked: kNN continuation, 10 neighbours" in m for m in got["method"])
    with warnings.catch_warnings(record=True) as quiet:  # filtered by category, as said
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", NoteWarning)
        warnings.simplefilter("ignore", FewScoredWarning)
        model.evaluate(unchecked_run["store"])
    assert not [w for w in quiet if issubclass(w.category, NoteWarning | FewScoredWarning)]


def test_a_commands_lines_are_warnings_under_the_python_api():
    """Outside a `trajlm` command (TrajLM.fit / evaluate run the commands' bodies) `warn` /
    `tell` raise the category given; train's verdict line is a VerdictNoteWarning."""
    from trajlm._cli_boundary import in_command, tell, warn
    from trajlm.cli_verdict import say_plain
    from trajlm.errors import VerdictNoteWarning, WorseThanBaselineWarning

    assert not in_command()
    with pytest.warns(WorseThanBaselineWarning, match="^the kept model is worse$"):
        warn("the kept model is worse", category=WorseThanBaselineWarning)
    with pytest.warns(NoteWarning, match="^a plain line$"):
        warn("a plain line")
    with pytest.warns(EvalNoteWarning, match="^irregular reports"):
        tell("note: irregular reports (p90 / p10 9.0)", EvalNoteWarning)
    with pytest.warns(VerdictNoteWarning, match="^val check: travel time"):
        say_plain("val check: travel time: model answers")


def test_cli_prints_lines_not_warnings(unchecked_run):
    """Inside a command the same notes are lines, each once (no Python warning text)."""
    r = invoke("eval", "--task", "predict", "--data", unchecked_run["store"], "--threads", "1")
    assert r.exit_code == 0, r.output
    assert r.output.count("no reliable CI") == 1 and "Warning:" not in r.output


# ------------------------------------------------------------------ trajlm.clean's return
@pytest.fixture
def repeats():
    """A pandas frame with one repeated fix (a duplicate timestamp clean drops)."""
    import pandas as pd

    df = generate_city(n_trajectories=2, seed=1).points.drop("label").to_pandas()
    return pd.concat([df, df.iloc[[3]]], ignore_index=True)


def test_clean_returns_the_frame_alone_with_return_report_false(repeats):
    import pandas as pd

    import trajlm
    from trajlm.data.schema import DropReport

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no FutureWarning on either explicit form
        out = trajlm.clean(repeats, return_report=False)
        pair = trajlm.clean(repeats, return_report=True)
    assert isinstance(out, pd.DataFrame) and len(out) == len(repeats) - 1
    report = out.attrs["clean_report"]
    assert isinstance(report, DropReport) and report.dropped == pair[1].dropped
    assert isinstance(pair, tuple) and pair[0].equals(out)


def test_clean_keeps_the_pair_by_default_and_says_once_it_will_change(repeats):
    import trajlm
    from trajlm.errors import SAID_ONCE

    SAID_ONCE.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, report = trajlm.clean(repeats)  # existing callers unpack as before
        trajlm.clean(repeats)
    future = [w for w in caught if w.category is FutureWarning]
    assert len(future) == 1 and "return_report=False" in str(future[0].message)
    assert future[0].filename == __file__ and sum(report.dropped.values()) == 1
    with pytest.raises(TrajlmInputError, match="return_report must be True or False"):
        trajlm.clean(repeats, return_report="yes")
