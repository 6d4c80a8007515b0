"""Session 20 (formats20): GIS files as GeoPandas / QGIS / ogr2ogr write them, and values whose
unit the name or the format says (FIT semicircles, Suunto radians). Generators in the file;
every test but the controls fails on 39f12f3."""

from __future__ import annotations

import json
import math
import struct
import zipfile
from datetime import UTC, datetime

import polars as pl
import pytest

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1772611200  # 2026-03-04 08:00 UTC


def _pts(n: int = 20, lat: float = 48.2, lon: float = 16.37, dt: int = 10, k: int = 0) -> list:
    return [(T0 + 7 * k + i * dt, round(lat + 0.0004 * i, 6), round(lon + 0.0005 * i, 6)) for i in range(n)]  # fmt: skip


def _check(df: pl.DataFrame, truth: dict[str, list]) -> None:
    """Every truth point stored at its second and place (< 1e-6 deg), one id per trajectory."""
    assert len(df) == sum(map(len, truth.values()))
    ids = set()
    for pts in truth.values():
        t0 = pts[0][0]
        first = df.filter(pl.col("t") == t0)
        tid = min(first.filter((pl.col("lat") - pts[0][1]).abs() < 1e-6)["traj_id"].to_list())
        ids.add(tid)
        got = df.filter(pl.col("traj_id") == tid).sort("t")
        assert got["t"].to_list() == [p[0] for p in pts]
        assert max(abs(a - p[1]) for a, p in zip(got["lat"], pts, strict=True)) < 1e-6
        assert max(abs(a - p[2]) for a, p in zip(got["lon"], pts, strict=True)) < 1e-6
    assert len(ids) == len(truth)


def _gdf(truth: dict[str, list], id_col: str = "vehicle_id", time_col: str = "timestamp"):
    gpd = pytest.importorskip("geopandas")
    import pandas as pd

    rows = [(k, t, la, lo) for k, pts in truth.items() for t, la, lo in pts]
    return gpd.GeoDataFrame(
        {id_col: [r[0] for r in rows],
         time_col: pd.to_datetime([r[1] for r in rows], unit="s", utc=True)},
        geometry=gpd.points_from_xy([r[3] for r in rows], [r[2] for r in rows]), crs=4326,
    )  # fmt: skip


TRUTH = {"v1": _pts(), "v2": _pts(lat=48.25, k=1)}


def test_geopackage_point_layer_with_times_among_others(tmp_path):
    """roads (lines), depots (points without times), gps_fixes (the track): was "cannot tell
    the format"."""
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import LineString, Point

    p = tmp_path / "fleet.gpkg"
    gpd.GeoDataFrame({"r": ["A"]}, geometry=[LineString([(16, 48), (16.1, 48.1)])], crs=4326).to_file(p, layer="roads")  # fmt: skip
    gpd.GeoDataFrame({"d": ["N"]}, geometry=[Point(16.3, 48.2)], crs=4326).to_file(p, layer="depots")  # fmt: skip
    _gdf(TRUTH).to_file(p, layer="gps_fixes")
    df, _ = read(p)
    _check(df, TRUTH)
    from trajlm.data.readers import detect_format

    assert detect_format(p) == "parquet"  # (converted first): `predict --input x.gpkg` reads it


@pytest.mark.parametrize("suffix,epsg", [(".gpkg", 25832), (".fgb", 3857), (".geojson", 27700)])
def test_projected_gis_files_are_reprojected(tmp_path, suffix, epsg):
    """GeoPackage in UTM, FlatGeobuf in Web Mercator, GeoJSON with GeoPandas' "crs" member
    (was "trajlm does not reproject")."""
    p = tmp_path / f"bikes{suffix}"
    _gdf(TRUTH, "bike_id", "recorded_at").to_crs(epsg).to_file(p)
    with pytest.warns(UserWarning, match=f"EPSG:{epsg} reprojected"):
        df, _ = read(p)
    _check(df, TRUTH)


def _shapefile(folder, truth):
    """A shapefile as ESRI tools write it: names cut to 10 characters, the date a DBF `D`
    field, the time of day a text field, UTM 33N, a .cpg."""
    g = _gdf(truth, "courier_identifier").to_crs(32633)
    g["recorded_date"] = g["timestamp"].dt.strftime("%Y-%m-%d")
    g["recorded_time"] = g["timestamp"].dt.strftime("%H:%M:%S")
    g = g.drop(columns="timestamp")
    folder.mkdir()
    g.to_file(folder / "couriers.shp")  # fields cut to courier_id, recorded_d, recorded_t
    fields = [("courier_id", "C", 20), ("recorded_d", "D", 8), ("recorded_t", "C", 8)]
    recs = [(a, b.replace("-", ""), c) for a, b, c in zip(g.courier_identifier, g.recorded_date, g.recorded_time, strict=True)]  # fmt: skip
    hdr = struct.pack("<BBBBIHH20x", 3, 126, 3, 7, len(recs), 33 + 32 * len(fields), 1 + sum(f[2] for f in fields))  # fmt: skip
    for name, typ, n in fields:
        hdr += struct.pack("<11sc4xBB14x", name.encode(), typ.encode(), n, 0)
    body = b"".join(b" " + b"".join(v.encode().ljust(f[2]) for v, f in zip(r, fields, strict=True)) for r in recs)  # fmt: skip
    (folder / "couriers.dbf").write_bytes(hdr + b"\r" + body + b"\x1a")
    return folder / "couriers.shp"


