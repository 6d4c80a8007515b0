"""Session 21 (formats21): a new user's files from trackers, flight / marine services, GIS tools.

Two silent wrong reads (CalAmp `Update Time` read instead of `Time of Fix`; two Ruptela vehicles
merged when the times are Date + Time columns), docs/status.md Open 7 (`detect_scene_start`,
Waze `uuid`, `--layer`), and refusals that now read (AISHub answers, tar1090 polls, WKT
LINESTRING M, `bike_id` in GeoJSON points, Movebank `utm-zone`, `clock`, `time_s`, `lng_e7`) or
say what the file is (Polar HRM, Apple Health export.xml, GTFS schedule zip). Generators in the
file; every test but the controls fails on 5fdb9b6."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from helpers import exact_tracks as _exact

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1773482400  # 2026-03-14 10:00 UTC (a day over 12)


def _pts(n: int = 20, lat: float = 56.95, lon: float = 24.11, dt: int = 10, t0: int = T0) -> list:
    return [(t0 + i * dt, round(lat + 0.0003 * i, 6), round(lon + 0.0004 * i, 6)) for i in range(n)]  # fmt: skip


def _d(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def test_calamp_time_of_fix_is_taken_over_the_server_update_time(tmp_path):
    """Was: times from `Update Time` (when the server got the report), 37 s late, no word."""
    a, b = _pts(), _pts(lat=33.75, lon=-84.39, t0=T0 + 7)
    rows = [("4531002211", *p) for p in a] + [("4531002299", *p) for p in b]
    p = tmp_path / "calamp.csv"
    p.write_text("Mobile ID,Update Time,Time of Fix,Latitude,Longitude,Fix Status\n" + "".join(
        f"{m},{_d(t + 37):%Y-%m-%d %H:%M:%S},{t},{la},{lo},2\n" for m, t, la, lo in rows))  # fmt: skip
    df, _ = read(p)
    _exact(df, {"a": a, "b": b})


def test_a_time_named_like_a_server_time_is_warned(tmp_path):
    """Control: a lone `received_time` is still read (no other time), with a warning."""
    p = tmp_path / "t.csv"
    p.write_text("unit_id,received_time,lat,lon\n" + "".join(f"u1,{_d(t):%Y-%m-%dT%H:%M:%SZ},{la},{lo}\n" for t, la, lo in _pts()))  # fmt: skip
    with pytest.warns(UserWarning, match="server received"):
        df, _ = read(p)
    assert len(df) == 20


def _ruptela(tmp_path, header: str = "Object"):
    a, b = _pts(), _pts(lat=57.0, lon=24.2, t0=T0 + 7)
    p = tmp_path / "fm.csv"
    p.write_text(f"{header};Date;Time;Longitude;Latitude;Speed\n" + "".join(
        f"{v};{_d(t):%d.%m.%Y};{_d(t):%H:%M:%S};{str(lo).replace('.', ',')};{str(la).replace('.', ',')};36\n"
        for v, pts in (("car1", a), ("car2", b)) for t, la, lo in pts))  # fmt: skip
    return p, a, b


def test_ruptela_date_and_time_columns_with_object_are_two_vehicles(tmp_path):
    """Was: `Object` not an id and times of day not parsed by the times-go-back check, so two
    vehicles were merged into one trajectory (sorted_by_time 1, 34 impossible steps)."""
    p, a, b = _ruptela(tmp_path)
    df, _ = read(p)
    _exact(df, {"a": a, "b": b})


def test_date_and_time_columns_that_go_back_are_refused_without_an_id(tmp_path):
    """The times-go-back check reads Date + Time (was: time of day alone, unparsed: merged)."""
    p, _, _ = _ruptela(tmp_path, header="Kennung")
    with pytest.raises(TrajlmInputError, match="times go back.*'Kennung'"):
        read(p)


def test_sentinel1_detect_scene_start_and_waze_uuid_are_read(tmp_path):
    """docs/status.md Open 7: both needed --time-col / --traj-col (and Waze's location_x / _y)."""
    a, b = _pts(dt=3600), _pts(lat=5.3, lon=103.1, dt=3600, t0=T0 + 60)
    p = tmp_path / "sar.csv"
    p.write_text("detect_id,detect_scene_start,detect_lat,detect_lon,mmsi\n" + "".join(
        f"S1_{k}_{t},{_d(t):%Y-%m-%dT%H:%M:%SZ},{la},{lo},{m}\n" for k, (m, pts) in enumerate((("533000111", a), ("533000222", b))) for t, la, lo in pts))  # fmt: skip
    df, _ = read(p)
    _exact(df, {"a": a, "b": b})
    w = tmp_path / "waze.csv"
    w.write_text("uuid,pubMillis,location_x,location_y,type\n" + "".join(
        f"{u},{t * 1000},{lo},{la},PROBE\n" for u, pts in (("0b9e-1", a), ("7f3d-2", b)) for t, la, lo in pts))  # fmt: skip
    df, _ = read(w)
    _exact(df, {"a": a, "b": b})


def test_a_uuid_per_row_is_no_trajectory(tmp_path):
    """Control: a `uuid` different on every row is a row key (one track, as without it)."""
    import uuid

    pts = _pts(120, dt=1)
    p = tmp_path / "rows.csv"
    p.write_text("uuid,time,lat,lon\n" + "".join(f"{uuid.UUID(int=i)},{t},{la},{lo}\n" for i, (t, la, lo) in enumerate(pts)))  # fmt: skip
    df, _ = read(p)
    assert df["traj_id"].n_unique() == 1 and len(df) == 120


def test_flightaware_clock_wahoo_time_s_and_lng_e7(tmp_path):
    """Were "missing column(s) ['t']" / ['t', 'lon']."""
    pts = _pts(dt=15)
    p = tmp_path / "firehose.jsonl"
    p.write_text("".join(json.dumps({"type": "position", "ident": "UAL1", "lat": str(la), "lon": str(lo), "clock": str(t), "id": "UAL1-177-airline-0123"}) + "\n" for t, la, lo in pts))  # fmt: skip
    df, _ = read(p)
    _exact(df, {"a": pts})
    w = tmp_path / "wahoo.csv"
    w.write_text("time_s,lat_e7,lng_e7,heart_rate\n" + "".join(f"{t},{round(la * 1e7)},{round(lo * 1e7)},130\n" for t, la, lo in pts))  # fmt: skip
    df, _ = read(w)
    _exact(df, {"a": pts})


def _aishub(tmp_path, fmt: str) -> tuple:
    folder = tmp_path / fmt
    folder.mkdir()
    a, b = _pts(15, 59.9, 10.7, 120), _pts(15, 59.91, 10.71, 120, T0 + 7)
    for i in range(15):
        recs = []
        for m, pts in (("257111000", a), ("258222000", b)):
            t, la, lo = pts[i]
            k = 600_000 if fmt == "AIS" else 1
            la, lo = (round(la * k), round(lo * k)) if k > 1 else (la, lo)
            recs.append({"MMSI": int(m), "TIME": f"{_d(t):%Y-%m-%d %H:%M:%S} GMT", "LONGITUDE": lo, "LATITUDE": la, "SOG": 117 if k > 1 else 11.7})  # fmt: skip
        (folder / f"poll_{i:02d}.json").write_text(json.dumps([{"ERROR": False, "FORMAT": fmt, "RECORDS": 2}, recs]))  # fmt: skip
    return folder, a, b


@pytest.mark.parametrize("fmt", ["HUMAN", "AIS"])
def test_aishub_answers_are_read_and_ais_encoding_is_scaled(tmp_path, fmt):
    """Was "top level is not a JSON object"; format=0 (AIS encoding) is 1/10000 minute."""
    folder, a, b = _aishub(tmp_path, fmt)
    df, _ = read(folder)
    k = 600_000
    if fmt == "AIS":  # the truth as the file holds it (1/10000 minute)
        a = [(t, round(la * k) / k, round(lo * k) / k) for t, la, lo in a]
        b = [(t, round(la * k) / k, round(lo * k) / k) for t, la, lo in b]
    _exact(df, {"a": a, "b": b})


def test_tar1090_polls_position_time_is_now_minus_seen_pos(tmp_path):
    """Was "keys name no time"; an aircraft without a position is no point."""
    folder = tmp_path / "polls"
    folder.mkdir()
    a, b = _pts(10, 52.3, 4.76, 6), _pts(10, 52.4, 4.9, 6)
    ta, tb = [], []
    for i in range(10):
        now = a[i][0] + 3.0
        ac = [{"hex": "484f6d", "lat": a[i][1], "lon": a[i][2], "seen_pos": 1.5, "seen": 0.2},
              {"hex": "3c6586", "lat": b[i][1], "lon": b[i][2], "seen_pos": 0.4, "seen": 0.1},
              {"hex": "aaaaaa", "alt_baro": 3000, "seen": 0.3}]  # fmt: skip
        ta.append((int(now - 1.5), a[i][1], a[i][2]))
        tb.append((int(now - 0.4), b[i][1], b[i][2]))
        (folder / f"aircraft_{i}.json").write_text(json.dumps({"now": now, "aircraft": ac}))
    df, _ = read(folder)
    _exact(df, {"a": ta, "b": tb})


def test_wkt_linestring_m_rows_are_trajectories(tmp_path):
    """Was "missing column(s) ['t']"; a LINESTRING without M is one line."""
    a, b = _pts(), _pts(lat=60.2, lon=24.9, t0=T0 + 60)
    p = tmp_path / "trips.csv"
    p.write_text("trip_id,mode,geometry\n" + "".join(
        f'{k},bus,"LINESTRING ZM ({", ".join(f"{lo} {la} 12.5 {t}" for t, la, lo in pts)})"\n' for k, pts in (("t1", a), ("t2", b))))  # fmt: skip
    df, _ = read(p)
    _exact(df, {"a": a, "b": b})
    q = tmp_path / "routes.csv"
    q.write_text('id,geometry\nr1,"LINESTRING (24.1 56.9, 24.2 57.0)"\n')
    with pytest.raises(TrajlmInputError, match="without M values"):
        read(q)


def test_geojson_points_property_ending_in_id(tmp_path):
    """Was "no property names the trajectory" for `bike_id` (RFC 8142 sequence)."""
    a, b = _pts(), _pts(lat=35.68, lon=139.76)
    p = tmp_path / "bikes.geojsons"
    p.write_text("".join("\x1e" + json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lo, la]}, "properties": {"bike_id": v, "time": f"{_d(t):%Y-%m-%dT%H:%M:%SZ}"}}) + "\n" for v, pts in (("b1", a), ("b2", b)) for t, la, lo in pts))  # fmt: skip
    df, _ = read(p)
    _exact(df, {"a": a, "b": b})


