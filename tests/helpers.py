"""Helpers shared by several test files (pytest puts tests/ on sys.path)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
import torch

from trajlm.data.schema import data_root

ROOT = data_root()

# Normalization statistics of a Porto-like city, for tiny models built without data.
STATS = {
    "lat0": 41.15,
    "lon0": -8.61,
    "xy_mean": [120.0, -40.0],
    "xy_scale": 800.0,
    "dxy_scale": 40.0,
    "dt_mean": 15.0,
    "dt_scale": 4.0,
    "n_points": 0,
}


def need(*parts: str) -> Path:
    """A path under the shared real-data folder, or skip the test with the reason."""
    path = ROOT.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data slice {path} not present (set TRAJLM_DATA)")
    return path


def utc(s: str) -> int:
    """ISO time without offset, read as UTC -> Unix seconds."""
    return int(datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp())


def make_batch(B: int = 3, T: int = 12, lengths=(12, 7, 3), seed: int = 0) -> dict:
    """A right-padded random-walk loader batch (metres, seconds since window start)."""
    g = torch.Generator().manual_seed(seed)
    pos = (torch.randn(B, T, 2, generator=g) * 30).cumsum(1)
    t = (10 + 10 * torch.rand(B, T, generator=g)).cumsum(1) - 10
    mask = torch.arange(T)[None] < torch.tensor(lengths)[:, None]
    return {"pos": pos, "t": t, "t0": torch.full((B,), 1_700_000_000), "mask": mask}


def exact_tracks(df: pl.DataFrame, truth: dict[str, list]) -> None:
    """Assert ``df`` holds exactly the tracks of ``truth`` (name -> [(t, lat, lon), ...]): as many
    rows and trajectories, each track's times as given and its positions within 1e-6 degrees."""
    assert len(df) == sum(map(len, truth.values()))
    assert df["traj_id"].n_unique() == len(truth)
    for pts in truth.values():
        got = df.filter(pl.col("t") == pts[0][0])
        tid = got.filter((pl.col("lat") - pts[0][1]).abs() < 1e-6)["traj_id"][0]
        rows = df.filter(pl.col("traj_id") == tid).sort("t")
        assert rows["t"].to_list() == [p[0] for p in pts]
        assert max(abs(a - p[1]) + abs(b - p[2]) for a, b, p in zip(rows["lat"], rows["lon"], pts, strict=True)) < 1e-6  # fmt: skip
