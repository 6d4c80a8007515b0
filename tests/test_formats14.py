"""Trajectory file formats as public sources publish them (session 14, formats report
/tmp/briefs/formats_report.md): KML / KMZ gx:Track, Google location history (Records.json and
the on-device Timeline export), GeoJSON LineStrings with a times array, Garmin TCX, NMEA 0183,
Movebank / AIS / ADS-B / GTFS-rt column names, rows without a fix, decimal commas and
Windows-1252 CSVs, and one-line refusals that do not send the user to `--on-error skip` where
skipping cannot help. Every file is generated here from the published layout; fast tests."""

from __future__ import annotations

import json
import math
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from reliability_helpers import fails, invoke, said

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1_714_975_200  # 2024-05-06T06:00:00Z


def _track(n: int = 20, dt: int = 10, lat0: float = 47.37, lon0: float = 8.54, k: int = 0):
    """n (t, lat, lon) fixes along a gentle curve, trajectory k offset in time and space."""
    return [(T0 + 37 * k + dt * i, lat0 + 1e-3 * k + 2e-4 * i, lon0 + 3e-4 * math.sin(i / 5) + 2e-4 * i)
            for i in range(n)]  # fmt: skip


def _iso(t: float, tz: timezone = UTC) -> str:
    return datetime.fromtimestamp(t, tz).isoformat().replace("+00:00", "Z")


def _exact(df, truth: list[tuple[int, float, float]], tol: float = 1e-6) -> bool:
    d = df.sort("t")
    return (
        d["t"].to_list() == [t for t, _, _ in truth]
        and max(abs(a - b) for a, (_, b, _) in zip(d["lat"].to_list(), truth, strict=False)) < tol
        and max(abs(a - c) for a, (_, _, c) in zip(d["lon"].to_list(), truth, strict=False)) < tol
    )


# ------------------------------------------------------------------ generators (published layouts)


def kml_gx_track(tracks: dict[str, list]) -> str:
    marks = "".join(
        f"<Placemark><name>{name}</name><gx:Track><altitudeMode>absolute</altitudeMode>"
        + "".join(f"<when>{_iso(t)}</when>" for t, _, _ in pts)
        + "".join(f"<gx:coord>{lo:.7f} {la:.7f} 12.0</gx:coord>" for _, la, lo in pts)
        + "</gx:Track></Placemark>"
        for name, pts in tracks.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Folder>'
        f"{marks}</Folder></Document></kml>"
    )


def records_json(pts: list, old_from: int = 5) -> str:
    locs = []
    for i, (t, la, lo) in enumerate(pts):
        d = {"latitudeE7": round(la * 1e7), "longitudeE7": round(lo * 1e7), "accuracy": 12}
        if i < old_from:
            d["timestampMs"] = str(t * 1000)
        else:
            d["timestamp"] = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.123Z")
        locs.append(d)
    return json.dumps({"locations": locs})


def timeline_json(pts: list, per_segment: int = 10) -> str:
    cest = timezone(timedelta(hours=2))
    segs = []
    for s in range(0, len(pts), per_segment):
        path = [
            {"point": f"{la:.7f}°, {lo:.7f}°", "time": _iso(t, cest)}
            for t, la, lo in pts[s : s + per_segment]
        ]
        segs.append(
            {"startTime": path[0]["time"], "endTime": path[-1]["time"], "timelinePath": path}
        )
        segs.append({"startTime": path[-1]["time"], "endTime": path[-1]["time"],
                     "visit": {"topCandidate": {"placeLocation": {"latLng": path[-1]["point"]}}}})  # fmt: skip
    return json.dumps(
        {"semanticSegments": segs, "rawSignals": [], "userLocationProfile": {}}, ensure_ascii=False
    )


def geojson_lines(tracks: dict[str, list]) -> str:
    feats = []
    for k, (name, pts) in enumerate(tracks.items()):
        times = [_iso(t) for t, _, _ in pts]
        props = (
            {"name": name, "coordTimes": times}
            if k == 0
            else {"name": name, "coordinateProperties": {"times": times}}
        )
        coords = [[lo, la, 35.0] for _, la, lo in pts]
        feats.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "LineString", "coordinates": coords},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": feats})


