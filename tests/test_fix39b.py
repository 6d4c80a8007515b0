"""Session 39 (fix39b): badin39's silent leftovers. docs/reliability.md "Session 39 (fix39b)".

Before (c9556d9a): GoPro GPS5 rows with `fix` 0 (no GPS lock) were read as fixes (the camera
writes its last or a zero position with them)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from trajlm.data.readers import read


def _read(path: Path, **kw):  # noqa: ANN202
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, report = read(path, **kw)
    return out, report, " ".join(str(x.message) for x in w)


def _fix_csv(tmp_path: Path, name: str, values: list[object]) -> Path:
    rows = [f"2026-09-12T10:{k // 60:02d}:{k % 60:02d}Z,{47.23 + k * 1e-4},{11.38 + k * 1e-4},{v}"
            for k, v in enumerate(values)]  # fmt: skip
    p = tmp_path / "gps.csv"
    p.write_text(f"date,GPS (Lat.) [deg],GPS (Long.) [deg],{name}\n" + "\n".join(rows) + "\n")
    return p


@pytest.mark.parametrize(
    ("name", "none", "some"),
    [("fix", 0, 3), ("fix", 0, 2), ("GPS Fix", "no fix", "3D"), ("lock", "NO_FIX", "3D fix"),
     ("gps_fix", "None", "2D")],
)  # fmt: skip
def test_rows_without_gps_lock_are_dropped_and_counted(tmp_path: Path, name, none, some) -> None:  # noqa: ANN001
    values = [none] * 20 + [some] * 80 + [none] * 10
    df, report, _ = _read(_fix_csv(tmp_path, name, values))
    assert len(df) == 80  # was 110: the 30 no-lock rows read as fixes
    assert report.dropped["no_fix"] == 30  # ingest's drop report line "dropped: no_fix"


def test_a_float_lock_column_and_empty_cells(tmp_path: Path) -> None:
    values = [0.0] * 5 + [3.0] * 40 + [""] * 5
    df, report, _ = _read(_fix_csv(tmp_path, "fix", values))
    assert len(df) == 45 and report.dropped["no_fix"] == 5


def test_a_fix_column_of_other_numbers_is_no_lock_column(tmp_path: Path) -> None:
    values = [k % 12 for k in range(100)]  # a count (of satellites, say), not GoPro's 0 / 2 / 3
    df, report, _ = _read(_fix_csv(tmp_path, "fix", values))
    assert len(df) == 100 and not report.dropped.get("no_fix")
