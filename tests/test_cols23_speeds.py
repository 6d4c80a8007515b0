"""Session 23 (cols23): a reported speed named with its unit in parentheses / brackets.

Before: heldout23's fishing fleet `SOG (kn)` was not kept (dead reckoning and the stop rule's
drift never saw it); `speed (km/h)` and `COG (deg)` likewise. Now the unit is read and converted:
knots stay `sog_kn`, m/s / km/h / mph become `sog_mps` in m/s."""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_helpers import invoke

from trajlm.data.motion_columns import motion_columns, speed_unit
from trajlm.data.store import read_store


def _csv(path: Path, speed_col: str, course_col: str | None, value: float) -> Path:
    head = f"traj_id,timestamp,lat,lon,{speed_col}" + (f",{course_col}" if course_col else "")
    rows = [head]
    for i in range(6):
        for k in range(8):
            row = f"v{i},{1709596800 + 3600 * i + 60 * k},{41.15 + 0.001 * k},{-8.61 + 0.01 * i},{value}"
            rows.append(row + (",90" if course_col else ""))
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("speed_col", "course_col", "value", "kept", "expected"),
    [("SOG (kn)", "COG (deg)", 10.0, "sog_kn", 10.0),
     ("speed (km/h)", None, 36.0, "sog_mps", 10.0),
     ("Speed [mph]", "Course", 10.0, "sog_mps", 4.4704),
     ("velocity (m/s)", None, 3.0, "sog_mps", 3.0)],
)  # fmt: skip
def test_a_speed_with_its_unit_is_kept_converted(
    tmp_path: Path, speed_col: str, course_col: str | None, value: float, kept: str, expected: float
) -> None:
    csv = _csv(tmp_path / "f.csv", speed_col, course_col, value)
    r = invoke("data", "ingest", csv, "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    got = read_store(tmp_path / "s")
    assert kept in got.columns, (got.columns, r.output)
    assert got[kept].drop_nulls().mean() == pytest.approx(expected, rel=1e-6)
    assert ("cog_deg" in got.columns) == (course_col is not None)
    if course_col:
        assert got["cog_deg"].drop_nulls().mean() == pytest.approx(90.0)


def test_units_that_are_no_speeds_are_not_read() -> None:
    assert speed_unit("time (s)") is None and speed_unit("speed (deg)") is None
    assert speed_unit("altitude (m/s)") is None  # not a speed word
    assert speed_unit("SOG (kn)") == pytest.approx(1852 / 3600)
    found = motion_columns(["t", "SOG (kn)", "COG (deg)"])
    assert found is not None and found[0] == "SOG (kn)" and found[2] == "COG (deg)"
