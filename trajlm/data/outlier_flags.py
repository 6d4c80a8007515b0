"""Rows a data portal has already marked as outliers (Movebank's flags), found by column name.

A Movebank export keeps every event and marks the bad ones instead of deleting them:
`visible` is false for an event hidden as an outlier, `manually-marked-outlier`,
`algorithm-marked-outlier` and `import-marked-outlier` are true for one, and
`manually-marked-valid` true overrides them all (Movebank's attribute dictionary). Reading such
rows as fixes put 5-40 km jumps into a track without a word (session 26, newuser26: a gull
study's 22 marked outliers were ingested, recovered from and predicted from). They are dropped
and counted as `marked_outlier` where trajlm drops invalid rows (ingest's readers, `trajlm.clean`)
and are treated as unknown positions by `recover`.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from trajlm.data.column_names import normalised

MARKED_OUTLIER = "marked_outlier"  # the drop report's reason
VISIBLE = "visible"  # false: hidden (Movebank's combined flag)
OUTLIER_FLAGS = ("manually_marked_outlier", "algorithm_marked_outlier", "import_marked_outlier")
VALID_FLAG = "manually_marked_valid"  # true: kept whatever the other flags say
_TRUE = ("true", "t", "1", "yes", "y")
_FALSE = ("false", "f", "0", "no", "n")


def flag_columns(names: Iterable[str]) -> dict[str, str]:
    """{Movebank flag (normalised) -> the column's own name} of the flags present in ``names``."""
    wanted = {VISIBLE, *OUTLIER_FLAGS, VALID_FLAG}
    return {normalised(n): n for n in names if isinstance(n, str) and normalised(n) in wanted}


def _is(col: str, values: tuple[str, ...]) -> pl.Expr:
    """True where ``col`` (bool, number or text in any case) reads as one of ``values``; an
    empty cell (Movebank leaves the flags empty for most events) is neither."""
    text = pl.col(col).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    return text.is_in(list(values)).fill_null(False)


def _boolean_column(col: str) -> pl.Expr:
    """True (over the whole frame) when every value of ``col`` reads as true / false or is
    empty: Movebank's flag. A `visible` column of satellites in view (8, 9, 0, 7) is not one
    (badin26: its 0 row was dropped as an outlier); decided by the values (readers27)."""
    text = pl.col(col).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    return (text.is_in([*_TRUE, *_FALSE]) | text.is_null() | (text == "")).all()


def outlier_mask(names: Iterable[str]) -> pl.Expr | None:
    """An expression true on rows marked as outliers, or None when no flag column is present.
    A `visible` column of true / false alone decides when there is one (Movebank computes it
    from the flags and the valid override); else any outlier flag true and
    `manually-marked-valid` not true. A `visible` column holding other values (a satellite
    count) is no flag."""
    cols = flag_columns(names)
    if not cols:
        return None
    flags = [_is(cols[f], _TRUE) for f in OUTLIER_FLAGS if f in cols]
    marked = pl.any_horizontal(flags) if flags else pl.lit(False)
    if VALID_FLAG in cols and flags:
        marked = marked & ~_is(cols[VALID_FLAG], _TRUE)
    if VISIBLE in cols:
        visible = cols[VISIBLE]
        return pl.when(_boolean_column(visible)).then(_is(visible, _FALSE)).otherwise(marked)
    return marked if flags else None  # only the valid override: nothing is marked


def marked_rows(df: pl.DataFrame) -> pl.Series | None:
    """A boolean Series over ``df``'s rows (True: marked as an outlier), or None without flags."""
    mask = outlier_mask(df.columns)
    return None if mask is None else df.select(mask.alias("m"))["m"]


# a tracker server's own "this fix is valid" column (Traccar's `valid`: 0 when the device sent
# its last fix again without a GPS lock; heldout30's campervans: 3 % of rows, each a fake stop
# at the last place with a new time, read without a word)
# A lock bit by another name is one too (badin40: a Particle tracker's `loc.lck` 0, no GPS
# lock, was read as fixes); a nested record's key is matched by its last part (`loc.lck`).
FIX_VALID = ("valid", "gps_valid", "fix_valid", "valid_fix", "position_valid", "is_valid", "lck",
             "gps_lck", "has_fix", "gps_locked")  # fmt: skip


def _own_name(name: str) -> str:
    """A column's normalised name, of its last part where a nested record's key was flattened
    (`loc.lck` -> `lck`)."""
    return normalised(name.rsplit(".", 1)[-1])


def invalid_fix_mask(names: Iterable[str]) -> pl.Expr | None:
    """An expression true on rows whose fix-valid column (FIX_VALID) reads false, over a column
    of true / false (1 / 0) values only; None when there is no such column."""
    cols = [n for n in names if isinstance(n, str) and _own_name(n) in FIX_VALID]
    if len(cols) != 1:
        return None
    return pl.when(_boolean_column(cols[0])).then(_is(cols[0], _FALSE)).otherwise(False)


# a receiver's own lock state (GoPro GPS5's `fix`: 0 / 2 / 3 for none / 2D / 3D; a logger's
# `GPS Fix` / `lock` of "no fix" / "3D"): its no-lock rows hold the last or a zero position, not
# a fix (badin39: read as fixes without a word). Decided by the values, as FIX_VALID: a column of
# other numbers (a satellite count named `fix`) is no lock column.
FIX_LOCK = ("fix", "gps_fix", "lock", "gps_lock", "fix_type", "gps_fix_type", "fix_status")
_NO_LOCK = ("0", "no fix", "no_fix", "nofix", "none", "no lock", "no_lock", "nolock", "invalid",
            "false")  # fmt: skip
_LOCKED = ("2", "3", "2d", "3d", "2d fix", "3d fix", "2d_fix", "3d_fix", "fix", "lock", "locked",
           "dgps", "gps", "true")  # fmt: skip
# a float column's empty cell written out as text (badin40: a column of 'no fix' / '3D' with
# some 'nan' cells was no lock column, so its 'no fix' rows were read as fixes)
_EMPTY = ("", "nan", "null", "na", "n/a")


def no_lock_mask(names: Iterable[str]) -> pl.Expr | None:
    """An expression true on rows whose lock column (FIX_LOCK) says no fix, over a column whose
    every value reads as a lock state (0 / 2 / 3, "no fix" / "2D" / "3D", empty); None when
    there is no such column. A 1 is no lock state GoPro writes: a column holding one is left."""
    cols = [n for n in names if isinstance(n, str) and _own_name(n) in FIX_LOCK]
    if len(cols) != 1:
        return None
    text = pl.col(cols[0]).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    text = text.str.replace(r"\.0+$", "")  # 3.0 from a float column
    states = (text.is_in([*_NO_LOCK, *_LOCKED, *_EMPTY]) | text.is_null()).all()
    return pl.when(states).then(text.is_in(list(_NO_LOCK)).fill_null(False)).otherwise(False)


__all__ = ["FIX_LOCK", "FIX_VALID", "MARKED_OUTLIER", "flag_columns", "invalid_fix_mask",
           "marked_rows", "no_lock_mask", "outlier_mask"]  # fmt: skip
