"""Three data-file kinds written as CSV before the read (`spreadsheet.sheets_as_csv` through
`device_logs.log_files`), each refused with no way on before heldout32 (docs/data.md "Session 32
(heldout32)"), all with the standard library or scipy (a core dependency):

- **SQLite databases** (`.db`, `.sqlite`, `.sqlite3`, `.db3`, or any file starting `SQLite
  format 3`; GeoPackages stay with gis_files.py): the table whose columns name a latitude and a
  longitude (the same names as any CSV header), the one with most rows when several do, written
  whole (its other columns too, so the usual detection picks the id and time). The database is
  opened read-only. Phone-study apps (AWARE's `locations`), loggers and trackers keep positions
  this way.
- **NetCDF 3** (netcdf_file.py; `.nc`, `.cdf`, `.nc3`; the `CDF\\x01` / `CDF\\x02` header): CF discrete sampling
  geometry (`featureType` trajectory): contiguous ragged arrays (`rowSize` with
  `sample_dimension`), indexed ragged arrays (`instance_dimension`), `(trajectory, obs)` 2-D
  arrays, or one flat table (ERDDAP's `.nc`). Time from the variable whose `units` read
  "UNIT since DATE", latitude / longitude by `standard_name` / `units` (`degrees_north`) / name,
  the id from the `cf_role = trajectory_id` variable; fill values dropped. NetCDF-4 (HDF5) is
  refused in one line naming `nccopy -k classic` and ERDDAP's `.ncCF` / `.csv`.
- **OpenDocument spreadsheets** (`.ods`, LibreOffice Calc): the largest sheet and every other
  with its header (a sheet per vehicle, as `.xlsx`), typed dates as
  ISO text, repeated rows / cells (`number-rows-repeated`) written out except the empty ones
  LibreOffice pads to the sheet's end with.
- **SQL dumps** (sql_dump.py; `.sql`, or a file opening as a MySQL / PostgreSQL dump; heldout37b):
  their tables loaded into an SQLite database beside the CSV, then read as a database."""

from __future__ import annotations

import csv
import re
import sqlite3
import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

from trajlm.data.column_names import find_columns
from trajlm.data.readers._file_io import head, write_csv
from trajlm.data.readers.data_file_checks import check_sqlite_length
from trajlm.data.readers.netcdf_file import netcdf_as_csv
from trajlm.data.readers.sql_dump import dump_as_sqlite, is_sql_dump
from trajlm.data.readers.stata import is_stata, stata_as_csv
from trajlm.data.schema import TrajlmInputError
from trajlm.errors import warn_at_caller

SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".db3")
NETCDF_SUFFIXES = (".nc", ".cdf", ".nc3", ".netcdf")


def data_file_kind(path: Path) -> str | None:
    """ "sqlite" | "netcdf" | "ods" | "stata" | "sqldump" when `path` is such a file, else None."""
    if not path.is_file() or path.suffix.lower() == ".gpkg":
        return None
    start, suffix = head(path, 16), path.suffix.lower()
    if start.startswith(b"SQLite format 3\0"):
        return "sqlite"
    if start[:4] in (b"CDF\x01", b"CDF\x02", b"CDF\x05") or (
        suffix in NETCDF_SUFFIXES and start.startswith(b"\x89HDF")
    ):
        return "netcdf"
    if suffix == ".ods":
        return "ods"
    if is_stata(path):
        return "stata"
    if is_sql_dump(path):
        return "sqldump"
    return None


# -- SQLite ---------------------------------------------------------------------------------


def _cell(v: object) -> object:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e18:
        return int(v)  # AWARE's `timestamp` REAL 1767600000000.0: milliseconds, not a fraction
    return "" if v is None else v


def _quoted(name: str) -> str:
    """An SQLite identifier in double quotes, a quote inside it doubled (a table named `a"b`)."""
    return '"' + name.replace('"', '""') + '"'


def unprefixed(cols: list[str]) -> tuple[list[str], str]:
    """(`cols` without the prefix every one of them shares, the prefix; `cols` and "" where
    they share none of 2+ letters): an app's table whose columns all start with the table's own
    word, glued on (heldout34: OruxMaps' `trackpoints` holds `trkptlat`, `trkptlon`,
    `trkpttime`, `trkptseg`: "no table of latitudes and longitudes"). Columns starting with `_`
    (Android's `_id`) are not asked; every name must keep 2+ characters."""
    import os

    asked = [c for c in cols if not c.startswith("_")]
    if len(asked) < 3:
        return cols, ""
    pre = os.path.commonprefix([c.lower() for c in asked])
    if len(pre) < 2 or any(len(c) - len(pre) < 2 for c in asked):
        return cols, ""
    return [c if c.startswith("_") else c[len(pre) :] for c in cols], asked[0][: len(pre)]


