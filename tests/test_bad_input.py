"""Bad input: raise mode names file + line/field; skip mode keeps good rows and counts bad ones."""

from __future__ import annotations

import json
import time
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trajlm.data.readers import ColumnMap, iter_read, read
from trajlm.data.schema import TrajlmInputError, validate

HEADER = "traj_id,t,lat,lon\n"
GOOD = "a,1600000000,41.1,-8.6\na,1600000015,41.2,-8.5\nb,1600000000,41.3,-8.4\n"
PORTO_HEADER = (
    '"TRIP_ID","CALL_TYPE","ORIGIN_CALL","ORIGIN_STAND","TAXI_ID","TIMESTAMP","DAY_TYPE",'
    '"MISSING_DATA","POLYLINE"\n'
)
PLT_HEAD = "Geolife trajectory\r\nWGS 84\r\nAltitude is in Feet\r\nReserved 3\r\n0,2,255,My Track,0,0,2,8421376\r\n0\r\n"
PLT_GOOD = "39.9,116.3,0,492,39744.1,2008-10-23,02:53:04\r\n39.91,116.31,0,492,39744.1,2008-10-23,02:53:10\r\n"


def porto_row(trip: str, ts: int, poly: str, missing: str = "False") -> str:
    return f'"{trip}","C","","","20000589","{ts}","A","{missing}","{poly}"\n'


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


def both(path, fmt, reason, n_bad, n_good, match, line=None, columns=None, name=None):
    """Assert raise mode and skip mode; returns the skip-mode table."""
    with pytest.raises(TrajlmInputError, match=match) as err:
        read(path, fmt, columns=columns)
    msg = str(err.value)
    assert (name or Path(path).name) in msg, msg
    if line is not None:
        assert f"line {line}" in msg, msg
    df, rep = read(path, fmt, on_error="skip", columns=columns)
    assert rep.dropped[reason] == n_bad, rep.to_dict()
    assert len(df) == n_good
    assert rep.rows_in == len(df) + rep.total
    assert validate(df) == []
    return df


# --- generic CSV -------------------------------------------------------------------------------
def test_too_many_fields(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + GOOD + "c,1600000000,41.1,-8.6,extra\n")
    both(p, "csv", "malformed_row", 1, 3, "expected 4 fields", line=5)


def test_too_few_fields(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + "a,1600000000,41.1\n" + GOOD)
    both(p, "csv", "malformed_row", 1, 3, "found 3", line=2)


def test_unbalanced_quote(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + GOOD + 'c,"1600000000,41.1,-8.6\n')
    both(p, "csv", "malformed_row", 1, 3, "unbalanced quote", line=5)


def test_lat_not_a_number(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + "a,1600000030,abc,-8.6\n" + GOOD)
    both(p, "csv", "malformed_row", 1, 3, "field lat: latitude is missing or not a number", line=2)


def test_missing_traj_id_value(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + GOOD + ",1600000000,41.1,-8.6\n")
    both(p, "csv", "malformed_row", 1, 3, "missing trajectory id", line=5)


def test_nan_coordinate(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + GOOD + "a,1600000030,NaN,-8.6\n")
    both(p, "csv", "nan_coordinate", 1, 3, "NaN or infinite", line=5)


def test_inf_coordinate(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + GOOD + "a,1600000030,41.1,-inf\n")
    both(p, "csv", "nan_coordinate", 1, 3, "field lon", line=5)


def test_out_of_range(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + GOOD + "a,1600000030,91.5,-8.6\nb,1600000030,1,181\n")
    both(p, "csv", "out_of_range", 2, 3, r"latitude outside \[-90, 90\]", line=5)


def test_timestamp_in_future(tmp_path):
    future = int(time.time()) + 10 * 86400
    p = write(tmp_path, "x.csv", HEADER + GOOD + f"a,{future},41.1,-8.6\n")
    both(p, "csv", "timestamp_in_future", 1, 3, "in the future", line=5)


