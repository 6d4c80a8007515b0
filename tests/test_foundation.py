"""Re-fitted step scale of a fine-tune (issue 14 item 7) and the foundation scripts."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from trajlm.data.features import NormStats
from trajlm.model import ModelConfig, TrajectoryModel

ROOT = Path(__file__).resolve().parents[1]


def _tiny(bias: bool = False) -> TrajectoryModel:
    torch.manual_seed(0)  # a trajectory-frame model with a step scale far from the store's
    stats = NormStats(41.0, -8.6, (0.0, 0.0), 2000.0, 442.0, 74.0, 190.0).to_dict()
    mc = ModelConfig(d_model=32, n_layers=1, n_heads=2, max_len=32, stats=stats,
                     position_frame="trajectory", bias=bias)  # fmt: skip
    model = TrajectoryModel(mc).eval()
    with torch.no_grad():  # larger step outputs than at init, so a wrong rescale shows
        model.head.mean.weight.mul_(3.0)
        if bias:
            model.head.mean.bias.normal_(0, 0.3)
            model.head.log_var.bias.normal_(0, 0.3)
    return model


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from trajlm.data.ingest import synth_store

    path = tmp_path_factory.mktemp("fd") / "s"
    synth_store(path, n_trajectories=40, seed=5)
    return path


@pytest.fixture(scope="module")
def run(store, tmp_path_factory):
    path = tmp_path_factory.mktemp("fd") / "pre"
    _tiny().save_pretrained(path)
    return path


def _task(store):
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store

    return make_prediction_task(read_store(store, split="test"), k=3, n_input=9, min_points=7)


def test_refit_takes_the_target_step_scale_and_keeps_the_time_scales(run, store):
    from trajlm.train.pretrained import pretrained_config

    target = json.loads((store / "stats.json").read_text())
    assert target["dxy_scale"] != pytest.approx(442.0, rel=0.05)  # the test needs a mismatch
    keep, _ = pretrained_config(run, store)
    assert keep.stats["dxy_scale"] == 442.0
    for mode in ("refit", "adapt"):
        mc, _ = pretrained_config(run, store, mode)
        assert mc.stats["dxy_scale"] == target["dxy_scale"], mode
        assert (mc.stats["dt_mean"], mc.stats["dt_scale"]) == (74.0, 190.0), mode
        assert mc.stats["lat0"] == target["lat0"], mode
    with pytest.raises(ValueError, match="refit_scales"):
        pretrained_config(run, store, "refitt")


def test_adapt_leaves_a_store_frame_model_as_before(store, tmp_path):
    from trajlm.train.pretrained import load_pretrained

    model = _tiny()
    model.config.position_frame = "store"
    run = tmp_path / "store_frame"
    model.save_pretrained(run)
    a, b = load_pretrained(run, store), load_pretrained(run, store, refit_scales="adapt")
    assert a.stats.dxy_scale == b.stats.dxy_scale  # the target's, either way
    for (name, p), q in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(p, q), name


def test_adapt_predicts_what_keep_predicts_and_refit_does_not(run, store):
    from trajlm.model.rollout import ModelPredictor
    from trajlm.train.pretrained import load_pretrained

    task = _task(store)
    pred = {m: ModelPredictor(load_pretrained(run, store, refit_scales=m).eval()).predict_next(task)
            for m in ("keep", "refit", "adapt")}  # fmt: skip
    assert pred["keep"].shape == (len(task.lengths), 3, 2) and np.isfinite(pred["adapt"]).all()
    np.testing.assert_allclose(pred["adapt"], pred["keep"], atol=1e-6)  # degrees: < 0.1 m
    assert np.abs(pred["refit"] - pred["keep"]).max() > 1e-5  # refit alone changes the output


def test_adapt_rescales_the_log_variance_and_is_deterministic(store, tmp_path):
    from trajlm.train.pretrained import load_pretrained

    run = tmp_path / "biased"
    _tiny(bias=True).save_pretrained(run)
    keep = load_pretrained(run, store)
    a, b = (load_pretrained(run, store, refit_scales="adapt") for _ in range(2))
    for (name, p), q in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(p, q), name
    ratio = a.stats.dxy_scale / 442.0
    shift = a.head.log_var.bias[:2] - keep.head.log_var.bias[:2]
    torch.testing.assert_close(shift, torch.full((2,), -2 * np.log(ratio), dtype=torch.float32))
    assert torch.equal(a.head.log_var.bias[2], keep.head.log_var.bias[2])  # dt untouched
    torch.testing.assert_close(a.head.mean.bias[:2], keep.head.mean.bias[:2] / ratio)


def test_train_config_checks_refit_scales():
    from trajlm.train.config import TrainConfig

    assert TrainConfig().refit_scales == "adapt"  # the val-chosen default
    with pytest.raises(ValueError, match="refit_scales"):
        TrainConfig(refit_scales="auto")


@pytest.mark.slow
def test_trainer_fine_tune_with_adapt_starts_from_the_adapted_model(run, store, tmp_path):
    from trajlm.train.config import TrainConfig
    from trajlm.train.trainer import Trainer

    target = json.loads((store / "stats.json").read_text())
    cfg = TrainConfig(max_steps=2, batch_size=4, max_len=16, eval_every=0, cpu_threads=1,
                      progress=False, init_from=str(run), refit_scales="adapt")  # fmt: skip
    trainer = Trainer(store, tmp_path / "ft", None, cfg)
    assert trainer.model.stats.dxy_scale == target["dxy_scale"]
    pre = TrajectoryModel.from_pretrained(run)
    ratio = target["dxy_scale"] / 442.0
    torch.testing.assert_close(trainer.model.embed.proj.weight[:, 2:4],
                               pre.embed.proj.weight[:, 2:4] * ratio)  # fmt: skip
    trainer.fit()
    saved = json.loads((tmp_path / "ft" / "config.json").read_text())
    assert saved["stats"]["dxy_scale"] == target["dxy_scale"]


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_foundation_eval_script_predict_init_and_val(run, store, tmp_path):
    mod = _script("foundation_eval")
    init = tmp_path / "init"
    mod.main(["init", str(run), str(store), str(init), "--seed", "1"])
    model = TrajectoryModel.from_pretrained(init)
    assert model.config.stats == json.loads((store / "stats.json").read_text())
    assert (model.config.d_model, model.config.position_frame) == (32, "trajectory")
    out = tmp_path / "s.json"
    rec = mod.main(["predict", "--data", str(store), "--scratch", f"{init},{init}",
                    "--pretrained", f"{run},{run}", "--out", str(out)])  # fmt: skip
    d = rec["pretrained_minus_scratch"]
    assert d["lo"] <= d["diff"] <= d["hi"] and rec["scratch"]["std"] == 0.0
    assert d["diff"] == pytest.approx(rec["pretrained"]["mean"] - rec["scratch"]["mean"])
    assert len(json.loads(out.read_text())) == 1
    (tmp_path / "v" / "a").mkdir(parents=True)
    rows = [{"step": 1, "loss": 1.0}, {"step": 5, "val_ade_m": 9.0}, {"step": 9, "val_ade_m": 7.0}]
    (tmp_path / "v" / "a" / "metrics.jsonl").write_text("\n".join(map(json.dumps, rows)))
    assert mod.main(["val", str(tmp_path / "v")]) == {
        "a": {"best_val_ade_m": 7.0, "best_step": 9, "steps": 9}
    }


TINY_RECIPE = """
[model]
d_model = 16
n_layers = 1
n_heads = 2
max_len = 32
pos_type = "rope_time"
head = "gaussian"
position_frame = "trajectory"

