"""The columns of a caller's frame (split from coerce.py, session 24): which column is the
trajectory id / time / latitude / longitude (the name given, or the one detected as files are
read: column_names.find_columns), and a coordinate column read as numbers.

Every refusal is one ``TrajlmInputError`` naming the column (or the option to name it with).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from trajlm.data.coerce_pieces import NO_ID
from trajlm.data.column_names import find_columns
from trajlm.data.column_notes import closest, trip_log, trip_log_words
from trajlm.data.readers._json_fields import of_place
from trajlm.data.schema import LINE, TrajlmInputError


def pick_column(
    what: str,
    given: str | None,
    cols: list[str],
    tiers: tuple,
    hint: str,
    row_key: Any = None,
    fallback: Callable[[list[str]], str | None] | None = None,
) -> str:
    """The column for canonical `what`: the given name (must exist) or the detected one, else
    `fallback(cols)` (a `Date` of date-times for t: readers._dated_column; session 29)."""
    # bookkeeping columns (a file's line, check_validity's row number) are not the user's
    named = [c for c in cols if c != LINE]
    cols = [c for c in named if not str(c).startswith(("__validity", "__trajlm")) and c != NO_ID]
    if given is not None:
        if given not in named:
            raise TrajlmInputError(
                f"{hint}={given!r} is not a column; the columns are {cols}", field=given
            )
        return given
    # as files are read (column_names.find_columns, leftovers21); a lone datetime column was
    # taken before (time_column), two of them still ask (test_pyuser18)
    pool = [c for c in cols if isinstance(c, str) and not (what == "traj_id" and of_place(c))]
    found = find_columns(what, pool, row_key)  # `venue.id`: a place's (heldout40: Swarm's)
    if len(found) != 1 and (log := trip_log([c for c in cols if isinstance(c, str)])):
        raise TrajlmInputError(log)  # starts and ends only: no column to name (heldout36)
    if len(found) > 1:
        raise TrajlmInputError(
            f"several columns could be {what}: {found}; the columns are {cols}"
            + trip_log_words(found),  # a bike-share log's start / end (newuser31)
            field=what,
            hint=f"choose one with {hint}=...",
        )
    if found:
        return found[0]
    if fallback is not None and (
        found_by_values := fallback([c for c in cols if isinstance(c, str)])
    ):
        return found_by_values
    names = [n for tier in tiers for n in tier]
    # newuser31: the whole list (~200 id names) made a 3,000-character line; a few common ones
    # say what is meant, docs/data.md has the rest
    shown = ", ".join(names[:6]) + (f", ... ({len(names)} names, docs/data.md)"
                                    if len(names) > 6 else "")  # fmt: skip
    near = closest(what, what, [str(c) for c in cols])  # suggestions only, as the CLI's
    maybe = f"; closest: {' or '.join(map(repr, near))}" if near else ""
    numbered = bool(cols) and all(str(c).isdigit() for c in cols)
    raise TrajlmInputError(
        f"no {what} column: none of the recognised names ({shown}) among the columns {cols}{maybe}",
        field=what,
        hint=f"name it with {hint}=..."
        # apipath32: a headerless `.wln` read with pandas' header=None; the path is read right
        + (" (the columns are numbered, as pandas names a file read with header=None: name "
           "each one, or give the file's path, which is read as `trajlm data ingest` reads it)"
           if numbered else ""),
    )  # fmt: skip


def coordinate_column(df: pl.DataFrame, col: str) -> pl.Series:
    """A coordinate column as Float64 (NaN = missing), or an error naming the column and the
    first values that are not numbers."""
    s = df[col]
    if s.dtype == pl.Boolean or not (s.dtype.is_numeric() or s.dtype in (pl.Utf8, pl.Null)):
        what = "boolean (True/False)" if s.dtype == pl.Boolean else f"of type {s.dtype}"
        raise TrajlmInputError(
            f"column {col!r} is {what}, not degrees",
            field=col,
            hint="give the coordinates as decimal numbers",
        )
    if s.dtype == getattr(
        pl, "Float16", None
    ):  # 41.15 is held as 41.1562: km off, no word (badin24)
        raise TrajlmInputError(f"column {col!r} is 16-bit floats, which hold degrees only to about 0.03 "
                               "(3 km)", field=col, hint="give Float64 (or Float32) coordinates from the source")  # fmt: skip
    out = (s.str.strip_chars() if s.dtype == pl.Utf8 else s).cast(pl.Float64, strict=False)
    bad = out.is_null() & s.is_not_null()
    if bad.any():
        raise TrajlmInputError(
            f"values that are not numbers (first: {s.filter(bad).head(3).to_list()})",
            field=col,
            hint="coordinates must be decimal numbers",
        )
    return out.fill_nan(None)


def fractional(df: pl.DataFrame, column: str) -> bool:
    """Whether a column holds numbers with a fraction (a course in degrees: gpsd's `track`),
    no mover's id, as files are read (column_notes.fractional_numbers; heldout33)."""
    if column not in df.columns:
        return False
    s = df[column]
    if s.dtype.is_float():
        s = s.drop_nulls().drop_nans()
        return len(s) > 0 and bool((s != s.floor()).any())
    if s.dtype == pl.Utf8:
        from trajlm.data.column_notes import fractional_numbers

        values = [v.strip() for v in s.drop_nulls().head(10_000).to_list() if v.strip()]
        return bool(values) and fractional_numbers(values)
    return False


def refuse_same_dates(df: pl.DataFrame, traj: str, tcol: str, t: pl.Series) -> None:
    """A Date time column (no time of day) whose trajectory has two fixes on one date: one
    line saying so (badin34: it read as "duplicate timestamp within trajectory"). Daily data,
    one fix a day (icebergs), passes."""
    day = pl.DataFrame({"traj": df[traj], "t": t}).with_row_index("row")
    twice = day.filter(pl.struct("traj", "t").is_duplicated())
    if twice.height:
        first = twice.row(0, named=True)
        raise TrajlmInputError(
            f"{tcol!r} holds dates without a time of day ({df[tcol].dtype}): trajectory "
            f"{first['traj']!r} has {twice.filter(pl.col('traj') == first['traj']).height} fixes "
            f"on {df[tcol][first['row']]} (row {first['row']}), which give no order",
            field=tcol,
            hint="give each fix its time (a datetime column, or the date and time columns)",
        )


def prefixed_names(df: pl.DataFrame, given: dict[str, Any]) -> dict[str, str]:
    """{keyword: column} for the time / position columns a frame names under one glued prefix
    its columns share (OruxMaps' `trkptlat`, `trkptlon`, `trkpttime` read by `pd.read_sql`), as
    a database file's table is read (readers/data_files.unprefixed; fix34: the frame was told
    "no t column"). Only where the names alone find no time or position and the caller named
    none of them (``given``: traj_col=, time_col=, ...); {} otherwise."""
    from trajlm.data.readers.data_files import unprefixed

    names = [c for c in df.columns if isinstance(c, str) and c != LINE]
    fields = {"time_col": "t", "lat_col": "lat", "lon_col": "lon"}
    if any(given.get(k) for k in (*fields, "traj_col")):
        return {}
    if all(find_columns(f, names) for f in fields.values()):
        return {}
    bare, pre = unprefixed(names)
    if not pre:
        return {}
    back = dict(zip(bare, names, strict=True))
    found = {k: find_columns(f, bare) for k, f in fields.items()}
    if not all(len(v) == 1 for v in found.values()):
        return {}
    out = {k: back[v[0]] for k, v in found.items()}
    ids = find_columns("traj_id", [c for c in bare if not c.startswith("_")])
    return out | ({"traj_col": back[ids[0]]} if len(ids) == 1 else {})
