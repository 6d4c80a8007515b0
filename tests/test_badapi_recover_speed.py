"""recover()'s bridge builds its pseudo-trajectories as arrays and one table per rollout chunk
(badapi item 2: a Polars DataFrame per gap side was a third of the time). The table the model
reads is the one the per-gap frames made, so the recovered points are identical
(tasks/recover_rollouts.frames_table since tidy28's split; it was recover_bridge._chunk)."""

from __future__ import annotations

import numpy as np
import polars as pl
from helpers import STATS

from trajlm.data.features import LocalProjection
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks import recover_rollouts
from trajlm.tasks.recover_bridge import bridge_xy
from trajlm.tasks.recover_rollouts import frames_table


def _frames(rng: np.random.Generator) -> list[tuple]:
    out = []
    for i in range(7):
        n = int(rng.integers(2, 9))
        t = 1_710_750_600 + np.cumsum(rng.integers(1, 30, n))
        out.append(
            (2 * i + i % 2, t, 41.15 + rng.normal(0, 1e-3, n), -8.61 + rng.normal(0, 1e-3, n))
        )
    return out


def _old_chunk(frames: list[tuple]) -> pl.DataFrame:
    """What the bridge built before: one DataFrame per gap side, concatenated."""
    return pl.concat([pl.DataFrame({"traj_id": f[0], "t": f[1], "lat": f[2], "lon": f[3]})
                      for f in frames])  # fmt: skip


def test_chunk_is_the_table_the_per_gap_frames_made():
    frames = _frames(np.random.default_rng(0))
    old, new = _old_chunk(frames), frames_table(frames)
    assert new.columns == old.columns and new.schema["t"] == old.schema["t"]
    assert new.equals(old.with_columns(pl.col("traj_id").cast(pl.Int64)))  # ids: Int64 now


def test_bridge_recovers_the_same_points_as_the_per_gap_frames(monkeypatch):
    rng = np.random.default_rng(1)
    P, groups = 60, np.repeat(np.arange(3), 20)
    t = np.tile(np.arange(20) * 15, 3).astype(np.int64) + 1_710_750_600
    xy = np.cumsum(rng.normal(0, 20, (P, 2)), 0)
    known = np.ones(P, bool)
    known[[5, 6, 12, 25, 33, 47, 52]] = False
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16, stats=STATS)
    import torch

    torch.manual_seed(0)
    model = TrajectoryModel(cfg).eval()
    proj = LocalProjection(41.15, -8.61)
    with torch.inference_mode():
        a = bridge_xy(model, xy, t, known, groups, proj)
        monkeypatch.setattr(recover_rollouts, "frames_table", _old_chunk)
        b = bridge_xy(model, xy, t, known, groups, proj)
    assert np.isfinite(a).all()
    np.testing.assert_array_equal(a, b)