def test_movebank_utm_zone_column_gives_the_crs(tmp_path):
    """Was "they look projected ... name their CRS" with the zone in the file."""
    from pyproj import Transformer

    to, back = Transformer.from_crs(4326, 32632, always_xy=True), Transformer.from_crs(32632, 4326, always_xy=True)  # fmt: skip
    rows, truth = [], []
    for t, la, lo in _pts(lat=46.5, lon=9.8, dt=3600):
        e, n = (round(v, 1) for v in to.transform(lo, la))
        rows.append(f"{_d(t):%Y-%m-%d %H:%M:%S.000},{e},{n},32N,deer1\n")
        lo2, la2 = back.transform(e, n)
        truth.append((t, la2, lo2))
    p = tmp_path / "movebank.csv"
    p.write_text("timestamp,utm-easting,utm-northing,utm-zone,individual-local-identifier\n" + "".join(rows))  # fmt: skip
    df, _ = read(p)
    _exact(df, {"a": truth})


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("s.hrm", "[Params]\nVersion=106\nDate=20260304\n[HRData]\n120\n", "Polar HRM"),
        (
            "export.xml",
            '<?xml version="1.0"?>\n<HealthData locale="en_US">\n</HealthData>\n',
            "workout-routes",
        ),  # fmt: skip
    ],
)
def test_files_without_positions_say_what_they_are(tmp_path, name, text, match):
    """Were "cannot tell the format from the name"."""
    (p := tmp_path / name).write_text(text)
    with pytest.raises(TrajlmInputError, match=match):
        read(p)


