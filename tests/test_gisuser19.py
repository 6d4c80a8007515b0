"""Session 19 (gisuser19): a GIS analyst's GeoDataFrames and MovingPandas collections.

Points in projected CRSs, frames whose active geometry is not called ``geometry``, MultiPoint
rows, LineStrings carrying their times as M, engineering (local) CRSs, ``crs=`` beside a
frame's own CRS and integer MovingPandas ids. Data comes from the generator below (arcs at
constant speed around Lisbon), never from files; each test failed before its fix.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")
pytest.importorskip("pyproj")

import trajlm  # noqa: E402
from trajlm.data.coerce import coerce  # noqa: E402
from trajlm.data.schema import TrajlmInputError  # noqa: E402

LAT0, LON0 = 38.72, -9.14  # Lisbon; UTM zone 29N is EPSG:32629


def fixes(n_trips: int = 3, n: int = 12, dt: int = 10, seed: int = 0) -> pd.DataFrame:
    """trip_id (int), timestamp (UTC), latitude, longitude: gentle arcs at 6-14 m/s."""
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(n_trips):
        v, h, w = rng.uniform(6, 14), rng.uniform(0, 2 * np.pi), rng.uniform(-2e-3, 2e-3)
        s = np.arange(n) * dt
        x = np.cumsum(v * dt * np.cos(h + w * s)) - v * dt * np.cos(h)
        y = np.cumsum(v * dt * np.sin(h + w * s)) - v * dt * np.sin(h)
        parts.append(pd.DataFrame({
            "trip_id": k + 1,
            "timestamp": pd.Timestamp("2026-05-28 08:00", tz="UTC") + pd.to_timedelta(s + 3600 * k, "s"),
            "latitude": LAT0 + y / 111_320.0,
            "longitude": LON0 + x / (111_320.0 * np.cos(np.radians(LAT0))),
        }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def points(df: pd.DataFrame, crs: int = 32629) -> gpd.GeoDataFrame:
    g = gpd.GeoDataFrame(
        df.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(df["longitude"], df["latitude"]),
        crs=4326,
    )
    return g.to_crs(crs)


def _same_positions(table, df: pd.DataFrame, tol_deg: float = 1e-7) -> bool:
    t = table.sort(["traj_id", "t"]).to_pandas()
    d = df.sort_values(["trip_id", "timestamp"])
    return bool(
        np.allclose(t["lat"], d["latitude"], atol=tol_deg)
        and np.allclose(t["lon"], d["longitude"], atol=tol_deg)
    )


def test_only_the_active_geometry_is_read_and_its_name_comes_back():
    """A frame whose active geometry is ``geom_utm`` beside a stale ``geometry`` column was
    refused ("column 'geometry' mixes value types"); a geometry renamed ``geom`` came back as
    ``geometry``."""
    df = fixes()
    g = points(df).rename_geometry("geom_utm")
    g["geometry"] = gpd.GeoSeries(gpd.points_from_xy(np.zeros(len(g)), np.zeros(len(g))), crs=4326)
    table = trajlm.to_canonical(g)
    assert _same_positions(table, df)
    back = trajlm.from_canonical(table, like=g)
    assert back.geometry.name == "geom_utm" and back.crs == g.crs
    assert np.allclose(back.geometry.x, g.geometry.x, atol=1e-3)


def test_crs_keyword_against_the_frames_own_crs_is_one_line():
    """``crs=`` that disagrees with the GeoDataFrame's CRS was ignored without a word."""
    g = points(fixes())
    with pytest.raises(TrajlmInputError, match=r"crs='EPSG:3857' but .*own CRS is 'EPSG:32629'"):
        trajlm.to_canonical(g, crs="EPSG:3857")
    assert len(trajlm.to_canonical(g, crs="EPSG:32629")) == len(g)  # the same CRS is fine
    none = g.set_crs(None, allow_override=True)
    assert _same_positions(trajlm.to_canonical(none, crs=32629), fixes())  # documented use


def test_an_engineering_crs_is_one_line_not_a_proj_error():
    """A local grid in US feet (LOCAL_CS, no datum) raised pyproj's ProjError traceback."""
    local = (
        'LOCAL_CS["site grid",LOCAL_DATUM["x",0],UNIT["US survey foot",0.304800609601219],'
        'AXIS["Easting",EAST],AXIS["Northing",NORTH]]'
    )
    g = points(fixes()).set_crs(local, allow_override=True)
    with pytest.raises(TrajlmInputError, match="site grid.*no transformation to WGS84"):
        trajlm.to_canonical(g)


def test_a_geoseries_is_one_line_naming_what_is_missing():
    with pytest.raises(TrajlmInputError, match="GeoSeries holds positions only"):
        trajlm.to_canonical(points(fixes()).geometry)