def test_timestamp_before_1990(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + "a,86400,41.1,-8.6\n" + GOOD)
    both(p, "csv", "timestamp_before_1990", 1, 3, "before 1990", line=2)


def test_bad_time_string(tmp_path):
    cm = ColumnMap(time_format="%Y-%m-%d %H:%M:%S")
    text = HEADER + "a,2020-01-01 00:00:00,41,-8\na,2020-13-45 99:00:00,41,-8\n"
    p = write(tmp_path, "x.csv", text)
    both(p, "csv", "malformed_row", 1, 1, "field t: time is missing or not", line=3, columns=cm)


def test_non_utf8_bytes(tmp_path):
    # (session 18: bytes that are Windows-1252 text are read as such; 0x81 / 0x8d are not)
    data = (HEADER + GOOD).encode() + b"c,1600000000,41.1,-8.6 \x81\x8d\n"
    p = write(tmp_path, "x.csv", data)
    both(p, "csv", "encoding_error", 1, 3, "not valid UTF-8", line=5)


def test_empty_file(tmp_path):
    p = write(tmp_path, "x.csv", "")
    both(p, "csv", "empty_file", 1, 0, "empty")


def test_header_only(tmp_path):
    p = write(tmp_path, "x.csv", HEADER)
    both(p, "csv", "empty_file", 1, 0, "no data rows")


def test_missing_columns_lists_available(tmp_path):
    p = write(tmp_path, "x.csv", "key,when,north,east\na,1600000000,41,-8\n")
    for mode in ("raise", "skip"):  # a mapping problem, not a row problem: raises in both modes
        with pytest.raises(TrajlmInputError, match=r"missing column.*'key', 'when', 'north'"):
            read(p, "csv", on_error=mode)
    df, _ = read(p, "csv", columns=ColumnMap(traj_id="key", t="when", lat="north", lon="east"))
    assert df["lat"].to_list() == [41.0]
    # recognised names (id, time, y, x) are read without a mapping (readers/detect.py)
    q = write(tmp_path, "y.csv", "id,time,y,x\na,1600000000,41,-8\n")
    assert read(q, "csv")[0]["lat"].to_list() == [41.0]


def test_swapped_lat_lon(tmp_path):
    rows = "".join(f"a,{1600000000 + i},{116.3 + i / 1e3},{39.9}\n" for i in range(5))
    p = write(tmp_path, "x.csv", HEADER + rows)
    for mode in ("raise", "skip"):  # skipping would drop every row: always an error
        with pytest.raises(
            TrajlmInputError, match=r"look swapped.*ColumnMap\(lat='lon', lon='lat'\)"
        ):
            read(p, "csv", on_error=mode)
    df, _ = read(p, "csv", columns=ColumnMap(lat="lon", lon="lat"))
    assert df["lat"].max() < 40 and df["lon"].min() > 116


def test_projected_coordinates(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + "a,1600000000,4220330.6,486050.8\n")
    with pytest.raises(TrajlmInputError, match="look projected"):
        read(p, "csv", on_error="skip")


def test_no_traj_id_column_is_one_trajectory(tmp_path):
    p = write(
        tmp_path, "walk.csv", "t,lat,lon\n2020-01-01T00:00:05Z,1,2\n2020-01-01T00:00:00+01:00,1,2\n"
    )
    df, rep = read(p, "csv", columns=ColumnMap(traj_id=None))
    assert df["traj_id"].to_list() == ["walk", "walk"]
    assert df["t"].to_list() == [1577833200, 1577836805]  # +01:00 is an hour earlier in UTC


def test_parquet_nan_and_row_number(tmp_path):
    p = tmp_path / "x.parquet"
    pl.DataFrame(
        {"traj_id": ["a", "a", "a"], "t": [1600000000, 1600000001, 1600000002],
         "lat": [41.0, float("nan"), 41.2], "lon": [-8.0, -8.1, -8.2]}
    ).write_parquet(p)  # fmt: skip
    both(p, "parquet", "nan_coordinate", 1, 2, "NaN or infinite", line=2)


