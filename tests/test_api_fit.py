"""TrajLM.fit (session 26, fit26): a frame in, a trained run out, through `trajlm train`'s
engine (trajlm/cli_train.py); the run is the CLI's, file for file, for the same seed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from reliability_helpers import TINY, invoke, snapshot
from safetensors.numpy import load_file

import trajlm
from trajlm.api_fit import frame_store
from trajlm.api_verdict import verdict_of
from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store, store_fingerprint
from trajlm.data.store_label import FRAME, eval_command, is_temporary, named, store_label
from trajlm.errors import OutputExistsError, TrajlmInputError


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict:
    """A 30-trajectory frame (pandas, the store's columns), the tiny config, one fit run."""
    d = tmp_path_factory.mktemp("fit")
    synth_store(d / "s", n_trajectories=30, seed=1, overwrite=False)
    (d / "tiny.toml").write_text(TINY)
    df = read_store(d / "s").drop("split").to_pandas()
    with pytest.warns(UserWarning, match="train trajectories") as said:  # 24 trips, as the CLI
        model = trajlm.TrajLM.fit(df, d / "run", config=d / "tiny.toml", max_steps=3, seed=0,
                                  threads=1)  # fmt: skip
    return {"dir": d, "df": df, "model": model, "said": [str(w.message) for w in said]}


@pytest.mark.filterwarnings("ignore::trajlm.model.coverage.CoverageWarning")
def test_fit_returns_the_runs_model_which_predicts(base):
    model, run = base["model"], base["dir"] / "run"
    assert isinstance(model, trajlm.TrajLM) and Path(model.path) == run / "best"
    assert json.loads((run / "train_summary.json").read_text())["steps"] == 3
    assert verdict_of(model) is not None  # the val check ran and its verdict came with it
    query = base["df"].groupby("traj_id").head(6)
    pred = model.predict(query, steps=2)
    assert len(pred) == 2 * query["traj_id"].nunique() and model.last_engine == "model"
    again = trajlm.TrajLM.from_pretrained(run).predict(query, steps=2)
    assert np.array_equal(pred[["lat", "lon"]].to_numpy(), again[["lat", "lon"]].to_numpy())


def test_fit_refuses_an_existing_out_and_changes_nothing(base):
    run, before = base["dir"] / "run", snapshot(base["dir"] / "run")
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        trajlm.TrajLM.fit(base["df"], run, config=base["dir"] / "tiny.toml", max_steps=1)
    assert snapshot(run) == before
    mine = base["dir"] / "notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("mine")  # a folder trajlm did not write: never, whatever
    with pytest.raises(OutputExistsError, match="not a trajlm run"):
        trajlm.TrajLM.fit(base["df"], mine, config=base["dir"] / "tiny.toml", max_steps=1,
                          overwrite=True)  # fmt: skip
    assert (mine / "todo.txt").read_text() == "mine" and len(list(mine.iterdir())) == 1


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lat_col": "latitude"}, "latitude"),  # a column that is not there
        ({"max_steps": 0}, "max_steps"),
        ({"threads": "2"}, "threads"),
        ({"traj_column": "traj_id"}, "traj_col"),  # a misspelt keyword: the near one named
    ],
)
def test_fit_bad_input_is_one_line(base, tmp_path, kwargs, match):
    with pytest.raises(TrajlmInputError, match=match) as e:
        trajlm.TrajLM.fit(base["df"], tmp_path / "r", **kwargs)
    assert "\n" not in str(e.value).split("hint:")[0].strip()
    assert not (tmp_path / "r").exists()