def tcx(pts: list) -> str:
    tps = "".join(
        f"<Trackpoint><Time>{_iso(t)}</Time><Position><LatitudeDegrees>{la:.7f}</LatitudeDegrees>"
        f"<LongitudeDegrees>{lo:.7f}</LongitudeDegrees></Position><HeartRateBpm><Value>150</Value>"
        "</HeartRateBpm></Trackpoint>"
        for t, la, lo in pts
    )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        f'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Lap><Track>{tps}'
        "<Trackpoint><Time>2024-05-06T07:00:00Z</Time><HeartRateBpm><Value>1</Value></HeartRateBpm></Trackpoint>"
        "</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    )


def _nmea(body: str) -> str:
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    return f"${body}*{cs:02X}"


def nmea_log(pts: list) -> str:
    def dm(v: float, width: int) -> str:
        a = abs(v)
        return f"{int(a):0{width}d}{(a - int(a)) * 60:07.4f}"

    lines = [_nmea("GPRMC,055958.00,V,,,,,,,060524,,,N")]
    for t, la, lo in pts:
        d = datetime.fromtimestamp(t, UTC)
        hms, ns, ew = d.strftime("%H%M%S.00"), "N" if la >= 0 else "S", "E" if lo >= 0 else "W"
        lines.append(
            _nmea(f"GPGGA,{hms},{dm(la, 2)},{ns},{dm(lo, 3)},{ew},1,08,0.9,25.0,M,23.1,M,,")
        )
        lines.append(
            _nmea(f"GPRMC,{hms},A,{dm(la, 2)},{ns},{dm(lo, 3)},{ew},19.4,84.4,{d:%d%m%y},,,A")
        )
    lines.append(_nmea("GPGSV,3,1,11,03,03,111,00,04,15,270,00"))
    return "\r\n".join(lines) + "\r\n"


# ------------------------------------------------------------------ new readers (report items 2-4, 8)

TWO = {"Track 1": _track(), "Track 2": _track(k=1)}


def test_kml_gx_track_and_kmz_are_read_exactly(tmp_path):
    (tmp_path / "t.kml").write_text(kml_gx_track(TWO))
    with zipfile.ZipFile(tmp_path / "z.kmz", "w") as z:
        z.writestr("doc.kml", kml_gx_track(TWO))
    for name in ("t.kml", "z.kmz"):
        df, rep = read(tmp_path / name)  # format from the suffix
        assert df["traj_id"].unique().len() == 2 and rep.total == 0
        for k, pts in enumerate(TWO.values()):
            assert _exact(df.filter(df["traj_id"].str.ends_with(f"/{k}")), pts)


def test_kml_without_times_is_one_line_without_skip_hint(tmp_path):
    coords = " ".join(f"{lo},{la},0" for _, la, lo in _track())
    (tmp_path / "r.kml").write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString><coordinates>'
        f"{coords}</coordinates></LineString></Placemark></kml>"
    )
    text = fails("data", "ingest", tmp_path / "r.kml", "--out", tmp_path / "st",
                 names=("r.kml", "no timed points", "LineString"))  # fmt: skip
    assert "--on-error skip" not in text


def test_google_records_and_timeline_are_read_exactly(tmp_path):
    pts = _track(30, dt=60)
    (tmp_path / "Records.json").write_text(records_json(pts))
    (tmp_path / "Timeline.json").write_text(timeline_json(pts))
    for name in ("Records.json", "Timeline.json"):
        df, rep = read(tmp_path / name)
        assert rep.total == 0 and _exact(df, pts), name
    m = invoke("data", "ingest", tmp_path / "Records.json", "--out", tmp_path / "st")
    assert m.exit_code == 0, m.output  # cleaned like a point table: split at time gaps


def test_geojson_linestrings_with_coord_times_are_read(tmp_path):
    (tmp_path / "runs.geojson").write_text(geojson_lines(TWO))
    df, rep = read(tmp_path / "runs.geojson")
    assert rep.total == 0 and df["traj_id"].unique().len() == 2
    for k, pts in enumerate(TWO.values()):
        assert _exact(df.filter(df["traj_id"] == f"runs/{k}"), pts)


def test_unknown_json_is_one_line_naming_what_is_read(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"vehicles": [{"a": 1}]}))
    text = fails("data", "ingest", tmp_path / "x.json", "--out", tmp_path / "st",
                 names=("x.json", "Google location history", "skipping cannot help"))  # fmt: skip
    assert "--on-error skip on the CLI" not in text


