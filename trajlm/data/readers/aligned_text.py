"""Whitespace-aligned text tables (heldout30: an upper-air sounding system's export, columns
lined up with spaces under `#` comment lines; refused as one column named by the whole header
line, with "delete the lines above it" advice that could not help). A `.txt` / `.dat` / `.asc`
file whose header and first rows (after `#`, `%` or `!` comments and blank lines) hold no comma,
semicolon, tab or bar, and split on runs of spaces into one same number (3 or more) of fields, is
written as a CSV (`spreadsheet.sheets_as_csv`), so the usual column detection, time parsing and
checks apply. Lines with another number of fields are written as they split, for the CSV
reader to name."""

from __future__ import annotations

import csv
from pathlib import Path

_SUFFIXES = (".txt", ".dat", ".asc")
_COMMENT = ("#", "%", "!")
_SEPARATORS = (",", ";", "\t", "|")
_SAMPLE = 6  # the header and 5 rows must agree


def _table_lines(lines: list[str]) -> list[str]:
    return [x for x in lines if x.strip() and not x.lstrip().startswith(_COMMENT)]


def is_aligned_table(path: Path) -> bool:
    """A text file whose first table lines split on spaces into one number (>= 3) of fields."""
    if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
        return False
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            head = [f.readline(1 << 16) for _ in range(64)]
    except OSError:
        return False
    rows = _table_lines(head)[:_SAMPLE]
    if len(rows) < _SAMPLE or any(s in x for x in rows for s in _SEPARATORS):
        return False
    widths = {len(x.split()) for x in rows}
    return len(widths) == 1 and widths.pop() >= 3


def aligned_table_as_csv(path: Path, out: Path) -> list[int]:
    """Write the whitespace-aligned table `path` (comments and blank lines left out) as a CSV;
    the line of `path` each CSV line comes from (errors name the user's line, archives.py)."""
    at = []
    with (
        path.open(encoding="utf-8-sig", errors="replace") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        for n, line in enumerate(src, 1):
            if line.strip() and not line.lstrip().startswith(_COMMENT):
                w.writerow(line.split())
                at.append(n)
    return at