def test_gtfs_schedule_zip_says_it_has_no_positions(tmp_path):
    """Was "no zip member matches '*.csv'"."""
    import zipfile

    p = tmp_path / "gtfs.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("stops.txt", "stop_id,stop_name,stop_lat,stop_lon\n1,A,45.5,-73.5\n")
        z.writestr("trips.txt", "route_id,service_id,trip_id\nR,W,T1\n")
        z.writestr("stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,08:00:00,08:00:00,1,1\n")  # fmt: skip
    with pytest.raises(TrajlmInputError, match="GTFS schedule feed"):
        read(p)


def test_hostile_aishub_tar1090_and_linestring_inputs_are_one_line(tmp_path):
    """An AISHub error / empty answer, a tar1090 poll without `now` or with a `seen_pos` that is
    no number (counted, not dropped silently), a ragged LINESTRING M: one line each."""
    cases = {
        "err.json": (
            '[{"ERROR": true, "USERNAME": "x", "FORMAT": "AIS", "ERROR_MESSAGE": "Too frequent requests!"}]',
            "Too frequent requests",
        ),  # fmt: skip
        "empty.json": ('[{"ERROR": false, "FORMAT": "AIS", "RECORDS": 0}, []]', "without records"),
        "nonow.json": (
            '{"aircraft": [{"hex": "a", "lat": 1, "lon": 2, "seen_pos": 1}]}',
            "no `now`",
        ),  # fmt: skip
        "ragged.csv": (
            'id,geometry\na,"LINESTRING M (24.1 56.9 1773482400, 24.2 57.0)"\n',
            "a vertex of 2 numbers",
        ),  # fmt: skip
    }
    for name, (text, match) in cases.items():
        (p := tmp_path / name).write_text(text)
        with pytest.raises(TrajlmInputError, match=match):
            read(p)
    poll = {"now": T0 + 3.0, "aircraft": [{"hex": "a", "lat": 52.0 + i / 1e4, "lon": 4.0, "seen_pos": 1} for i in range(3)]}  # fmt: skip
    poll["aircraft"][1]["seen_pos"] = "soon"
    (p := tmp_path / "poll.json").write_text(json.dumps(poll))
    df, rep = read(p, on_error="skip")
    assert len(df) == 2 and rep.rows_in == 3 and sum(rep.dropped.values()) == 1