@pytest.mark.parametrize("given", ["shp", "folder", "zip"])
def test_shapefile_date_and_time_fields_read_as_one_time(tmp_path, given):
    shp = _shapefile(tmp_path / "couriers", TRUTH)
    path = {"shp": shp, "folder": shp.parent, "zip": tmp_path / "couriers.zip"}[given]
    if given == "zip":
        with zipfile.ZipFile(path, "w") as z:
            for f in shp.parent.iterdir():
                z.write(f, f.name)
    with pytest.warns(UserWarning, match="'recorded_d' and the time-of-day field 'recorded_t'"):
        df, _ = read(path)
    _check(df, TRUTH)


def test_gpx_converted_geopackage_one_trajectory_per_segment(tmp_path):
    """ogr2ogr GPX -> GPKG: waypoints (timed too) beside track_points: the track is read, one
    trajectory per track_seg_id as the GPX reader reads a <trkseg>."""
    gpd = pytest.importorskip("geopandas")
    truth = {"s0": _pts(), "s1": _pts(lat=48.3, k=50)}
    g = _gdf(truth, "track_seg_id", "time")
    g["track_seg_id"] = g["track_seg_id"].map({"s0": 0, "s1": 1})
    g["track_fid"] = 0
    p = tmp_path / "ride.gpkg"
    wp = gpd.GeoDataFrame({"name": ["x"], "time": g["time"][:1]}, geometry=g.geometry[:1], crs=4326)
    wp.to_file(p, layer="waypoints")
    g.to_file(p, layer="track_points")
    df, _ = read(p)
    _check(df, truth)


def test_point_layer_without_times_is_one_line(tmp_path):
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    p = tmp_path / "depots.gpkg"
    gpd.GeoDataFrame({"depot": ["N"]}, geometry=[Point(16.3, 48.2)], crs=4326).to_file(p)
    with pytest.raises(TrajlmInputError, match="has points but no time field"):
        read(p)


def test_without_geopandas_one_line_names_the_extra(tmp_path, monkeypatch):
    import builtins

    (p := tmp_path / "a.fgb").write_bytes(b"fgb\x03fgb\x00" + bytes(64))
    real = builtins.__import__

    def no_geo(name, *a, **k):
        if name.split(".")[0] in ("geopandas", "pyogrio"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_geo)
    with pytest.raises(TrajlmInputError, match=r"trajlm\[geo\]"):
        read(p)


def test_wkt_csv_with_prj_sidecar(tmp_path):
    """GeoPandas `to_csv` of a UTM frame + the .prj beside it: was "look projected"."""
    from trajlm.data.ingest import ingest

    g = _gdf(TRUTH, "cab_id", "pickup_time").to_crs(32633)
    (tmp_path / "cabs.prj").write_text(g.crs.to_wkt("WKT1_ESRI"))
    g.assign(geometry=g.geometry.to_wkt()).to_csv(tmp_path / "cabs.csv", index=False)
    with pytest.warns(UserWarning, match="EPSG:32633, from the .prj"):
        ingest(tmp_path / "cabs.csv", "auto", tmp_path / "store")
    df = pl.read_parquet(tmp_path / "store" / "points" / "*" / "*.parquet")
    _check(df.with_columns(pl.col("source_traj_id").alias("traj_id")), TRUTH)


def test_names_ending_like_a_field_and_esri_row_keys(tmp_path):
    """`PROBE_ID`, `frame_time_utc`, `detect_lat` read; ESRI's OBJECTID is no object_id."""
    p = tmp_path / "probes.csv"
    rows = [(k, *pt) for k, pts in TRUTH.items() for pt in pts]
    p.write_text("OBJECTID,PROBE_ID,frame_time_utc,detect_lat,detect_lon\n" + "".join(
        f"{i},{k},{datetime.fromtimestamp(t, UTC):%Y-%m-%dT%H:%M:%SZ},{la},{lo}\n"
        for i, (k, t, la, lo) in enumerate(rows)))  # fmt: skip
    df, _ = read(p)
    _check(df, TRUTH)


def test_two_columns_ending_alike_are_ambiguous(tmp_path):
    """Control (passes before too, as a missing column): two `*_time` columns."""
    p = tmp_path / "trips.csv"
    p.write_text("cab_id,pickup_time,dropoff_time,lat,lon\n1,2026-03-04 08:00:00,2026-03-05 00:00:00,1,2\n")  # fmt: skip
    with pytest.raises(TrajlmInputError, match="pickup_time"):
        read(p)