# --- Porto -------------------------------------------------------------------------------------
def test_porto_invalid_polyline_json(tmp_path):
    text = PORTO_HEADER + porto_row("1", 1372636858, "[[-8.6,41.1],[-8.6,41.2]]")
    text += porto_row("2", 1372636858, "[[-8.6,41.1],[-8.6,")
    p = write(tmp_path, "porto.csv", text)
    both(p, "porto", "invalid_polyline_json", 1, 2, "field POLYLINE: POLYLINE is not", line=3)


def test_porto_polyline_pair_of_three(tmp_path):
    text = PORTO_HEADER + porto_row("1", 1372636858, "[[-8.6,41.1,7]]")
    text += porto_row("2", 1372636858, "[[-8.6,41.1]]")
    both(write(tmp_path, "p.csv", text), "porto", "invalid_polyline_json", 1, 1, "POLYLINE", line=2)


def test_porto_empty_polyline_and_missing_flag_are_counted_not_raised(tmp_path):
    text = PORTO_HEADER + porto_row("1", 1372636858, "[]")
    text += porto_row("2", 1372636858, "[[-8.6,41.1],[-8.6,41.2]]", missing="True")
    text += porto_row("3", 1372636858, "[[-8.6,41.1]]")
    p = write(tmp_path, "porto.csv", text)
    for mode in ("raise", "skip"):
        df, rep = read(p, "porto", on_error=mode)
        assert df["traj_id"].to_list() == ["3"]
        assert rep.dropped == {"empty_polyline": 1, "missing_data_flag": 2}
        assert rep.rows_in == 4 == len(df) + rep.total


def test_porto_bad_timestamp(tmp_path):
    text = PORTO_HEADER + porto_row("1", 1372636858, "[[-8.6,41.1]]")
    text += porto_row("2", 0, "[[-8.6,41.1],[-8.6,41.1]]").replace('"0"', '"soon"')
    both(write(tmp_path, "p.csv", text), "porto", "malformed_row", 2, 1, "field TIMESTAMP", line=3)


@pytest.mark.slow
def test_porto_10mb_single_line(tmp_path):
    n = 500_000  # ~10 MB POLYLINE on one line
    poly = "[" + ",".join(["[-8.618643,41.141412]"] * n) + "]"
    text = PORTO_HEADER + porto_row("big", 1372636858, poly) + porto_row("x", 1372636858, "[[1,")
    p = write(tmp_path, "porto.csv", text)
    assert p.stat().st_size > 10_000_000
    df = both(p, "porto", "invalid_polyline_json", 1, n, "POLYLINE", line=3)
    assert df["t"][-1] - df["t"][0] == 15 * (n - 1)


