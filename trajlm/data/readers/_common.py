"""Shared machinery of the readers: column mapping, time parsing, row checks (raw text: _lines.py;
the row checks themselves: _row_checks.py, split out by review38b, re-exported here).

Every reader turns raw records into a frame of typed columns plus two bookkeeping columns,
`_file` (index into the list of paths) and `_line` (1-based physical line, or row number for
Parquet), then hands it to `check_rows`, which drops (and counts) or raises on the rows that
cannot become canonical points. Keeping `_file`/`_line` until the end is what lets an error say
"boat-positions.csv line 812 field latitude: ...".

Counting convention (`DropReport.rows_in`): one unit per input record. For point-per-line
formats that is one line = one point. Records that carry several points (a Porto trip) count
their points; records that yield no point at all (a malformed line, an unparseable or empty
POLYLINE, a garbage labels.txt line) count as one unit each, so `rows_in == len(df) + total`.
Blank lines are not records and are ignored.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from trajlm.data.readers._column_map import ELAPSED_FORMATS as ELAPSED_FORMATS  # re-exported
from trajlm.data.readers._column_map import ColumnMap as ColumnMap
from trajlm.data.readers._read_context import HINT_SKIP, Ctx, ReadLimits  # noqa: F401  (re-exported)
from trajlm.data.readers._row_checks import (  # noqa: F401  (re-exported: the readers import them here)
    EXCEL_DAYS,
    FUTURE_TOLERANCE_S,
    MS_LIKE,
    NO_DATE,
    TIME_OF_DAY,
    check_rows,
    parse_float,
)
from trajlm.data.readers._times import (  # noqa: F401  (re-exported: the readers import them here)
    T_MS,
    T_PARTS,
    T_RAW,
    TIME_FORMAT_HELP,
    TIME_FORMATS,
    day_month_hint,
    drop_sub_second,
    exact_time,
    local_epoch,
    origin_seconds,
    parse_time,
    parse_time_parts,
    unread_zone_hint,
)

WGS84 = ("EPSG:4326", "WGS84", "CRS84")


def claim_stem(ctx: Ctx, file: int, seen: dict[str, Path]) -> bool:
    """For formats whose trajectory ids start with the file stem (GPX, MF-JSON): False when an
    earlier file of the read has the same stem (`a/track.gpx`, `b/track.gpx`), whose ids would
    merge two different tracks into one. Raises in raise mode; in skip mode the caller counts
    the file's points as `duplicate_traj_id`."""
    path = ctx.paths[file]
    first = seen.setdefault(path.stem, path)
    if first == path:
        return True
    if ctx.on_error == "raise":
        raise ctx.error(
            f"its trajectory ids ({path.stem}/...) are those of {first}, read before: the two "
            "files would be merged into one trajectory (duplicate_traj_id); rename one of them",
            file,
            None,
            None,
        )
    return False


def finalize(df: pl.DataFrame) -> pl.DataFrame:
    """Drop bookkeeping columns; the caller conforms (casts, sorts)."""
    return df.drop([c for c in ("_file", "_line") if c in df.columns])


def hold_back(df: pl.DataFrame, carry: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split a chunk (rows in file order) into (complete trajectories, trailing trajectory).

    The trailing trajectory may continue in the next chunk, so it is carried over; this gives
    whole trajectories per chunk when the file groups rows by trajectory (all shared data do).
    """
    if carry is not None and len(carry):
        df = pl.concat([carry, df], how="diagonal_relaxed")
    if len(df) == 0:
        return df, df
    last = df["traj_id"][-1]
    tail = pl.col("traj_id") == last
    return df.filter(~tail), df.filter(tail)


def count_resorted(df: pl.DataFrame, ctx: Ctx, across_chunks: bool = False) -> None:
    """Count rows (in file order) whose time is earlier than their trajectory's previous row:
    `conform` re-sorts them, a repair counted as `repaired["sorted_by_time"]` (the same rule as
    clean.SortByTime, which then finds nothing left to sort).

    across_chunks: remember each trajectory's last row for the next chunk (point-per-row
    formats, where a trajectory's rows may continue in a later chunk or file).
    """
    if len(df) == 0:
        return
    if "_line" in df.columns and df["_line"].null_count() == 0:  # file order, whatever joins did
        df = df.sort(["_file", "_line"], maintain_order=True)
    pts = df.select("traj_id", "t").with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    if across_chunks and ctx.last_t is not None:  # earlier chunks' last rows go first
        pts = pl.concat([ctx.last_t, pts])
    tid, t = pl.col("traj_id"), pl.col("t")
    runs = (tid != tid.shift(1)).fill_null(True).sum().alias("runs")
    runs, n_ids = pts.select(runs, tid.n_unique().alias("n_ids")).row(0)
    if runs != n_ids:  # rows of a trajectory are not contiguous: group them, in file order
        pts = pts.sort(["traj_id", "_i"])
    behind = (tid == tid.shift(1)) & (t < t.shift(1))
    ctx.report.repair("sorted_by_time", int(pts.select(behind.sum()).item()))
    if across_chunks:
        last = pts.filter((tid != tid.shift(-1)).fill_null(True))
        ctx.last_t = last.with_columns(_i=pl.lit(-1, dtype=pl.Int64))
