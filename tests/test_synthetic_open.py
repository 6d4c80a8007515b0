"""The open-road motion generator (trajlm/data/synthetic_open.py) and its corpus format."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.corpus import CorpusSource
from trajlm.data.synthetic_open import OpenMotionConfig, generate_open_motion


def _xy(g: pl.DataFrame) -> np.ndarray:
    lat, lon = g["lat"].to_numpy(), g["lon"].to_numpy()
    return np.stack(
        [(lon - lon[0]) * 111_320 * np.cos(np.radians(lat[0])), (lat - lat[0]) * 111_320], 1
    )


def test_same_seed_same_table_and_canonical_columns():
    a = generate_open_motion(n_trajectories=12, seed=3)
    assert a.equals(generate_open_motion(n_trajectories=12, seed=3))
    assert not a.equals(generate_open_motion(n_trajectories=12, seed=4))
    assert a.columns[:4] == ["traj_id", "t", "lat", "lon"] and a["traj_id"].n_unique() == 12
    lens = a.group_by("traj_id").len()["len"]
    assert lens.min() >= 24 and lens.max() <= 120
    assert (a.group_by("traj_id").agg(pl.col("t").diff().min())["t"] >= 1).all()  # times rise


def test_trips_follow_their_own_physics():
    """Per-trip sampling and speed ranges are honoured; a ruler-straight, noise-free trip
    keeps its heading (what the city generator never shows)."""
    df = generate_open_motion(n_trajectories=30, seed=0, sample_interval_s=(20.0, 20.0),
                              speed_mps=(10.0, 10.0), gps_noise_m=(0.01, 0.01),
                              turn_rate_deg_s=(1e-4, 1e-4), p_stop=0.0, speed_changes_per_h=0.0,
                              outlier_rate=0.0)  # fmt: skip
    for _, g in df.group_by("traj_id"):
        dt = np.diff(g["t"].to_numpy())
        assert 17 <= dt.min() and dt.max() <= 23
        d = np.diff(_xy(g), axis=0)
        speed = np.linalg.norm(d, axis=1) / dt
        assert np.allclose(speed, 10.0, rtol=0.02)
        heading = np.unwrap(np.arctan2(d[:, 1], d[:, 0]))
        assert np.ptp(heading) < 0.05  # straight


def test_bad_ranges_are_refused():
    with pytest.raises(ValueError, match="speed_mps"):
        OpenMotionConfig(speed_mps=(10.0, 1.0))
    with pytest.raises(ValueError, match="min_points"):
        OpenMotionConfig(min_points=1)


def test_corpus_source_needs_no_path():
    src = CorpusSource(name="open", format="synthetic_open", city={"n_trajectories": 5})
    assert src.path == []
    with pytest.raises(ValueError, match="needs a path"):
        CorpusSource(name="x", format="csv")
