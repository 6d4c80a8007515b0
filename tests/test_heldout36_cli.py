"""Session 36 (heldout36): `trajlm predict --input FILE` and `trajlm data ingest` on the held-out
kinds read (or refuse) the file as `trajlm.read` does.

Before: `--input positions.orc` was "expected a store directory, .csv, .parquet or a file trajlm
reads"; a Citi Bike trip table was "field t: no t column ... name it with --time-col" (as if
its rows were fixes); a Hive folder of ORC parts "no file trajlm reads under the folder".
docs/data.md "Session 36 (heldout36)"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
from helpers import invoke_cli

T0 = 1793692800  # 2026-11-03 08:00:00 UTC


def _orc(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.orc as orc

    n = 12
    orc.write_table(pa.table({
        "device_id": ["van-0101"] * n,
        "event_time": pa.array([pd.Timestamp(T0 + 10 * k, unit="s").to_pydatetime()
                                for k in range(n)], pa.timestamp("ms")),
        "latitude": [53.55 + k * 1e-4 for k in range(n)], "longitude": [9.99] * n,
    }), str(path))  # fmt: skip


def test_predict_reads_an_orc_file(tmp_path: Path) -> None:
    p = tmp_path / "positions.orc"
    _orc(p)
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", p, "--out", out,
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: "expected a store directory, .csv, ..."
    got = pl.read_csv(out)
    assert got.height == 5 and got["device_id"][0] == "van-0101" and got["t"].min() > T0 + 110


def test_ingest_reads_a_hive_folder_of_orc_parts(tmp_path: Path) -> None:
    part = tmp_path / "positions" / "dt=2026-11-03"
    part.mkdir(parents=True)
    _orc(part / "part-00000.c000.snappy.orc")
    r = invoke_cli(["data", "ingest", tmp_path / "positions", "--out", tmp_path / "s"])
    assert r.exit_code == 0, r.output[-1500:]  # was: "no file trajlm reads under the folder"
    assert "1 trajectories, 12 points" in r.output


def test_predict_tells_a_trip_log_from_a_track(tmp_path: Path) -> None:
    p = tmp_path / "202611-citibike-tripdata.csv"
    p.write_text("ride_id,rideable_type,started_at,ended_at,start_lat,start_lng,end_lat,end_lng\n"
                 + "".join(f"R{i},classic_bike,2026-11-01 08:0{i}:00,2026-11-01 08:2{i}:00,"
                           f"40.74,-73.99,40.72,-73.98\n" for i in range(5)))  # fmt: skip
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", p, "--out",
                    tmp_path / "out.csv", "--threads", "1"])  # fmt: skip
    assert r.exit_code == 2 and "a trip log" in r.output  # was: "no t column ... --time-col"
    assert not (tmp_path / "out.csv").exists()
