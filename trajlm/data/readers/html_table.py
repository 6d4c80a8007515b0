"""An HTML table saved under a spreadsheet's name (heldout30: a fleet portal's "Export to Excel"
button sends `report.xls` that is an HTML page; it was refused as "a spreadsheet workbook" with a
`pd.read_excel(path)` hint that fails on HTML). The page's largest `<table>` is written as a
CSV (`spreadsheet.sheets_as_csv`), one line per `<tr>`, so a title row above the header is
skipped like any title line and the usual column detection, time parsing and checks apply.
Standard library only (no lxml)."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

_SUFFIXES = (".xls", ".htm", ".html")
_MARKS = (b"<html", b"<!doctype html", b"<table", b"<meta")


def is_html_table(path: Path) -> bool:
    """A `.xls` / `.htm` / `.html` file whose text starts as an HTML page or table."""
    if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
        return False
    try:
        with path.open("rb") as f:
            head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    except OSError:
        return False
    return head.startswith(_MARKS)


class _Tables(HTMLParser):
    """Rows of cell texts per `<table>` (nested tables are read as their own)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._open: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self._open.append([])
        elif tag == "tr" and self._open:
            self._open[-1].append([])
        elif tag in ("td", "th") and self._open and self._open[-1]:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self._open[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._open:
            self.tables.append(self._open.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_table_as_csv(path: Path, out: Path) -> list[str]:
    """Write the largest table of the HTML page `path` as a CSV at `out`; where each CSV line
    comes from (`table row 3`: its `<tr>`, counted from 1; errors name it, archives.py)."""
    parser = _Tables()
    with path.open(encoding="utf-8", errors="replace") as f:
        for chunk in iter(lambda: f.read(1 << 20), ""):
            parser.feed(chunk)
    parser.close()
    tables = parser.tables + parser._open  # an unclosed table (a page cut short) still counts
    rows = max(tables, key=len, default=[])
    if not any(rows):
        raise TrajlmInputError(
            "an HTML page under a spreadsheet's name, with no table rows in it",
            path=path,
            hint="export the report again, or as CSV if the portal offers it",
        )
    with out.open("w", newline="", encoding="utf-8") as dst:
        csv.writer(dst, lineterminator="\n").writerows(r for r in rows if r)
    return [f"table row {n}" for n, r in enumerate(rows, 1) if r]
