"""A CSV of two tables, a short summary above the fixes (session 40, heldout40): ForeFlight's
track log CSV writes one header and row about the flight (`Pilot,Tail Number,...,Start
Latitude,...,End Longitude,...`), then the fixes' own header (`Timestamp,Latitude,Longitude,
Altitude,...`) and a row a second. Was refused as "a trip log" (the summary's start / end
columns), and `predict --input` asked for a trajectory column among the summary's.

The fixes' table is read (written as a CSV from its header on, before the CSV reader) where a
line among the first few names a latitude, a longitude and a time, has another width than the
first header, and the rows under it are as wide; the summary's rows (at most 3) are left out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEAD_BYTES = 16384
_MAX_SUMMARY_ROWS = 3


def _names_a_fix(row: list[str]) -> bool:
    from trajlm.data.column_names import find_columns

    have = [c.strip() for c in row if c.strip()]
    return all(len(find_columns(f, have)) == 1 for f in ("t", "lat", "lon"))


def second_header(rows: list[list[str]]) -> int | None:
    """The index of the fixes' header under a short summary table, else None."""
    if len(rows) < 4 or _names_a_fix(rows[0]):
        return None
    width = len(rows[0])
    if width < 2:  # one cell a line: a report's title lines (heldout35 reads their zone), no table
        return None
    for k in range(2, min(len(rows) - 1, _MAX_SUMMARY_ROWS + 2)):
        row, below = rows[k], rows[k + 1]
        if len(row) == width or not _names_a_fix(row):
            if any(len(r) != width for r in rows[1 : k + 1] if r):
                return None  # not a table of the first header's width above
            continue
        if len(below) == len(row) and all(len(r) == width for r in rows[1:k] if r):
            return k
        return None
    return None


def _rows(path: Path) -> list[list[str]]:
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES).decode("utf-8", errors="replace")
    text = head[: head.rfind("\n") + 1]
    return [r for r in csv.reader(io.StringIO(text)) if r][:12]


def is_stacked_csv(path: Path) -> bool:
    """A `.csv` whose fixes' table sits under a short summary table."""
    if not path.is_file() or path.suffix.lower() not in (".csv", ".txt"):
        return False
    try:
        return second_header(_rows(path)) is not None
    except (OSError, csv.Error):
        return False


def stacked_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the fixes' table of `path` as a CSV at `out`; the line of `path` each CSV line
    comes from."""
    at_row = second_header(_rows(path))
    at: list[int | None] = []
    with (
        path.open(encoding="utf-8", errors="replace", newline="") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        n = -1
        for k, row in enumerate(csv.reader(src), start=1):
            if not row:
                continue
            n += 1
            if at_row is None or n < at_row:
                continue
            w.writerow(row)
            at.append(k)
    return at