def test_find_my_items_data_snapshots_one_trajectory_per_item(tmp_path):
    """Was "no file trajlm reads under the folder" (`.data`); read, the two items must not be
    one trajectory per snapshot file (the serial number is the id)."""
    folder = tmp_path / "findmy"
    folder.mkdir()
    a, b = _pts(6, 51.51, -0.13, 300), _pts(6, 51.50, -0.12, 300, T0 + 60)
    for i in range(6):
        items = [{"serialNumber": s, "identifier": f"id-{s}", "name": n, "location": {"latitude": p[i][1], "longitude": p[i][2], "timeStamp": p[i][0] * 1000}}  # fmt: skip
                 for s, n, p in (("H6GD1", "Keys", a), ("H6GD2", "Bag", b))]  # fmt: skip
        (folder / f"Items_{i}.data").write_text(json.dumps(items))
    df, _ = read(folder)
    _exact(df, {"a": a, "b": b})


def _nmea(body: str) -> str:
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"${body}*{x:02X}"


def test_nmea_rmc_with_a_bad_checksum_takes_its_gga_across_midnight(tmp_path):
    """Was: that second dropped (`bad_checksum`) though its GGA (valid checksum) held the fix;
    the date comes from the RMC before it, a day later past midnight. Without a GGA beside
    it the RMC is still `bad_checksum`."""
    t0 = 1772668797  # 2026-03-04 23:59:57 UTC
    lines, truth = [], []
    for i in range(6):
        d = _d(t0 + i)
        la, lo = 33.0 + i / 600, 151.0 + i / 600  # whole 0.1 minutes
        a, b = f"{int(la):02d}{(la % 1) * 60:07.4f}", f"{int(lo):03d}{(lo % 1) * 60:07.4f}"
        lines.append(_nmea(f"GPGGA,{d:%H%M%S}.00,{a},S,{b},E,1,09,0.9,12.0,M,20.0,M,,"))
        rmc = _nmea(f"GPRMC,{d:%H%M%S}.00,A,{a},S,{b},E,9.7,45.0,{d:%d%m%y},,,A")
        lines.append(rmc[:-2] + ("00" if rmc[-2:] != "00" else "11") if i == 4 else rmc)
        truth.append((t0 + i, -round(la, 6), round(lo, 6)))
    (p := tmp_path / "log.nmea").write_text("\r\n".join(lines) + "\r\n")
    df, rep = read(p)
    _exact(df, {"a": truth})
    (q := tmp_path / "rmc_only.nmea").write_text("\r\n".join(lines[1::2]) + "\r\n")
    df, rep = read(q)
    assert len(df) == 5 and rep.dropped.get("bad_checksum") == 1
