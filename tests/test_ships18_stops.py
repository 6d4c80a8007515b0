"""Session 18 (ships18): the stop rule's drift threshold from the CLI (`data ingest
--stop-drift-kn`, CleanConfig.stop_drift_mps) and a stop's cut said once in the drop report."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from test_ships17 import _dragging
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.clean import CleanConfig, StopSplitter, clean


def test_clean_config_carries_the_drift_threshold():
    """CleanConfig(stop_drift_mps=) reaches the stop rule: None is the box alone (session 16's
    pieces, row for row), the default joins a ship dragging anchor at 0.2 kn into one stop."""
    df = _dragging(0.2)
    box, _ = StopSplitter(drift_mps=None).apply(df)
    joined, _ = clean(df, CleanConfig(min_points=2, stop_min_s=600))
    alone, _ = clean(df, CleanConfig(min_points=2, stop_min_s=600, stop_drift_mps=None))
    assert joined["traj_id"].n_unique() == 2
    assert alone["traj_id"].n_unique() == box["traj_id"].n_unique() > 2


def test_a_stop_longer_than_the_gap_split_is_one_stop_split_not_also_a_gap_split():
    """3 h at anchor with reports every 10 s: the stop's cut spans 3 h, past the default 30-min
    gap split. Before, the drop report said `stop_splits 1` and `gap_splits 1` for one cut on a
    file without a silence; a real silence is still a gap split."""
    df = _dragging(0.2)
    out, rep = clean(df, CleanConfig(max_gap_s=1800, min_points=2, stop_min_s=600))
    assert out["traj_id"].n_unique() == 2
    assert rep.repaired.get("stop_splits") == 1 and not rep.repaired.get("gap_splits"), rep
    t0 = df["t"][0]
    silent = df.filter((pl.col("t") - t0 < 300) | (pl.col("t") - t0 > 300 + 2400))
    _, rep = clean(silent, CleanConfig(max_gap_s=1800, min_points=2, stop_min_s=600))
    assert rep.repaired.get("gap_splits") == 1 and rep.repaired.get("stop_splits") == 1, rep


def _ingest(runner: CliRunner, csv: Path, out: Path, *extra: str):
    r = runner.invoke(app, ["data", "ingest", str(csv), "--out", str(out), *extra])
    return r, " ".join(r.output.split())


def test_ingest_stop_drift_kn_option(tmp_path: Path):
    csv = tmp_path / "anchor.csv"
    # ingest keeps SOG with a course column (motion_columns.reported_motion)
    _dragging(0.2).rename({"traj_id": "MMSI"}).with_columns(COG=90.0).write_csv(csv)
    runner = CliRunner()
    split = "--split-at-stops"
    r, said = _ingest(runner, csv, tmp_path / "a", split)
    assert r.exit_code == 0 and "stop_splits │ 1" in r.output.replace("  ", ""), r.output
    r, _ = _ingest(runner, csv, tmp_path / "b", split, "--stop-drift-kn", "0")  # the box alone
    assert r.exit_code == 0 and "stop_splits │ 1" not in r.output.replace("  ", ""), r.output
    r, _ = _ingest(runner, csv, tmp_path / "c", split, "--stop-drift-kn", "1.5")
    assert r.exit_code == 0, r.output
    for bad in ("-1", "nan", "3", "inf"):
        r, said = _ingest(runner, csv, tmp_path / "d", split, "--stop-drift-kn", bad)
        assert r.exit_code == 2 and "--stop-drift-kn must be a number of knots from 0 to 2" in said
        assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1, r.output
    r, said = _ingest(runner, csv, tmp_path / "e", "--stop-drift-kn", "0.5")
    assert r.exit_code == 2 and "need --split-at-stops" in said and "--stop-drift-kn" in said
    assert not (tmp_path / "d").exists() and not (tmp_path / "e").exists()


@pytest.mark.parametrize("kn", [0.2, 0.5])
def test_the_drift_threshold_decides_the_join(kn: float):
    """A drift threshold under the ship's reported drift leaves the anchorage in pieces; the
    default (0.5 m/s, 0.97 kn) above it joins it."""
    df = _dragging(kn)
    low, _ = clean(df, CleanConfig(min_points=2, stop_min_s=600, stop_drift_mps=0.05))
    high, _ = clean(df, CleanConfig(min_points=2, stop_min_s=600))
    assert low["traj_id"].n_unique() > 2 and high["traj_id"].n_unique() == 2