def test_multipoint_rows_read_as_points_or_as_vertices():
    """MultiPoints (what a dissolve or an explode-less GIS export gives) were refused."""
    df = fixes()
    g = points(df)
    single = g.copy()
    single["geometry"] = [shapely.MultiPoint([p]) for p in g.geometry]
    assert _same_positions(trajlm.to_canonical(single), df)
    rows = [
        {"trip_id": k, "timestamp": list(d["timestamp"]),
         "geometry": shapely.MultiPoint(list(zip(d["longitude"], d["latitude"], strict=True)))}
        for k, d in df.groupby("trip_id")
    ]  # fmt: skip
    multi = gpd.GeoDataFrame(rows, crs=4326).to_crs(32629)
    assert _same_positions(trajlm.to_canonical(multi), df)


@pytest.mark.skipif(not hasattr(shapely, "has_m"), reason="M coordinates need shapely >= 2.1")
def test_linestring_m_carries_unix_seconds():
    """LINESTRING M with Unix seconds as M (QGIS / PostGIS tracks) was refused for a missing
    list column of times."""
    df = fixes()
    rows = []
    for k, d in df.groupby("trip_id"):
        secs = (d["timestamp"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta("1s")
        wkt = ", ".join(
            f"{x} {y} {m}" for x, y, m in zip(d["longitude"], d["latitude"], secs, strict=True)
        )
        rows.append({"trip_id": k, "geometry": shapely.from_wkt(f"LINESTRING M ({wkt})")})
    table = trajlm.to_canonical(gpd.GeoDataFrame(rows, crs=4326))
    assert _same_positions(table, df)
    want = (
        df.sort_values(["trip_id", "timestamp"])["timestamp"] - pd.Timestamp(0, tz="UTC")
    ) // pd.Timedelta("1s")
    assert table.sort(["traj_id", "t"])["t"].to_list() == want.tolist()


def _collection(df: pd.DataFrame, crs: int = 32629, with_col: bool = True):
    mpd = pytest.importorskip("movingpandas")
    g = points(df, crs)
    g["timestamp"] = g["timestamp"].dt.tz_localize(None)  # MovingPandas: naive times
    g = g.set_index("timestamp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if with_col:
            return mpd.TrajectoryCollection(g, traj_id_col="trip_id")
        return mpd.TrajectoryCollection(
            [mpd.Trajectory(d.drop(columns="trip_id"), k) for k, d in g.groupby("trip_id")]
        )


@pytest.mark.parametrize("with_col", [True, False])
def test_movingpandas_integer_ids_come_back_integers(with_col):
    """Trajectory ids 1, 2, 3 came back as the strings '1', '2', '3' (a join on them failed)."""
    tc = _collection(fixes(), with_col=with_col)
    table = trajlm.to_canonical(tc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = trajlm.from_canonical(table, like=tc)
    assert sorted(t.id for t in back.trajectories) == [1, 2, 3]
    assert back.trajectories[0].crs == tc.trajectories[0].crs
    ids = trajlm.from_canonical(table.select("traj_id").unique(), like=tc)  # embed-like
    assert sorted(ids["traj_id"].tolist()) == [1, 2, 3]


def test_model_answers_in_the_callers_crs_ids_and_geometry_name(trajlm_small):
    """End to end with the shipped checkpoint: predict on a projected frame with a renamed
    active geometry and on a collection gives the 4326 frame's answer back in their forms."""
    df = fixes()
    ref = trajlm_small.predict(df, steps=2)
    g = points(df).rename_geometry("geom")
    out = trajlm_small.predict(g, steps=2)
    assert out.geometry.name == "geom" and out.crs == g.crs
    ll = out.to_crs(4326)
    assert np.allclose(ll.geometry.y, ref["latitude"], atol=1e-7)
    assert np.allclose(ll.geometry.x, ref["longitude"], atol=1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tc_out = trajlm_small.predict(_collection(df), steps=2)
    assert sorted(t.id for t in tc_out.trajectories) == [1, 2, 3]


# Round 2 (written after the first fixes): collections' CRSs, one-point results, heights.


def test_movingpandas_results_of_one_point_per_trajectory_are_not_lost():
    """``seconds_ahead=[30]`` / ``steps=1`` on a collection came back as an empty
    TrajectoryCollection (MovingPandas drops one-point trajectories): every answer lost."""
    tc = _collection(fixes())
    one = trajlm.to_canonical(tc).group_by("traj_id").tail(1)
    with pytest.warns(UserWarning, match="3 of 3 trajectories of the result have one point"):
        back = trajlm.from_canonical(one, like=tc)
    assert isinstance(back, gpd.GeoDataFrame) and len(back) == 3 and back.crs == "EPSG:32629"
    assert sorted(back["traj_id"]) == [1, 2, 3]


def test_collections_without_one_earthbound_crs_are_one_line():
    """No CRS (projected numbers were refused as "out of range ... clean the input", degrees
    silently labelled EPSG:4326), two CRSs (all came back in the first one's), and a local
    grid (pyproj's ProjError) are each one line."""
    mpd = pytest.importorskip("movingpandas")
    df = fixes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = points(df).set_crs(None, allow_override=True)
        g["timestamp"] = g["timestamp"].dt.tz_localize(None)
        bare = mpd.TrajectoryCollection(g.set_index("timestamp"), traj_id_col="trip_id")
        a, b = (points(df[df.trip_id == k], c) for k, c in ((1, 32629), (2, 3857)))
        mixed = mpd.TrajectoryCollection([
            mpd.Trajectory(x.assign(timestamp=x["timestamp"].dt.tz_localize(None))
                           .set_index("timestamp").drop(columns="trip_id"), k)
            for k, x in ((1, a), (2, b))
        ])  # fmt: skip
    with pytest.raises(TrajlmInputError, match="trajectory 1 has no CRS"):
        trajlm.to_canonical(bare)
    with pytest.raises(TrajlmInputError, match=r"different CRSs: EPSG:32629 .* EPSG:3857"):
        trajlm.to_canonical(mixed)


def test_projected_numbers_labelled_degrees_name_the_geometry_and_set_crs():
    """UTM metres labelled EPSG:4326 were refused about a field 'lat' the frame does not
    have, with a crs= hint that a GeoDataFrame ignores."""
    g = points(fixes()).set_crs(4326, allow_override=True)
    with pytest.raises(
        TrajlmInputError, match=r"field geometry: the geometry says 'EPSG:4326'.*set_crs"
    ):
        trajlm.to_canonical(g)
    df = fixes().assign(
        longitude=lambda d: d["longitude"] + 125.5, latitude=lambda d: d["latitude"] + 1.2
    )
    swapped = gpd.GeoDataFrame(df[["trip_id", "timestamp"]], crs=4326,
                               geometry=gpd.points_from_xy(df["latitude"], df["longitude"]))  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"x and y look swapped.*points_from_xy\(longitude"):
        trajlm.to_canonical(swapped)  # Beijing's 116 E as y: "look like projected metres" before


def test_rows_given_back_keep_their_own_numbers_and_heights():
    """Round trip through WGS84 moved British National Grid fixes by 1 mm and dropped every
    Z: rows that come back unmoved now carry the caller's exact x, y and height."""
    df = fixes()
    g = gpd.GeoDataFrame(
        df.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(
            df["longitude"] + 9.0, df["latitude"] + 12.8, np.arange(len(df)) * 0.5
        ),
        crs=4326,
    ).to_crs(27700)  # London
    table, layout = coerce(g)  # what every API method reads and answers with
    assert {"_geometry_x", "_geometry_z"} <= set(table.columns)
    assert "_geometry_x" not in trajlm.to_canonical(g).columns  # the public table: canonical
    back = trajlm.from_canonical(table, layout=layout)
    assert (back.geometry.x.to_numpy() == g.geometry.x.to_numpy()).all()
    assert (back.geometry.y.to_numpy() == g.geometry.y.to_numpy()).all()
    assert back.geometry.has_z.all() and np.allclose(back.geometry.z, np.arange(len(df)) * 0.5)
    assert "_geometry_x" not in back.columns and "_geometry_z" not in back.columns


def test_recover_keeps_heights_of_known_fixes(trajlm_small):
    df = fixes(n_trips=1)
    g = gpd.GeoDataFrame(
        df.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(df["longitude"], df["latitude"], np.full(len(df), 42.0)),
        crs=4326,
    ).to_crs(32629)
    g.loc[5, "geometry"] = shapely.Point()
    out = trajlm_small.recover(g)
    known = out[~out["recovered"]]
    assert (
        len(known) == len(g) - 1 and known.geometry.has_z.all() and (known.geometry.z == 42.0).all()
    )
    assert not out.loc[out["recovered"]].geometry.has_z.any()  # a filled fix has no height


def test_attribute_columns_named_lat_lon_come_back():
    """A Point frame's own ``lat`` / ``lon`` attribute columns (beside the geometry) were
    dropped from the rows given back (found at the end, cases3.py)."""
    g = points(fixes()).assign(lat=1.5, lon=2.5)
    table, layout = coerce(g)
    back = trajlm.from_canonical(table, layout=layout, caller_order=True)
    assert (back["lat"] == 1.5).all() and (back["lon"] == 2.5).all()
    assert not [c for c in trajlm.to_canonical(g).columns if c.startswith("_attr")]