def test_fit_refuses_a_frame_without_positions(base, tmp_path):
    df = base["df"].drop(columns=["lat", "lon"])
    with pytest.raises(TrajlmInputError):
        trajlm.TrajLM.fit(df, tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_cli_on_the_same_store_writes_the_same_run(base, tmp_path):
    """The engine is one: `trajlm train` on the store fit builds gives the same weights."""
    d = base["dir"]
    frame_store(base["df"], tmp_path / "s", {})
    r = invoke("train", "--data", tmp_path / "s", "--out", tmp_path / "cli", "--config",
               d / "tiny.toml", "--max-steps", 3, "--seed", 0, "--threads", 1)  # fmt: skip
    assert r.exit_code == 0, r.output
    files = {p.relative_to(d / "run") for p in (d / "run").rglob("*") if p.is_file()}
    assert files == {p.relative_to(tmp_path / "cli") for p in (tmp_path / "cli").rglob("*")
                     if p.is_file()}  # fmt: skip
    weights = [str(f) for f in files if f.suffix == ".safetensors"]
    assert "best/model.safetensors" in weights
    for name in weights:
        a, b = load_file(d / "run" / name), load_file(tmp_path / "cli" / name)
        assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    for name in ("best/config.json", "train_summary.json", "best/val_verdict.json"):
        a, b = (
            _comparable(json.loads((r / name).read_text())) for r in (d / "run", tmp_path / "cli")
        )
        assert a == b, name


def _comparable(saved: dict) -> dict:
    """A saved JSON less what names the store's folder or the clock."""
    skip = {
        "train_time_s",
        "tokens_per_s",
        "data",
        "store",
        "created",
        "val_check_s",
        "radii_s",
        "recover_radii_s",
    }  # timings: recover_radii_s read 0.1 vs 0.0 s under load (badin34)
    return {k: _comparable(v) if isinstance(v, dict) else v for k, v in saved.items()
            if k not in skip}  # fmt: skip


# ------------------------------------------------ the frame's store: kept, or named <frame>
def test_fit_from_a_frame_records_no_path_that_is_gone(base):
    """The temporary store is removed after fit: the run names its data `<frame>` (fitstore27:
    config.json, state.json and the verdict named /tmp/trajlm-fit-.../store), and the hint
    says how to keep a store for `trajlm eval` instead of naming the removed one."""
    run = base["dir"] / "run"
    texts = {p: p.read_text() for p in run.rglob("*.json")}
    assert texts and not [p for p, t in texts.items() if "trajlm-fit-" in t]
    for name in ("config.json", "best/config.json"):
        assert json.loads((run / name).read_text())["coverage"]["store"] == FRAME
    assert json.loads((run / "trainer_state/state.json").read_text())["data"]["path"] == FRAME
    assert json.loads((run / "best/val_verdict.json").read_text())["store"] == FRAME
    small = [m for m in base["said"] if "train trajectories" in m]
    assert small and small[0].startswith("the frame: only 24 train trajectories")
    assert "store=PATH" in small[0] and "trajlm-fit-" not in small[0]


@pytest.mark.filterwarnings("ignore:.*train trajectories")
def test_fit_keeps_the_frame_store_where_asked_and_resumes_on_it(base, tmp_path):
    d, kept = base["dir"], tmp_path / "kept"
    trajlm.TrajLM.fit(base["df"], tmp_path / "run", config=d / "tiny.toml", max_steps=1,
                      seed=0, threads=1, val_check=False, store=kept)  # fmt: skip
    assert read_store(kept).height == len(base["df"]) and not is_temporary(kept)
    state = json.loads((tmp_path / "run/trainer_state/state.json").read_text())["data"]
    assert state == {"path": str(kept.resolve()), "fingerprint": store_fingerprint(kept)}
    assert json.loads((tmp_path / "run/config.json").read_text())["coverage"]["store"] == str(kept)
    r = invoke("train", "--data", kept, "--out", tmp_path / "run", "--resume", "--config",
               d / "tiny.toml", "--max-steps", 2, "--threads", 1, "--no-val-check")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "run/train_summary.json").read_text())["steps"] == 2


@pytest.mark.parametrize("case", ["full", "mine", "path", "inside", "same"])
def test_fit_store_refusals_write_nothing(base, tmp_path, case):
    d, out, store = base["dir"], tmp_path / "out", tmp_path / "st"
    data, kwargs, error, match = base["df"], {}, TrajlmInputError, "store"
    if case == "full":  # a store already there: replaced only with overwrite=True
        frame_store(base["df"].head(300), store, {})
        error, match = OutputExistsError, "is not empty"
    elif case == "mine":  # a folder trajlm did not write: never, whatever the flag
        store.mkdir()
        (store / "notes.txt").write_text("mine")
        error, match, kwargs = OutputExistsError, "not a trajlm store", {"overwrite": True}
    elif case == "path":
        data, match = d / "s", "data is already a store path"
    else:
        store = out / "st" if case == "inside" else out
        match = "two separate folders"
    before = snapshot(tmp_path)
    with pytest.raises(error, match=match) as e:
        trajlm.TrajLM.fit(data, out, config=d / "tiny.toml", max_steps=1, store=store, **kwargs)
    assert "\n" not in str(e.value).split("hint:")[0].strip()
    assert snapshot(tmp_path) == before and not out.exists()


def test_store_label_names_a_path_unless_the_store_is_a_frames(base, tmp_path):
    frame_store(base["df"].head(300), tmp_path / "t", {}, temporary=True)
    assert store_label(tmp_path / "t") == FRAME and named(tmp_path / "t", "--data") == "the frame"
    assert "store=PATH" in eval_command(tmp_path / "t")
    for path in (tmp_path / "absent", tmp_path):  # unreadable or no manifest: the path
        assert store_label(path) == str(path) and named(path, "--data") == f"--data {path}"
        assert eval_command(path, " --model R") == f"`trajlm eval --data {path} --model R`"
