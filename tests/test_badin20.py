"""Session 20 (badin20): hostile inputs to session 20's new readers and std_m calibration.
Generators in the file; every test fails on main at 94ffc0f (docs/reliability.md)."""

from __future__ import annotations

import zipfile

import numpy as np
import polars as pl
import pytest

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = "2026-03-18 08:00:00"


def _gdf(n: int = 12):
    gpd = pytest.importorskip("geopandas")
    pd = pytest.importorskip("pandas")
    from shapely.geometry import Point

    t = pd.Timestamp(T0, tz="UTC")
    rows = [
        {"track_id": i, "time": t + pd.Timedelta(seconds=15 * k), "geometry": Point(-8.61 + 3e-4 * k, 41.15 + 2e-4 * k)}
        for i in ("a", "b")
        for k in range(n)
    ]  # fmt: skip
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def test_shapefile_prj_in_metres_beside_degrees_is_refused(tmp_path):
    """A `.prj` of UTM 29N beside coordinates in degrees: stored at (0.0004, -13.49), with only
    "reprojected to WGS 84" said."""
    g = _gdf()
    g.to_file(tmp_path / "fixes.shp")
    (tmp_path / "fixes.prj").write_text(g.to_crs(32629).crs.to_wkt("WKT1_ESRI"))
    with pytest.raises(TrajlmInputError, match=r"fixes\.shp.*look like WGS84 degrees.*\.prj"):
        read(tmp_path / "fixes.shp")


def test_zipped_shapefile_in_a_subfolder(tmp_path):
    """`export/tracks/fixes.shp` inside the zip: "not a readable GIS file" (GDAL's root only)."""
    g = _gdf()
    (d := tmp_path / "shp").mkdir()
    g.to_file(d / "fixes.shp")
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as z:
        for f in d.iterdir():
            z.write(f, "export/tracks/" + f.name)
    df, _ = read(tmp_path / "export.zip")
    assert df.height == len(g) and df["traj_id"].n_unique() == 2
    assert abs(df["lat"].max() - 41.15 - 11 * 2e-4) < 1e-9


def test_empty_geopackage_layer_says_empty(tmp_path):
    """A GeoPackage whose one timed point layer has no feature: "lines and polygons have no
    time per vertex" before."""
    _gdf().iloc[:0].to_file(tmp_path / "fixes.gpkg", layer="fixes")
    with pytest.raises(
        TrajlmInputError, match=r"fixes\.gpkg: no features: the layer \['fixes'\] is empty"
    ):
        read(tmp_path / "fixes.gpkg")


def test_cv_spread_ignores_a_glitch_fix_in_the_history():
    """One 5-degree glitch in the middle of a clean 15-s track: std_m was 162 km at +30 s and
    1,428 km at +600 s through cv_spread's RMS and mean speed."""
    from trajlm.eval.dead_reckoning_spread import cv_spread

    n = 20
    lat = 41.15 + 2e-4 * np.arange(n)
    clean = pl.DataFrame(
        {
            "traj_id": ["a"] * n,
            "t": 15.0 * np.arange(n),
            "lat": lat,
            "lon": -8.61 + 3e-4 * np.arange(n),
        }
    )
    glitch = clean.with_columns(pl.Series("lat", np.where(np.arange(n) == 9, lat + 5.0, lat)))
    ahead = np.array([[30.0, 600.0]])
    a, b = cv_spread(clean, ahead), cv_spread(glitch, ahead)
    assert np.all(np.isfinite(b)) and np.all(b >= 0)
    assert np.allclose(a, b, rtol=0.2, atol=2.0), (a, b)


def test_prj_beside_a_csv_is_read_by_readers_read(tmp_path):
    """`cabs.csv` (WKT in UTM) + `cabs.prj`: `trajlm data ingest` read the .prj, `readers.read`
    (Python, `predict --input`) said "look projected"; a damaged .prj was not named."""
    g = _gdf().to_crs(32629)
    g.assign(geometry=g.geometry.to_wkt()).to_csv(tmp_path / "cabs.csv", index=False)
    (tmp_path / "cabs.prj").write_text(g.crs.to_wkt("WKT1_ESRI"))
    with pytest.warns(UserWarning, match="EPSG:32629, from the .prj"):
        df, _ = read(tmp_path / "cabs.csv")
    assert (
        df.height == 24
        and abs(df["lat"].min() - 41.15) < 1e-6
        and abs(df["lon"].min() + 8.61) < 1e-6
    )
    (tmp_path / "cabs.prj").write_text("not a CRS")
    with pytest.raises(TrajlmInputError, match=r"cabs\.prj: not a readable CRS"):
        read(tmp_path / "cabs.csv")


