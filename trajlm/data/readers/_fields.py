"""CSV header lines and field splitting for the readers: `header_names`, `sniff_sep`, and
`split_fields`, which parses a `lines_frame` (_lines.py) into string columns, vectorized,
falling back to a per-line check only on the error path."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import Ctx
from trajlm.data.readers._truncation import TRUNCATED, check_open_line
from trajlm.data.schema import TrajlmInputError


def header_names(line: str, sep: str, path: Path | None = None, line_no: int = 1) -> list[str]:
    """Column names of a CSV header line (quotes and a byte-order mark removed); `line_no`:
    the header's line in the file (past title lines), for errors."""
    if (
        line.count("\x00") * 2 >= len(line.rstrip("\r\n\x00")) > 0
    ):  # UTF-16 without a BOM (with one, _encoding.py reads it)
        raise TrajlmInputError("header is UTF-16 without a byte-order mark, not UTF-8", path=path,
                               line=1, hint="convert it first: iconv -f utf-16le -t utf-8 IN.csv > OUT.csv")  # fmt: skip
    try:
        names = next(csv.reader([line.lstrip("\ufeff").rstrip("\r\n")], delimiter=sep))
    except (csv.Error, StopIteration) as e:
        raise TrajlmInputError(
            f"header line is not valid CSV ({e})", path=path, line=line_no
        ) from None
    names = [n.strip() for n in names]
    # Unnamed columns (Excel's trailing empty ones, `id,time,lat,lon,,,`): named by position,
    # as pandas does; they are never a canonical column, so no name of them is ambiguous.
    names = [n or f"Unnamed: {i}" for i, n in enumerate(names)]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # which one is meant cannot be told (and the line parser needs unique names)
        raise TrajlmInputError(
            f"column name(s) {twice} appear more than once in the header {names}",
            path=path,
            line=line_no,
            hint="rename the copies so that every column has its own name",
        )
    return names


def sniff_sep(line: str) -> str | None:
    """The separator of a header line without commas: `;`, tab or `|` when exactly one of them
    splits it into several names (European spreadsheets, .tsv); `;` also when it splits a
    header into 3+ names and more than the commas do; None keeps the comma."""
    line = line.lstrip("\ufeff").rstrip("\r\n")
    try:
        by_comma, by_semi = (len(next(csv.reader([line], delimiter=s))) for s in (",", ";"))
        if by_semi >= 3 and by_semi > by_comma:  # `Скорость, км/ч;Курс`: units after commas
            return ";"  # in a `;` header (heldout31's Russian fleet export read as 3 names)
        if by_comma > 1:
            return None
        found = [s for s in (";", "\t", "|") if len(next(csv.reader([line], delimiter=s))) > 1]
    except (csv.Error, StopIteration):
        return None
    return found[0] if len(found) == 1 else None


