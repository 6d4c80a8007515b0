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


def test_the_format_hint_names_a_keyword_python_takes(tmp_path) -> None:
    import trajlm
    from trajlm.errors import TrajlmInputError

    odd = tmp_path / "trips.dat"  # a CSV under a name that tells nothing
    odd.write_text("id,time,lat,lon\n" + "".join(f"a,{1772323200 + 10 * i},41.15,{-8.61 + 1e-4 * i}\n" for i in range(5)))  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"trajlm\.read\(path, format=\.\.\.\)") as e:
        trajlm.read(odd)
    assert "format= in Python" not in str(e.value)  # was: a keyword nothing took
    got = trajlm.read(odd, format="csv")  # the hint's keyword, taken
    assert got.height == 5 and got["lat"][0] == pytest.approx(41.15)
    with pytest.raises(TrajlmInputError, match="unknown format 'cvs'; give one of porto"):
        trajlm.read(odd, format="cvs")
