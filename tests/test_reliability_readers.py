"""Readers that notice damage (issue 13, part 3): structural checks, counted repairs, limits.

Each case asserts either a TrajlmInputError whose message names the file and the line or field,
or a counted drop/repair with rows_in == rows_kept + dropped. The fuzz tests at the end mutate
small valid files of four formats: a reader returns a valid canonical table or raises
TrajlmInputError, never anything else.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trajlm.data.clean import CleanConfig, clean
from trajlm.data.ingest import ingest
from trajlm.data.readers import ColumnMap, ReadLimits, iter_read, read
from trajlm.data.schema import DropReport, TrajlmInputError, validate
from trajlm.data.store import read_store

HEADER = "traj_id,t,lat,lon\n"
ROWS = [
    "a,1600000000,41.15123,-8.61234",
    "a,1600000015,41.15234,-8.61345",
    "a,1600000030,41.15345,-8.61456",
]
PORTO_HEADER = (
    '"TRIP_ID","CALL_TYPE","ORIGIN_CALL","ORIGIN_STAND","TAXI_ID","TIMESTAMP","DAY_TYPE",'
    '"MISSING_DATA","POLYLINE"\n'
)
PLT_HEAD = [
    "Geolife trajectory",
    "WGS 84",
    "Altitude is in Feet",
    "Reserved 3",
    "0,2,255,My Track,0,0,2,8421376",
    "0",
]
PLT_ROWS = [
    "39.984702,116.318417,0,492,39744.1201851852,2008-10-23,02:53:04",
    "39.984683,116.31845,0,492,39744.1202546296,2008-10-23,02:53:10",
    "39.984686,116.318417,0,492,39744.1203125,2008-10-23,02:53:15",
]
GPX = """<?xml version="1.0"?>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="52.66" lon="-8.63"><time>2019-02-18T07:45:00Z</time></trkpt>
<trkpt lat="52.67" lon="-8.62"><time>2019-02-18T07:45:02Z</time></trkpt>
<trkpt lat="52.68" lon="-8.61"><time>2019-02-18T07:45:04Z</time></trkpt>
</trkseg></trk></gpx>
"""


def porto_row(trip: str, ts: int = 1372636858, poly: str = "[[-8.61,41.14],[-8.62,41.15]]"):
    return f'"{trip}","C","","","20000589","{ts}","A","False","{poly}"\n'


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


def plt_file(tmp_path: Path, head: list[str], rows: list[str], end: str = "\r\n") -> Path:
    text = "\r\n".join(head + rows) + end
    return write(tmp_path, "Data/000/Trajectory/20081023025304.plt", text)


def refused(path, fmt, *where: str, match: str | None = None, **kw) -> str:
    """Assert a TrajlmInputError naming the file and each of `where`; returns the message."""
    with pytest.raises(TrajlmInputError, match=match) as err:
        read(path, fmt, **kw)
    msg = str(err.value)
    assert Path(path[-1] if isinstance(path, list) else path).name in msg, msg
    for w in where:
        assert w in msg, msg
    assert "\n" not in msg  # one line
    return msg


def skipped(path, fmt, **kw) -> tuple[pl.DataFrame, DropReport]:
    """Read with on_error="skip"; assert a valid table and a consistent report."""
    df, rep = read(path, fmt, on_error="skip", **kw)
    assert validate(df) == []
    assert rep.rows_in == len(df) + rep.total == rep.rows_kept + rep.total
    assert rep.rows_kept == len(df)
    return df, rep


# --- truncated last row --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cut", "why"),
    [
        ("a,1600000045,41.15456,-8.6", "shorter than the 8 characters"),  # fixed width
        ("a,1600000045,41.15456,-", "shorter"),
        ("a,1600000045,41.15456,", "empty"),
        ("a,1600000045,41.1", "expected 4 fields"),  # cut in an earlier field
        ("a,16000", "expected 4 fields"),
    ],
)
def test_csv_truncated_last_row(tmp_path, cut, why):
    p = write(tmp_path, "feed.csv", HEADER + "\n".join(ROWS) + "\n" + cut)  # no final newline
    msg = refused(p, "csv", "line 5", why, match="truncated|looks cut")
    df, rep = skipped(p, "csv")
    assert rep.dropped == {"truncated_last_row": 1} and len(df) == 3
    assert "without a newline" in msg


def test_cut_inside_a_utf8_character(tmp_path):
    text = "traj_id,t,lat,lon,name\n" + "a,1600000000,41.1,-8.6,Sé\na,1600000015,41.2,-8.7,Sé\n"
    p = write(tmp_path, "x.csv", text.encode() + "a,1600000030,41.3,-8.8,Sé".encode()[:-1])
    refused(p, "csv", "line 4", "UTF-8 character", columns=ColumnMap(extra={"name": "name"}))
    df, rep = skipped(p, "csv", columns=ColumnMap(extra={"name": "name"}))
    assert rep.dropped == {"truncated_last_row": 1} and len(df) == 2


def test_csv_cut_number_is_not_stored_50_km_off(tmp_path):
    """The tester's case: last row `...,41.15` cut to `...,4` was stored with lat 4."""
    text = "traj_id,t,lon,lat\n" + "a,1600000000,-8.61,41.15\na,1600000015,-8.62,41.16\n"
    p = write(tmp_path, "x.csv", text + "a,1600000030,-8.63,4")
    df, rep = skipped(p, "csv")
    assert df["lat"].min() > 41 and rep.dropped["truncated_last_row"] == 1