def test_fit_semicircles_by_field_name(tmp_path):
    """fitparse's `position_lat` / `position_long` (semicircles): were read as degrees x 1e7,
    60.67 N for 50.85 N, without an error."""
    p = tmp_path / "run_records.csv"
    pts = _pts(lat=50.85, lon=4.35)
    p.write_text("timestamp,position_lat,position_long,heart_rate\n" + "".join(
        f"{datetime.fromtimestamp(t, UTC):%Y-%m-%d %H:%M:%S},{round(la * 2**31 / 180)},"
        f"{round(lo * 2**31 / 180)},140\n" for t, la, lo in pts))  # fmt: skip
    df, _ = read(p)
    assert len(df) == len(pts)
    assert max(abs(a - p[1]) for a, p in zip(df["lat"], pts, strict=True)) < 1e-6
    assert max(abs(a - p[2]) for a, p in zip(df["lon"], pts, strict=True)) < 1e-6


def test_suunto_json_radians(tmp_path):
    """The Suunto app's JSON export (SML samples, radians): was stored as degrees (1.07 N)."""
    pts = _pts(lat=61.5, lon=23.76, dt=1)
    samples = [{"TimeISO8601": "x", "Attributes": {"suunto/sml": {"Sample": {
        "Latitude": math.radians(la), "Longitude": math.radians(lo),
        "UTC": f"{datetime.fromtimestamp(t, UTC):%Y-%m-%dT%H:%M:%S.000Z}"}}}} for t, la, lo in pts]  # fmt: skip
    (p := tmp_path / "move.json").write_text(json.dumps({"Samples": samples}))
    df, _ = read(p)
    assert len(df) == len(pts)
    assert max(abs(a - p[1]) for a, p in zip(df["lat"], pts, strict=True)) < 1e-6
    samples[0]["Attributes"]["suunto/sml"]["Sample"]["Latitude"] = 61.5  # degrees under it
    p.write_text(json.dumps({"Samples": samples}))
    with pytest.raises(TrajlmInputError, match="not in radians"):
        read(p)


def test_ogr_kml_with_times_in_extended_data(tmp_path):
    """GeoPandas `to_file(driver="KML")`: Point placemarks, the time a SimpleData field, the
    placemark id a row key: was "no timed points"."""
    g = _gdf({"hiker1": _pts()}, "Name", "when")
    g["when"] = g["when"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    g.to_file(p := tmp_path / "hike.kml", driver="KML")
    with pytest.warns(UserWarning, match="times from the field 'when'"):
        df, _ = read(p)
    _check(df, {"hiker1": _pts()})


def test_here_probe_sample_date(tmp_path):
    """HERE probe data: SAMPLE_DATE (the fix) beside SYSTEM_DATE (when stored): was "several
    columns could be t"."""
    rows = [(k, *pt) for k, pts in TRUTH.items() for pt in pts]
    (p := tmp_path / "probe.csv").write_text("PROBE_ID,SAMPLE_DATE,LAT,LON,HEADING,SPEED,SYSTEM_DATE\n" + "".join(
        f"{k},{datetime.fromtimestamp(t, UTC):%Y-%m-%d %H:%M:%S},{la},{lo},45,43,2026-03-05 00:00:00\n"
        for k, t, la, lo in rows))  # fmt: skip
    df, _ = read(p)
    _check(df, TRUTH)


def test_hostile_gis_files_are_one_line(tmp_path):
    """A MultiPoint of two points with one time (was: one of them kept without a word), a
    shapefile without its .dbf, an empty .gpkg, random bytes as .fgb."""
    gpd = pytest.importorskip("geopandas")
    import pandas as pd
    from shapely.geometry import MultiPoint

    t = pd.to_datetime(["2026-03-04T08:00:00Z", "2026-03-04T08:00:10Z"])
    g = gpd.GeoDataFrame({"vehicle_id": ["a", "a"], "timestamp": t},
                         geometry=[MultiPoint([(16, 48), (16.1, 48.1)]), MultiPoint([(16, 48)])], crs=4326)  # fmt: skip
    g.to_file(p := tmp_path / "mp.gpkg")
    with pytest.raises(TrajlmInputError, match="MultiPoint of 2 points with one time"):
        read(p)
    shp = _shapefile(tmp_path / "c", TRUTH)
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(TrajlmInputError, match="couriers.dbf .* is not beside it"):
        read(shp)
    (e := tmp_path / "empty.gpkg").write_bytes(b"")
    (j := tmp_path / "junk.fgb").write_bytes(bytes(range(256)) * 2)
    for bad in (e, j):
        with pytest.raises(TrajlmInputError, match="not a readable GIS file"):
            read(bad)
