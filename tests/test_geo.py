"""Geo interop: CRS reprojection, metric planes, GeoPandas / GeoParquet / MovingPandas in and out."""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
import pytest
from helpers import need

pytest.importorskip("pyproj")
gpd = pytest.importorskip("geopandas")
pd = pytest.importorskip("pandas")
shapely = pytest.importorskip("shapely")

from trajlm.data import geo  # noqa: E402
from trajlm.data.coerce import to_canonical  # noqa: E402
from trajlm.data.coerce_out import from_canonical  # noqa: E402
from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.readers import ColumnMap, read  # noqa: E402
from trajlm.data.schema import TrajlmInputError  # noqa: E402

PORTO = (41.1496, -8.6110)  # lat, lon
T0 = 1_700_000_000


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """EPSG:3857 by its closed form (spherical Mercator, R = 6378137 m): a reference that is
    not pyproj."""
    r = 6_378_137.0
    return r * math.radians(lon), r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def table(n_traj: int = 3, n: int = 6, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_traj):
        lat = PORTO[0] + 0.001 * rng.standard_normal() + 0.0002 * np.arange(n)
        lon = PORTO[1] + 0.001 * rng.standard_normal() + 0.0003 * np.arange(n)
        rows.append(pl.DataFrame({"traj_id": [f"tr{i}"] * n, "t": T0 + 15 * np.arange(n) + 100 * i,
                                  "lat": lat, "lon": lon}))  # fmt: skip
    return pl.concat(rows)


# ---------------------------------------------------------------------------------- CRS


def test_reprojection_against_closed_form_mercator():
    x, y = mercator(*PORTO)
    lat, lon = geo.to_wgs84([x], [y], "EPSG:3857")
    assert abs(lat[0] - PORTO[0]) < 1e-6 and abs(lon[0] - PORTO[1]) < 1e-6
    bx, by = geo.from_wgs84([PORTO[0]], [PORTO[1]], 3857)
    assert abs(bx[0] - x) < 1e-3 and abs(by[0] - y) < 1e-3


def test_utm_29n_round_trip_and_range():
    x, y = geo.from_wgs84([PORTO[0]], [PORTO[1]], "EPSG:32629")
    # Porto lies ~0.4 deg east of UTM 29's central meridian (-9): easting just above 500 km
    assert 530_000 < x[0] < 535_000 and 4_550_000 < y[0] < 4_560_000
    lat, lon = geo.to_wgs84(x, y, "EPSG:32629")
    assert abs(lat[0] - PORTO[0]) < 1e-9 and abs(lon[0] - PORTO[1]) < 1e-9


def test_crs_names():
    for w in (None, 4326, "EPSG:4326", "WGS84", "epsg:4326", "OGC:CRS84"):
        assert geo.is_wgs84(w), w
    assert not geo.is_wgs84("EPSG:2100 (Greek Grid, metres)") and not geo.is_wgs84("EPSG:43260")
    assert geo.parse_crs("EPSG:2100 (Greek Grid, metres)") == "EPSG:2100"
    assert geo.crs_refusal("EPSG:2100 (Greek Grid)") is None
    assert "reprojected" in geo.crs_refusal("undocumented planar transform")


def test_projected_csv_is_reprojected_by_the_reader(tmp_path):
    df = table()
    xy = [mercator(a, b) for a, b in zip(df["lat"], df["lon"], strict=True)]
    path = tmp_path / "merc.csv"
    df.with_columns(northing=pl.Series([p[1] for p in xy]),
                    easting=pl.Series([p[0] for p in xy])).drop("lat", "lon").write_csv(path)  # fmt: skip
    cm = ColumnMap(traj_id="traj_id", t="t", time_format="unix", lat="northing", lon="easting",
                   crs="EPSG:3857")  # fmt: skip
    got, rep = read(path, "csv", columns=cm)
    assert rep.total == 0 and len(got) == len(df)
    assert np.abs(got["lat"].to_numpy() - df["lat"].to_numpy()).max() < 1e-6
    assert np.abs(got["lon"].to_numpy() - df["lon"].to_numpy()).max() < 1e-6


def test_projected_frame_without_crs_is_a_clear_error():
    pdf = pd.DataFrame({"tid": [1, 1], "time": [T0, T0 + 30], "lat": [4220330.6, 4220334.0],
                        "lon": [486050.8, 486033.3]})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="lat.*not a latitude.*crs="):
        to_canonical(pdf)


