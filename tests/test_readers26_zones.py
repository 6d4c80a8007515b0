"""Session 26 (readers26): local times read in each row's own zone (heldout25 refused them).

Before: a truck log's `Local Time` beside a `Time Zone` column of CST / MST, and a phone study's
`local_time` beside a `tz` column of several IANA names, were refused in one line ("one --tz
cannot place them"; the study: "missing column t"). Now each row is read in its own zone; a
nonexistent local time or a zone that cannot be read is one line naming the row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.data.schema import TrajlmInputError
from trajlm.data.store import read_store


def _ingest(path: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *opts])
    return res.exit_code, res.output


def _starts(store: Path) -> dict[str, int]:
    df = read_store(store)
    return dict(df.group_by("traj_id").agg(pl.col("t").min()).iter_rows())


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_a_truck_crossing_from_cst_to_mst_keeps_one_increasing_track(tmp_path: Path) -> None:
    rows = [f"T1,2025-10-09 08:{5 * k:02d}:00,CST,{35 + 1e-3 * k},-100" for k in range(8)]
    # 08:35 CST = 14:35 UTC; the clock goes back an hour at the line: 07:40 MST = 14:40 UTC
    rows += [f"T1,2025-10-09 07:{40 + 5 * k:02d}:00,MST,{35.01 + 1e-3 * k},-100" for k in range(3)]
    path = _write(tmp_path / "eld.csv", "Truck,Local Time,Time Zone,Latitude,Longitude", rows)
    code, out = _ingest(path, tmp_path / "s")
    assert code == 0, out
    assert "each row's zone from 'Time Zone'" in out and "US Central" in out, out
    df = read_store(tmp_path / "s").sort("t")
    assert len(df) == 11 and df["traj_id"].n_unique() == 1  # nothing dropped as repeats
    t0 = 1_760_018_400  # 2025-10-09 14:00 UTC = 08:00 CST
    assert df["t"].to_list() == [t0 + 300 * k for k in range(11)]


def test_a_study_with_several_iana_zones_reads_each_row_in_its_own(tmp_path: Path) -> None:
    rows = [f"P1,2026-06-05 12:0{k}:00,Europe/Berlin,52.5,{13.4 + 1e-4 * k}" for k in range(4)]
    rows += [f"P2,2026-06-05 12:0{k}:00,America/New_York,40.7,{-74 + 1e-4 * k}" for k in range(4)]
    path = _write(tmp_path / "study.csv", "participant_id,local_time,tz,latitude,longitude", rows)
    code, out = _ingest(path, tmp_path / "s")
    assert code == 0, out
    starts = _starts(tmp_path / "s")
    noon_utc = 1_780_660_800  # 2026-06-05 12:00 UTC
    assert starts == {"P1_0": noon_utc - 2 * 3600, "P2_0": noon_utc + 4 * 3600}, starts


def test_a_nonexistent_local_time_names_its_row_and_zone(tmp_path: Path) -> None:
    rows = ["a,2026-03-29 01:50:00,Europe/Berlin,52.5,13.4",
            "a,2026-03-29 02:30:00,Europe/Berlin,52.5,13.41",
            "b,2026-03-29 02:30:00,UTC,52.5,13.4"]  # fmt: skip
    path = _write(tmp_path / "s.csv", "id,local_time,tz,lat,lon", rows)
    code, out = _ingest(path, tmp_path / "s")
    assert code != 0 and "Traceback" not in out
    assert "line 3" in out and "does not exist in Europe/Berlin" in out, out


def test_a_zone_that_cannot_be_read_is_one_line_naming_the_row(tmp_path: Path) -> None:
    rows = [
        "a,2026-03-02 10:00:00,CET,52.5,13.4",
        "a,2026-03-02 10:01:00,CST,52.5,13.41",
        "a,2026-03-02 10:02:00,CET,52.5,13.42",
    ]
    path = _write(tmp_path / "s.csv", "id,local_time,time_zone,lat,lon", rows)
    code, out = _ingest(path, tmp_path / "s")
    assert code != 0 and "Traceback" not in out
    assert "line 3" in out and "CST may be" in out, out  # CST beside CET: not North American
    code, out = _ingest(path, tmp_path / "s2", "--on-error", "skip")
    assert code == 0, out
    assert len(read_store(tmp_path / "s2")) == 2


def test_a_parquet_with_a_zone_per_row_is_read_as_a_csv_is(tmp_path: Path) -> None:
    # session 27 (readers27): was refused in one line naming 'time_zone'; now read row by row
    pl.DataFrame({"id": ["a", "a"], "local_time": ["2026-03-02 10:00:00", "2026-03-02 10:01:00"],
                  "time_zone": ["CET", "EET"], "lat": [52.5, 52.5], "lon": [13.4, 13.41]}
                 ).write_parquet(tmp_path / "s.parquet")  # fmt: skip
    code, out = _ingest(tmp_path / "s.parquet", tmp_path / "s", "--time-col", "local_time")
    assert code == 0 and "each row's zone from 'time_zone'" in out, out
    # 10:00 CET = 09:00 UTC, 10:01 EET = 08:01 UTC
    assert sorted(read_store(tmp_path / "s")["t"].to_list()) == [1_772_438_460, 1_772_442_000]


def _truck_frame() -> pd.DataFrame:
    rows = [("T1", f"2025-10-09 08:{5 * k:02d}:00", "CST", 35 + 1e-3 * k, -100.0) for k in range(8)]
    rows += [("T1", f"2025-10-09 07:{40 + 5 * k:02d}:00", "MST", 35.01 + 1e-3 * k, -100.0)
             for k in range(3)]  # fmt: skip
    return pd.DataFrame(rows, columns=["Truck", "Local Time", "Time Zone", "Latitude", "Longitude"])


def test_the_python_api_reads_a_zone_per_row_as_ingest_does() -> None:
    out, _ = trajlm.clean(_truck_frame(), traj_col="Truck", split_gaps=False)
    t0 = pd.Timestamp("2025-10-09 14:00", tz="UTC")
    assert out["Local Time"].tolist() == [t0 + pd.Timedelta(minutes=5 * k) for k in range(11)]
    study = pd.DataFrame({"participant_id": ["P1", "P1", "P2", "P2"],
                          "local_time": ["2026-06-05 12:00:00", "2026-06-05 12:01:00"] * 2,
                          "tz": ["Europe/Berlin"] * 2 + ["America/New_York"] * 2,
                          "latitude": 52.5, "longitude": [13.4, 13.41, -74.0, -74.01]})  # fmt: skip
    out, _ = trajlm.clean(study, split_gaps=False)
    first = out.groupby("participant_id")["local_time"].min()
    assert first["P1"] == pd.Timestamp("2026-06-05 10:00", tz="UTC")
    assert first["P2"] == pd.Timestamp("2026-06-05 16:00", tz="UTC")


def test_the_python_api_names_the_row_of_a_zone_it_cannot_read() -> None:
    df = _truck_frame()
    df.loc[4, "Time Zone"] = "Mars/Olympus"
    with pytest.raises(TrajlmInputError, match="row 4: 'Time Zone' 'Mars/Olympus' is not a time"):
        trajlm.clean(df, traj_col="Truck", split_gaps=False)
    df = _truck_frame()
    df["Time Zone"] = ["America/Chicago"] * 11
    df.loc[0, "Time Zone"] = "Europe/Berlin"
    df.loc[1, "Local Time"] = "2026-03-08 02:30:00"  # the spring-forward hour in Chicago
    with pytest.raises(TrajlmInputError, match="row 1: .* does not exist in America/Chicago"):
        trajlm.clean(df, traj_col="Truck", split_gaps=False)