@pytest.mark.parametrize(
    ("cut", "why"), [("-8.6", "fewer digits"), ("-", "not a number"), ("-8.", "fewer digits")]
)
def test_csv_truncated_numeric_column_of_varying_width(tmp_path, cut, why):
    rows = ["a,1600000000,41.1,-8.61", "a,1600000015,41.2,-10.612", "a,1600000030,41.3,-8.6123"]
    p = write(tmp_path, "x.csv", HEADER + "\n".join(rows) + "\na,1600000045,41.4," + cut)
    refused(p, "csv", "line 5", "field lon", why)
    _, rep = skipped(p, "csv")
    assert rep.dropped == {"truncated_last_row": 1}


def test_csv_complete_last_line_without_newline_is_kept(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + "\n".join(ROWS) + "\na,1600000045,41.15456,-8.61567")
    df, rep = read(p, "csv")
    assert len(df) == 4 and rep.total == 0 and rep.rows_in == 4


def test_csv_short_last_value_with_newline_is_kept(tmp_path):
    """A newline at the end marks the last line complete: no truncation check."""
    p = write(tmp_path, "x.csv", HEADER + "\n".join(ROWS) + "\na,1600000045,41.15456,-8.6\n")
    df, rep = read(p, "csv")
    assert len(df) == 4 and rep.total == 0


def test_csv_truncated_fixed_width_time(tmp_path):
    cm = ColumnMap(time_format="%Y-%m-%d %H:%M:%S")
    text = "traj_id,lat,lon,t\na,41.1,-8.6,2020-01-01 00:00:00\na,41.2,-8.7,2020-01-01 00:00:15\n"
    p = write(tmp_path, "x.csv", text + "a,41.3,-8.8,2020-01-01 00:00:3")
    refused(p, "csv", "line 4", "field t", "shorter", columns=cm)
    _, rep = skipped(p, "csv", columns=cm)
    assert rep.dropped == {"truncated_last_row": 1}


def test_truncated_last_row_across_blocks(tmp_path):
    """The comparison uses every earlier line of the file, not only the last block's."""
    rows = [f"a,{1600000000 + 15 * i},41.15{i:03d},-8.61{i:03d}" for i in range(20)]
    p = write(tmp_path, "x.csv", HEADER + "\n".join(rows) + "\na,1600000999,41.15999,-8.61")
    _, rep = skipped(p, "csv", chunk_rows=3)
    assert rep.dropped == {"truncated_last_row": 1} and rep.rows_in == 21


def test_porto_truncated_last_row(tmp_path):
    text = PORTO_HEADER + porto_row("1") + porto_row("2")[:-12]  # cut inside the POLYLINE
    p = write(tmp_path, "porto.csv", text)
    refused(p, "porto", "line 3", "truncated", match="without a newline")
    df, rep = skipped(p, "porto")
    assert rep.dropped == {"truncated_last_row": 1} and df["traj_id"].unique().to_list() == ["1"]


def test_plt_truncated_last_row(tmp_path):
    p = plt_file(tmp_path, PLT_HEAD, PLT_ROWS[:2] + [PLT_ROWS[2][:-1]], end="")
    refused(p, "geolife", "line 9", "field time", "shorter")
    df, rep = skipped(p, "geolife")
    assert rep.dropped == {"truncated_last_row": 1} and len(df) == 2


