"""Hostile input to session 18's new readers, frame shapes and server transport (badin18):
each test failed before its fix (a traceback, a silent wrong value or a misleading line)."""

from __future__ import annotations

import asyncio
import gzip
import json
import struct

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError
from trajlm.serve.transport import BodyRefused, Transport, accepts_gzip, decode_body

N = 8
T0 = pd.date_range("2026-05-01T08:00:00Z", periods=N, freq="15s")
LAT = 41.15 + np.arange(N) * 1e-3
LON = -8.61 + np.arange(N) * 1e-3


def points(path) -> pl.DataFrame:
    return read(path)[0]


# ------------------------------------------------------------------ server transport
BODY = json.dumps({"trajectories": [], "steps": 2}).encode()


def test_a_gzip_body_of_several_members_is_read_whole():
    two = gzip.compress(BODY[:10]) + gzip.compress(BODY[10:])
    assert decode_body(two, "gzip", 4_000_000) == BODY


def test_bytes_after_the_gzip_stream_are_refused_not_dropped():
    with pytest.raises(BodyRefused, match="after the end of its gzip stream") as e:
        decode_body(gzip.compress(BODY) + b"garbage", "gzip", 4_000_000)
    assert e.value.status == 400
    with pytest.raises(BodyRefused) as e:  # the bound holds across members
        decode_body(gzip.compress(b" " * 3000) * 2, "gzip", 5000)
    assert e.value.status == 413


@pytest.mark.parametrize(
    ("value", "ok"),
    [("gzip", True), ("GZIP", True), ("br, gzip;q=0.5", True), ("*", True),
     ("gzip;q=0", False), ("identity", False), ("gzip;q=0, *;q=0", False), ("br", False)],
)  # fmt: skip
def test_accept_encoding_weights(value, ok):
    assert accepts_gzip(value) is ok


def test_gzip_q0_gets_a_plain_answer():
    """Transport hands the inner app (Starlette's substring test) only an acceptable gzip."""
    seen = []

    async def inner(scope, receive, send):
        seen.append(dict(scope["headers"]).get(b"accept-encoding"))

    app = Transport(inner, 1000)
    for value in (b"gzip;q=0", b"GZIP", b"deflate"):
        scope = {"type": "http", "path": "/predict", "headers": [(b"accept-encoding", value)]}
        asyncio.run(app(scope, None, None))
    assert seen == [None, b"gzip", None]


# ------------------------------------------------------------------ JSON services
def test_polar_offset_beyond_any_zone_is_refused_not_shifted(tmp_path):
    route = [{"dateTime": f"2026-08-20T07:00:{i:02d}.000", "latitude": 60.17 + i * 1e-4,
              "longitude": 24.94} for i in range(10)]  # fmt: skip
    doc = {"exercises": [{"timezoneOffset": 100000, "samples": {"recordedRoute": route}}]}
    p = tmp_path / "training-session-1.json"
    p.write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match="timezoneOffset is 100000 minutes"):
        points(p)
    doc["exercises"][0]["timezoneOffset"] = 180  # UTC+3: read, 3 h earlier in UTC
    p.write_text(json.dumps(doc))
    assert points(p)["t"].min() == int(pd.Timestamp("2026-08-20T04:00:00Z").timestamp())


def test_adsb_trace_rows_without_positions_are_named(tmp_path):
    p = tmp_path / "trace_full_abc123.json"
    rows = [[10.0 * i, 41.27 + i * 1e-3] for i in range(5)]
    p.write_text(json.dumps({"icao": "abc123", "timestamp": 1772409600, "trace": rows}))
    with pytest.raises(TrajlmInputError, match=r"trace\[0\].*\[0.0, 41.27\]"):
        points(p)


def test_numbers_written_as_text_in_a_moves_export_are_read(tmp_path):
    pts = [{"lat": str(59.3293 + i * 1e-4), "lon": 18.0686, "time": f"20140602T0800{i:02d}+0200"}
           for i in range(0, 50, 5)]  # fmt: skip
    doc = [{"date": "20140602", "segments": [{"activities": [{"trackPoints": pts}]}]}]
    p = tmp_path / "storyline.json"
    p.write_text(json.dumps(doc))
    assert len(points(p)) == 10


# ------------------------------------------------------------------ JSON Lines
def _rows(n: int = 12) -> list[dict]:
    return [{"device": "s0", "ts": f"2026-09-09T04:00:{i:02d}Z", "lat": 35.38 + i * 1e-4,
             "lng": 51.38 + i * 1e-4} for i in range(n)]  # fmt: skip