def test_suunto_samples_timed_by_time_iso8601(tmp_path):
    """The Suunto app's `Samples[].TimeISO8601` beside the SML sample (no `UTC` inside it):
    "keys name no time"."""
    import json
    import math

    samples = [
        {"TimeISO8601": f"2026-03-18T08:00:{k:02d}.000+00:00", "Attributes": {"suunto/sml": {"Sample": {
            "Latitude": math.radians(50.85 + 1e-4 * k), "Longitude": math.radians(4.35 + 1e-4 * k)}}}}
        for k in range(15)
    ]  # fmt: skip
    (p := tmp_path / "move.json").write_text(json.dumps({"Samples": samples}))
    df, _ = read(p)
    assert df.height == 15 and df["t"].min() == 1773820800
    assert abs(df["lat"].max() - 50.8514) < 1e-9 and abs(df["lon"].min() - 4.35) < 1e-9


def test_http_times_below_the_second_and_ns_as_text():
    """`seconds_ahead: [0.5]` on a track in whole seconds answered `t` floored (time was
    right); `at_times: ["1773900195000000000"]` (ns as text) was "divide by 1e9"."""
    from trajlm.serve import echo

    echo.reset()
    assert echo.t_out([1773900165, 1773900225, None], [1773900165.5, 1773900225.0, float("nan")]) == [
        1773900165.5, 1773900225, None]  # fmt: skip
    got, unit = echo.values_in_seconds(["1773900195000000000"], "at_times")
    assert unit == "unix_ns" and got == [1773900195.0]
    assert echo.values_in_seconds(["2026-03-19T06:03:15Z"], "at_times") == (
        ["2026-03-19T06:03:15Z"],
        None,
    )


def test_inject_names_a_wrong_option_and_says_when_nothing_was_injected():
    """`inject_anomalies(df, traj_id=...)` was InjectConfig's TypeError; 2-point trips with
    fraction=0.5 came back all "normal" without a word."""
    pd = pytest.importorskip("pandas")
    from trajlm.reason import inject_anomalies

    df = pd.DataFrame({"trip": ["a", "a", "b", "b"], "when": pd.to_datetime([0, 15, 0, 15], unit="s", utc=True),
                       "lat": [41.15, 41.151, 41.15, 41.151], "lon": -8.61})  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"unknown option\(s\) \['traj_id'\].*traj_col"):
        inject_anomalies(df, traj_id="trip")
    with pytest.warns(UserWarning, match="nothing injected"):
        _, labels = inject_anomalies(df, traj_col="trip", time_col="when", fraction=0.5)
    assert (labels["anomaly_type"] == "normal").all()


def test_http_ms_times_with_one_zero_name_the_zero():
    """One `t: 0` among ms times was "these look like milliseconds: divide by 1000" (they are
    milliseconds; the 0 is the time to fix)."""
    from trajlm.serve import echo

    t = np.array([0.0, 1773900015000.0, 1773900030000.0])
    with pytest.raises(
        TrajlmInputError, match=r"\[0\]\.t \(0\) is no 1990-2100 date in any unit.*milliseconds"
    ):
        echo.to_seconds(t, "trajectories", lambda i: f"trajectories[{i}].t")


def test_zipped_shapefiles_in_two_folders_are_one_line(tmp_path):
    """Shapefiles in two folders of one zip: GDAL read the root's alone or said "not
    recognized as being in a supported file format"."""
    g = _gdf()
    (d := tmp_path / "shp").mkdir()
    g.to_file(d / "fixes.shp")
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as z:
        for f in d.iterdir():
            z.write(f, "a/" + f.name)
            z.write(f, f.name)
    with pytest.raises(TrajlmInputError, match=r"two\.zip: shapefiles in 2 folders of the zip"):
        read(tmp_path / "two.zip")
