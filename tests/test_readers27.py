"""Session 27 (readers27): the readers' left items (docs/status.md open item 6).

An accuracy written with its unit ("1500 m", "0.8 km", "40 ft") is read in metres and filtered
(ingest CSV / Parquet, `trajlm.clean`), text that is no accuracy is said in one line; a filter
option without its column is said; a zone given (--tz / tz=) beside a zone column is said; a
`visible` column counting satellites is not Movebank's outlier flag; a row whose zone cannot be
read gets the zone's hint, not the time-format one."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.data.outlier_flags import marked_rows
from trajlm.data.store import read_store


def _phones(path: Path, values: list, col: str = "accuracy", n: int = 10) -> Path:
    rows = [f"p1,2026-03-01T10:{k:02d}:00Z,45.{100 + k},-73.{500 + k},{values[k % len(values)]}"
            for k in range(n)]  # fmt: skip
    path.write_text("\n".join([f"id,time,lat,lon,{col}", *rows]) + "\n")
    return path


def _ingest(path: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *opts])
    return res.exit_code, res.output


@pytest.mark.parametrize(
    "values", [["12 m", "1500 m"], ["12m", "1500m"], ["0.012 km", "1.5 km"], ["40 ft", "5000 ft"]]
)
def test_ingest_reads_an_accuracy_written_with_its_unit(tmp_path: Path, values: list) -> None:
    code, out = _ingest(_phones(tmp_path / "p.csv", values), tmp_path / "s")
    assert code == 0 and "low_accuracy" in out, out
    df = read_store(tmp_path / "s")
    assert len(df) == 5 and df["accuracy_m"].max() == pytest.approx(12.0, abs=0.2)


def test_parquet_and_clean_read_the_unit_as_ingest_does(tmp_path: Path) -> None:
    src = pl.read_csv(_phones(tmp_path / "p.csv", ["12 m", "1.5 km"]))
    src.write_parquet(tmp_path / "p.parquet")
    code, out = _ingest(tmp_path / "p.parquet", tmp_path / "s")
    assert code == 0 and len(read_store(tmp_path / "s")) == 5, out
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # read, so nothing to say
        kept, report = trajlm.clean(src.rename({"id": "vehicle"}), split_gaps=False,
                                    return_report=True)  # fmt: skip
    assert len(kept) == 5 and report.dropped["low_accuracy"] == 5


def test_text_that_is_no_accuracy_is_said_in_one_line(tmp_path: Path) -> None:
    code, out = _ingest(_phones(tmp_path / "p.csv", ["12", "1500 yd", "n/a"]), tmp_path / "s")
    assert code == 0 and "'1500 yd'" in out and "p.csv line 3" in out, out
    assert "n/a" not in out  # a placeholder is no estimate, not unread text
    assert len(read_store(tmp_path / "s")) == 10  # kept, their accuracy unread
    frame = pl.read_csv(tmp_path / "p.csv", infer_schema=False).rename({"id": "vehicle"})
    with pytest.warns(UserWarning, match="'1500 yd'"):
        trajlm.clean(frame, split_gaps=False)


def test_a_filter_without_its_column_is_said(tmp_path: Path) -> None:
    code, out = _ingest(_phones(tmp_path / "p.csv", [5, 8]), tmp_path / "s", "--max-hdop", "5")
    assert code == 0 and "--max-hdop 5" in out and "has none" in out, out
    code, out = _ingest(
        _phones(tmp_path / "h.csv", [1, 9], "hdop"), tmp_path / "h", "--max-hdop", "5"
    )
    assert code == 0 and "has none" not in out and "high_hdop" in out, out


def _zones(path: Path, zones: list[str], n: int = 8) -> Path:
    rows = [f"T1,2025-10-09 08:{5 * k:02d}:00,{zones[k % len(zones)]},{35 + 1e-3 * k},-100"
            for k in range(n)]  # fmt: skip
    path.write_text("\n".join(["unit_id,Local Time,Time Zone,lat,lon", *rows]) + "\n")
    return path


def test_a_tz_beside_a_zone_column_is_said(tmp_path: Path) -> None:
    src = _zones(tmp_path / "z.csv", ["America/Denver"])
    code, out = _ingest(src, tmp_path / "s", "--tz", "UTC")
    assert code == 0 and "times read in UTC (--tz as given)" in out and "'Time Zone'" in out, out
    assert read_store(tmp_path / "s")["t"].min() == 1_759_996_800  # 08:00 UTC: --tz used
    code, out = _ingest(src, tmp_path / "d", "--tz", "America/Denver")
    assert code == 0 and "as given" not in out, out  # the column says the same zone
    frame = pl.read_csv(src, try_parse_dates=True)  # naive datetimes, which tz= places
    with pytest.warns(UserWarning, match="tz= as given.*'Time Zone'"):
        kept, _ = trajlm.clean(frame, tz="Europe/Paris", time_col="Local Time", split_gaps=False)
    assert len(kept) == 8


def test_a_row_whose_zone_cannot_be_read_gets_the_zones_hint(tmp_path: Path) -> None:
    code, out = _ingest(_zones(tmp_path / "z.csv", ["MST", "Mars/Olympus"]), tmp_path / "s")
    assert code == 2 and "line 3" in out and "its zone in 'Time Zone' is not" in out, out
    assert "ISO-8601" not in out and "Traceback" not in out


def test_a_parquet_with_a_zone_per_row_is_read_as_the_csv(tmp_path: Path) -> None:
    frame = pl.read_csv(_zones(tmp_path / "z.csv", ["CST", "MST"]))
    frame.with_columns(pl.col("Local Time").str.to_datetime()).write_parquet(tmp_path / "z.parquet")
    for name in ("z.csv", "z.parquet"):
        code, out = _ingest(tmp_path / name, tmp_path / f"s_{name}")
        assert code == 0 and "each row's zone from 'Time Zone'" in out, out
    csv, pq = (read_store(tmp_path / f"s_z.{k}").sort("t")["t"] for k in ("csv", "parquet"))
    assert csv.to_list() == pq.to_list() and csv[0] == 1_760_018_400  # 08:00 CST = 14:00 UTC


def test_visible_counting_satellites_is_no_outlier_flag() -> None:
    def marked(values: list) -> list:
        return marked_rows(pl.DataFrame({"visible": values}, strict=False)).to_list()

    assert marked([8, 9, 0, 7]) == [False] * 4  # satellites in view
    assert marked(["true", "false", None, "TRUE"]) == [False, True, False, False]  # Movebank
    assert marked([True, False, True]) == [False, True, False]
    n = 13
    sats = pl.DataFrame({"individual-local-identifier": ["g"] * n,
                         "timestamp": 1_772_000_000 + 60 * np.arange(n),
                         "location-lat": 45.1 + 1e-4 * np.arange(n),
                         "location-long": -73.5 + 1e-4 * np.arange(n),
                         "visible": list(range(n))})  # fmt: skip
    kept, report = trajlm.clean(sats, split_gaps=False)
    assert len(kept) == n and "marked_outlier" not in report.dropped
