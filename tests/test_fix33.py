"""Session 33 (fix33): badin33's and heldout33's leftovers, each a small general fix
(docs/reliability.md "Session 33 (fix33)"). Each test failed on main 6a10fe1e."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

T0 = pd.Timestamp("2026-01-01 08:00", tz="UTC")


def _east(n: int = 40) -> pd.DataFrame:
    """A car driving east in Porto, a fix every 5 s at ~10 m/s."""
    return pd.DataFrame({"trip_id": "car", "t": [T0 + pd.Timedelta(seconds=5 * i) for i in range(n)],
                         "lat": 41.15, "lon": -8.61 + 6e-4 * np.arange(n)})  # fmt: skip


def test_reach_reads_a_geodataframe_of_stops_in_its_own_crs(small) -> None:
    gpd = pytest.importorskip("geopandas")
    stops = pd.DataFrame({"stop_id": ["A", "B"], "lat": [41.15, 41.18], "lon": [-8.583, -8.58]})
    gdf = gpd.GeoDataFrame(stops[["stop_id"]], crs=4326,
                           geometry=gpd.points_from_xy(stops.lon, stops.lat)).to_crs(3763)  # fmt: skip
    got = small.reach(_east(), to=gdf, radius_m=80, horizon_s=300)  # was: "no lat column"
    want = small.reach(_east(), to=stops, radius_m=80, horizon_s=300)
    assert list(got["stop_id"]) == ["A", "B"] and "geometry" not in got.columns
    np.testing.assert_allclose(got["target_lat"], stops["lat"], atol=1e-7)
    assert list(got["reached"]) == list(want["reached"])
