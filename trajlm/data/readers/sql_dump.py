"""SQL dumps of a positions table (heldout37b): `pg_dump` (its default `COPY ... FROM stdin`
blocks, or `--inserts` / `--column-inserts`), `mysqldump` (multi-row `INSERT INTO \\`t\\` VALUES
(...),(...)`) and `sqlite3 .dump`. Was: "cannot tell the format from the name" (no way on).

The dump is never run: only its `CREATE TABLE` column names, `INSERT INTO ... VALUES` rows and
`COPY` blocks are loaded, table by table, into an SQLite database beside the converted CSV, which
`data_files.sqlite_as_csv` then reads as any database (the table with latitudes and longitudes,
the largest when several have them). Everything else (`SET`, `ALTER`, `SELECT set_config`,
MySQL's `/*!...*/` lines, `LOCK TABLES`) is passed over."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from trajlm.data.readers._file_io import head
from trajlm.data.schema import TrajlmInputError

SQL_SUFFIXES = (".sql",)
_STARTS = (
    b"-- MySQL dump",
    b"-- MariaDB dump",
    b"-- PostgreSQL database dump",
    b"PRAGMA foreign_keys",
)
_NAME = r'(?:[`"]?[\w$]+[`"]?\.)?([`"]?)([\w$ ]+?)\1'  # schema.table, quoted or not
_CREATE = re.compile(
    rf"CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}\s*\(", re.I
)
_INSERT = re.compile(rf"INSERT\s+(?:IGNORE\s+)?INTO\s+{_NAME}\s*(\([^)]*\))?\s*VALUES\s", re.I)
_COPY = re.compile(rf"COPY\s+{_NAME}\s*\(([^)]*)\)\s+FROM\s+stdin", re.I)
_NOT_COLUMNS = {"primary", "key", "unique", "constraint", "index", "foreign", "check", "fulltext",
                "spatial", "exclude", "like"}  # fmt: skip


def is_sql_dump(path: Path) -> bool:
    """A `.sql` file, or a file opening as a MySQL / PostgreSQL / SQLite dump does."""
    if path.suffix.lower() in SQL_SUFFIXES:
        return True
    start = head(path, 64).lstrip(b"\xef\xbb\xbf")
    return any(start.startswith(s) for s in _STARTS)


def _statements(path: Path) -> Iterator[tuple[str, list[str] | None]]:
    """(statement, the data lines of a COPY block or None), comments and blank lines left out.
    A dump that ends inside a statement or a COPY block was cut short: one line saying where
    (badin38: its last rows were dropped without a word)."""
    buf: list[str] = []
    at = [0, 0]  # the line read last, the line the statement being read began on
    with path.open(encoding="utf-8", errors="replace") as f:
        lines = _counted(f, at)
        for line in lines:
            if not buf and (not line.strip() or line.startswith("--")):
                continue
            if not buf:
                at[1] = at[0]
            buf.append(line)
            text = "".join(buf)
            if not sqlite3.complete_statement(text) and not text.rstrip().endswith(";"):
                continue
            buf = []
            if _COPY.match(text.strip()):
                data, ended = [], False
                for row in lines:
                    if row.rstrip("\r\n") == "\\.":
                        ended = True
                        break
                    data.append(row.rstrip("\r\n"))
                if not ended:
                    raise _cut_short(path, at[1], "its COPY block has no end line `\\.`")
                yield text.strip(), data
            else:
                yield text.strip(), None
    if "".join(buf).strip():
        raise _cut_short(path, at[1], "it ends inside the statement begun there (no `;`)")


def _counted(f: Iterator[str], at: list[int]) -> Iterator[str]:
    for line in f:
        at[0] += 1
        yield line


def _cut_short(path: Path, line: int, why: str) -> TrajlmInputError:
    return TrajlmInputError(f"an SQL dump cut short: {why}", path=path, line=line,
                            hint="dump or copy the database again whole")  # fmt: skip


def _columns(body: str) -> list[str]:
    """The column names of a CREATE TABLE body (inside its parentheses)."""
    parts, depth, cur = [], 0, ""
    for ch in body:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        elif depth >= 0:
            cur += ch
    parts.append(cur)
    names = []
    for p in parts:
        words = p.split()
        if words and words[0].lower() not in _NOT_COLUMNS:
            names.append(words[0].strip('`"[]'))
    return names


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_value(v: str) -> str | None:
    if v == "\\N":
        return None
    return v.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")


def dump_as_sqlite(path: Path, db_path: Path) -> None:
    """Load the tables of the dump at `path` into a new SQLite database at `db_path`."""
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    made: dict[str, list[str]] = {}
    mysql = b"`" in head(path, 1 << 16)

    def make(name: str, cols: list[str]) -> None:
        if name not in made and cols:
            db.execute(f"CREATE TABLE {_q(name)} ({', '.join(map(_q, cols))})")
            made[name] = cols

    try:
        for text, data in _statements(path):
            if m := _CREATE.match(text):
                make(m.group(2), _columns(text[m.end() : text.rfind(")")]))
            elif m := _INSERT.match(text):
                cols = (
                    [c.strip(' `"') for c in m.group(3).strip("()").split(",")]
                    if m.group(3)
                    else None
                )
                make(m.group(2), cols or [])
                if m.group(2) not in made:
                    raise TrajlmInputError(
                        f"INSERT INTO {m.group(2)} without its column names (no CREATE TABLE "
                        "before it in the dump)", path=path,
                        hint="dump it with its schema, or with --column-inserts (pg_dump) / "
                        "--complete-insert (mysqldump)")  # fmt: skip
                values = text[m.end() :].rstrip().rstrip(";")
                if mysql:  # backslash escapes, which SQLite does not read
                    values = values.replace("\\\\", "\0").replace("\\'", "''").replace('\\"', '"')
                    values = values.replace("\\n", "\n").replace("\0", "\\")
                names = ", ".join(map(_q, cols or made[m.group(2)]))
                db.execute(f"INSERT INTO {_q(m.group(2))} ({names}) VALUES {values}")
            elif data is not None and (m := _COPY.match(text)):
                cols = [c.strip(' "') for c in m.group(3).split(",")]
                make(m.group(2), cols)
                rows = [[_copy_value(v) for v in r.split("\t")] for r in data]
                marks = ", ".join("?" * len(cols))
                names = ", ".join(map(_q, cols))
                db.executemany(f"INSERT INTO {_q(m.group(2))} ({names}) VALUES ({marks})", rows)
        db.commit()
    except sqlite3.Error as e:
        raise TrajlmInputError(
            f"an SQL dump whose rows do not load ({e})",
            path=path,
            hint="restore it into a database and export the positions table as CSV",
        ) from None
    finally:
        db.close()
    if not made:
        raise TrajlmInputError(
            "an SQL file with no CREATE TABLE / INSERT INTO / COPY rows (not a data dump)",
            path=path,
        )
