"""Readers on the shared real-data slices (skipped when absent) and on tiny synthetic files."""

from __future__ import annotations

import polars as pl
import pytest
from helpers import need, utc

from trajlm.data.readers import PRESETS, ColumnMap, iter_read, read
from trajlm.data.schema import DropReport, validate


def check_table(df: pl.DataFrame, report: DropReport, n_points: int, n_traj: int) -> None:
    assert len(df) == n_points
    assert df["traj_id"].n_unique() == n_traj
    assert report.rows_in == len(df) + report.total
    problems = [p for p in validate(df) if p.issue != "duplicate timestamp within trajectory"]
    assert problems == []  # duplicates are real (AIS minute resolution): clean.py's job


def check_streaming(path, fmt, chunk_rows: int, columns=None) -> None:
    """Tiny chunks give the same table as one read, whole trajectories per chunk, same counts."""
    whole, rep = read(path, fmt, on_error="skip", columns=columns)
    chunks = list(iter_read(path, fmt, on_error="skip", columns=columns, chunk_rows=chunk_rows))
    assert len(chunks) > 2
    ids = [set(c["traj_id"].unique()) for c, _ in chunks]
    assert sum(len(s) for s in ids) == len(set().union(*ids))  # no trajectory in two chunks
    total = DropReport()
    for c, r in chunks:
        assert r.rows_in == len(c) + r.total
        total = total.add(r)
    assert total.rows_in == rep.rows_in and total.dropped == rep.dropped
    streamed = pl.concat([c for c, _ in chunks], how="diagonal_relaxed")
    streamed = streamed.sort(["traj_id", "t"], maintain_order=True)  # ties keep file order
    assert streamed.equals(whole.select(streamed.columns))


def test_porto():
    path = need("porto", "train.1k.csv")
    df, rep = read(path, "porto")  # raise mode: the slice has no bad rows
    check_table(df, rep, 47_304, 998)  # 999 trips, one with an empty POLYLINE
    assert rep.dropped == {"empty_polyline": 1} and rep.rows_in == 47_305
    trip = df.filter(pl.col("traj_id") == "1372636858620000589")
    assert trip["t"][:2].to_list() == [1372636858, 1372636858 + 15]  # TIMESTAMP is UTC
    assert trip.row(0, named=True)["lon"] == -8.618643 and trip["lat"][0] == 41.141412
    assert trip["vehicle_id"][0] == "20000589" and trip["call_type"][0] == "C"
    check_streaming(path, "porto", chunk_rows=2_000)


def test_geolife_users_and_labels():
    data = need("geolife", "Data")
    users = [data / u for u in ("021", "076", "086")]  # SOURCE.md: 8+11+6 files, 2385+961+561
    df, rep = read(users, "geolife")
    check_table(df, rep, 2_385 + 961 + 561, 8 + 11 + 6)
    assert rep.total == 0
    first = df.filter(pl.col("traj_id") == "021/20070429083432").row(0, named=True)
    assert first["t"] == utc("2007-04-29T08:34:32") and first["user_id"] == "021"
    assert abs(first["altitude_m"] - 226.377952755906 * 0.3048) < 1e-9
    # labels.txt of 021: 2007/04/29 22:27:11 - 2007/04/30 04:28:00 car
    lo, hi = utc("2007-04-29T22:27:11"), utc("2007-04-30T04:28:00")
    u021 = df.filter(pl.col("user_id") == "021")
    inside = u021.filter(pl.col("t").is_between(lo, hi))
    assert len(inside) > 0 and set(inside["label"]) <= {"car"}
    assert set(df["label"].drop_nulls()) <= {"car", "taxi", "bus", "bike", "train"}
    assert df["label"].null_count() > 0  # time outside every interval stays unlabelled
    check_streaming(users, "geolife", chunk_rows=300)


def test_geolife_single_file_counts():
    plt = need("geolife", "Data", "020", "Trajectory", "20110825143825.plt")
    df, rep = read(plt, "geolife")
    assert df["traj_id"][0] == "020/20110825143825"
    assert df["t"][0] == utc("2011-08-25T14:38:25")
    assert rep.rows_in == len(df) > 0


def test_ais():
    path = need("ais", "boat-positions.csv")
    df, rep = read(path, "ais")
    check_table(df, rep, 22_287, 256)
    first = df.filter(pl.col("traj_id") == "1").row(0, named=True)
    assert first["t"] == utc("2021-03-20T00:22:00") and first["lat"] == 31.4386
    assert first["vehicle_id"] == "1"
    check_streaming(path, "ais", chunk_rows=3_000)


