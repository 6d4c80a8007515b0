"""Session 26 (readers26): errors about a file with title lines above its header name the
header's real line (heldout25 left them saying "line 1", the title's line)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.readers._lines import header_line

TITLE = "City Winter Operations - AVL export\nGenerated 2026-01-05 by FleetView 7.2\n"
ROWS = "".join(f"12\t2026-01-05 08:00:{5 * k:02d}\t45.1\t-75.{k}\n" for k in range(3))


def _ingest(path: Path, out: Path, *opts: str) -> str:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *opts])
    assert res.exit_code != 0 and "Traceback" not in res.output
    return res.output


def test_a_missing_column_under_two_title_lines_names_line_3(tmp_path: Path) -> None:
    path = tmp_path / "avl.txt"
    path.write_text(TITLE + "Unit #\tWhen\tLatitude\tLongitude\n" + ROWS)
    assert header_line(path) == 3
    out = _ingest(path, tmp_path / "s", "--traj-col", "Unit #")
    assert "line 3: missing column(s) ['t']" in out, out


def test_a_repeated_header_name_under_title_lines_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "avl.txt"
    path.write_text(TITLE + "Unit\tTime\tLatitude\tLatitude\n" + ROWS)
    out = _ingest(path, tmp_path / "s")
    assert "line 3" in out and "more than once" in out, out


def test_a_bad_row_under_title_lines_keeps_its_file_line(tmp_path: Path) -> None:
    path = tmp_path / "avl.txt"
    path.write_text(TITLE + "Unit #\tGPS Date/Time\tLatitude\tLongitude\n" + ROWS
                    + "12\tbad\t45.1\t-75.9\n")  # fmt: skip
    out = _ingest(path, tmp_path / "s", "--traj-col", "Unit #")
    assert "line 7 field GPS Date/Time" in out, out


def test_a_plain_file_still_says_line_1(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,When,lat,lon\na,2026-01-05 08:00:00,45.1,-75.1\n")
    assert header_line(path) == 1
    assert "line 1: missing column(s)" in _ingest(path, tmp_path / "s")