def test_mat_vehicles_readable_with_crs():
    """EPSG:2100 (Greek Grid) metres -> Athens; the times are elapsed seconds, so the user
    anchors them (MAT strips the dates)."""
    path = need("vehicles", "specific_train.csv")
    pdf = pd.read_csv(path, nrows=2000)
    pdf["time"] = pd.Timestamp("2002-01-01", tz="UTC") + pd.to_timedelta(pdf["time"], "s")
    df = to_canonical(pdf, crs="EPSG:2100")  # 'lat' holds the northing, 'lon' the easting
    assert df["lat"].is_between(37.8, 38.3).all() and df["lon"].is_between(23.4, 24.1).all()
    assert df["traj_id"].n_unique() == pdf["tid"].nunique() and "label" in df.columns
    back = from_canonical(df, like=pdf, crs="EPSG:2100")  # the caller's metres again
    src = pdf.sort_values(["tid", "time"], kind="stable")
    assert np.allclose(back["lat"].to_numpy(), src["lat"].to_numpy(), atol=1e-3)


# ------------------------------------------------------------------------- metric planes


def test_aeqd_is_exact_where_equirectangular_is_not():
    pyproj = pytest.importorskip("pyproj")
    lat0, lon0 = 25.0, -60.0  # a hurricane's Atlantic
    lat, lon = np.array([25.0, 40.0, 15.0]), np.array([-40.0, -60.0, -75.0])
    _, _, dist = pyproj.Geod(ellps="WGS84").inv(np.full(3, lon0), np.full(3, lat0), lon, lat)
    aeqd = geo.AeqdProjection(lat0, lon0)
    x, y = aeqd.forward(lat, lon)
    assert np.allclose(np.hypot(x, y), dist, rtol=1e-9)  # distances from the centre: exact
    back = aeqd.inverse(x, y)
    assert np.allclose(back[0], lat, atol=1e-9) and np.allclose(back[1], lon, atol=1e-9)
    ex, ey = LocalProjection(lat0, lon0).forward(lat, lon)
    assert np.abs(np.hypot(ex, ey) / dist - 1).max() > 0.01  # the equirectangular plane errs


def test_check_extent_warns_at_ocean_scale_only():
    city = table()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small = geo.check_extent(city)
    assert small["max_km"] < 5 and small["scale_error"] < 1e-3
    ocean = pl.DataFrame({"traj_id": "h", "t": [T0, T0 + 1], "lat": [15.0, 40.0],
                          "lon": [-60.0, -50.0]})  # fmt: skip
    with pytest.warns(UserWarning, match="km from its projection centre"):
        big = geo.check_extent(ocean)
    assert big["max_km"] > 1000 and big["scale_error"] > 0.1


def test_local_xy_per_trajectory_planes():
    df = geo.local_xy(table())
    first = df.group_by("traj_id").agg(pl.col("x_m", "y_m").first())
    assert np.allclose(first["x_m"], 0) and np.allclose(first["y_m"], 0)
    step = np.hypot(df["x_m"][1] - df["x_m"][0], df["y_m"][1] - df["y_m"][0])
    assert 20 < step < 40  # 0.0002 deg lat + 0.0003 deg lon at 41 N ~ 32 m


# ----------------------------------------------------------------------------- GeoPandas


def test_to_geopandas_points_and_lines():
    df = table()
    pts = geo.to_geopandas(df)
    assert len(pts) == len(df) and pts.crs.to_epsg() == 4326
    assert np.allclose(pts.geometry.y, df["lat"].to_numpy()) and str(pts["time"].dt.tz) == "UTC"
    lines = geo.to_geopandas(df, kind="lines")
    assert list(lines["traj_id"]) == ["tr0", "tr1", "tr2"] and (lines["n_points"] == 6).all()
    coords = shapely.get_coordinates(lines.geometry.iloc[1])
    sub = df.filter(pl.col("traj_id") == "tr1")
    assert np.allclose(coords[:, 1], sub["lat"].to_numpy())
    # LineStrings with a list column of times come back as the same points
    again = to_canonical(lines.drop(columns=["t_start", "t_end", "n_points"]))
    assert again.select("traj_id", "t", "lat", "lon").equals(df.sort("traj_id", "t"))
    utm = geo.to_geopandas(df, kind="lines", crs="EPSG:32629")
    assert utm.crs.to_epsg() == 32629 and utm.geometry.length.iloc[0] > 100  # metres