def test_labels_truncated_inside_the_last_mode(tmp_path):
    p = plt_file(tmp_path, PLT_HEAD, PLT_ROWS)
    labels = "Start Time\tEnd Time\tTransportation Mode\r\n"
    labels += "2008/10/23 02:53:04\t2008/10/23 02:53:05\twalk\r\n"
    labels += "2008/10/23 02:53:06\t2008/10/23 02:53:10\tbus\r\n"
    last = "2008/10/23 02:53:11\t2008/10/23 02:53:20\t"
    lab = write(tmp_path, "Data/000/labels.txt", labels + last + "tra")  # "train", cut
    with pytest.raises(TrajlmInputError, match="not a GeoLife mode") as err:
        read(p, "geolife")
    assert "labels.txt line 4 field Transportation Mode" in str(err.value)
    df, rep = skipped(p, "geolife")
    assert rep.dropped == {"truncated_last_row": 1} and df["label"].to_list() == [
        "walk",
        "bus",
        None,
    ]
    lab.write_text(labels + last + "train")  # complete, even without a final newline
    assert read(p, "geolife")[0]["label"].to_list() == ["walk", "bus", "train"]


def test_zip_member_truncated_last_row(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("feed/day1.csv", HEADER + "\n".join(ROWS) + "\na,1600000045,41.15456,-8.6")
    p = write(tmp_path, "feed.zip", buf.getvalue())
    refused(p, "csv", "feed.zip/feed/day1.csv line 5", "looks cut")
    _, rep = skipped(p, "csv")
    assert rep.dropped == {"truncated_last_row": 1}


# --- duplicate Porto TRIP_IDs ----------------------------------------------------------------
def test_porto_duplicate_trip_id(tmp_path):
    text = PORTO_HEADER + porto_row("7", poly="[[-8.61,41.14],[-8.62,41.15]]") + porto_row("8")
    text += porto_row("7", poly="[[-8.0,41.0],[-8.1,41.1],[-8.2,41.2]]")
    p = write(tmp_path, "porto.csv", text)
    refused(p, "porto", "line 4", "field TRIP_ID", "line 2", match="already used")
    df, rep = skipped(p, "porto")
    assert rep.dropped == {"duplicate_trip_id": 3}  # the later trip's 3 points
    assert df.filter(pl.col("traj_id") == "7")["lon"].to_list() == [-8.61, -8.62]  # the first


def test_porto_duplicate_trip_id_across_chunks(tmp_path):
    rows = [porto_row(str(i)) for i in range(30)] + [porto_row("3")]
    p = write(tmp_path, "porto.csv", PORTO_HEADER + "".join(rows))
    refused(p, "porto", "line 32", "line 5", chunk_rows=50)  # one trip per chunk
    df, rep = skipped(p, "porto", chunk_rows=50)
    assert rep.dropped == {"duplicate_trip_id": 2} and df["traj_id"].n_unique() == 30


def test_porto_duplicate_trip_id_across_files(tmp_path):
    a = write(tmp_path, "a.csv", PORTO_HEADER + porto_row("1") + porto_row("2"))
    b = write(tmp_path, "b.csv", PORTO_HEADER + porto_row("3") + porto_row("1"))
    msg = refused([a, b], "porto", "b.csv line 3", "a.csv line 2")
    assert "TRIP_ID" in msg
    _, rep = skipped([a, b], "porto")
    assert rep.dropped == {"duplicate_trip_id": 2}


def test_gpx_files_with_the_same_stem(tmp_path):
    """a/track.gpx and b/track.gpx would both give ids track/0/0: never merge them."""
    # b another recording (a byte copy of a is read once, duplicate_file: session 19)
    a, b = (
        write(tmp_path, "a/track.gpx", GPX),
        write(tmp_path, "b/track.gpx", GPX.replace("07:45", "08:45")),
    )
    refused([a, b], "gpx", "b/track.gpx", "a/track.gpx", match="duplicate_traj_id")
    df, rep = skipped([a, b], "gpx")
    assert rep.dropped == {"duplicate_traj_id": 3} and len(df) == 3


def test_mfjson_files_with_the_same_stem(tmp_path):
    doc = (
        '{"type": "Feature", "temporalGeometry": {"type": "MovingPoint", "coordinates": '
        '[[-8.6, 41.1], [-8.7, 41.2]], "datetimes": ["2020-01-01T00:00:00Z", '
        '"2020-01-01T00:00:10Z"]}, "properties": {}}'
    )
    other = doc.replace("2020-01-01", "2020-01-02")  # not a byte copy (those: duplicate_file)
    a, b = write(tmp_path, "a/walk.json", doc), write(tmp_path, "b/walk.json", other)
    refused([a, b], "mfjson", "b/walk.json", match="duplicate_traj_id")
    _, rep = skipped([a, b], "mfjson")
    assert rep.dropped == {"duplicate_traj_id": 2}


# --- chunk boundaries never split or merge a trajectory --------------------------------------
def interleaved_feed(tmp_path: Path, name: str = "feed.csv", points: int = 40) -> Path:
    """A time-ordered feed: 3 vehicles interleaved, `points` fixes each, with a 2 h silence in
    the middle."""
    rows = []
    for k in range(points):
        for v in ("bus1", "bus2", "bus3"):
            t = 1_600_000_000 + 30 * k + (7200 if k >= points // 2 else 0)
            rows.append(f"{v},{t},{41.1 + 1e-4 * k},{-8.6 - 1e-4 * k}")
    return write(tmp_path, name, HEADER + "\n".join(rows) + "\n")


@pytest.mark.parametrize("chunk_rows", [1, 7, 50])
def test_iter_read_chunks_hold_whole_trajectories(tmp_path, chunk_rows):
    # chunk_rows=1: every row ends a chunk; 8 fixes a vehicle keep every kind of boundary (inside
    # one vehicle's run, between vehicles, at the 2 h gap) at a fifth of the 40-fix feed's reads
    p = interleaved_feed(tmp_path, points=8 if chunk_rows == 1 else 40)
    whole, rep_whole = read(p, "csv")
    pairs = list(iter_read(p, "csv", chunk_rows=chunk_rows))
    ids = [c["traj_id"].unique().to_list() for c, _ in pairs if len(c)]
    flat = [i for chunk in ids for i in chunk]
    assert sorted(flat) == ["bus1", "bus2", "bus3"]  # each id in exactly one chunk
    joined = pl.concat([c for c, _ in pairs]).sort(["traj_id", "t"])
    assert joined.equals(whole)
    total = DropReport()
    for c, r in pairs:
        assert r.rows_in == len(c) + r.total
        total = total.add(r)
    assert total.to_dict() == rep_whole.to_dict()


def test_ingest_same_result_for_any_chunk_size(tmp_path):
    """Tester's case: a stored trajectory kept a gap far larger than max_gap_s."""
    p = interleaved_feed(tmp_path)
    man_small = ingest([p], "csv", tmp_path / "small", chunk_rows=5)
    man_big = ingest([p], "csv", tmp_path / "big", chunk_rows=10**9)
    small, big = read_store(tmp_path / "small"), read_store(tmp_path / "big")
    assert small.drop("split").equals(big.drop("split"))
    assert man_small["drop_report"] == man_big["drop_report"]
    assert small["traj_id"].n_unique() == 6  # 3 vehicles x 2 pieces at the 2 h gap
    gaps = small.select(pl.col("t").diff().over("traj_id").max()).item()
    assert gaps <= 1800  # the default preset's max_gap_s


def test_feed_spread_over_two_files_is_one_trajectory(tmp_path):
    day1 = write(tmp_path, "d1.csv", HEADER + "a,1600000000,41.1,-8.6\nb,1600000000,41.2,-8.7\n")
    day2 = write(tmp_path, "d2.csv", HEADER + "b,1600000010,41.2,-8.7\na,1600000010,41.1,-8.6\n")
    pairs = list(iter_read([day1, day2], "csv", chunk_rows=1))
    ids = [i for c, _ in pairs for i in c["traj_id"].unique().to_list()]
    assert sorted(ids) == ["a", "b"]


def test_parquet_interleaved_chunks(tmp_path):
    src = pl.DataFrame(
        {
            "traj_id": ["x", "y"] * 50,
            "t": [1_600_000_000 + 10 * (i // 2) for i in range(100)],
            "lat": [41.0 + 1e-4 * i for i in range(100)],
            "lon": [-8.0] * 100,
        }
    )
    p = tmp_path / "feed.parquet"
    src.write_parquet(p, row_group_size=8)
    pairs = list(iter_read(p, "parquet", chunk_rows=8))
    ids = [i for c, _ in pairs for i in c["traj_id"].unique().to_list()]
    assert sorted(ids) == ["x", "y"] and sum(len(c) for c, _ in pairs) == 100


MM_OPENS = "-1\n" + "".join(f"{1600000000 + 15 * i} 41.{i} -8.6 5\n" for i in range(4))
MM_OPENS += "-2\n" + "".join(f"{1600000000 + 15 * i} 40.{i} -8.6 7\n" for i in range(3))
MM_CLOSES = "".join(f"{1600000000 + 15 * i} 41.{i} -8.6 5\n" for i in range(4)) + "-1\n"
MM_CLOSES += "".join(f"{1600000000 + 15 * i} 40.{i} -8.6 7\n" for i in range(3)) + "-2\n"


@pytest.mark.parametrize("text", [MM_OPENS, MM_CLOSES], ids=["marker_opens", "marker_closes"])
def test_mapmatched_trajectory_across_chunks(tmp_path, text):
    """A block cut by a chunk boundary kept its id (before: 'missing trajectory id' drops)."""
    p = write(tmp_path, "t_input.txt", text)
    whole, _ = read(p, "porto_mapmatched")
    for chunk_rows in (1, 2, 3):
        df, rep = read(p, "porto_mapmatched", chunk_rows=chunk_rows)
        assert df.equals(whole) and rep.total == 0 and rep.rows_in == 7


@pytest.mark.parametrize("text", [MM_OPENS, MM_CLOSES], ids=["marker_opens", "marker_closes"])
def test_mapmatched_repeated_marker(tmp_path, text):
    p = write(tmp_path, "t_input.txt", text.replace("-2", "-1"))
    refused(p, "porto_mapmatched", "marker -1", "already used at line", match="duplicate")
    df, rep = skipped(p, "porto_mapmatched")
    assert rep.dropped == {"duplicate_traj_id": 3} and len(df) == 4


# --- GeoLife .plt header, by content -----------------------------------------------------------
@pytest.mark.parametrize(
    "head",
    [
        PLT_HEAD[:3] + PLT_HEAD[4:],  # one line missing
        PLT_HEAD[:5],  # the last header line missing
        PLT_HEAD[:2] + ["WGS 84"] + PLT_HEAD[2:],  # one line too many
        [],  # no header at all
    ],
)
def test_plt_header_repaired_and_counted(tmp_path, head):
    p = plt_file(tmp_path, head, PLT_ROWS)
    for mode in ("raise", "skip"):
        df, rep = read(p, "geolife", on_error=mode)
        assert len(df) == 3 and rep.rows_in == 3 and rep.total == 0  # first point not lost
        assert rep.repaired["plt_header"] == 1
        assert df["lat"][0] == 39.984702


def test_plt_complete_header_not_counted(tmp_path):
    _, rep = read(plt_file(tmp_path, PLT_HEAD, PLT_ROWS), "geolife")
    assert rep.repaired.get("plt_header", 0) == 0 and rep.rows_in == 3


def test_plt_garbage_header_line_is_reported(tmp_path):
    p = plt_file(tmp_path, PLT_HEAD[:5] + ["garbage here"], PLT_ROWS)
    refused(p, "geolife", "line 6", match="expected 7 fields")
    _, rep = skipped(p, "geolife")
    assert rep.dropped == {"malformed_row": 1} and rep.rows_kept == 3


def test_porto_file_read_as_geolife(tmp_path):
    p = write(tmp_path, "trip.plt", PORTO_HEADER + porto_row("1"))
    refused(p, "geolife", "line 1", match="not a GeoLife .plt")
    with pytest.raises(TrajlmInputError, match="not a GeoLife"):
        read(p, "geolife", on_error="skip")  # a format mistake, not a bad row


# --- re-sorting is a counted repair ------------------------------------------------------------
def test_csv_resort_counted(tmp_path):
    rows = [ROWS[1], ROWS[0], ROWS[2], "b,1600000100,41.1,-8.6", "b,1600000050,41.1,-8.6"]
    p = write(tmp_path, "x.csv", HEADER + "\n".join(rows) + "\n")
    for chunk_rows in (1, 2, 100):
        df, rep = read(p, "csv", chunk_rows=chunk_rows)
        assert rep.repaired["sorted_by_time"] == 2, chunk_rows
        assert validate(df) == [] and rep.rows_in == len(df) == 5


def test_gpx_resort_counted(tmp_path):
    text = GPX.replace("07:45:00Z", "07:45:09Z")  # the first point is now the latest
    df, rep = read(write(tmp_path, "x.gpx", text), "gpx")
    assert rep.repaired["sorted_by_time"] == 1 and validate(df) == []


def test_ingest_report_counts_resort(tmp_path):
    rows = [ROWS[1], ROWS[0], ROWS[2]]
    p = write(tmp_path, "x.csv", HEADER + "\n".join(rows) + "\n")
    man = ingest([p], "csv", tmp_path / "store")
    rep = man["drop_report"]
    assert rep["repaired"]["sorted_by_time"] == 1 and rep["rows_in"] == 3


def test_plt_resort_counted(tmp_path):
    p = plt_file(tmp_path, PLT_HEAD, [PLT_ROWS[1], PLT_ROWS[0], PLT_ROWS[2]])
    df, rep = read(p, "geolife")
    assert rep.repaired["sorted_by_time"] == 1 and df["lat"][0] == 39.984702


# --- resource limits ---------------------------------------------------------------------------
def test_line_too_long(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + ROWS[0] + "\n" + "a," + "9" * 5000 + ",1,2\n")
    for mode in ("raise", "skip"):
        refused(p, "csv", "line 3", "max_line_bytes", on_error=mode,
                limits=ReadLimits(max_line_bytes=1000))  # fmt: skip


def test_header_line_too_long(tmp_path):
    p = write(tmp_path, "x.csv", "x" * 3000 + "\n" + ROWS[0] + "\n")
    refused(p, "csv", "line 1", "max_line_bytes", limits=ReadLimits(max_line_bytes=1000))


def test_line_limit_from_environment(tmp_path, monkeypatch):
    p = write(tmp_path, "x.csv", HEADER + "a," + "9" * 900 + ",1,2\n")
    monkeypatch.setenv("TRAJLM_MAX_LINE_BYTES", "500")
    refused(p, "csv", "line 2", "TRAJLM_MAX_LINE_BYTES")
    monkeypatch.setenv("TRAJLM_MAX_LINE_BYTES", "lots")
    with pytest.raises(TrajlmInputError, match="TRAJLM_MAX_LINE_BYTES"):
        read(p, "csv")


def test_limits_must_be_positive():
    with pytest.raises(ValueError, match="max_points_per_traj"):
        ReadLimits(max_points_per_traj=0)


def test_zip_bomb_one_long_line_refused_before_reading(tmp_path):
    """The tester's case: a small zip expanding to one huge line (here 24 MB, ratio ~1000)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.csv", HEADER + "a" * (24 << 20))
    p = write(tmp_path, "bomb.zip", buf.getvalue())
    assert p.stat().st_size < 100_000
    refused(p, "csv", "bomb.zip/bomb.csv", "max_zip_ratio")
    # With the ratio guard off, the line-length limit stops it after one read block.
    refused(p, "csv", "bomb.csv line 2", "max_line_bytes",
            limits=ReadLimits(max_zip_ratio=1e9, max_line_bytes=1 << 20))  # fmt: skip


def test_zip_member_size_limit(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ok.csv", HEADER + "\n".join(ROWS) + "\n")
    p = write(tmp_path, "a.zip", buf.getvalue())
    refused(p, "csv", "a.zip/ok.csv", "max_zip_member_bytes",
            limits=ReadLimits(max_zip_member_bytes=50))  # fmt: skip
    assert len(read(p, "csv")[0]) == 3


@pytest.mark.parametrize("chunk_rows", [2, 1000])
def test_points_per_trajectory_limit(tmp_path, chunk_rows):
    p = interleaved_feed(tmp_path)  # 40 points per vehicle
    lim = ReadLimits(max_points_per_traj=30)
    refused(p, "csv", "field traj_id", "max_points_per_traj", limits=lim, chunk_rows=chunk_rows)
    assert len(read(p, "csv", limits=ReadLimits(max_points_per_traj=40))[0]) == 120


def test_points_per_trajectory_limit_geolife(tmp_path):
    p = plt_file(tmp_path, PLT_HEAD, PLT_ROWS)
    refused(p, "geolife", "max_points_per_traj", limits=ReadLimits(max_points_per_traj=2))


# --- other damage: one clear error, or a counted drop ------------------------------------------
def test_nul_bytes(tmp_path):
    p = write(tmp_path, "x.csv", (HEADER + ROWS[0] + "\n").encode() + b"a,16\x00\x00,1,2\n")
    refused(p, "csv", "line 3", "NUL")
    _, rep = skipped(p, "csv")
    assert rep.dropped == {"nul_bytes": 1}


def test_zero_filled_file(tmp_path):
    """A copy that was preallocated but never written: only NUL bytes."""
    p = write(tmp_path, "x.csv", b"\x00" * 4096)
    refused(p, "csv", "line 1", match="missing column|NUL")


def test_zero_filled_tail_after_crash(tmp_path):
    p = write(tmp_path, "x.csv", (HEADER + "\n".join(ROWS) + "\n").encode() + b"\x00" * 100)
    refused(p, "csv", "line 5", "NUL")
    df, rep = skipped(p, "csv")
    assert rep.dropped == {"nul_bytes": 1} and len(df) == 3


def test_bom_and_crlf_read_cleanly(tmp_path):
    text = "\ufeff" + HEADER.replace("\n", "\r\n") + "\r\n".join(ROWS) + "\r\n"
    df, rep = read(write(tmp_path, "x.csv", text), "csv")
    assert len(df) == 3 and rep.total == 0 and validate(df) == []


def test_mixed_separators(tmp_path):
    p = write(tmp_path, "x.csv", HEADER + ROWS[0] + "\na;1600000015;41.2;-8.5\n" + ROWS[2] + "\n")
    refused(p, "csv", "line 3", "expected 4 fields")
    _, rep = skipped(p, "csv")
    assert rep.dropped == {"malformed_row": 1}


def test_porto_non_utf8(tmp_path):
    # (session 18: 0x81 is not Windows-1252 either; 0xff would be read as 'ÿ')
    data = (PORTO_HEADER + porto_row("1")).encode() + porto_row("2").encode()[:-3] + b'\x81"\n'
    p = write(tmp_path, "porto.csv", data)
    refused(p, "porto", "line 3", "UTF-8")
    _, rep = skipped(p, "porto")
    assert rep.dropped == {"encoding_error": 1}


@pytest.mark.parametrize(
    ("fmt", "name"), [("porto", "p.csv"), ("csv", "x.csv"), ("gpx", "x.gpx"), ("tdrive", "t.csv")]
)
def test_empty_file(tmp_path, fmt, name):
    p = write(tmp_path, name, "")
    refused(p, fmt, match="empty|no <trkpt>|malformed")
    _, rep = skipped(p, fmt)
    assert rep.dropped in ({"empty_file": 1}, {"truncated_xml": 1})


def test_header_only_plt(tmp_path):
    p = plt_file(tmp_path, PLT_HEAD, [])
    refused(p, "geolife", match="no points")
    _, rep = skipped(p, "geolife")
    assert rep.dropped == {"empty_file": 1}


def test_directory_without_matching_files(tmp_path):
    write(tmp_path, "d/notes.txt", "hello")
    with pytest.raises(TrajlmInputError, match=r"no \*.plt files") as err:
        read(tmp_path / "d", "geolife")
    assert "d" in str(err.value)


@pytest.mark.parametrize(
    ("text", "name", "fmt", "where"),
    [
        (GPX, "x.gpx", "csv", "line 1"),  # GPX read as CSV: header lacks the columns
        (HEADER + ROWS[0] + "\n", "x.csv", "gpx", "line 1"),  # CSV read as GPX: not XML
        (HEADER + ROWS[0] + "\n", "x.csv", "porto", "line 1"),  # CSV read as Porto
        (PORTO_HEADER + porto_row("1"), "p.csv", "tdrive", "line 1"),
        ("\r\n".join(PLT_HEAD + PLT_ROWS), "x.plt", "porto", "line 1"),  # PLT read as Porto
        (PORTO_HEADER + porto_row("1"), "p.csv", "csv", "line 1"),  # Porto read as plain CSV
        (GPX, "x.gpx", "geolife", "line 1"),  # GPX read as GeoLife
    ],
)
def test_wrong_format(tmp_path, text, name, fmt, where):
    refused(write(tmp_path, name, text), fmt, where)


def test_ingest_missing_path_and_single_path(tmp_path):
    with pytest.raises(TrajlmInputError, match="nope.csv: no such file"):
        ingest([tmp_path / "nope.csv"], "csv", tmp_path / "store")
    p = write(tmp_path, "x.csv", HEADER + "\n".join(ROWS) + "\n")
    man = ingest(p, "csv", tmp_path / "store")  # one path, not a list
    assert man["n_points"] == 3


def test_iter_read_reports_add_up_with_repairs(tmp_path):
    rows = [ROWS[1], ROWS[0], "a,1600000045,abc,-8.6", ROWS[2]]
    p = write(tmp_path, "x.csv", HEADER + "\n".join(rows) + "\na,1600000060,41.1")
    whole = read(p, "csv", on_error="skip")[1]
    total = DropReport()
    for c, r in iter_read(p, "csv", on_error="skip", chunk_rows=1):
        assert r.rows_in == len(c) + r.total
        total = total.add(r)
    assert total.to_dict() == whole.to_dict()
    assert whole.dropped == {"malformed_row": 1, "truncated_last_row": 1}
    assert whole.repaired == {"sorted_by_time": 1}


# --- fuzzing: damaged bytes give a valid table or a TrajlmInputError ---------------------------
SAMPLES = {
    "porto": ("p.csv", (PORTO_HEADER + porto_row("1") + porto_row("2")).encode()),
    "geolife": ("Data/000/Trajectory/f.plt", ("\r\n".join(PLT_HEAD + PLT_ROWS) + "\r\n").encode()),
    "csv": ("x.csv", (HEADER + "\n".join(ROWS) + "\nb,1600000000,41.2,-8.7\n").encode()),
    "gpx": ("x.gpx", GPX.encode()),
}
BYTES = st.sampled_from(list(b'0123456789.,-"\n\r\x00\xff[]<>/: ;aZ'))


@st.composite
def damaged(draw, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "dup_line"]))
        i = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data = data[:i] + bytes([draw(BYTES)]) + data[i + 1 :]
        elif kind == "insert":
            data = data[:i] + bytes([draw(BYTES)]) + data[i:]
        elif kind == "delete":
            data = data[:i] + data[i + draw(st.integers(1, 8)) :]
        elif kind == "truncate":
            data = data[:i]
        else:
            lines = data.split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join(lines[: k + 1] + lines[k:])
    return data


def check_read(path: Path, fmt: str, mode: str) -> None:
    """Readers leave repeated timestamps to cleaning (DropDuplicateTimestamps), so the read
    table is valid up to that, and valid outright after `clean`."""
    try:
        df, rep = read(path, fmt, on_error=mode)
    except TrajlmInputError as e:
        assert str(e) and "\n" not in str(e)
        return
    problems = validate(df)
    assert [p for p in problems if p.issue != "duplicate timestamp within trajectory"] == []
    assert rep.rows_in == len(df) + rep.total
    assert all(n > 0 for n in rep.dropped.values())
    cleaned, crep = clean(df, CleanConfig(min_points=1))
    assert validate(cleaned) == [] and crep.rows_in == len(cleaned) + crep.total


@pytest.mark.parametrize("fmt", list(SAMPLES))
def test_fuzz_readers(tmp_path_factory, fmt):
    name, data = SAMPLES[fmt]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(damaged(data), st.sampled_from(["raise", "skip"]))
    def run(mutated: bytes, mode: str) -> None:
        root = tmp_path_factory.mktemp("fuzz")
        check_read(write(root, name, mutated), fmt, mode)

    run()


@pytest.mark.parametrize("fmt", list(SAMPLES))
def test_every_truncation_is_caught_or_harmless(tmp_path, fmt):
    """A copy cut at any byte after the first data row: an error, or a table whose points all
    exist in the full file. (A cut inside the first data row has no earlier row to compare
    with; see docs/reliability.md ("Readers").)"""
    name, data = SAMPLES[fmt]
    full, _ = read(write(tmp_path / "full", name, data), fmt)
    points = set(full.select("traj_id", "t", "lat", "lon").iter_rows())
    head = {"porto": 1, "csv": 1, "geolife": 6, "gpx": 0}[fmt]
    start = len(b"\n".join(data.split(b"\n")[: head + 1])) + 1
    for n in range(start, len(data), 3):
        path = write(tmp_path / str(n), name, data[:n])
        for mode in ("raise", "skip"):
            try:
                df, rep = read(path, fmt, on_error=mode)
            except TrajlmInputError:
                continue
            assert rep.rows_in == len(df) + rep.total
            assert set(df.select("traj_id", "t", "lat", "lon").iter_rows()) <= points, (n, mode)