# --- GPX ---------------------------------------------------------------------------------------
GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="52.6" lon="-8.6"><time>2019-02-18T07:45:50Z</time></trkpt>
<trkpt lat="52.7" lon="-8.6"><time>2019-02-18T07:45:52Z</time></trkpt>
"""


def test_gpx_truncated(tmp_path):
    p = write(tmp_path, "t.gpx", GPX + '<trkpt lat="52.8" lon="-8.6"><ti')
    both(p, "gpx", "truncated_xml", 1, 2, "malformed or truncated", line=5)


def test_gpx_point_without_time(tmp_path):
    text = GPX + '<trkpt lat="52.8" lon="-8.6"></trkpt>\n</trkseg></trk></gpx>\n'
    both(write(tmp_path, "t.gpx", text), "gpx", "missing_time", 1, 2, "has no <time>", line=5)


def test_gpx_bad_lat_attribute(tmp_path):
    text = (
        GPX
        + '<trkpt lat="north" lon="-8.6"><time>2019-02-18T07:46:00Z</time></trkpt>\n</trkseg></trk></gpx>'
    )
    both(write(tmp_path, "t.gpx", text), "gpx", "malformed_row", 1, 2, "field lat", line=5)


# --- GeoLife -----------------------------------------------------------------------------------
PLT_NAME = "20081023025304.plt"


def geolife_user(tmp_path: Path, plt: str, labels: str | None = None) -> Path:
    traj = tmp_path / "Data" / "007" / "Trajectory"
    traj.mkdir(parents=True)
    (traj / PLT_NAME).write_bytes(plt.encode())
    if labels is not None:
        (traj.parent / "labels.txt").write_text(labels)
    return tmp_path / "Data"


def test_plt_too_few_fields(tmp_path):
    d = geolife_user(tmp_path, PLT_HEAD + PLT_GOOD + "39.92,116.32,0,492\r\n")
    both(d, "geolife", "malformed_row", 1, 2, "expected 7 fields", line=9, name=PLT_NAME)


def test_plt_header_only(tmp_path):
    d = geolife_user(tmp_path, PLT_HEAD)
    both(d, "geolife", "empty_file", 1, 0, "no points", name=PLT_NAME)


def test_labels_garbage_line(tmp_path):
    labels = "Start Time\tEnd Time\tTransportation Mode\n"
    labels += "2008/10/23 02:53:00\t2008/10/23 02:53:05\tbus\nthis is not a label\n"
    d = geolife_user(tmp_path, PLT_HEAD + PLT_GOOD, labels)
    with pytest.raises(TrajlmInputError, match="labels.txt line 3"):
        read(d, "geolife")
    df, rep = read(d, "geolife", on_error="skip")
    assert rep.dropped == {"labels_malformed_row": 1} and len(df) == 2
    assert df["label"].to_list() == ["bus", None]  # 02:53:04 inside, 02:53:10 after the end
    assert rep.rows_in == len(df) + rep.total


# --- property: any garbage line is either raised with a location or counted ---------------------
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(garbage=st.text(alphabet=st.sampled_from(list('ab,"1.-9 \t:NnIi')), max_size=30))
def test_fuzz_garbage_line(tmp_path, garbage):
    p = tmp_path / "fuzz.csv"
    p.write_text(HEADER + GOOD + garbage.replace("\n", "") + "\n" + GOOD.replace("a,", "c,"))
    try:
        read(p, "csv")
    except TrajlmInputError as e:
        assert "fuzz.csv line" in str(e) or "fuzz.csv:" in str(e)
    df, rep = read(p, "csv", on_error="skip")
    assert len(df) >= 6 and rep.rows_in == len(df) + rep.total
    chunks = list(iter_read(p, "csv", on_error="skip", chunk_rows=2))
    assert sum(len(c) for c, _ in chunks) == len(df)
    assert sum(r.total for _, r in chunks) == rep.total


def test_porto_chunk_json_fallback_matches(tmp_path):
    rows = [
        porto_row(str(i), 1372636858 + i, json.dumps([[-8.6, 41.1 + i / 100]])) for i in range(6)
    ]
    rows.insert(3, porto_row("bad", 1372636858, "[[oops]]"))
    p = write(tmp_path, "p.csv", PORTO_HEADER + "".join(rows))
    df, rep = read(p, "porto", on_error="skip", chunk_rows=1)
    assert len(df) == 6 and rep.dropped == {"invalid_polyline_json": 1}


def test_geolife_same_traj_id_from_two_roots(tmp_path):
    """Two different files with one id (an identical copy is read once: test_data18)."""
    a = geolife_user(tmp_path / "a", PLT_HEAD + PLT_GOOD)
    b = geolife_user(tmp_path / "b", PLT_HEAD + PLT_GOOD.replace("116.31,", "116.32,"))
    with pytest.raises(TrajlmInputError, match="007/20081023025304 was already read"):
        read([a, b], "geolife")
    df, rep = read([a, b], "geolife", on_error="skip")
    assert len(df) == 2 and rep.dropped == {"duplicate_traj_id": 2} and rep.rows_in == 4