def split_fields(
    raw: pl.DataFrame,
    names: list[str],
    sep: str,
    ctx: Ctx,
    reason: str = "malformed_row",
    whole_files: bool = False,
) -> pl.DataFrame:
    """Parse a `lines_frame` into string columns `names` (+ `_file`, `_line`).

    Lines with the wrong number of fields (counted outside double quotes) raise or count as
    `reason` (default `malformed_row`); each counts one unit in rows_in. The last line of a
    file that does not end with a newline (`_open`) is checked for truncation: see
    `_truncation.check_open_line`; a cut line raises or counts as `truncated_last_row`. whole_files:
    `raw` holds every line of each of its files (no file continues in a later call).
    """
    if "_open" not in raw.columns:
        raw = raw.with_columns(_open=pl.lit(False))
    # Remove quoted runs, then count separators: vectorized field count that respects quotes.
    quoted = bool(raw.select(pl.col("raw").str.contains('"', literal=True).any()).item())
    unquoted = pl.col("raw").str.replace_all(r'"[^"]*"', "") if quoted else pl.col("raw")
    n_fields = unquoted.str.count_matches(sep, literal=True) + 1
    ok = (n_fields == len(names)) & ~unquoted.str.contains('"', literal=True)
    raw = raw.with_columns(_ok=ok, _n=n_fields)
    if quoted and not _parses(raw.filter(pl.col("_ok")), names, sep):
        # A quote inside a field (`a"b"c`) passes the count but breaks the CSV parser: find
        # such lines one by one (only on this error path, so clean files stay vectorized).
        strict = [_strict_csv_ok(line, sep, len(names)) for line in raw["raw"]]
        raw = raw.with_columns(_ok=pl.col("_ok") & pl.Series(strict, dtype=pl.Boolean))
    bad = raw.filter(~pl.col("_ok"))
    if len(bad):
        if ctx.on_error == "raise":
            first = bad.sort(["_file", "_line"]).row(0, named=True)
            found = f"found {first['_n']} (or an unbalanced quote): {first['raw'][:80]!r}"
            if first["_open"]:
                raise ctx.error(
                    f"the file ends without a newline inside this line and the line is "
                    f"incomplete: expected {len(names)} fields, {found} ({TRUNCATED}); "
                    "the file looks truncated",
                    first["_file"],
                    first["_line"],
                    None,
                )
            raise ctx.error(
                f"expected {len(names)} fields ({sep.join(names)}), {found}",
                first["_file"],
                first["_line"],
                None,
            )
        n_cut = int(bad["_open"].sum())
        ctx.report.rows_in += len(bad)
        ctx.report.drop(reason, len(bad) - n_cut)
        ctx.report.drop(TRUNCATED, n_cut)
        raw = raw.filter(pl.col("_ok"))
    if len(raw) == 0:
        return pl.DataFrame(
            schema={**dict.fromkeys(names, pl.Utf8), "_file": pl.Int32, "_line": pl.Int64}
        )
    parsed = _read_lines(raw, names, sep)
    if len(parsed) != len(raw):  # quoting we did not anticipate; never misalign silently
        raise TrajlmInputError(
            f"CSV parser found {len(parsed)} records in {len(raw)} lines (multi-line quoted "
            "fields are not supported)",
            path=ctx.paths[int(raw["_file"][0])],
            line=int(raw["_line"][0]),
        )
    parsed = parsed.with_columns(raw["_file"], raw["_line"], raw["_open"])
    return check_open_line(_without_headers(parsed, names, ctx), names[-1], ctx,
                           whole_files).drop("_open")  # fmt: skip


REPEATED_HEADER = "repeated_header"


def _without_headers(parsed: pl.DataFrame, names: list[str], ctx: Ctx) -> pl.DataFrame:
    """``parsed`` without the lines that repeat the header (a logger restarted into the same
    file: Torque Pro; concatenated exports), counted as ``repeated_header`` in both modes
    (fix33: they were counted as dropped ``no_fix`` rows, as if a fix had been lost)."""
    same = [pl.col(n).str.strip_chars() == n.strip() for n in names if n.strip()]
    if not same or len(parsed) == 0:
        return parsed
    header = pl.all_horizontal(same).fill_null(False)
    n = int(parsed.select(header.sum()).item())
    if n:
        ctx.report.rows_in += n
        ctx.report.drop(REPEATED_HEADER, n)
        parsed = parsed.filter(~header)
    return parsed


csv.field_size_limit(sys.maxsize)  # a 10 MB POLYLINE is one legitimate field


def _read_lines(raw: pl.DataFrame, names: list[str], sep: str) -> pl.DataFrame:
    text = raw["raw"].str.join("\n").item() + "\n"
    return pl.read_csv(io.BytesIO(text.encode()), has_header=False, new_columns=names,
                       separator=sep, infer_schema=False, quote_char='"')  # fmt: skip


def _parses(raw: pl.DataFrame, names: list[str], sep: str) -> bool:
    if len(raw) == 0:
        return True
    try:
        _read_lines(raw, names, sep)
    except pl.exceptions.PolarsError:  # ComputeError, or SchemaError for a field count it sees
        return False
    return True


def _strict_csv_ok(line: str, sep: str, n_fields: int) -> bool:
    """Whether one line is valid CSV with `n_fields` fields (error path only)."""
    try:
        rows = list(csv.reader([line], delimiter=sep, strict=True))
    except csv.Error:
        return False
    return len(rows) == 1 and len(rows[0]) == n_fields