def test_geodataframe_points_any_crs_round_trip():
    df = table()
    gdf = geo.to_geopandas(df).to_crs(3857).drop(columns=["t", "lat", "lon"])
    got = to_canonical(gdf)  # time column "time" (tz-aware), geometry in EPSG:3857
    assert np.abs(got["lat"].to_numpy() - df["lat"].to_numpy()).max() < 1e-9
    assert got["t"].to_list() == df["t"].to_list()
    back = from_canonical(got, like=gdf)
    assert isinstance(back, gpd.GeoDataFrame) and back.crs.to_epsg() == 3857
    assert np.allclose(back.geometry.x, gdf.geometry.x, atol=1e-6)
    assert str(back["time"].dt.tz) == "UTC" and list(back.columns) == list(gdf.columns)


def test_trackintel_positionfixes_geodataframe():
    df = table()
    pfs = gpd.GeoDataFrame(
        {"user_id": df["traj_id"].to_list(),
         "tracked_at": pd.to_datetime(df["t"].to_numpy(), unit="s", utc=True)
         .tz_convert("Europe/Zurich")},
        geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326,
    ).rename_geometry("geom")  # fmt: skip
    got = to_canonical(pfs)
    assert got.select("traj_id", "t").equals(df.select("traj_id", "t"))
    back = from_canonical(got.head(2), like=pfs)
    assert str(back["tracked_at"].dt.tz) == "Europe/Zurich"  # the caller's zone


def test_geoparquet_export(tmp_path):
    df = table()
    path = geo.write_geoparquet(df, tmp_path / "pts.parquet")
    back = gpd.read_parquet(path)
    assert back.crs.to_epsg() == 4326 and len(back) == len(df)
    assert back.geometry.geom_type.unique().tolist() == ["Point"]
    with pytest.raises(FileExistsError):
        geo.write_geoparquet(df, path)
    geo.write_geoparquet(df, tmp_path / "lines.parquet", kind="lines")
    assert gpd.read_parquet(tmp_path / "lines.parquet").geometry.geom_type.iloc[0] == "LineString"


# --------------------------------------------------------------------------- MovingPandas


def test_movingpandas_collection_in_and_out():
    mpd = pytest.importorskip("movingpandas")
    from trajlm.data.adapters import to_movingpandas

    df = table()
    tc = to_movingpandas(df)
    assert isinstance(tc, mpd.TrajectoryCollection) and len(tc) == 3
    got = to_canonical(tc)
    assert got.select("traj_id", "t", "lat", "lon").equals(df)
    one = to_canonical(tc.trajectories[0])  # a single Trajectory
    assert len(one) == 6 and one["traj_id"].unique().to_list() == ["tr0"]
    back = from_canonical(got, like=tc)
    assert isinstance(back, mpd.TrajectoryCollection) and len(back) == 3
    utm = mpd.TrajectoryCollection(
        tc.to_point_gdf().to_crs(32629), traj_id_col="traj_id"
    )  # a collection in metres: reprojected on the way in
    assert np.abs(to_canonical(utm)["lat"].to_numpy() - df["lat"].to_numpy()).max() < 1e-9


def test_transformers_are_cached_per_thread_and_give_the_same_answer():
    """Session 14: to_wgs84 / from_wgs84 reuse one pyproj Transformer per (src, dst) and thread
    (building one cost 40-90 ms per call); the answer is the one a fresh Transformer gives."""
    import threading

    pyproj = pytest.importorskip("pyproj")
    from trajlm.data import geo

    x, y = np.array([385000.0, 386000.0]), np.array([6672000.0, 6673000.0])
    lat, lon = geo.to_wgs84(x, y, "EPSG:3067")
    fresh = pyproj.Transformer.from_crs("EPSG:3067", "EPSG:4326", always_xy=True)
    lon2, lat2 = fresh.transform(x, y)
    np.testing.assert_array_equal(lat, lat2)
    np.testing.assert_array_equal(lon, lon2)
    assert geo.transformer("EPSG:3067", "EPSG:4326") is geo.transformer("EPSG:3067", "EPSG:4326")
    other = []
    t = threading.Thread(target=lambda: other.append(geo.transformer("EPSG:3067", "EPSG:4326")))
    t.start()
    t.join()
    assert other[0] is not geo.transformer("EPSG:3067", "EPSG:4326")
    xb, yb = geo.from_wgs84(lat, lon, "EPSG:3067")
    np.testing.assert_allclose(xb, x, atol=1e-6)
    np.testing.assert_allclose(yb, y, atol=1e-6)