[train]
batch_size = 8
max_len = 16
stride = 8
lr = 1e-3
warmup_steps = 1
eval_every = 2
eval_batches = 2
save_every = 4
select_max_traj = 20
cpu_threads = 1
"""


@pytest.mark.slow
def test_foundation_results_driver_smoke(store, tmp_path):
    """scripts/foundation_results.sh end to end in a few steps: every stage, both arms, the
    table with one row per task (the synthetic store stands in for Porto and GeoLife)."""
    import os
    import subprocess
    import sys

    from helpers import run_cli

    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY_RECIPE)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    pre = tmp_path / "pre"
    # the pre-training in this process (~2.5 CPU s of start-up less); the script runs apart
    run_cli(
        ["train", "--data", str(store), "--out", str(pre), "--config", str(cfg), "--max-steps", "4"]
    )
    env |= {"R": str(tmp_path / "r"), "O": str(tmp_path / "o"), "PY": sys.executable,
            "PRE": str(pre), "PORTO": str(store), "GEOLIFE": str(store), "CONFIG": str(cfg),
            "SEEDS": "0", "STEPS": "4", "TASK_STEPS": "2"}  # fmt: skip
    res = subprocess.run(["bash", str(ROOT / "scripts" / "foundation_results.sh"), "all"],
                         env=env, cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    scores = json.loads((tmp_path / "o" / "scores.json").read_text())
    assert [(r["task"], r["setting"]) for r in scores] == [
        ("predict", ""), ("predict", ""), ("recover", "random:0.5"),
        ("recover", "downsample:240"), ("tte", ""),
    ]  # fmt: skip
    for r in scores:
        assert len(r["pretrained"]["per_seed"]) == 1 and r["pretrained"]["mean"] > 0
    table = (tmp_path / "o" / "table.md").read_text()
    assert len(table.strip().splitlines()) == 7  # header, rule, one row per task
    assert "| tte |" in table and "recover (random:0.5)" in table
    saved = json.loads((tmp_path / "r" / "pre_porto_s0" / "config.json").read_text())
    assert (
        saved["stats"]["dxy_scale"] == json.loads((store / "stats.json").read_text())["dxy_scale"]
    )
    val = json.loads((tmp_path / "o" / "val.json").read_text())[0]
    assert {"scratch", "keep_1e-3", "refit_1e-3", "adapt_1e-3"} <= set(val)
    env |= {"SIM_EPOCHS": "1", "SIM_POINTS": "8", "MODES_EPOCHS": "1"}
    for stage in ("similarity", "modes"):
        res = subprocess.run(["bash", str(ROOT / "scripts" / "foundation_results.sh"), stage],
                             env=env, cwd=ROOT, capture_output=True, text=True)  # fmt: skip
        assert res.returncode == 0, res.stderr[-2000:]
    for d in ("geolife", "porto"):
        premise = json.loads((tmp_path / "o" / f"similarity-{d}" / "premise.json").read_text())
        assert premise["seeds"] == [0] and premise["mean rank"]["n"] > 0
    modes = json.loads((tmp_path / "o" / "modes-time" / "modes_summary.json").read_text())
    assert [(p["a"], p["b"]) for p in modes["paired"]] == [
        ("trajlm pre:full:64:linear", "trajlm scratch:full:64:linear"),
        ("trajlm pre:full:64:linear:adapt", "trajlm scratch:full:64:linear"),
        ("trajlm pre:full:64:linear:adapt", "trajlm pre:full:64:linear"),
    ]  # fmt: skip


def test_classifier_adapt_refits_the_step_scale_and_keeps_the_hidden_states(run, store):
    """ModelClassifier(refit_scales=...): the backbone takes the train segments' step scale;
    "adapt" reads every window as the loaded checkpoint did, "refit" does not."""
    from trajlm.data.store import read_store
    from trajlm.tasks.classify import ModelClassifier
    from trajlm.tasks.embed import pooled_hidden, segment_windows

    train = read_store(store, split="train").drop("split")
    own = NormStats.fit(train.sort(["traj_id", "t"])).dxy_scale
    assert own != pytest.approx(442.0, rel=0.05)  # the test needs a mismatch
    hidden, scale = {}, {}
    for mode in ("keep", "refit", "adapt"):
        clf = ModelClassifier(str(run), refit_scales=mode)
        model = clf._backbone(train).eval()
        scale[mode] = model.config.stats["dxy_scale"]
        batch, _, _ = segment_windows(train, model, 32)
        with torch.no_grad():
            hidden[mode] = pooled_hidden(model, batch)[0].numpy()
        assert (getattr(clf, "base_", None) is None) == (mode != "keep")  # saved as a copy
    assert scale == {"keep": 442.0, "refit": pytest.approx(own), "adapt": pytest.approx(own)}
    np.testing.assert_allclose(hidden["adapt"], hidden["keep"], rtol=1e-4, atol=1e-4)
    assert np.abs(hidden["refit"] - hidden["keep"]).max() > 1e-3
    with pytest.raises(ValueError, match="refit_scales"):
        ModelClassifier(str(run), refit_scales="fit")


def test_foundation_eval_rows_for_similarity_and_modes(tmp_path):
    """`foundation_eval.py rows`: the similarity and modes rows from the stages' JSON."""
    fe = _script("foundation_eval")
    sim = tmp_path / "similarity-geolife"
    sim.mkdir()
    premise = {"seeds": [0, 1], "n_points": 32}
    for metric in ("mean rank", "top-1 (%)", "top-5 (%)"):
        premise[metric] = {"diff": 0.5, "lo": 0.25, "hi": 0.75, "rel": 0.5, "n": 3,
                           "random init": [1.0, 1.0], "pretrained": [1.25, 1.75]}  # fmt: skip
    (sim / "premise.json").write_text(json.dumps(premise))
    modes = tmp_path / "modes-time"
    modes.mkdir()
    y = ["bus", "car", "bus", "bike"]
    summary = {"split_by": "time", "scored_on": "test", "labels": y,
               "methods": {"trajlm pre:x": {"pred": [y, ["bus"] * 4]},
                           "trajlm scratch:x": {"pred": [["bus"] * 4, ["car"] * 4]}},
               "paired": [{"a": "trajlm pre:x", "b": "trajlm scratch:x", "diff": 0.5,
                           "lo": 0.25, "hi": 0.75, "rel": 1.0, "n": 4}]}  # fmt: skip
    (modes / "modes_summary.json").write_text(json.dumps(summary))
    lines = fe.rows_of(tmp_path).splitlines()
    assert len(lines) == 4
    assert lines[0] == ("| similarity, + contrastive | geolife (3 queries, 2 seeds) | mean rank | "
                        "1.00 ± 0.00 | 1.50 ± 0.35 | +0.50 (+0.25 to +0.75) | +50.0% |")  # fmt: skip
    # pre: accuracy 100 and 50 %, macro-F1 100 and 22.2 % (the 3 true classes); scratch 50, 25 %
    assert "| 37.5 ± 17.7 / 17.8 ± 6.3 |" in lines[3]
    assert "| 75.0 ± 35.4 / 61.1 ± 55.0 | +50.0 pp (+25.0 to +75.0) | +100.0% |" in lines[3]
    assert lines[3].startswith("| modes (pre:x vs scratch:x) | GeoLife time split, test (4 ")
