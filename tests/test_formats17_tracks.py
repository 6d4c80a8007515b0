"""Session 17 (formats17), tracks: Parquet point columns, export archives, TCX / GeoJSON / KML /
OwnTracks / NMEA files from a fleet / mobility user's test, each read exactly with no options (or
refused in one line). Files are generated here, seeded. Tables: test_formats17.py."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest
from reliability_helpers import invoke

from trajlm.data.readers import read

T0 = 1_788_000_000  # 2026-08-29


def _pts(n: int, lat: float = 59.437, lon: float = 24.7536, dt: int = 2) -> list[tuple]:
    return [(T0 + dt * i, round(lat + 1.1e-4 * i, 7), round(lon + 1.7e-4 * i, 7)) for i in range(n)]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_parquet(path, point_col) -> list[tuple]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pts = _pts(15, lat=21.0278, lon=105.8342)
    pq.write_table(
        pa.table(
            {"trip_id": ["s1"] * len(pts), "ts": [t for t, _, _ in pts], "position": point_col(pts)}
        ),
        path,
    )
    return pts


def _ingest_position(path, tmp_path):
    """`trajlm data ingest PATH` with the point column named as both --lat-col and --lon-col."""
    return invoke("data", "ingest", path, "--out", tmp_path / "st",
                  "--lat-col", "position", "--lon-col", "position")  # fmt: skip


@pytest.mark.parametrize("kind", ["wkb", "struct", "xy_list", "wkt"])
def test_a_point_in_one_parquet_column_is_read(tmp_path, kind):
    """WKB without GeoParquet metadata, a struct of lat/lon, a GeoArrow [x, y] list or WKT:
    recognised by the column name (`position`) and also given as --lat-col X --lon-col X
    (which was a Polars traceback)."""
    import pyarrow as pa
    import shapely

    make = {
        "wkb": lambda p: pa.array([shapely.to_wkb(shapely.Point(lo, la)) for _, la, lo in p]),
        "struct": lambda p: pa.array([{"lat": la, "lon": lo} for _, la, lo in p]),
        "xy_list": lambda p: pa.array([[lo, la] for _, la, lo in p]),
        "wkt": lambda p: pa.array([f"POINT ({lo} {la})" for _, la, lo in p]),
    }[kind]
    path = tmp_path / "scooters.parquet"
    pts = _write_parquet(path, make)
    df, _ = read(path)
    got = df.select("t", "lat", "lon").rows()
    assert [g[0] for g in got] == [p[0] for p in pts]
    assert np.allclose([g[1:] for g in got], [p[1:] for p in pts], atol=1e-9)
    r = _ingest_position(path, tmp_path)
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output


def test_a_struct_without_coordinates_is_one_line(tmp_path):
    import pyarrow as pa

    path = tmp_path / "odd.parquet"
    _write_parquet(path, lambda p: pa.array([{"a": 1.0, "b": 2.0} for _ in p]))
    r = _ingest_position(path, tmp_path)
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert "struct with fields ['a', 'b']" in r.output


@pytest.mark.parametrize("folder", ["", "activities/2026/"])
def test_an_error_inside_an_export_zip_names_archive_and_member(tmp_path, folder):
    """Was the temporary path's last three parts (`0/export.zip/2.gpx`, or `b/c/2.gpx` without
    the archive at all); e.path was `<tmp>/trajlm-zip-*/...`."""
    import zipfile

    from trajlm.data.schema import TrajlmInputError

    pts = _pts(10)
    gpx = ('<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
           "<trk><trkseg>" + "".join(f'<trkpt lat="{la}" lon="{lo}"><time>{_iso(t)}</time></trkpt>'
                                     for t, la, lo in pts) + "</trkseg></trk></gpx>")  # fmt: skip
    with zipfile.ZipFile(tmp_path / "export_1.zip", "w") as z:
        z.writestr(f"{folder}1.gpx", gpx)
        z.writestr(f"{folder}2.gpx", gpx[:300])
    with pytest.raises(TrajlmInputError) as e:
        read(tmp_path / "export_1.zip")
    assert str(e.value).startswith(f"{tmp_path.name}/export_1.zip!{folder}2.gpx line 1: XML")
    assert e.value.path == f"{tmp_path / 'export_1.zip'}!{folder}2.gpx"
    r = invoke("data", "ingest", tmp_path / "export_1.zip", "--out", tmp_path / "st")
    assert f"export_1.zip!{folder}2.gpx line 1" in r.output and "trajlm-zip" not in r.output


def test_tcx_course_geojson_time_array_and_mfjson_suffix_are_read(tmp_path):
    """A TCX <Course> with a timed Track was "no <Trackpoint> in any <Activity>"; a GeoJSON
    LineString with `properties.time` as a list was "no ... per-vertex times"; `.mfjson`
    was "cannot tell the format from the name"."""
    import json

    pts = _pts(25, lat=35.01, lon=135.77)
    tps = "".join(
        f"<Trackpoint><Time>{_iso(t)}</Time><Position><LatitudeDegrees>{la}</LatitudeDegrees>"
        f"<LongitudeDegrees>{lo}</LongitudeDegrees></Position></Trackpoint>"
        for t, la, lo in pts
    )
    (tmp_path / "c.tcx").write_text(
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f"<Courses><Course><Name>Kamo</Name><Track>{tps}</Track></Course></Courses></TrainingCenterDatabase>"
    )
    line = {"type": "LineString", "coordinates": [[lo, la] for _, la, lo in pts]}
    (tmp_path / "r.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"time": [_iso(t) for t, _, _ in pts]}, "geometry": line}]}))  # fmt: skip
    (tmp_path / "f.mfjson").write_text(json.dumps({"type": "Feature", "temporalGeometry": {
        "type": "MovingPoint", "datetimes": [_iso(t) for t, _, _ in pts],
        "coordinates": [[lo, la] for _, la, lo in pts]}}))  # fmt: skip
    for name in ("c.tcx", "r.geojson", "f.mfjson"):
        df, _ = read(tmp_path / name)
        assert df.select("t", "lat", "lon").rows() == pts, name


def test_kml_gx_track_sensor_arrays_are_kept(tmp_path):
    """gx:SimpleArrayData heartrate / cadence (Google My Tracks, Garmin's KML export) were
    dropped; a track without them reads with no sensor column (control)."""
    pts = _pts(12, lat=64.1466, lon=-21.9426)
    whens = "".join(f"<when>{_iso(t)}</when>" for t, _, _ in pts)
    coords = "".join(f"<gx:coord>{lo} {la} 30</gx:coord>" for _, la, lo in pts)
    ext = ('<ExtendedData><SchemaData schemaUrl="#s">'
           '<gx:SimpleArrayData name="heartrate">' + "".join(f"<gx:value>{100 + i}</gx:value>" for i in range(12))
           + '</gx:SimpleArrayData><gx:SimpleArrayData name="cadence">'
           + "".join(f"<gx:value>{80 + i}</gx:value>" for i in range(12)) + "</gx:SimpleArrayData></SchemaData></ExtendedData>")  # fmt: skip
    head = ('<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'
            "<Document><Placemark><gx:Track>")  # fmt: skip
    (tmp_path / "hr.kml").write_text(
        head + whens + coords + ext + "</gx:Track></Placemark></Document></kml>"
    )
    (tmp_path / "plain.kml").write_text(
        head + whens + coords + "</gx:Track></Placemark></Document></kml>"
    )
    df, _ = read(tmp_path / "hr.kml")
    assert df["heart_rate_bpm"].to_list() == [100.0 + i for i in range(12)]
    assert df["cadence_rpm"][11] == 91.0 and df.select("t", "lat", "lon").rows() == pts
    df, _ = read(tmp_path / "plain.kml")
    assert "heart_rate_bpm" not in df.columns and df.select("t", "lat", "lon").rows() == pts


def test_owntracks_exports_and_recorder_files_are_read(tmp_path):
    """OwnTracks' JSON array (one trajectory per `tid`) and the Recorder's `.rec` month file
    (non-location lines ignored) were "top level is not a JSON object" / "cannot tell the
    format"."""
    import json

    a, b = _pts(10, lat=60.39, lon=5.32, dt=10), _pts(10, lat=60.2, lon=5.1, dt=10)
    locs = [{"_type": "location", "tid": tid, "tst": t, "lat": la, "lon": lo, "acc": 5}
            for tid, pts in (("jp", a), ("ka", b)) for t, la, lo in pts]  # fmt: skip
    (tmp_path / "export.json").write_text(json.dumps(locs))
    df, _ = read(tmp_path / "export.json")
    assert df.filter(pl.col("traj_id") == "export/ka").select("t", "lat", "lon").rows() == b
    lines = [
        f"{_iso(t)}\t*                 \t" + json.dumps(d)
        for d, (t, _, _) in zip(locs[:10], a, strict=True)
    ]
    lines.insert(
        3, f"{_iso(a[3][0])}\t*                 \t" + json.dumps({"_type": "lwt", "tst": a[3][0]})
    )
    (tmp_path / "2026-08.rec").write_text("\n".join(lines) + "\n")
    df, _ = read(tmp_path / "2026-08.rec")
    assert df.select("t", "lat", "lon").rows() == a and df["traj_id"][0] == "2026-08"


def _nmea(body: str) -> str:
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"${body}*{x:02X}"


def test_gga_log_dated_by_zda_is_read_across_midnight(tmp_path):
    """A GGA + ZDA log (no RMC) was refused ("no $--RMC sentences"); the date comes from ZDA
    and rolls over at 00:00 UTC. A GGA before the first ZDA is `no_date`, quality 0 `no_fix`."""
    t0 = int(datetime(2026, 7, 14, 23, 59, 50, tzinfo=UTC).timestamp())
    pts = [(t0 + 2 * i, 59.4 + 0.001 * i, 24.75 + 0.001 * i) for i in range(12)]
    lines = [_nmea("GPGGA,235948.00,5924.0000,N,02445.0000,E,1,08,1.0,10.0,M,18.0,M,,")]
    lines.append(_nmea("GPZDA,235949.00,14,07,2026,00,00"))
    for t, la, lo in pts:
        d = datetime.fromtimestamp(t, UTC)
        lat = f"{int(la):02d}{(la - int(la)) * 60:07.4f}"
        lon = f"{int(lo):03d}{(lo - int(lo)) * 60:07.4f}"
        lines.append(_nmea(f"GPGGA,{d:%H%M%S}.00,{lat},N,{lon},E,1,08,1.0,10.0,M,18.0,M,,"))
    lines.append(_nmea("GPGGA,000020.00,,,,,0,00,,,M,,M,,"))
    (tmp_path / "log.nmea").write_text("\n".join(lines) + "\n")
    df, rep = read(tmp_path / "log.nmea", on_error="skip")
    assert df["t"].to_list() == [p[0] for p in pts]
    assert np.allclose(df.select("lat", "lon").to_numpy(), [p[1:] for p in pts], atol=1e-6)
    assert rep.dropped == {"no_date": 1, "no_fix": 1} and rep.rows_in == 14
