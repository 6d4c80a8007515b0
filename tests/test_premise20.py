"""Masked / span pretraining with the trip-level InfoNCE term (session 20, issue 14's recovery
premise): MaskedMixTripContrast (trajlm/train/objectives.py) and the val-stage script
scripts/premise20_sim.py's pieces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from trajlm.data.ingest import synth_store
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.objectives.trip_contrast import TripContrastConfig, trip_contrast_loss
from trajlm.train.objectives import (
    MaskedMix,
    MaskedMixTripContrast,
    Objective,
    ObjectiveMix,
    objective_loss,
    step_generator,
)
from trajlm.train.trainer import TrainConfig, Trainer

STATS = {"lat0": 41.15, "lon0": -8.61, "xy_mean": [0.0, 0.0], "xy_scale": 800.0,
         "dxy_scale": 40.0, "dt_mean": 15.0, "dt_scale": 4.0, "n_points": 0}  # fmt: skip
# the tiny synthetic store is meant to be small: its "few val trajectories" note is expected
pytestmark = pytest.mark.filterwarnings("ignore:.*val trajectories:UserWarning")


def _tiny() -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=32, n_layers=2, n_heads=4, max_len=64, stats=STATS,
                      pos_type="rope_time", infill_heads=True, dropout=0.0)  # fmt: skip
    return TrajectoryModel(cfg)


def _batch(B: int = 6, T: int = 20, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    pos = (torch.randn(B, T, 2, generator=g) * 30).cumsum(1)
    t = (10 + 10 * torch.rand(B, T, generator=g)).cumsum(1) - 10
    n = torch.tensor([20, 18, 15, 12, 9, 2][:B])
    mask = torch.arange(T)[None] < n[:, None]
    return {"pos": pos * mask[..., None], "t": t * mask, "t0": torch.full((B,), 1_700_000_000),
            "mask": mask}  # fmt: skip


@pytest.mark.parametrize("name", ["causal", "points", "spans"])
def test_loss_is_the_mix_draw_plus_weighted_infonce_from_one_generator(name):
    model, batch = _tiny(), _batch()
    mix = ObjectiveMix.from_dict({name: 1.0})
    obj = MaskedMixTripContrast(mix, TripContrastConfig(weight=0.5), seed=4)
    assert isinstance(obj, Objective) and isinstance(obj, MaskedMix)
    loss, logs = obj.loss(model, batch, step=3)
    # the same draws by hand: the mix first, then the views, from step_generator(4, 3)
    g = step_generator(4, 3)
    ref, parts = objective_loss(model, batch, mix, g)
    c, clogs = trip_contrast_loss(model, batch, obj.cfg, g)
    assert logs["objective"] == parts["objective"] == name
    assert float(loss.detach()) == pytest.approx(
        float(ref.detach()) + 0.5 * float(c.detach()), rel=1e-5
    )
    assert logs["contrast"] == pytest.approx(clogs["contrast"], rel=1e-5)
    assert 0.0 <= logs["contrast_top1"] <= 1.0
    loss.backward()
    grads = [p.grad for p in model.blocks.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(x).all() for x in grads)
    again, _ = obj.loss(model, batch, step=3)  # a resumed run draws the same masks and views
    assert float(again.detach()) == float(loss.detach())


def test_one_window_leaves_only_the_mix_loss():
    model, batch = _tiny(), _batch(B=1)
    mix = ObjectiveMix.from_dict({"points": 1.0})
    loss, logs = MaskedMixTripContrast(mix, seed=0).loss(model, batch, 0)
    ref, _ = objective_loss(model, batch, mix, step_generator(0, 0))
    assert "contrast" not in logs and float(loss.detach()) == pytest.approx(float(ref.detach()))


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("store") / "synth"
    synth_store(out, n_trajectories=80, seed=2)
    return out


def test_trainer_builds_infill_heads_and_logs_both_terms(store, tmp_path):
    mix = ObjectiveMix.from_dict({"causal": 1.0, "points": 1.0, "spans": 1.0})
    cfg = TrainConfig(batch_size=4, max_len=16, shuffle_buffer=8, lr=3e-3, warmup_steps=2,
                      eval_every=0, log_every=1, progress=False, cpu_threads=1, max_steps=6,
                      save_every=6)  # fmt: skip
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=24, pos_type="rope_time")
    obj = MaskedMixTripContrast(mix, TripContrastConfig(), seed=0)
    Trainer(store, tmp_path / "run", mc, cfg, objective=obj).fit()
    assert json.loads((tmp_path / "run" / "config.json").read_text())["infill_heads"] is True
    rows = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").open()]
    rows = [r for r in rows if "objective" in r]
    assert rows and all("contrast" in r for r in rows)
    assert {r["objective"] for r in rows} <= {"causal", "points", "spans"}


def test_pretrain_script_reads_the_mix_of_a_recipe(store, tmp_path):
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / "similarity_pretrain.py"
    spec = importlib.util.spec_from_file_location("similarity_pretrain", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    recipe = tmp_path / "mix.toml"
    recipe.write_text("[train.objectives]\ncausal = 1.0\nspans = 1.0\n")
    mod.CONFIG = tmp_path / "model.toml"  # a tiny architecture in place of pretrain_model.toml
    mod.CONFIG.write_text(
        '[model]\nd_model = 16\nn_layers = 1\nn_heads = 2\nmax_len = 24\npos_type = "rope_time"\n'
        "[train]\nbatch_size = 4\nmax_len = 16\neval_every = 0\ncpu_threads = 1\n"
    )
    out = tmp_path / "pre"
    mod.main(["pretrain", "--corpus", str(store), "--out", str(out), "--steps", "3",
              "--mix", str(recipe)])  # fmt: skip
    saved = json.loads((out / "train_config.json").read_text())
    assert json.loads((out / "config.json").read_text())["infill_heads"] is True
    assert (out / "trip_contrast.json").exists() and saved["max_steps"] == 3


def _script(name: str):
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_transfer_corpus_refuses_an_unknown_shared_source(tmp_path):
    mod = _script("premise20_transfer")
    with pytest.raises(SystemExit, match="no \\[\\[source\\]\\] 'nosuch'"):
        mod.build([], ["nosuch"], tmp_path, tmp_path / "corpus")


def test_recovery_linear_baseline_is_exact_on_constant_velocity_and_not_on_turns():
    import numpy as np
    import polars as pl

    from trajlm.data.protocol_tasks import make_recovery_task

    mod = _script("premise20_recover")
    t = 1_700_000_000 + 15 * np.arange(21)
    straight = pl.DataFrame({"traj_id": "a", "t": t, "lat": 41.15 + 1e-4 * np.arange(21),
                             "lon": -8.61 + 2e-4 * np.arange(21)})  # fmt: skip
    turn = straight.with_columns(pl.Series("traj_id", ["b"] * 21),
                                 pl.Series("lon", -8.61 + 2e-4 * np.abs(np.arange(21) - 10)))  # fmt: skip
    df = pl.concat([straight, turn])
    task = make_recovery_task(df, mode="random", ratio=0.5, seed=0)
    err = mod.linear_errors(task, df)
    assert err.shape == (2,) and err[0] < 0.05 and err[1] > 1.0  # metres
