"""anom35: `rollout_scores` gathers each batch's history windows on its own (not every
anchor's at once, ~0.7 GB at 10^6 rows) and the epoch unit of a numeric time column is told
from its min and max (not a Python list of every row); both give the same answers as before.
The before / after comparison on a 10^6-row trip is scripts/anom35/same.py."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

from trajlm.data.loader import gather_windows
from trajlm.reason.anomaly_scores import rollout_scores

T0 = 1_700_000_000


def _model():
    import torch

    from trajlm.data.features import NormStats
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    stats = NormStats(45.07, 7.69, (0.0, 0.0), 500.0, 60.0, 15.0, 7.0).to_dict()
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, pos_type="rope_time",
                      stats=stats)  # fmt: skip
    return TrajectoryModel(cfg).eval()


def _trips(n_traj: int = 3, n: int = 70, seed: int = 0) -> pl.DataFrame:
    """Wandering trips of different lengths (some shorter than the 24-point history)."""
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(n_traj):
        m = n - 25 * k
        parts.append(pl.DataFrame({
            "traj_id": f"tr{k}",
            "t": T0 + np.cumsum(rng.integers(3, 12, m)),
            "lat": 45.07 + np.cumsum(rng.normal(0, 1e-4, m)),
            "lon": 7.69 + np.cumsum(rng.normal(1e-4, 1e-4, m)),
        }))  # fmt: skip
    return pl.concat(parts)


def test_batch_gathers_are_the_one_gather_of_every_window():
    rng = np.random.default_rng(1)
    n = 200
    xy, t = rng.normal(0, 100, (n, 2)), np.cumsum(rng.integers(1, 9, n)).astype(np.int64)
    start = np.sort(rng.choice(n - 30, 60, replace=False))
    length = rng.integers(1, 25, 60)
    whole = gather_windows(xy, t, start, length, 24)
    for size in (1, 7, 60):
        parts = [gather_windows(xy, t, start[b : b + size], length[b : b + size], 24)
                 for b in range(0, 60, size)]  # fmt: skip
        for key, value in whole.items():
            joined = np.concatenate([p[key] for p in parts])
            assert joined.dtype == value.dtype and np.array_equal(joined, value), (size, key)


def test_rollout_feeds_the_model_the_rows_of_one_whole_gather(monkeypatch):
    """What the model sees, batch by batch, is the slice of the one gather of every anchor's
    window that the code before anom35 fed it: same inputs, same model, same scores."""
    import torch

    model, df = _model(), _trips()
    seen, real = [], model.generate

    def spy(batch, steps):
        seen.append({k: v.clone() for k, v in batch.items()})
        return real(batch, steps=steps)

    monkeypatch.setattr(model, "generate", spy)
    scores = rollout_scores(model, df, history=24, horizon=8, batch_size=7)
    # the anchors and windows as rollout_scores (before and after) defines them
    n_pts = df.group_by("traj_id", maintain_order=True).len()["len"].to_numpy().astype(np.int64)
    start = np.cumsum(n_pts) - n_pts
    local = np.arange(len(df)) - np.repeat(start, n_pts)
    anchors = np.flatnonzero((local >= 1) & (local < np.repeat(n_pts - 1, n_pts)))
    H = min(24, model.config.max_len - 8 - 2)
    w_start = np.maximum(anchors - H + 1, anchors - local[anchors])
    x, y = model.stats.projection.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    whole = gather_windows(np.stack([x, y], 1), df["t"].to_numpy().astype(np.int64),
                           w_start, anchors - w_start + 1, H)  # fmt: skip
    assert len(seen) == -(-len(anchors) // 7) and np.isfinite(scores[anchors]).all()
    for b, batch in enumerate(seen):
        for key, value in whole.items():
            assert torch.equal(batch[key], torch.from_numpy(value[7 * b : 7 * b + 7])), (b, key)


@pytest.mark.parametrize(
    "values",
    [
        [1_700_000_000, 1_700_000_005],  # seconds
        [1_700_000_000_000, 1_700_000_005_000],  # milliseconds
        [1.7e15, float("nan"), 1.7000000005e15, None],  # microseconds, NaN and null skipped
        [1_700_000_000_000_000_000, 1_700_000_000_000_000_001],  # nanoseconds past 2^53
        [1_700_000_000, 1_700_000_000_000],  # two units: none
        [0, 5, 10],  # an elapsed counter: none
        [7_000_000_000_000_000_000, 8_000_000_000_000_000_000],  # past 2100 in every unit
    ],
)
def test_epoch_unit_by_its_extremes_is_the_unit_by_every_value(values):
    from trajlm.data.coerce_epochs import series_unit_by_size
    from trajlm.data.readers._epoch_size import unit_by_size

    s = pl.Series("t", values, strict=False)
    v = s.drop_nulls()
    v = v.filter(v.is_finite()) if s.dtype.is_float() else v
    every = unit_by_size(v.to_list())  # the rule over every value, as before anom35
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the "read as Unix milliseconds" notice
        try:
            got = series_unit_by_size(s, "t")
        except Exception as e:  # mixed units: refused in one line, as before
            assert every is None and "unit" in str(e).lower()
            return
    assert got == (None if every in (None, "unix") else every.removeprefix("unix_"))
