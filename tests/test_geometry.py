"""One home for geometry and time helpers (trajlm.data.geometry): the copies that used to live
in clean.py, metrics.py, features.py and the protocol now import these."""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data import clean, features, metrics, protocol_tasks
from trajlm.data import geometry as G


def test_the_old_homes_use_the_one_helper():
    assert metrics.haversine is G.haversine and clean.haversine_m is G.haversine_m
    assert features.cyclic_time is G.cyclic_time and features.EARTH_RADIUS_M == G.EARTH_RADIUS_M
    assert protocol_tasks.trajectory_offsets is G.trajectory_offsets


def test_numpy_and_polars_haversine_agree():
    rng = np.random.default_rng(0)
    lat1, lat2 = rng.uniform(-80, 80, 50), rng.uniform(-80, 80, 50)
    lon1, lon2 = rng.uniform(-180, 180, 50), rng.uniform(-180, 180, 50)
    df = pl.DataFrame({"a": lat1, "b": lon1, "c": lat2, "d": lon2})
    expr = G.haversine_m(pl.col("a"), pl.col("b"), pl.col("c"), pl.col("d"))
    np.testing.assert_allclose(df.select(expr).to_series().to_numpy(),
                               G.haversine(lat1, lon1, lat2, lon2), rtol=1e-12)  # fmt: skip


def test_trajectory_offsets_of_a_sorted_table():
    df = pl.DataFrame({"traj_id": ["a", "a", "a", "b", "c", "c"], "t": [0, 1, 2, 0, 0, 1]})
    start, length = G.trajectory_offsets(df)
    assert start.tolist() == [0, 3, 4] and length.tolist() == [3, 1, 2]
    start, length = G.trajectory_offsets(df.head(0))
    assert start.tolist() == [] and length.tolist() == []
