"""Session 19 (formats19), tables and folders: byte copies read once, Unix epochs told by their
size, drone logs with a boot counter, sparse animal collars, `.jsonl.gz`, unit-named and
zone-named columns. Files are generated here, seeded; each test failed before its fix (the
controls say so). JSON answers of fleet / flight / transit APIs: test_formats19_json.py."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from trajlm.data.ingest import ingest
from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1_772_611_200  # 2026-03-04T08:00:00Z


def _pts(n: int, lat: float = -1.2921, lon: float = 36.8219, dt: int = 10) -> list[tuple]:
    return [(T0 + dt * i, round(lat + 1.1e-4 * i, 6), round(lon + 0.9e-4 * i, 6)) for i in range(n)]


def _iso(t: float, tz=UTC, fmt: str = "%Y-%m-%dT%H:%M:%SZ") -> str:
    return datetime.fromtimestamp(t, tz).strftime(fmt)


def _check(df: pl.DataFrame, truth: list[tuple]) -> None:
    assert len(df) == len(truth)
    for (t, la, lo), row in zip(truth, df.sort("t").iter_rows(named=True), strict=True):
        assert row["t"] == t and abs(row["lat"] - la) < 1e-9 and abs(row["lon"] - lo) < 1e-9


def _gpx(pts: list[tuple]) -> str:
    seg = "".join(
        f'<trkpt lat="{la}" lon="{lo}"><time>{_iso(t)}</time></trkpt>' for t, la, lo in pts
    )
    return ('<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/'
            f'GPX/1/1"><trk><trkseg>{seg}</trkseg></trk></gpx>')  # fmt: skip


@pytest.mark.parametrize("kind", ["gpx", "mfjson", "csv"])
def test_byte_copies_in_a_folder_are_read_once_and_counted(tmp_path, kind):
    """`walk (1).gpx` beside `walk.gpx` (a browser's second download): the copy was read as a
    second trajectory (GPX, MF-JSON: 120 points stored for 80, the copy in another split) or
    its rows dropped as duplicate timestamps without a word (CSV)."""
    a, b = _pts(40), _pts(40, lat=-1.30)
    b = [(t + 86_400, la, lo) for t, la, lo in b]
    d = tmp_path / "exports"
    d.mkdir()
    if kind == "gpx":
        texts = {"walk.gpx": _gpx(a), "ride.gpx": _gpx(b)}
        copy = ("walk.gpx", "walk (1).gpx")
    elif kind == "mfjson":

        def mf(p):
            return json.dumps({"type": "Feature", "properties": {}, "temporalGeometry": {
                "type": "MovingPoint", "coordinates": [[lo, la] for _, la, lo in p],
                "datetimes": [_iso(t) for t, _, _ in p]}})  # fmt: skip

        texts = {"ferry.json": mf(a), "tram.json": mf(b)}
        copy = ("ferry.json", "ferry_backup.json")
    else:

        def tab(p, vid):
            return "vehicle_id,time,lat,lon\n" + "".join(
                f"{vid},{_iso(t)},{la},{lo}\n" for t, la, lo in p
            )

        texts = {"day1.csv": tab(a, "v1"), "day2.csv": tab(b, "v2")}
        copy = ("day1.csv", "day1_copy.csv")
    for name, text in texts.items():
        (d / name).write_text(text)
    shutil.copyfile(d / copy[0], d / copy[1])
    df, report = read(d)
    assert len(df) == 80 and df["traj_id"].n_unique() == 2
    assert report.dropped["duplicate_file"] == 40 and report.rows_in == 120
    assert not df["traj_id"].str.contains("backup|copy|\\(1\\)").any()  # the original's name
    _check(df.filter(pl.col("t") < T0 + 86_000), a)


def test_different_files_are_not_copies(tmp_path):
    """Control (passes before): two files of one size but other bytes are both read."""
    d = tmp_path / "two"
    d.mkdir()
    a = _pts(30)
    (d / "a.gpx").write_text(_gpx(a))
    (d / "b.gpx").write_text(_gpx([(t + 7200, la, lo) for t, la, lo in a]))
    df, report = read(d)
    assert len(df) == 60 and "duplicate_file" not in report.dropped


@pytest.mark.parametrize("unit,k", [("unix_ms", 10**3), ("unix_us", 10**6), ("unix_ns", 10**9)])
def test_epoch_ms_us_ns_in_a_plain_timestamp_column_are_read_by_size_and_said(tmp_path, unit, k):
    """Teltonika's `Timestamp` in ms: was 'time in the future (milliseconds? --time-format
    unix_ms)' though the ranges of 1990-2100 in s / ms / us / ns do not overlap."""
    pts = _pts(30)
    p = tmp_path / "tracker.csv"
    p.write_text("IMEI,Timestamp,Latitude,Longitude\n"
                 + "".join(f"3520930,{t * k + 7},{la},{lo}\n" for t, la, lo in pts))  # fmt: skip
    df, _ = read(p)
    _check(df, pts)
    m = ingest(p, "auto", tmp_path / "store", overwrite=True)
    said = m["reading"]["columns_guessed"]
    assert said["time_format"] == unit and "by the values' size" in said["time unit"]


def test_epochs_of_two_units_in_one_column_are_not_guessed(tmp_path):
    """Control: seconds and milliseconds mixed: no unit by size, the ms row refused as before."""
    p = tmp_path / "mixed.csv"
    p.write_text(f"id,timestamp,lat,lon\na,{T0},1.0,2.0\na,{(T0 + 5) * 1000},1.0,2.0001\n")
    with pytest.raises(TrajlmInputError, match="milliseconds"):
        read(p)


def test_seconds_in_a_time_ms_column_are_named_as_seconds(tmp_path):
    """Was 'time before 1990 (seconds elapsed from 0?)' with value 1772611 (badin18)."""
    p = tmp_path / "pings.csv"
    p.write_text("id,time_ms,lat,lon\n" + "".join(f"c,{t},{la},{lo}\n" for t, la, lo in _pts(5)))
    with pytest.raises(TrajlmInputError) as e:
        read(p)
    msg = str(e.value)
    assert "named as milliseconds" in msg and "Unix seconds" in msg and "--time-format unix" in msg
    assert "2026-03-04 08:00" in msg


def test_a_boot_counter_timestamp_beside_time_utc_usec_is_not_the_time(tmp_path):
    """PX4 `ulog2csv` vehicle_gps_position: `timestamp` is microseconds since boot; was 'time
    before 1990 (elapsed from 0?)' without naming `time_utc_usec`."""
    pts = _pts(20, lat=47.3977, lon=8.5456, dt=1)
    p = tmp_path / "log_12_vehicle_gps_position_0.csv"
    p.write_text("timestamp,time_utc_usec,lat,lon,alt,fix_type\n" + "".join(
        f"{35_000_000 + i * 1_000_000},{t * 1_000_000},{round(la * 1e7)},{round(lo * 1e7)},488000,3\n"
        for i, (t, la, lo) in enumerate(pts)))  # fmt: skip
    df, _ = read(p)
    assert df["traj_id"].n_unique() == 1
    for (t, la, lo), row in zip(pts, df.sort("t").iter_rows(named=True), strict=True):
        assert row["t"] == t and abs(row["lat"] - la) < 1e-7 and abs(row["lon"] - lo) < 1e-7


def test_hourly_collars_are_kept_whole_by_the_default_gap_rule(tmp_path):
    """Hourly fixes were cut into single points by the 1,800-s default ('no points left')."""
    rows, truth = ["animal_id,timestamp_utc,latitude,longitude"], {}
    for a in range(3):
        pts = _pts(48, lat=45.0 + a * 0.05, lon=-110.5, dt=3600)
        truth[f"elk_{a}"] = pts
        rows += [f"elk_{a},{_iso(t)},{la},{lo}" for t, la, lo in pts]
    p = tmp_path / "elk.csv"
    p.write_text("\n".join(rows) + "\n")
    m = ingest(p, "auto", tmp_path / "store", overwrite=True)
    assert m["n_points"] == 144 and m["n_trajectories"] == 3


def test_dense_tracks_are_still_split_at_the_30_minute_gap(tmp_path):
    """Control (passes before): a 10-s track with a 40-min silence is two trips, as before."""
    pts = _pts(30) + [(t + 2400 + 300, la, lo) for t, la, lo in _pts(30)]
    p = tmp_path / "van.csv"
    p.write_text("id,time,lat,lon\n" + "".join(f"v,{_iso(t)},{la},{lo}\n" for t, la, lo in pts))
    m = ingest(p, "auto", tmp_path / "store", overwrite=True)
    assert m["n_trajectories"] == 2 and m["n_points"] == 60


def test_jsonl_gz_is_read_as_json_lines(tmp_path):
    """`.jsonl.gz` was 'cannot tell the format'."""
    pts = _pts(25, lat=1.3521, lon=103.8198)
    p = tmp_path / "positions_2026-03-04.jsonl.gz"
    with gzip.open(p, "wt") as f:
        f.writelines(json.dumps({"device_id": "k1", "time": _iso(t), "lat": la, "lon": lo}) + "\n"
                     for t, la, lo in pts)  # fmt: skip
    m = ingest(p, "auto", tmp_path / "store", overwrite=True)
    assert m["n_points"] == 25


def test_microdegree_columns_are_divided_by_their_named_scale(tmp_path):
    """Webfleet's `latitude_mdeg` (degrees x 1e6): was missing columns; mapped by hand, read as
    degrees x 1e7 (ten times too small, a warning only)."""
    pts = _pts(20, lat=51.2194, lon=4.4025)
    p = tmp_path / "webfleet.csv"
    p.write_text("objectno;objectname;pos_time;latitude_mdeg;longitude_mdeg\n" + "".join(
        f"V-017;Van;{_iso(t, ZoneInfo('Europe/Brussels'), '%Y-%m-%dT%H:%M:%S%z')};"
        f"{round(la * 1e6)};{round(lo * 1e6)}\n" for t, la, lo in pts))  # fmt: skip
    df, _ = read(p)
    _check(df, pts)
    assert df["traj_id"].unique().to_list() == ["V-017"]


def test_a_zone_named_in_the_time_header_is_applied(tmp_path):
    """Samsara's `Time (America/Los_Angeles)`: was a missing time column; named by hand, read as
    UTC (7-8 h off) with only the naive-times note."""
    tz = ZoneInfo("America/Los_Angeles")
    pts = _pts(20, lat=45.5152, lon=-122.6784, dt=60)
    p = tmp_path / "samsara.csv"
    p.write_text("Time (America/Los_Angeles),Vehicle,Latitude,Longitude\n" + "".join(
        f"{_iso(t, tz, '%Y-%m-%d %H:%M:%S')},Truck 7,{la},{lo}\n" for t, la, lo in pts))  # fmt: skip
    df, _ = read(p)
    _check(df, pts)


def test_a_damaged_fixed_format_file_is_not_told_to_remap_columns(tmp_path):
    """A GPX (no columns to map) whose latitudes exceed 90: the hint said
    `columns=ColumnMap(lat='lon', ...)` (badin18's `_common.py:245`)."""
    pts = [(t, 95.0 + i * 1e-4, 20.0) for i, (t, _, _) in enumerate(_pts(10))]
    p = tmp_path / "bad.gpx"
    p.write_text(_gpx(pts))
    with pytest.raises(TrajlmInputError) as e:
        read(p)
    assert "ColumnMap" not in str(e.value) and "no option can remap" in str(e.value)


def test_compact_times_like_exactearth_are_read(tmp_path):
    """exactEarth's `20260304_080000` (UTC): was 'not ISO-8601 nor Unix seconds'."""
    pts = _pts(10, lat=59.0, lon=10.5, dt=60)
    p = tmp_path / "exactearth.csv"
    p.write_text("MMSI,Time,Longitude,Latitude\n" + "".join(
        f"257123450,{_iso(t, UTC, '%Y%m%d_%H%M%S')},{lo},{la}\n" for t, la, lo in pts))  # fmt: skip
    df, _ = read(p)
    _check(df, pts)
    m = ingest(p, "auto", tmp_path / "store", overwrite=True)
    assert m["reading"]["times_naive"] == "Time"  # read as UTC, and said


def test_movebank_study_local_times_are_read_in_the_study_zone(tmp_path):
    """Only `study-local-timestamp` + an IANA `study-timezone`: was a missing time column."""
    tz = ZoneInfo("America/Sao_Paulo")
    pts = _pts(10, lat=-16.5, lon=-56.7, dt=1200)
    p = tmp_path / "jaguars.csv"
    p.write_text("event-id,study-local-timestamp,study-timezone,location-long,location-lat,"
                 "individual-local-identifier\n" + "".join(
        f"{i},{_iso(t, tz, '%Y-%m-%d %H:%M:%S.000')},America/Sao_Paulo,{lo},{la},Jaguar-1\n"
        for i, (t, la, lo) in enumerate(pts)))  # fmt: skip
    df, _ = read(p)
    _check(df, pts)
