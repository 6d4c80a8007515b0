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
