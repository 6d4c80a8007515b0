"""Session 34 (leftover34b): small leftovers of newuser34, badin34 and byo34 (docs/reliability.md
"Session 34 (leftover34b)")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import invoke_cli, tiny_fit_run

STAGE = re.compile(r"^val check: (.+) \(\d+ s\)$", re.M)


@pytest.fixture(scope="module")
def fitted(tmp_path_factory) -> dict:
    """A tiny TrajLM.fit on a 30-trip synthetic store, its stderr kept (pytest's: no terminal)."""
    import sys
    from io import StringIO

    d = tmp_path_factory.mktemp("fit")
    err, sys.stderr = sys.stderr, StringIO()
    try:
        run = tiny_fit_run(d, 30, 1)
        run["stderr"] = sys.stderr.getvalue()
    finally:
        sys.stderr = err
    return run


def test_fit_says_each_val_check_as_it_starts_off_a_terminal(fitted) -> None:
    """newuser34: the checks after TrajLM.fit ran 216 s saying nothing; now one line per stage
    (not per batch), as `trajlm eval`'s progress lines (eval_progress.say)."""
    stages = STAGE.findall(fitted["stderr"])  # 2 steps, no val ADE: no kNN check to say
    assert stages[0] == "fitting the radii on val", stages
    assert stages[1].startswith("the recover verdict"), stages
    assert stages[2:] == ["fitting the recovery radii on val"], stages  # one line a stage


def test_finetune_predict_says_its_checks(fitted, tmp_path: Path) -> None:
    r = invoke_cli(["finetune", "--model", fitted["dir"] / "run", "--task", "predict", "--data",
                    fitted["dir"] / "s", "--out", tmp_path / "ft", "--steps", "2",
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-2000:]
    stages = STAGE.findall(r.output)
    assert stages[0].startswith("the fine-tuned model beside the prediction baselines"), stages
    assert any(s.startswith("the recover verdict") for s in stages), stages
    assert len(stages) == len(set(stages)), stages


def test_no_lines_on_a_terminal(monkeypatch, capsys) -> None:
    """On a terminal nothing is added (the lines are for logs, as eval's)."""
    import sys

    from trajlm.eval.eval_progress import plain_lines, say

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with plain_lines("val check"):
        say("a stage")
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with plain_lines("val check"):
        say("a stage")
    assert re.fullmatch(r"val check: a stage \(\d+ s\)\n", capsys.readouterr().err)


# --- 2. badin34: zone-less asked times are read as UTC, said as predict says a frame's ------


@pytest.fixture(scope="module")
def infill_model():
    from helpers import tiny_infill_trajlm

    return tiny_infill_trajlm()


def _zone_notes(call) -> list[str]:
    import warnings

    from trajlm.errors import NoteWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught
            if issubclass(w.category, NoteWarning) and "no time zone" in str(w.message)]  # fmt: skip


def _frame(zone: str | None):
    import pandas as pd

    t0 = pd.Timestamp("2025-03-18 08:00", tz="UTC")
    t = [t0 + pd.Timedelta(seconds=15 * i) for i in range(12)]
    df = pd.DataFrame({"traj_id": "a", "t": t, "lat": [41.15 + 1e-4 * i for i in range(12)],
                       "lon": [-8.61 + 1e-4 * i for i in range(12)]})  # fmt: skip
    df["t"] = df["t"].dt.tz_localize(None) if zone is None else df["t"].dt.tz_convert(zone)
    return df


@pytest.mark.parametrize(
    "depart, noted",
    [("naive", True), ("2025-03-18T08:00:00", True), ("2025-03-18T08:00:00Z", False),
     ("aware", False), (1742284800, False)],
)  # fmt: skip
def test_travel_time_notes_a_zoneless_departure(infill_model, depart, noted) -> None:
    import datetime as dt

    if depart == "naive":
        depart = dt.datetime(2025, 3, 18, 8, 0)
    elif depart == "aware":
        depart = dt.datetime(2025, 3, 18, 8, 0, tzinfo=dt.UTC)
    said = _zone_notes(lambda: infill_model.travel_time([(41.15, -8.61)], [(41.16, -8.60)],
                                                        depart=depart))  # fmt: skip
    assert len(said) == int(noted), said
    if noted:
        assert said[0].startswith("the times in 'depart' have no time zone: read as UTC")
        assert "pd.Timestamp('2025-03-18 08:00', tz='Europe/Lisbon')" in said[0]


def test_at_times_without_a_zone_are_noted_once(infill_model) -> None:
    import datetime as dt

    from trajlm.errors import TrajlmInputError

    m, berlin, utc = infill_model, _frame("Europe/Berlin"), _frame("UTC")
    said = _zone_notes(lambda: m.predict(utc, at_times=["2025-03-18T08:03:30"]))
    assert len(said) == 1 and "'at_times'" in said[0], said
    said = _zone_notes(lambda: m.predict(utc, at_times={"a": ["2025-03-18T08:03:30"]}))
    assert len(said) == 1 and "'at_times'" in said[0], said  # per trajectory too
    # leftover35: on a frame in another zone, zone-less text is refused as naive datetimes are
    with pytest.raises(TrajlmInputError, match="zone-less ISO text"):
        m.predict(berlin, at_times=["2025-03-18T08:03:30"])
    assert _zone_notes(lambda: m.predict(berlin, at_times=["2025-03-18T09:03:30+01:00"])) == []
    naive = _frame(None)  # the frame's own note says it; the asked times are on its clock
    said = _zone_notes(lambda: m.predict(naive, at_times=[dt.datetime(2025, 3, 18, 8, 3, 30)]))
    assert len(said) == 1 and "'t'" in said[0], said


# --- 3. badin34: --horizon-s '60,,300' and --windows ALL were taken leniently ---------------


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    from trajlm.data.ingest import synth_store

    d = tmp_path_factory.mktemp("store") / "s"
    synth_store(d, n_trajectories=30, seed=1, overwrite=False)
    return d


def _one_line(r, *names: str) -> str:
    lines = [x for x in r.output.strip().splitlines() if x.startswith("error:")]
    assert r.exit_code == 2 and len(lines) == 1 and "Traceback" not in r.output, r.output
    assert all(n in lines[0] for n in names), lines
    return lines[0]


@pytest.mark.parametrize("spec, item", [("60,,300", 2), ("60,300,", 3), (",60", 1)])
def test_an_empty_horizon_item_is_refused(store, spec, item) -> None:
    r = invoke_cli(["eval", "--data", store, "--task", "predict", "--horizon-s", spec])
    _one_line(r, "--horizon-s", f"item {item} is empty")


@pytest.mark.parametrize("spec", ["ALL", "All", " all", "One"])
def test_windows_words_are_exact_as_every_other_choice(store, spec, tmp_path) -> None:
    """Case-sensitive, as --task / --split / --score-on (`--task PREDICT` is refused too)."""
    meant = spec.strip().lower()
    r = invoke_cli(["eval", "--data", store, "--task", "predict", "--windows", spec])
    _one_line(r, "--windows", f"did you mean {meant}?")
    r = invoke_cli(["data", "queries", store, "--out", tmp_path / "q.csv", "--windows", spec])
    _one_line(r, "--windows", f"did you mean {meant}?")
    assert not (tmp_path / "q.csv").exists()
    r = invoke_cli(["eval", "--data", store, "--task", "PREDICT"])  # the rule it follows
    _one_line(r, "--task", "did you mean predict?")


def test_the_exact_words_and_numbers_still_read() -> None:
    from trajlm.eval.horizon import horizon_seconds
    from trajlm.eval.predict_windows import WINDOWS_CAP, parse_windows

    assert horizon_seconds("60,300,600") == horizon_seconds(" 60, 300 ,600") == (60, 300, 600)
    assert [parse_windows(s) for s in ("one", "all", "7", 7)] == [1, WINDOWS_CAP, 7, 7]
