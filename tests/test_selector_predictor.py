"""The candidate selector as a predictor (issue 15; docs/candidates.md "Use it"): an untrained
selector IS the kNN, save -> load predicts bit for bit, damaged or missing files are one
clear line, nothing is overwritten, `trajlm train-selector` and `trajlm eval --model SEL`
(a row per seed and a mean ± std row), and scripts/results.sh with the selector arm."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from trajlm._safety import DamagedFileError, OutputExistsError, UserError
from trajlm.cli import app
from trajlm.data.ingest import synth_store
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import (
    CandidateSelectorPredictor,
    is_selector_dir,
    knn_points,
)

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
TINY = {"top_k": 3, "max_train_windows": 1500, "max_val_windows": 400,
        "place_grid": {"w_place": (0.1,), "w_heading": (100.0,), "n_neighbors": (5,)}}  # fmt: skip
TINY_TOML = """
[selector]
top_k = 3
max_train_windows = 1500
max_val_windows = 400
[selector.place_grid]
w_place = [0.1]
w_heading = [100.0]
n_neighbors = [5]
[selector.network]
max_epochs = 2
"""


def said(r) -> str:
    return " ".join(r.output.replace("│", " ").split())


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """(store, parts, selector): the synthetic city and a 2-epoch selector on it."""
    root = tmp_path_factory.mktemp("sel")
    synth_store(root / "s", n_trajectories=60, seed=1)
    parts = split_tables(read_store(root / "s"))
    sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=2))
    return root / "s", parts, sel.fit(parts["train"], parts["val"], seed=0)


def _moved(sel: CandidateSelectorPredictor) -> CandidateSelectorPredictor:
    """The gate opened: predictions leave the kNN aggregate (so a round trip can fail); the
    network answers, as after --no-val-check (its val check picks kNN on this tiny city)."""
    sel.selector_.gate[-1].bias.data.fill_(0.7)
    sel.verdict_ = {"engine": "selector", "rule": "opted out (the tests of the network)"}
    return sel


def test_untrained_is_knn_and_save_load_predicts_bit_for_bit(fitted, tmp_path):
    _, parts, sel = fitted
    task = make_prediction_task(parts["test"])
    xy = task.xy(sel.projection_)
    s = sel.settings_
    knn = knn_points(sel.indexes_["shape"], xy, task.lengths, s["knn"]["n_neighbors"])
    if sel.log_["best_epoch"] == 0:  # kept the initial weights: the gate is shut
        assert np.allclose(sel.predict(xy, task.lengths, 5), knn)
    _moved(sel)
    before = sel.predict_next(task)
    assert not np.allclose(sel.predict(xy, task.lengths, 5), knn)
    sel.save(tmp_path / "sel")
    assert is_selector_dir(tmp_path / "sel") and not is_selector_dir(tmp_path)
    back = CandidateSelectorPredictor.load(tmp_path / "sel")
    assert np.array_equal(back.predict_next(task), before)
    assert back.get_params()["top_k"] == 3 and back.settings_ == json.loads(json.dumps(s))
    frame = back.predict(parts["test"], steps=3)  # the frame path, as the baselines
    assert frame.columns[:5] == ["traj_id", "step", "t", "lat", "lon"] and frame["step"].max() == 3
    with pytest.raises(ValueError, match="horizon"):
        back.predict(xy, task.lengths, 6)


def test_save_never_overwrites_what_is_not_asked_for(fitted, tmp_path):
    sel = fitted[2]
    out = sel.save(tmp_path / "sel")
    with pytest.raises(OutputExistsError, match="already holds"):
        sel.save(out)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(OutputExistsError, match="did not create"):
        sel.save(foreign, overwrite=True)
    assert (foreign / "notes.txt").read_text() == "keep me" and len(list(foreign.iterdir())) == 1
    stamp = (out / "config.json").stat().st_mtime_ns
    sel.save(out, overwrite=True)  # its own kind: replaced whole
    assert (out / "config.json").stat().st_mtime_ns >= stamp
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]  # no temporaries left


@pytest.mark.parametrize(
    "damage, match",
    [
        (lambda d: (d / "indexes.npz").unlink(), "no indexes.npz"),
        (lambda d: (d / "indexes.npz").write_bytes(b"PK\x03\x04 cut"), "indexes.npz: damaged"),
        (lambda d: (d / "config.json").write_text("{not json"), "config.json: damaged"),
        (lambda d: (d / "selector.safetensors").write_bytes(b"\x00" * 9), "safetensors: damaged"),
    ],
)
def test_load_of_a_damaged_or_missing_file_is_one_clear_line(fitted, tmp_path, damage, match):
    d = fitted[2].save(tmp_path / "sel")
    damage(d)
    with pytest.raises(UserError, match=match) as e:
        CandidateSelectorPredictor.load(d)
    assert "\n" not in str(e.value)
    if "damaged" in match:
        assert isinstance(e.value, DamagedFileError)


def test_eval_scores_saved_selectors_beside_the_baselines(fitted, tmp_path):
    store, _, sel = fitted
    for name in ("sel-a", "sel-b"):
        sel.save(tmp_path / name)
    out = tmp_path / "eval.json"
    r = runner.invoke(app, ["eval", "--task", "predict", "--data", str(store), "--seeds", "1",
                            "--model", str(tmp_path / "sel-a"), "--model", str(tmp_path / "sel-b"),
                            "--out", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = {row["method"]: row for row in json.loads(out.read_text())["results"]}
    assert {"candidate selector:sel-a", "candidate selector:sel-b", "kNN continuation"} <= set(rows)
    mean = rows["candidate selector (mean ± std over 2 runs)"]
    assert mean["metrics"]["mae_m"] == pytest.approx(
        rows["candidate selector:sel-a"]["metrics"]["mae_m"]
    )
    assert mean["params"]["n_params"] == sel.num_params() > 0
    assert not any(m.startswith("trajlm (mean") for m in rows)  # no transformer runs given
    r = runner.invoke(app, ["eval", "--task", "recover", "--data", str(store),
                            "--model", str(tmp_path / "sel-a")])  # fmt: skip
    assert r.exit_code == 2 and "serves --task predict" in said(r)


def test_train_selector_cli_and_its_config_errors(fitted, tmp_path):
    store = fitted[0]
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY_TOML)
    out = tmp_path / "sel"
    args = ["train-selector", "--data", str(store), "--out", str(out), "--config", str(cfg)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    # each stage and epoch is said as it ends (docs21: 10 min of silence before)
    assert "retrieval tuned on val" in said(r) and "epoch 1/2: train ADE" in said(r)
    saved = json.loads((out / "config.json").read_text())
    assert saved["kind"] == "candidate_selector" and saved["selector"]["max_epochs"] == 2
    assert saved["settings"]["top_k"] == 3 and saved["settings"]["local"] == [1.0, 300.0, 10]
    r = runner.invoke(app, args)  # again: refused, nothing changed
    assert r.exit_code == 2 and "already holds a trajlm selector" in said(r)
    cfg.write_text(TINY_TOML.replace("top_k = 3", "top_kk = 3"))
    r = runner.invoke(app, [*args[:4], str(tmp_path / "other"), *args[5:]])
    assert r.exit_code == 2 and "unknown key(s) ['top_kk']" in said(r) and str(cfg) in said(r)
    assert not (tmp_path / "other").exists()


def test_shipped_selector_config_is_the_published_recipe():
    from trajlm.cli_selector import selector_params

    p = selector_params(ROOT / "configs" / "porto_selector.toml")
    default = CandidateSelectorPredictor()
    assert p["local"] == default.local and p["top_k"] == default.top_k
    assert p["selector"] == SelectorConfig() and p["max_train_windows"] == 30_000


@pytest.mark.slow
def test_results_sh_trains_and_scores_the_selector_arm(tmp_path):
    """scripts/results.sh on the synthetic city: 3 tiny transformer runs and 3 tiny selectors,
    one eval_predict.json with both mean ± std rows, and both arms in beat_test.json; and its
    route-recovery arm: 3 tiny models, eval_recover.json with their mean ± std row,
    route_recovery_test.md with a CI per setting (one run of the script for both: CI time)."""
    from test_foundation import TINY_RECIPE
    from test_route_recovery_predictor import TINY_TOML as TINY_RECOVERY

    model_cfg, sel_cfg, rec_cfg = tmp_path / "tiny.toml", tmp_path / "sel.toml", tmp_path / "r.toml"
    model_cfg.write_text(TINY_RECIPE)
    sel_cfg.write_text(TINY_TOML)
    rec_cfg.write_text(TINY_RECOVERY)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1",
           "BIN": str(Path(sys.executable).parent), "OUT": str(tmp_path / "o"), "STEPS": "3",
           "CONFIG": str(model_cfg), "SELECTOR_CONFIG": str(sel_cfg), "N_SYNTH": "60",
           "RECOVERY_CONFIG": str(rec_cfg)}  # fmt: skip
    res = subprocess.run(["bash", str(ROOT / "scripts" / "results.sh"), "synth"], env=env,
                         cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    o = tmp_path / "o" / "synth"
    methods = [r["method"] for r in json.loads((o / "eval_predict.json").read_text())["results"]]
    assert "trajlm (mean ± std over 3 runs)" in methods
    assert "candidate selector (mean ± std over 3 runs)" in methods
    beat = [r["method"] for r in json.loads((o / "beat_test.json").read_text())["rows"]]
    assert "trajlm: trajlm" in beat and "candidate selector: selector" in beat
    rec = [r["method"] for r in json.loads((o / "eval_recover.json").read_text())["results"]]
    assert "route recovery (mean ± std over 3 runs)" in rec, rec
    table = (o / "route_recovery_test.md").read_text()
    assert "random 50 %" in table and "every 120 s" in table
