"""Session 26 (readers26): one id given to two vehicles on overlapping shifts, written one
shift after the other (heldout25's plough export: "read as one track, with no word"). Sorted
into one track, the two interleave into km-long jumps; now the later run is its own track."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.store import read_store

T0 = "2026-01-05 06:{:02d}:{:02d}"


def _rows(unit: str, lon: float, start_min: int, n: int = 12) -> list[str]:
    return [f"{unit},{T0.format(start_min + k // 6, 10 * (k % 6))},45.1,{lon + 1e-4 * k}"
            for k in range(n)]  # fmt: skip


def _ingest(path: Path, out: Path) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out)])
    return res.exit_code, res.output


def test_two_vehicles_under_one_id_at_the_same_times_are_two_tracks(tmp_path: Path) -> None:
    rows = _rows("12", -75.0, 0) + _rows("7", -75.5, 0) + _rows("12", -75.2, 0)  # 16 km apart
    (tmp_path / "avl.csv").write_text("\n".join(["unit_id,time,lat,lon", *rows]) + "\n")
    code, out = _ingest(tmp_path / "avl.csv", tmp_path / "s")
    assert code == 0 and "'12' holds two tracks at the same times" in out, out
    assert "id_reused_at_same_times" in out, out
    df = read_store(tmp_path / "s")
    assert sorted(df["traj_id"].unique()) == ["12#2_0", "12_0", "7_0"]
    assert df.filter(df["traj_id"] == "12_0")["lon"].min() > -75.1  # no zigzag


def test_a_shift_written_before_an_earlier_one_is_only_sorted(tmp_path: Path) -> None:
    rows = _rows("12", -75.0, 30) + _rows("12", -75.0, 0)  # one vehicle, runs at other times
    (tmp_path / "avl.csv").write_text("\n".join(["unit_id,time,lat,lon", *rows]) + "\n")
    code, out = _ingest(tmp_path / "avl.csv", tmp_path / "s")
    assert code == 0 and "id_reused" not in out and "sorted_by_time" in out, out


def test_a_resent_buffer_of_the_same_fixes_is_not_split(tmp_path: Path) -> None:
    rows = _rows("12", -75.0, 0) + _rows("12", -75.0, 0)  # the same fixes twice
    (tmp_path / "avl.csv").write_text("\n".join(["unit_id,time,lat,lon", *rows]) + "\n")
    code, out = _ingest(tmp_path / "avl.csv", tmp_path / "s")
    assert code == 0 and "id_reused" not in out, out
    assert read_store(tmp_path / "s")["traj_id"].unique().to_list() == ["12_0"]


def test_shuffled_rows_of_one_mover_are_sorted_not_split(tmp_path: Path) -> None:
    import random

    rows = _rows("12", -75.0, 0, n=60)
    rows = [r.replace(",45.1,", f",{45.1 + 0.01 * (k % 7)},") for k, r in enumerate(rows)]
    random.Random(0).shuffle(rows)  # many steps back, runs km apart: no shifts
    (tmp_path / "avl.csv").write_text("\n".join(["unit_id,time,lat,lon", *rows]) + "\n")
    code, out = _ingest(tmp_path / "avl.csv", tmp_path / "s")
    assert code == 0 and "id_reused" not in out and "sorted_by_time" in out, out


def test_a_clock_glitch_one_second_back_in_a_moving_track_is_not_split(tmp_path: Path) -> None:
    # posmo's trackintel file: one fix a second behind its predecessor mid-trip (a first
    # version of the rule split the trip there: the runs "overlapped" by that second)
    rows = [f"12,{1_700_000_000 + 6 * k - (7 if k == 20 else 0)},45.1,{-75 + 1e-3 * k}"
            for k in range(60)]  # fmt: skip
    (tmp_path / "avl.csv").write_text("\n".join(["unit_id,time,lat,lon", *rows]) + "\n")
    code, out = _ingest(tmp_path / "avl.csv", tmp_path / "s")
    assert code == 0 and "id_reused" not in out, out