def test_gpx_with_routes_only_is_one_line_without_skip_hint(tmp_path):
    (tmp_path / "r.gpx").write_text(
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><rte><rtept lat="46.1" '
        'lon="7.1"/><rtept lat="46.2" lon="7.2"/></rte></gpx>'
    )
    text = fails("data", "ingest", tmp_path / "r.gpx", "--out", tmp_path / "st",
                 names=("r.gpx", "no <trkpt> points", "<rte>"))  # fmt: skip
    assert "--on-error skip" not in text


def test_tcx_is_read_and_trackpoints_without_position_are_no_fix(tmp_path):
    pts = _track(25, dt=2)
    (tmp_path / "a.tcx").write_text(tcx(pts))
    df, rep = read(tmp_path / "a.tcx")  # raise mode: the position-less Trackpoint is counted
    assert rep.dropped == {"no_fix": 1} and _exact(df, pts)


def test_nmea_rmc_is_read_void_and_bad_checksums_counted(tmp_path):
    pts = [
        (t, round(la, 6), round(lo, 6)) for t, la, lo in _track(20, dt=1, lat0=-33.9, lon0=-70.6)
    ]
    text = nmea_log(pts).splitlines()
    text.append(text[-2][:-2] + "00")  # a corrupted sentence (checksum off)
    (tmp_path / "d.nmea").write_text("\r\n".join(text))
    df, rep = read(tmp_path / "d.nmea")
    assert rep.dropped == {"no_fix": 1, "bad_checksum": 1}
    assert _exact(df, pts, tol=2e-6)  # S and W hemispheres signed; minutes to 4 decimals


def test_raw_ais_and_unknown_suffixes_say_what_to_do(tmp_path):
    (tmp_path / "ais.nmea").write_text("!AIVDM,1,1,,B,13aEOK?P00PD2wVMdLDRhgvL289?,0*26\n")
    fails(
        "data", "ingest", tmp_path / "ais.nmea", "--out", tmp_path / "st", names=("!AIVDM",)
    )  # fmt: skip  (formats15: read with pyais; no time -> one line)
    (tmp_path / "a.fit").write_bytes(b"\x0e\x10")
    fails(
        "data", "ingest", tmp_path / "a.fit", "--out", tmp_path / "st2", names=("FIT",)
    )  # fmt: skip  (formats15: a 2-byte FIT -> not readable / needs fitdecode)