def _rowid_alias(info: list[tuple]) -> int | None:
    """The position of a table's `INTEGER PRIMARY KEY` column (SQLite's rowid: Android's `_id`,
    numbered 1, 2, 3 as rows are inserted), else None: a row key, not data. heldout34: OruxMaps'
    `trackpoints._id` was guessed as the trajectory id and the read refused."""
    pk = [r for r in info if r[5]]
    if len(pk) == 1 and str(pk[0][2]).upper() == "INTEGER":
        return int(pk[0][0])
    return None


def sqlite_as_csv(path: Path, out: Path) -> list[str]:
    """The position table of an SQLite database as a CSV at `out`; each CSV line's row of the
    table (`table 'fixes' row 7`, for errors: device_logs.Where)."""
    check_sqlite_length(path)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise TrajlmInputError(f"an SQLite database that does not open ({e})", path=path) from None
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        fits, said, keys = [], {}, {}
        for name in tables:
            info = list(db.execute(f"PRAGMA table_info({_quoted(name)})"))
            cols = [r[1] for r in info]
            keys[name] = _rowid_alias(info)
            if not (find_columns("lat", cols) and find_columns("lon", cols)):
                cols, pre = unprefixed(cols)  # `trkptlat`, `trkptlon`: `lat`, `lon`
                if pre and find_columns("lat", cols) and find_columns("lon", cols):
                    said[name] = pre
            if find_columns("lat", cols) and find_columns("lon", cols):
                n = db.execute(f"SELECT COUNT(*) FROM {_quoted(name)}").fetchone()[0]
                fits.append((n, name, cols))
        if not fits:
            raise TrajlmInputError(
                f"an SQLite database with no table of latitudes and longitudes (tables: "
                f"{', '.join(tables[:12]) or 'none'})",
                path=path,
                hint="export the positions table as CSV (sqlite3 DB -csv -header 'SELECT * "
                "FROM TABLE' > out.csv) and name its columns with --lat-col / --lon-col",
            )
        n, name, cols = max(fits)
        if len(fits) > 1:
            warn_at_caller(  # the caller's line (stacklevel=2 named device_logs.py)
                f"{path.name}: read table '{name}' ({n:,} rows), the largest of "
                f"{len(fits)} with positions ({', '.join(f[1] for f in fits)})"
            )
        if name in said:
            warn_at_caller(
                f"{path.name}: table '{name}' read without the prefix its columns share "
                f"('{said[name]}': {', '.join(cols[:6])})"
            )
        rows = db.execute(f"SELECT * FROM {_quoted(name)}")
        if (key := keys[name]) is not None:  # the rowid alias: a row key, never a trip id
            cols = cols[:key] + cols[key + 1 :]
            rows = (r[:key] + r[key + 1 :] for r in rows)
        write_csv(out, cols, ([_cell(v) for v in r] for r in rows))
        return [f"table {name!r} columns"] + [f"table {name!r} row {k}" for k in range(1, n + 1)]
    except sqlite3.Error as e:
        raise TrajlmInputError(f"an SQLite database that does not read ({e})", path=path) from None
    finally:
        db.close()


# -- OpenDocument spreadsheets --------------------------------------------------------------

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_REPEAT_LIMIT = 10_000  # more copies of a non-empty row / cell than a real sheet holds


def _ods_value(cell) -> str:  # noqa: ANN001 (an ElementTree element)
    kind = cell.get(f"{_O}value-type")
    if kind == "date":
        return (cell.get(f"{_O}date-value") or "").replace("T", " ")
    if kind in ("float", "percentage", "currency"):
        return cell.get(f"{_O}value") or ""
    if kind == "time":  # PT08H15M03S
        m = re.match(r"PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S", cell.get(f"{_O}time-value") or "")
        return f"{int(m[1]):02d}:{int(m[2]):02d}:{m[3]}" if m else ""
    return "\n".join("".join(p.itertext()) for p in cell if p.tag.endswith("}p")).strip()


def ods_as_csv(path: Path, out: Path) -> dict[Path, list[str]]:
    """The sheets of one table in an OpenDocument spreadsheet as CSVs: the largest sheet and
    every other with its header (`_ods_header`), as `.xlsx` reads a sheet per vehicle
    (spreadsheet._same_header_sheets); one sheet at `out`, several as `<sheet name>.csv`
    beside it, so a sheet without an id column is the trajectory of its name (apipath32: only
    the largest sheet was read, the other vehicles dropped without a word). Returns each
    CSV's lines' sheet rows (`sheet 'Fleet' row 7`, for errors: device_logs.Where)."""
    sheets = _ods_sheets(path)
    if not any(any(r) for _, rows, _ in sheets for r in rows):  # badin33: "no such file"
        raise TrajlmInputError(
            f"an OpenDocument spreadsheet with no table rows ({len(sheets)} sheet(s), none "
            "holding a cell)",
            path=path,
            hint="save the sheet with the positions again in LibreOffice, or as CSV",
        )
    best = max(sheets, key=lambda s: sum(1 for r in s[1] if any(r)), default=("", [], []))
    head = _ods_header(best[1])
    same = [s for s in sheets if s is best or (head and _ods_header(s[1]) == head)]
    where: dict[Path, list[str]] = {}
    for name, rows, numbers in same:
        into = (
            out if len(same) == 1 else out.with_name(f"{name.strip().lstrip('.') or 'sheet'}.csv")
        )
        kept = [k for k, r in enumerate(rows) if any(r)]
        with into.open("w", newline="", encoding="utf-8") as dst:
            csv.writer(dst, lineterminator="\n").writerows(pad_to_header([rows[k] for k in kept]))
        broken = any("\n" in c or "\r" in c for k in kept for c in rows[k])  # lines are not rows
        where[into] = [] if broken else [f"sheet {name!r} row {numbers[k]}" for k in kept]
    return where


