"""The commands' time options (split out of _cli_points.py, leftover34): `--time-origin` and
`trajlm predict --at-times` as Unix seconds, and a table's elapsed seconds made absolute."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trajlm._safety import UserError

if TYPE_CHECKING:  # annotations only: importing the CLI loads no polars
    import polars as pl


def parse_time_origin(text: str | None, option: str = "--time-origin") -> int | None:
    """--time-origin as Unix seconds (ISO 8601 with a zone, or a number); None when not given."""
    if text is None:
        return None
    from trajlm.data.readers._times import origin_seconds

    origin = origin_seconds(text)
    if origin is None:
        raise UserError(f"{option} {text!r} is not a time: give ISO 8601 with a zone "
                        "(2020-01-01T00:00Z) or Unix seconds")  # fmt: skip
    return origin


_TIME_FILES = (".txt", ".csv", ".lst", ".dat", ".tsv")


def parse_at_times(text: str) -> list[int]:
    """``trajlm predict --at-times``: Unix seconds of times given comma-separated or in a file
    (one a line), each ISO 8601 with a zone or Unix seconds (as --time-origin reads one); an
    empty comma-separated item is refused (a file's blank lines are not items)."""
    path = Path(text)
    if path.suffix.lower() in _TIME_FILES and not path.is_file():  # badin31: was "not a time"
        raise UserError(f"--at-times {text!r}: no such file; give the times comma-separated or "
                        "a file with one a line")  # fmt: skip
    if path.suffix and path.is_file():
        items, where = path.read_text().splitlines(), f" ({path}, line {{}})"
    else:
        items, where = text.split(","), ""
        blank = [i for i, item in enumerate(items, 1) if not item.strip()]
        if blank and len(blank) < len(items):  # fix34b: was skipped unsaid (as --horizon-s was)
            raise UserError(f"--at-times {text!r}: item {blank[0]} is empty; expected times "
                            "like 2026-06-03T11:30Z,2026-06-03T12:00Z")  # fmt: skip
    out = []
    for i, item in enumerate(items, 1):
        if item.strip():
            out.append(parse_time_origin(item.strip(), "--at-times" + where.format(i)))
    if not out:
        raise UserError(f"--at-times {text!r}: name the times, e.g. --at-times "
                        "2026-06-03T11:30Z,2026-06-03T12:00Z or a file with one a line")  # fmt: skip
    return out


def with_time_origin(
    df: pl.DataFrame, origin: int, time_col: str | None, path: Path
) -> pl.DataFrame:
    """A table whose time column counts seconds elapsed (since each trip's start, or any
    origin) -> Unix seconds: + origin (`trajlm data ingest --time-origin` does the same)."""
    import polars as pl

    from trajlm.data.column_names import TIME, candidates

    found = [time_col] if time_col else candidates(TIME, df.columns)
    if len(found) != 1 or found[0] not in df.columns:
        raise UserError(f"--time-origin: which column of {path} holds the elapsed seconds? "
                        f"(found {found or 'none'} among {df.columns}); name it with --time-col")  # fmt: skip
    col = found[0]
    if not df[col].dtype.is_numeric():
        raise UserError(f"--time-origin: column {col!r} of {path} is {df[col].dtype}, not "
                        "numbers of elapsed seconds; leave --time-origin out for dates")  # fmt: skip
    t = pl.col(col) if df[col].dtype.is_integer() else pl.col(col).cast(pl.Float64)
    return df.with_columns(t + origin)
