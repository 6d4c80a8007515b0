"""Session 23 (heldout23): held-out fleet exports read with no options.

Before: an e-scooter rental export (`ride_id`, `scooter_id`) and a ride-hail export
(`driver_uuid`, `trip_uuid`) stopped with "several columns could be traj_id", a ride-hail
`event_time_ms` and a drone log's `t_unix` with "missing column(s) ['t']". A trip's id beside
its vehicle's is the trajectory; a time word with its unit after one more word is a Unix time."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.column_names import find_columns
from trajlm.data.readers._time_columns import epoch_unit_column
from trajlm.data.store import read_store

T0 = 1_748_937_600  # 2025-06-03 08:00 UTC


def _fleet(n_trips: int = 6, n: int = 12) -> pl.DataFrame:
    rows = []
    for i in range(n_trips):
        for k in range(n):
            rows.append({"trip": f"r{i}", "vehicle": f"v{i % 2}", "t": T0 + 3600 * i + 4 * k,
                         "lat": 52.52 + 1e-4 * k, "lon": 13.40 + 1e-4 * i})  # fmt: skip
    return pl.DataFrame(rows)


def _ingest(path: Path, out: Path) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out)])
    return res.exit_code, res.output


def test_a_ride_id_beside_a_scooter_id_is_the_trajectory(tmp_path: Path) -> None:
    df = _fleet().rename({"trip": "ride_id", "vehicle": "scooter_id", "t": "timestamp"})
    df = df.with_columns(pl.from_epoch("timestamp", time_unit="s"))
    df.write_csv(tmp_path / "rides.csv")
    code, out = _ingest(tmp_path / "rides.csv", tmp_path / "s")
    assert code == 0, out
    got = read_store(tmp_path / "s")
    assert got["source_traj_id"].n_unique() == 6  # the rides, not the 2 scooters


def test_trip_uuid_and_event_time_ms_read_with_no_options(tmp_path: Path) -> None:
    df = _fleet().rename({"vehicle": "driver_uuid", "trip": "trip_uuid", "lat": "latitude",
                          "lon": "longitude"})  # fmt: skip
    df = df.with_columns((pl.col("t") * 1000).alias("event_time_ms")).drop("t")
    df.write_csv(tmp_path / "pings.csv")
    code, out = _ingest(tmp_path / "pings.csv", tmp_path / "s")
    assert code == 0, out
    got = read_store(tmp_path / "s")
    assert got["source_traj_id"].n_unique() == 6
    assert got["t"].min() == T0 and got["t"].max() == T0 + 3600 * 5 + 44


def test_a_drone_log_t_unix_column_is_unix_seconds(tmp_path: Path) -> None:
    df = _fleet().rename({"trip": "flight_id", "vehicle": "drone_serial", "t": "t_unix"})
    df.with_columns(pl.col("t_unix").cast(pl.Float64)).write_parquet(tmp_path / "f.parquet")
    code, out = _ingest(tmp_path / "f.parquet", tmp_path / "s")
    assert code == 0, out
    assert read_store(tmp_path / "s")["t"].min() == T0


@pytest.mark.parametrize("name", ["elapsed_time_ms", "duration_ms", "lap_time_ms", "start_ms"])
def test_elapsed_and_duration_columns_are_no_unix_times(name: str) -> None:
    assert epoch_unit_column([name]) is None


def test_two_vehicle_ids_or_two_trip_ids_still_ask() -> None:
    assert find_columns("traj_id", ["cab_id", "car_id"]) == ["cab_id", "car_id"]
    assert find_columns("traj_id", ["trip_id", "ride_id", "x"]) == ["trip_id"]  # a tier name
    assert len(find_columns("traj_id", ["ride_uuid", "trip_uuid"])) == 2


@pytest.mark.parametrize("extra", [[], ["--time-format", "%H:%M:%S"]])
def test_a_clock_without_a_date_says_to_add_the_date(tmp_path: Path, extra: list[str]) -> None:
    # a race log's 1-s clock: before, "not ISO-8601 ..." / "time before 1990", both ending
    # with --on-error skip, which drops every row
    (tmp_path / "race.csv").write_text(
        "bib;clock;lat;lon\n7;09:03:12;51.5;-0.12\n7;09:03:13;51.5;-0.12\n"
    )
    res = CliRunner().invoke(app, ["data", "ingest", str(tmp_path / "race.csv"), "--out",
                                   str(tmp_path / "s"), "--traj-col", "bib", *extra])  # fmt: skip
    text = " ".join(res.output.split())
    assert res.exit_code == 2 and "Traceback" not in text
    assert "has no date: put the date in the column" in text, text
