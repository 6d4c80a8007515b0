"""Session 26 (readers26): a fix's own accuracy estimate is read and the poor ones dropped.

Before: a phone study's `accuracy_m` column was not read (newuser25): its 1,500 m cell-tower
fixes were kept as points. Now `accuracy_m` / `horizontal_accuracy` / ... is kept, fixes over
200 m (`--max-accuracy-m`) are dropped and counted as `low_accuracy` at ingest and by
`trajlm.clean(df)`; HDOP is kept and filtered only on request (`--max-hdop`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.data.clean import CleanConfig, clean
from trajlm.data.store import read_store


def _phones(path: Path, col: str = "accuracy_m") -> Path:
    rows = [f"P1,2026-06-05T12:{k:02d}:00Z,{52.5 + 1e-4 * k},13.4,{1500 if k == 5 else 12}"
            for k in range(10)]  # fmt: skip
    path.write_text("\n".join([f"participant_id,time,latitude,longitude,{col}", *rows]) + "\n")
    return path


def _ingest(path: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *opts])
    return res.exit_code, res.output


def test_ingest_drops_a_cell_tower_fix_and_says_so(tmp_path: Path) -> None:
    code, out = _ingest(_phones(tmp_path / "p.csv", "horizontalAccuracy"), tmp_path / "s")
    assert code == 0, out
    assert "accuracy_m <- 'horizontalAccuracy'" in out and "low_accuracy" in out, out
    df = read_store(tmp_path / "s")
    assert len(df) == 9 and df["accuracy_m"].max() == 12.0
    code, out = _ingest(_phones(tmp_path / "p.csv"), tmp_path / "k", "--max-accuracy-m", "0")
    assert code == 0 and len(read_store(tmp_path / "k")) == 10, out  # 0: every fix kept


def test_bad_accuracy_options_are_one_line(tmp_path: Path) -> None:
    for opt, value in (("--max-accuracy-m", "-5"), ("--max-hdop", "0")):
        code, out = _ingest(_phones(tmp_path / "p.csv"), tmp_path / "s", opt, value)
        assert code == 2 and opt in out and "Traceback" not in out, out


def test_hdop_is_kept_and_filtered_only_when_asked(tmp_path: Path) -> None:
    rows = [f"a,2026-06-05T12:{k:02d}:00Z,52.5,{13.4 + 1e-4 * k},{25 if k == 3 else 1.2}"
            for k in range(6)]  # fmt: skip
    (tmp_path / "g.csv").write_text("\n".join(["id,time,lat,lon,HDOP", *rows]) + "\n")
    assert _ingest(tmp_path / "g.csv", tmp_path / "s")[0] == 0
    assert len(read_store(tmp_path / "s")) == 6
    code, out = _ingest(tmp_path / "g.csv", tmp_path / "h", "--max-hdop", "10")
    assert code == 0 and "high_hdop" in out, out
    assert len(read_store(tmp_path / "h")) == 5


def test_trajlm_clean_drops_what_ingest_drops() -> None:
    pdf = pd.DataFrame({"id": ["a"] * 6,
                        "time": pd.date_range("2026-06-05 12:00", periods=6, freq="min", tz="UTC"),
                        "lat": [52.5 + 1e-4 * k for k in range(6)], "lon": 13.4,
                        "accuracy": [8, 9, 1500, 7, 8, 9]})  # fmt: skip
    out, report = trajlm.clean(pdf, split_gaps=False)
    assert len(out) == 5 and 1500 not in out["accuracy"].tolist()
    assert report.dropped["low_accuracy"] == 1
    table = pl.DataFrame({"traj_id": ["a"] * 3, "t": [1, 2, 3], "lat": [1.0] * 3,
                          "lon": [1.0, 1.1, 1.2], "accuracy_m": [None, 900.0, 5.0]})  # fmt: skip
    kept, _ = clean(table.with_columns(pl.col("t") + 1_700_000_000), CleanConfig(min_points=1))
    assert kept["accuracy_m"].to_list() == [None, 5.0]  # no estimate: kept
