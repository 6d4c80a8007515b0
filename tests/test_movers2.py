"""Session 16 (movers2), item 1: a next-point run whose loss can use no train step (every
step beyond the model's max_step_norm, e.g. a 5-s pretrained model fine-tuned on 6-hourly
storms) is refused in one line naming the cause, not trained on a silent 0 loss; a model
trained on the slow store itself trains."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.data.ingest import synth_store
from trajlm.data.store import load_stats, write_store
from trajlm.errors import TrajlmInputError
from trajlm.finetune.trainer import finetune_next_point
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.train.step_check import check_next_point_steps, usable_steps
from trajlm.train.trainer import TrainConfig

TINY = dict(d_model=16, n_layers=2, n_heads=2, max_len=32, pos_type="rope")


def _slow_points(n: int, every_s: float, seed: int, prefix: str = "s") -> pl.DataFrame:
    """n trajectories of 20 fixes `every_s` apart, ~30 km a step heading north-east."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        t0 = 1_700_000_000 + k * 86_400
        lat, lon = 20.0 + rng.normal(0, 1), -60.0 + rng.normal(0, 1)
        for i in range(20):
            rows.append((f"{prefix}{k}", int(t0 + i * every_s), lat, lon))
            lat, lon = lat + 0.2 + rng.normal(0, 0.03), lon + 0.2 + rng.normal(0, 0.03)
    return pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon"], orient="row")


def _cfg(**kw) -> TrainConfig:
    base = dict(max_steps=4, batch_size=4, max_len=16, shuffle_buffer=8, lr=3e-3,
                warmup_steps=1, eval_every=2, eval_batches=2, save_every=100, log_every=1,
                progress=False, cpu_threads=1)  # fmt: skip
    return TrainConfig(**(base | kw))


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """fast: a synthetic city (seconds apart); pre: a tiny trajectory-frame model with its
    scales (a fine-tune keeps its time scale); slow: 6-hourly fixes; mixed: 75 % of its
    trajectories 6-hourly, 25 % 10 s apart."""
    d = tmp_path_factory.mktemp("movers2")
    synth_store(d / "fast", n_trajectories=30, seed=1, overwrite=False)
    torch.manual_seed(0)
    cfg = ModelConfig(**TINY, position_frame="trajectory")
    cfg.stats = load_stats(d / "fast").to_dict()
    TrajectoryModel(cfg).save_pretrained(d / "pre")
    write_store(_slow_points(40, 6 * 3600, 0), d / "slow")
    first = {c: pl.col(c).first().over("traj_id") for c in ("lat", "lon")}
    fast = _slow_points(10, 10, 1, "f").with_columns(  # 10 s apart, ~30 m a step
        **{c: first[c] + (pl.col(c) - first[c]) / 1000 for c in ("lat", "lon")}
    )
    write_store(pl.concat([_slow_points(30, 6 * 3600, 2), fast]), d / "mixed")
    return d


def test_finetune_on_slow_store_is_refused_in_one_line(env, tmp_path):
    with pytest.raises(TrajlmInputError) as e:
        finetune_next_point(env / "pre", env / "slow", tmp_path / "ft", mode="full",
                            max_steps=4, train_config=_cfg())  # fmt: skip
    msg = str(e.value)
    assert "every train step" in msg and "time steps (median 21,600 s)" in msg, msg
    assert "max_step_norm" in msg and "trajlm train" in msg, msg
    assert "\n" not in msg


def test_finetune_on_the_models_own_sampling_trains(env, tmp_path):
    s = finetune_next_point(env / "pre", env / "fast", tmp_path / "ft", mode="full",
                            max_steps=4, train_config=_cfg())  # fmt: skip
    assert all(r["loss"] != 0.0 for r in s["log"])


def test_a_model_trained_on_the_slow_store_uses_every_step_and_trains(env, tmp_path):
    s = finetune_next_point(None, env / "slow", tmp_path / "scratch", max_steps=4,
                            train_config=_cfg(), model_config=ModelConfig(**TINY))  # fmt: skip
    assert s["log"] and all(r["loss"] != 0.0 for r in s["log"])
    assert s["best_step"] is not None  # a val score: val windows are usable too
    mc = ModelConfig(**TINY)
    mc.stats = load_stats(env / "slow").to_dict()
    c = usable_steps(TrajectoryModel(mc), env / "slow", 16)
    assert c["steps"] > 0 and c["usable"] == c["steps"]


def test_mostly_unusable_steps_warn_once_naming_the_cause(env):
    from trajlm.train.pretrained import load_pretrained

    model = load_pretrained(env / "pre", env / "mixed")
    with pytest.warns(
        UserWarning,
        match=r"only \d+% of the train steps .*: time steps \(median 21,600 s\).* and steps",
    ) as w:
        c = check_next_point_steps(model, env / "mixed", 16, n_windows=200)
    assert 0 < c["usable"] < 0.5 * c["steps"]
    assert len([x for x in w if "train steps" in str(x.message)]) == 1