def test_json_lines_with_a_bom_blank_lines_and_nan_are_read(tmp_path):
    rows = _rows()
    p = tmp_path / "a.jsonl"
    p.write_text("\ufeff" + "\n\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    assert len(points(p)) == len(rows)
    rows[4]["lat"] = float("nan")  # json.dumps writes NaN
    p.write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(TrajlmInputError, match="line 5 field lat: latitude is NaN"):
        points(p)


def test_json_lines_empty_nested_and_other_records_are_one_line(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_text("\n\n")
    with pytest.raises(TrajlmInputError, match="file is empty"):
        points(p)
    rows = _rows()
    rows[3]["lat"] = {"v": 35.3}
    p.write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(TrajlmInputError, match="line 4 field lat: field 'lat' is an object"):
        points(p)
    rows = _rows()
    rows[7] = {"id": "x", "when": 1, "y": 2}
    p.write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(TrajlmInputError, match="line 8: keys .* share none with line 1"):
        points(p)


# ------------------------------------------------------------------ Suunto SML
def test_sml_in_degrees_is_named_not_called_projected(tmp_path):
    samples = "".join(
        f"<Sample><UTC>2026-07-15T05:00:{i:02d}.000Z</UTC><Latitude>{46.02 + i * 1e-4}</Latitude>"
        f"<Longitude>7.74</Longitude></Sample>"
        for i in range(5)
    )
    p = tmp_path / "move.sml"
    p.write_text('<sml xmlns="http://www.suunto.com/schemas/sml"><DeviceLog><Samples>'
                 f"{samples}</Samples></DeviceLog></sml>")  # fmt: skip
    with pytest.raises(TrajlmInputError, match="Latitude.* is not in radians"):
        points(p)


# ------------------------------------------------------------------ frame shapes
def _frame(**cols) -> pd.DataFrame:
    return pd.DataFrame({"id": ["a"] * N, "t": T0, **cols})


def test_bytes_that_are_not_wkb_are_one_line():
    with pytest.raises(TrajlmInputError, match="'geometry' holds bytes that are not WKB"):
        trajlm.to_canonical(_frame(geometry=[b"\x01\x02garbage"] * N))


def test_wkt_of_another_geometry_names_the_row():
    wkt = [f"POINT ({x} {y})" for x, y in zip(LON, LAT, strict=True)]
    wkt[2] = "LINESTRING (0 0, 1 1)"
    with pytest.raises(TrajlmInputError, match="row 2: 'LINESTRING .* is not a point"):
        trajlm.to_canonical(_frame(geometry=wkt))
    wkt[2] = "POINT EMPTY"  # an empty point stays a missing position
    with pytest.raises(TrajlmInputError, match="missing value"):
        trajlm.to_canonical(_frame(geometry=wkt))


def test_point_lists_that_are_not_pairs_are_named():
    df = pl.DataFrame({"id": ["a"] * N, "t": T0.to_list(), "geometry": [[x] for x in LON]})
    with pytest.raises(TrajlmInputError, match="'geometry' holds lists"):
        trajlm.to_canonical(df)


def test_split_coordinates_are_named_after_the_callers_column():
    wkt = [f"POINT ({x} {y + 100})" for x, y in zip(LON, LAT, strict=True)]
    with pytest.raises(TrajlmInputError, match="geometry.y") as e:
        trajlm.to_canonical(_frame(geometry=wkt))
    assert "_geom" not in str(e.value)


def test_list_columns_of_other_lengths_name_the_row():
    df = pl.DataFrame({"id": ["a", "b"], "t": [[1790000000 + 15 * i for i in range(N)],
                       [1790000000, 1790000015]], "lat": [list(LAT), list(LAT[:3])],
                       "lon": [list(LON), list(LON[:2])]})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="row 1: list column 'lat' has 3 values"):
        trajlm.to_canonical(df)


def test_unit_named_times_in_another_unit_are_named():
    ns = 1_790_000_000_000_000_000 + np.arange(N) * 15_000_000_000
    with pytest.raises(TrajlmInputError, match="named as Unix ms .* only in ns"):
        trajlm.to_canonical(pd.DataFrame({"id": ["a"] * N, "ts_ms": ns, "lat": LAT, "lon": LON}))
    ms = 1_790_000_000_000 + np.arange(N) * 15_000  # right: read, as before
    out = trajlm.to_canonical(pd.DataFrame({"id": ["a"] * N, "ts_ms": ms, "lat": LAT, "lon": LON}))
    assert out["t"][0] == 1_790_000_000


def _wkb(x: float, y: float) -> bytes:
    return struct.pack("<BIdd", 1, 1, x, y)


def test_wkb_points_still_round_trip():
    df = _frame(geometry=[_wkb(x, y) for x, y in zip(LON, LAT, strict=True)])
    out = trajlm.to_canonical(df)
    assert np.allclose(out["lat"].to_numpy(), LAT)


# ------------------------------------------------------------------ coordinates as text
def test_dms_with_decimal_commas_is_read(tmp_path):
    p = tmp_path / "dms.csv"
    rows = [f'v1,2026-09-01T13:00:{i * 7:02d}Z,"12°02\'{10 + i},5""S","77°02\'34,0""W"'
            for i in range(6)]  # fmt: skip
    p.write_text("vehicle,time,latitude,longitude\n" + "\n".join(rows) + "\n", encoding="utf-8")
    df = read(p)[0]
    assert np.allclose(df["lat"][0], -(12 + 2 / 60 + 10.5 / 3600))
    assert np.allclose(df["lon"][0], -(77 + 2 / 60 + 34 / 3600))


def test_ddmm_whose_leading_zeros_a_spreadsheet_dropped_is_read(tmp_path):
    p = tmp_path / "tracker.csv"
    rows = [f"3569,2026-11-05T09:0{i}:00Z,{'536' if i % 2 else '0536'}.{2220 + i},N,11.22,W"
            for i in range(6)]  # fmt: skip
    p.write_text("imei,gps_utc,lat,ns,lon,ew\n" + "\n".join(rows) + "\n")
    df = read(p)[0]
    assert np.allclose(df["lat"][0], 5 + 36.2220 / 60)
    assert np.allclose(df["lon"][0], -(0 + 11.22 / 60))


@pytest.mark.parametrize(
    ("text", "axis", "why"),
    [("12°61'00\"S", "lat", "minutes 61 are 60 or more"),
     ("12°02'60\"S", "lat", "seconds 60 are 60 or more"),
     ("N 12°02'01\" S", "lat", "two hemisphere letters"),
     ("-12°02'01\"S", "lat", "a sign and a hemisphere letter"),
     ("12.05E", "lat", "E is a letter of the other axis"),
     ("12.5°02'", "lon", "degrees with a fraction and minutes"),
     ("abc", "lon", "not a number")],
)  # fmt: skip
def test_why_coordinate_text_did_not_parse(text, axis, why):
    from trajlm.data.readers._coord_text import RAW, parse_coords, why_not

    assert why in why_not(text, axis)
    df = parse_coords(pl.DataFrame({"c": [text, "10.5"]}), {"c": axis})
    assert df["c"][0] is None and df[RAW + "c"][0] == text  # kept for the row check


def test_a_long_unknown_path_is_shortened_in_the_404():
    from trajlm.serve.transport import not_found

    line = not_found(None, "GET", "/" + "x" * 5000)
    assert len(line) < 400 and "5,001 characters" in line


# ------------------------------------------------------------------ round 2
def test_json_lines_true_in_a_coordinate_and_repeated_keys_are_named(tmp_path):
    rows = _rows()
    rows[2]["lat"] = True  # Polars read it as 1.0
    rows[5]["moving"], rows[6]["moving"] = True, 1  # an unused field may mix them
    p = tmp_path / "c.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(TrajlmInputError, match="line 3 field lat: field 'lat' is true / false"):
        points(p)
    lines = ['{"lat": 1.0, ' + json.dumps(r)[1:] for r in _rows()]  # lat twice a line
    p.write_text("\n".join(lines))
    with pytest.raises(TrajlmInputError, match="line 1 field lat: key 'lat' appears twice"):
        points(p)


def test_a_queclink_log_with_a_bom_keeps_its_first_report(tmp_path):
    reports = [f"+RESP:GTFRI,2C0204,860599001122334,GV300,0,0,1,1,24.3,92,1480.0,"
               f"31.0{335 + 20 * i},-17.8252,2026101006{i:02d}00,0648,0004,0FA1,9C3B,00,,"
               f"2026101006{i:02d}00,000{i}$" for i in range(6)]  # fmt: skip
    p = tmp_path / "gv300.txt"
    p.write_text("\ufeff" + "\r\n".join(reports) + "\r\n", encoding="utf-8")
    assert len(points(p)) == 6


def test_an_adsb_trace_with_an_iso_timestamp_is_read(tmp_path):
    p = tmp_path / "trace_full_abc123.json"
    rows = [[10.0 * i, 41.27 + i * 1e-3, 69.28, 2000] for i in range(5)]
    p.write_text(json.dumps({"icao": "abc123", "timestamp": "2026-03-02T00:00:00Z", "trace": rows}))
    assert points(p)["t"].min() == int(pd.Timestamp("2026-03-02T00:00:00Z").timestamp())


def test_hex_wkb_text_and_shapely_objects_are_read_and_packed_back():
    import shapely

    from trajlm.data.coerce_shapes import pack_point, split_point

    pts = [shapely.Point(x, y) for x, y in zip(LON, LAT, strict=True)]
    for geometry in (shapely.to_wkb(pts, hex=True).tolist(), pts):
        out = trajlm.to_canonical(_frame(geometry=geometry))
        assert np.allclose(out["lat"].to_numpy(), LAT) and np.allclose(out["lon"].to_numpy(), LON)
    df = pl.DataFrame({"id": ["a"] * N, "geometry": shapely.to_wkb(pts, hex=True).tolist()})
    split, lat, lon, point = split_point(df, None, None)
    back = pack_point(split, point, lat, lon)
    assert back["geometry"].to_list() == df["geometry"].to_list()  # hex in, hex out


def test_lat_lists_of_another_length_on_every_row_are_named():
    df = pl.DataFrame({"id": ["a"], "t": [[1790000000 + 15 * i for i in range(N)]],
                       "lat": [list(LAT[:3])], "lon": [list(LON[:3])]})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="row 0: list column 'lat' has 3 values"):
        trajlm.to_canonical(df)
