"""Session 20 (heldout20): a new user's first model is never kept worse than constant velocity
on val. A residual-on-constant-velocity model's starting weights are constant velocity; the
Trainer scores them on val too (without moving the training RNG), and the run summary puts the
kept model beside constant velocity on the same val trips, warning when it is the worse."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import torch

from trajlm.data.ingest import synth_store
from trajlm.model import ModelConfig
from trajlm.train.config import TrainConfig
from trajlm.train.trainer import Trainer
from trajlm.train.validation import starts_as_physics

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("h20") / "synth"
    synth_store(out, n_trajectories=40, seed=3)
    return out


def _model(residual: str = "constant_velocity") -> ModelConfig:
    return ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, residual_base=residual)


def _train(store: Path, run: Path | None, mc: ModelConfig, **kw) -> tuple[Trainer, dict]:
    base = dict(max_steps=6, batch_size=4, max_len=16, eval_every=3, eval_batches=2,
                save_every=100, warmup_steps=1, progress=False, cpu_threads=1)  # fmt: skip
    tr = Trainer(store, run, mc, TrainConfig(**{**base, **kw}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = tr.fit()
    tr.caught = [str(w.message) for w in caught]
    return tr, summary


@pytest.mark.slow
def test_a_diverged_residual_run_keeps_the_physics_start(store: Path, tmp_path: Path) -> None:
    # lr 5: training wrecks the model; before session 20 RUN/best was the least bad wreck.
    tr, summary = _train(store, tmp_path / "run", _model(), lr=5.0)
    steps = [r["step"] for r in tr.history]
    assert steps[0] == 0, steps  # the starting weights were scored
    assert summary["best_step"] == 0
    cv = summary["val_ade_constant_velocity_m"]
    assert summary["best_val_ade_m"] == pytest.approx(cv, rel=0.02)
    assert summary["val_ade_vs_constant_velocity"] <= 1.02
    assert (tmp_path / "run" / "best" / "model.safetensors").exists()


@pytest.mark.slow
def test_the_step_zero_score_does_not_move_training(store: Path) -> None:
    # Same seed: scored from the start (val_ade_m) or not (val_loss), the weights end the same.
    a, _ = _train(store, None, _model(), select_on="val_ade_m")
    b, _ = _train(store, None, _model(), select_on="val_loss")
    assert a.history[0]["step"] == 0 and b.history[0]["step"] != 0
    sa, sb = a._raw_model().state_dict(), b._raw_model().state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.slow
def test_a_plain_model_worse_than_physics_is_said(store: Path) -> None:
    tr, summary = _train(store, None, _model("none"), lr=5.0)
    assert tr.history[0]["step"] != 0  # a plain model's start is noise: not a candidate
    ratio = summary["val_ade_vs_constant_velocity"]
    assert ratio > 1.0
    said = [m for m in tr.caught if "worse than constant velocity on val" in m]
    assert said and "configs/default.toml" in said[0], tr.caught


def test_the_default_recipe_parses_and_keeps_the_physics_floor() -> None:
    import tomllib

    from trajlm.train.defaults import DEFAULT_RECIPE, default_recipe

    cfg = tomllib.loads((ROOT / "configs" / "default.toml").read_text())
    assert cfg == DEFAULT_RECIPE  # the file a user reads is the recipe the package holds
    mc = ModelConfig.from_dict(cfg["model"])
    TrainConfig.from_dict(cfg["train"])
    assert mc.residual_base == "constant_velocity" and mc.coverage_gate == "speed"
    assert mc.backtest_gate > 0
    assert starts_as_physics(torch.nn.Linear(1, 1), True) is False
    fresh = default_recipe()
    fresh["model"]["d_model"] = 1
    assert DEFAULT_RECIPE["model"]["d_model"] == 64  # a copy, not the shared dict