def pad_to_header(rows: list[list[str]]) -> list[list[str]]:
    """`rows` with those under the header (the first row of two or more cells) padded with
    empty cells to its width: a sheet leaves a row's trailing empty cells out (.ods, XML 2003),
    which the CSV reader would refuse as too few fields (a CF units row with no unit under the
    last column: readfix32), while a one-cell title row above the header stays one cell."""
    at = next((k for k, r in enumerate(rows) if sum(1 for c in r if c) >= 2), len(rows))
    width = len(rows[at]) if at < len(rows) else 0
    return rows[: at + 1] + [r + [""] * (width - len(r)) for r in rows[at + 1 :]]


def _ods_header(rows: list[list[str]]) -> list[str]:
    """A sheet's first row of two or more cells: its header below a one-cell title row."""
    return next((r for r in rows if sum(1 for c in r if c) >= 2), [])


def _ods_sheets(path: Path) -> list[tuple[str, list[list[str]], list[int]]]:
    """(name, rows, each row's number in the sheet) of each sheet of an OpenDocument
    spreadsheet, typed cells as text, repeated cells and rows written out (empty padding not)."""
    try:
        with zipfile.ZipFile(path) as z, z.open("content.xml") as f:
            sheets: list[tuple[str, list[list[str]], list[int]]] = []
            rows: list[list[str]] = []
            numbers: list[int] = []
            for event, el in iterparse(f, events=("start", "end")):
                if event == "start" and el.tag == f"{_T}table":
                    rows, numbers, n = [], [], 1
                elif event == "end" and el.tag == f"{_T}table-row":
                    cells: list[str] = []
                    for c in el:
                        if c.tag in (f"{_T}table-cell", f"{_T}covered-table-cell"):
                            k = int(c.get(f"{_T}number-columns-repeated") or 1)
                            value = _ods_value(c)
                            cells += [value] * (
                                min(k, _REPEAT_LIMIT) if value else k if k < 1024 else 0
                            )
                    while cells and not cells[-1]:
                        cells.pop()
                    k = int(el.get(f"{_T}number-rows-repeated") or 1)
                    copies = min(k, _REPEAT_LIMIT) if cells else min(k, 1)
                    rows += [cells] * copies
                    numbers += range(n, n + copies)
                    n += k  # the sheet's row numbers: empty repeated rows count
                    el.clear()
                elif event == "end" and el.tag == f"{_T}table":
                    while rows and not rows[-1]:
                        rows.pop()
                    name = el.get(f"{_T}name") or f"sheet{len(sheets) + 1}"
                    sheets.append((name, rows, numbers[: len(rows)]))
    except (zipfile.BadZipFile, KeyError, SyntaxError) as e:  # ParseError is a SyntaxError
        raise TrajlmInputError(
            f"an OpenDocument spreadsheet that does not read ({e})",
            path=path,
            hint="save the sheet again in LibreOffice, or as CSV (File > Save As > Text CSV)",
        ) from None
    return sheets


def sql_dump_as_csv(path: Path, out: Path) -> list[str]:
    """The position table of an SQL dump (sql_dump.py) as a CSV at `out`, through an SQLite
    database beside it; each CSV line's row of the table."""
    db_path = out.with_suffix(".sqlite")
    dump_as_sqlite(path, db_path)
    try:
        return sqlite_as_csv(db_path, out)
    finally:
        db_path.unlink(missing_ok=True)


def data_file_as_csv(kind: str, path: Path, out: Path) -> list[str] | dict[Path, list[str]]:
    """Write `path` (a file of `kind`, see `data_file_kind`) as a CSV at `out`; where its lines
    come from (an .ods: for each sheet's CSV)."""
    convert = {"sqlite": sqlite_as_csv, "netcdf": netcdf_as_csv, "ods": ods_as_csv,
               "stata": stata_as_csv, "sqldump": sql_dump_as_csv}  # fmt: skip
    return convert[kind](path, out)
