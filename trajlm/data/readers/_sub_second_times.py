"""The readers' sub-second and frame-rate times: the bookkeeping columns a reader adds for the
row check (T_MS, T_RAW), frame numbers at a frame rate (`--time-format frames@25`), and the
repair that keeps one fix per trajectory second (or the exact times, or all of them).

Split from _times.py by review38b (which re-exports every name here)."""

from __future__ import annotations

import re

import polars as pl

from trajlm.data.schema import DropReport

# Bookkeeping columns a reader may add for check_rows: the exact time in milliseconds (sub-second
# fixes) and the raw time text (error messages). check_rows drops both.
T_MS, T_RAW = "_t_ms", "_t_raw"
EXACT_MS = "_t_exact_ms"  # the exact milliseconds kept past the row check (read(exact_times=))
# Frame numbers at a frame rate (`--time-format frames@25`, newuser36): player tracking and
# simulators count frames, and a frame column read as seconds after `--time-origin` ran 25x slow
FRAMES = re.compile(r"(?i)^frames?\s*[@:]\s*(\d+(?:\.\d*)?)\s*(?:hz|fps)?$")


def frame_rate(time_format: str | None) -> float | None:
    """Frames per second of a ``frames@25`` time format (None: not one; 0: a rate of 0)."""
    m = FRAMES.match(time_format.strip()) if isinstance(time_format, str) else None
    return float(m[1]) if m else None


def exact_time(t_ms: pl.Expr) -> list[pl.Expr]:
    """Whole seconds `t` (floored) plus the exact milliseconds, from a time in milliseconds."""
    return [(t_ms // 1000).alias("t"), t_ms.alias(T_MS)]


def drop_sub_second(
    df: pl.DataFrame,
    report: DropReport,
    keep_exact: bool = False,
    full_rate: bool = False,
    keep_all: bool = False,
) -> pl.DataFrame:
    """Canonical t is whole seconds: of the fixes of one trajectory that fall in one second but
    differ below it (1-10 Hz loggers, epoch milliseconds), keep the earliest and drop the others
    as `sub_second_fix` (both modes; a repair of the resolution, not an error). Exact repeats of
    the kept fix stay for cleaning's `duplicate_timestamp`. Works within a chunk: a second split
    across two chunks of one trajectory leaves its later fixes to `duplicate_timestamp`.
    keep_exact: the kept fixes' exact milliseconds stay, as column EXACT_MS (exact_seconds).
    full_rate: the dropped fixes' path and fastest step kept on each kept fix (full_rate.py).
    keep_all: no fix dropped, `t` Float64 exact seconds (a sub-second store, subsec_store.py)."""
    if keep_all:
        from trajlm.data.subsec_store import exact_float_seconds

        return exact_float_seconds(df, T_MS)
    if T_MS not in df.columns:
        return df
    if full_rate:
        from trajlm.data.full_rate import with_full_rate

        df = with_full_rate(df, T_MS)
    later = (pl.col(T_MS) != pl.col(T_MS).min().over("traj_id", "t")).fill_null(False)
    n = int(df.select(later.sum()).item())
    if n:
        report.drop("sub_second_fix", n)
        df = df.filter(~later)
    return df.rename({T_MS: EXACT_MS}) if keep_exact else df.drop(T_MS)


def exact_seconds(df: pl.DataFrame) -> pl.DataFrame:
    """`df` with `t` as float Unix seconds from its EXACT_MS column where any fix has a fraction
    of a second (the frame route's form: coerce records the fractions and the answers carry
    them); whole-second times stay Int64, bit for bit. EXACT_MS is dropped either way."""
    if EXACT_MS not in df.columns:
        return df
    ms = pl.col(EXACT_MS)
    if not df.select(((ms % 1000) != 0).fill_null(False).any()).item():
        return df.drop(EXACT_MS)
    return df.with_columns(pl.coalesce(ms / 1000, pl.col("t").cast(pl.Float64)).alias("t")).drop(
        EXACT_MS
    )