def test_tdrive_converts_beijing_time_to_utc():
    path = need("tdrive", "Beijing_taxi.csv")
    df, rep = read(path, "tdrive")
    check_table(df, rep, 36_677, 72)
    # first row "1,2008-02-03 00:00:32,..." is Beijing time = 2008-02-02 16:00:32 UTC
    assert df.filter(pl.col("traj_id") == "1")["t"][0] == utc("2008-02-02T16:00:32")
    check_streaming(path, "tdrive", chunk_rows=5_000)


def test_gpx_limerick():
    folder = need("bus_gpx_limerick")
    df, rep = read(folder, "gpx")
    check_table(df, rep, 2_144, 1)
    assert df["t"][0] == utc("2019-02-18T07:45:50") and df["t"][-1] == utc("2019-02-18T09:00:26")
    assert df["traj_id"][0] == "304 to UL 2019-02-18 0745/0/0"


def test_liverpool_bus_csv_mapping():
    path = need("liverpool_bus", "route14_outbound.csv")
    df, rep = read(path, "csv", columns=PRESETS["liverpool_bus"])
    check_table(df, rep, 1_533, 16)
    first = df.filter(pl.col("traj_id") == "1091").row(0, named=True)  # line 2 of the file
    assert first["t"] == utc("2026-01-26T15:57:02") and first["vehicle_id"] == "4716"
    assert first["lat"] == 53.44451 and first["heading_deg"] is None  # empty bearing
    assert df["vehicle_id"].n_unique() == 8
    check_streaming(path, "csv", chunk_rows=200, columns=PRESETS["liverpool_bus"])


def test_geolife_small_semicolon_csv():
    path = need("geolife_small", "geolife_small.csv")
    df, rep = read(path, "csv", columns=PRESETS["geolife_small"])
    check_table(df, rep, 5_908, 5)
    assert df.filter(pl.col("traj_id") == "1")["t"][0] == utc("2008-12-11T04:42:14")


# --- synthetic, always run --------------------------------------------------------------------
def test_parquet_roundtrip_and_streaming(tmp_path):
    n = 500
    src = pl.DataFrame(
        {
            "id": [f"v{i // 50}" for i in range(n)],
            "time": [1_600_000_000 + 10 * (i % 50) for i in range(n)],
            "y": [41.0 + i * 1e-4 for i in range(n)],
            "x": [-8.0 - i * 1e-4 for i in range(n)],
            "speed": [float(i % 7) for i in range(n)],
        }
    )
    p = tmp_path / "pts.parquet"
    src.write_parquet(p, row_group_size=64)
    cm = ColumnMap(traj_id="id", t="time", lat="y", lon="x", extra={"speed_mps": "speed"})
    df, rep = read(p, "parquet", columns=cm)
    assert len(df) == n and rep.total == 0 and df["speed_mps"].dtype == pl.Float64
    chunks = list(iter_read(p, "parquet", columns=cm, chunk_rows=64))
    assert len(chunks) >= 8
    assert sum(c["traj_id"].n_unique() for c, _ in chunks) == 10  # none split across chunks


def test_csv_time_formats(tmp_path):
    p = tmp_path / "ms.csv"
    p.write_text("traj_id,t,lat,lon\na,1600000000500,1,2\na,1600000001999,1,2\n")
    df, _ = read(p, "csv", columns=ColumnMap(time_format="unix_ms"))
    assert df["t"].to_list() == [1600000000, 1600000001]  # floored
    p.write_text("traj_id,t,lat,lon\na,03/01/2020 10:00,1,2\n")
    cm = ColumnMap(time_format="%d/%m/%Y %H:%M", utc_offset_s=3600)
    assert read(p, "csv", columns=cm)[0]["t"][0] == utc("2020-01-03T09:00:00")


def test_unknown_format_and_missing_path(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        read(tmp_path, "shapefile")  # kml is read since session 14
    with pytest.raises(Exception, match="no such file"):
        read(tmp_path / "nope.csv", "csv")


def test_movingpandas_roundtrip():
    pytest.importorskip("movingpandas")
    from trajlm.data.adapters import from_movingpandas, to_movingpandas

    df = pl.DataFrame(
        {
            "traj_id": ["a"] * 3 + ["b"] * 2,
            "t": [1_600_000_000, 1_600_000_010, 1_600_000_020, 1_600_000_000, 1_600_000_005],
            "lat": [41.0, 41.001, 41.002, 40.0, 40.001],
            "lon": [-8.0, -8.001, -8.002, -7.0, -7.001],
            "vehicle_id": ["x", "x", "x", "y", "y"],
        }
    )
    tc = to_movingpandas(df)
    assert len(tc.trajectories) == 2
    back, rep = from_movingpandas(tc)
    assert rep.rows_in == 5
    assert back.select(df.columns).equals(df)