# ------------------------------------------------------------------ published CSV layouts (items 1, 6, 7)


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def test_published_column_names_are_recognised(tmp_path):
    pts = _track(12)
    t_iso = [datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S.000") for t, _, _ in pts]
    files = {
        "movebank.csv": ("event-id,timestamp,location-long,location-lat,tag-local-identifier,"
                         "individual-local-identifier",
                         [f"{i},{s},{lo},{la},3047,Stork A" for i, (s, (_, la, lo)) in enumerate(zip(t_iso, pts, strict=False))]),
        "opensky.csv": ("time,icao24,lat,lon,baroaltitude,onground",
                        [f"{t},3c6444,{la},{lo},10363.2,False" for t, la, lo in pts]),
        "kystverket.csv": ("mmsi;date_time_utc;lon;lat;sog",
                           [f"257000001;{s[:19]};{lo};{la};9.8" for s, (_, la, lo) in zip(t_iso, pts, strict=False)]),
        "dma.csv": ("# Timestamp,Type of mobile,MMSI,Latitude,Longitude",
                    [f"{datetime.fromtimestamp(t, UTC):%d/%m/%Y %H:%M:%S},Class A,219000001,{la},{lo}"
                     for t, la, lo in pts]),  # the DMA archive: dd/mm/yyyy UTC, read as its layout
        "gtfsrt.csv": ("vehicle.trip.trip_id,vehicle.position.latitude,vehicle.position.longitude,"
                       "vehicle.timestamp,vehicle.vehicle.id",
                       [f"T1,{la},{lo},{t},bus-1" for t, la, lo in pts]),
    }  # fmt: skip
    for name, (head, rows) in files.items():
        df, rep = read(_csv(tmp_path / name, head, rows))
        assert df["traj_id"].n_unique() == 1 and rep.total == 0 and _exact(df, pts), name
    assert read(tmp_path / "movebank.csv")[0]["traj_id"][0] == "Stork A"  # the animal, not the tag
    assert read(tmp_path / "opensky.csv")[0]["traj_id"][0] == "3c6444"
    pdf = pd.read_csv(tmp_path / "kystverket.csv", sep=";")  # the Python API reads them alike
    import trajlm

    assert _exact(trajlm.to_canonical(pdf), pts)


def test_rows_without_a_fix_are_counted_in_raise_mode(tmp_path):
    pts = _track(10)
    rows = [f"v1,{t},{la},{lo}" for t, la, lo in pts]
    rows.insert(3, f"v1,{T0 + 15},,")  # Movebank / OpenSky: a record without a position
    rows.insert(6, f"v1,{T0 + 45},91.0,181.0")  # AIS: position not available
    df, rep = read(_csv(tmp_path / "n.csv", "id,t,lat,lon", rows))
    assert rep.dropped == {"no_fix": 2} and _exact(df, pts)
    one_bad = rows[:1] + [f"v1,{T0 + 1},,-8.6"] + rows[1:]  # one coordinate missing: still an error
    with pytest.raises(TrajlmInputError, match="latitude is missing"):
        read(_csv(tmp_path / "m.csv", "id,t,lat,lon", one_bad))


def test_excel_semicolon_decimal_commas_are_read(tmp_path):
    pts = _track(12)
    rows = [f"v1;{_iso(t)};{la:.6f};{lo:.6f}".replace(".", ",") for t, la, lo in pts]
    p = tmp_path / "x.csv"
    p.write_bytes(
        ("\ufefftrip_id;timestamp;latitude;longitude\r\n" + "\r\n".join(rows) + "\r\n").encode()
    )
    df, rep = read(p)
    assert rep.total == 0 and _exact(df, pts, tol=1e-6)


def test_windows_1252_csv_is_read_and_said(tmp_path):
    """(session 18: was one line saying how to convert; lines that are not UTF-8 are now read
    as Windows-1252 and counted in the report as `repaired: cp1252_lines`)"""
    p = tmp_path / "w.csv"
    p.write_bytes("Fahrzeug;Zeit;Breite;Länge\nMÜ-1;1714975200;48.1;11.5\n".encode("cp1252"))
    df, rep = read(p)
    assert df.select("traj_id", "lat", "lon").rows() == [("MÜ-1", 48.1, 11.5)]
    assert rep.repaired["cp1252_lines"] == 1  # the data line (the header is decoded alike)


def test_one_column_for_lat_and_lon_is_one_line_not_a_traceback(tmp_path):
    rows = [f'c1,{_iso(t)},"POINT ({lo} {la})"' for t, la, lo in _track(5)]
    p = _csv(tmp_path / "w.csv", "trip_id,recorded_at,geom", rows)
    # session 16 (formats16): read, no longer refused (tests/test_formats16_tables.py)
    r = invoke(
        "data", "ingest", p, "--out", tmp_path / "st", "--lat-col", "geom", "--lon-col", "geom"
    )
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output


def test_python_missing_column_error_names_the_closest(tmp_path):
    import trajlm

    # `when_local`: since session 20 a name ENDING like a time (`when_utc`) is read as one, in
    # frames as in files (column_names.by_ending); a local clock is never guessed
    df = pd.DataFrame(
        {"track": ["a", "a"], "when_local": [T0, T0 + 5], "lat": [1.0, 1.1], "lon": [2.0, 2.1]}
    )
    with pytest.raises(TrajlmInputError, match="closest: 'when_local'"):
        trajlm.to_canonical(df)


def test_folder_of_geojson_files_is_read(tmp_path):
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "a.geojson").write_text(geojson_lines({"x": _track()}))
    (tmp_path / "runs" / "b.json").write_text(geojson_lines({"y": _track(k=1)}))
    df, rep = read(tmp_path / "runs")
    assert rep.total == 0 and sorted(df["traj_id"].unique()) == ["a/0", "b/0"]


def test_kmz_member_over_the_size_limit_is_refused(tmp_path):
    from trajlm.data.readers import ReadLimits

    with zipfile.ZipFile(tmp_path / "big.kmz", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", kml_gx_track(TWO))
    with pytest.raises(TrajlmInputError, match="max_zip_member_bytes"):
        read(tmp_path / "big.kmz", limits=ReadLimits(max_zip_member_bytes=1000))


def test_predict_on_an_nmea_log_does_not_credit_skip_mode_for_its_repairs(tmp_path):
    p = tmp_path / "d.nmea"
    p.write_text(nmea_log(_track(12, dt=1)))
    r = invoke("predict", "--model", tmp_path / "none", "--input", p)  # fails on the model later
    text = said(r)
    assert "dropped {'no_fix': 1} of 13 records" in text and "(--on-error skip)" not in text
