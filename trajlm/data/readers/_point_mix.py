"""A point column whose rows write their two numbers in different orders (session 29, badin28's
leftover): `Location (Long, Lat)` holding "41.89, -87.74" on some rows and "-87.74, 41.89" on
others (two exports pasted together) was read as named for every row; half the fixes landed near
the South Pole, said only by the speed check. The orders are told apart two ways: a row whose
first or second number is outside [-90, 90] writes that one as the longitude (its order is told
by its values); a row whose two numbers, swapped, lie at the first row's point while read as
written they lie far away is written in the other order than the first row. Where the rows
differ and every row's order is told by its values, each row is read in its own order and that
is said; where some rows' orders cannot be told, the column is refused naming those rows."""

from __future__ import annotations

import numpy as np
import polars as pl

# A row is written the other way round than the first row where, swapped, it lies within this
# share of its distance as written from the first row's point, and as written lies over
# FAR_DEG degrees from it (a track does not pass the mirror image of its start across lat = lon)
NEAR_SHARE = 0.05
FAR_DEG = 1.0
NAMED = 5  # rows named in a line


def row_orders(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row, which number is written first as told by the values alone: +1 lat first (the
    second is over 90 in size), -1 lon first (the first is), 0 not told."""
    a_out, b_out = np.abs(a) > 90, np.abs(b) > 90
    return np.where(b_out & ~a_out, 1, np.where(a_out & ~b_out, -1, 0))


def _mirrored(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows that, swapped, lie at the first row's point while as written they lie far from it."""
    cos = np.cos(np.radians(np.clip(a[0], -89.0, 89.0)))

    def dist(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.hypot(x - a[0], (y - b[0]) * cos)

    written, swapped = dist(a, b), dist(b, a)
    return (written > FAR_DEG) & (swapped < NEAR_SHARE * written)


def _rows(where: list[str], mask: np.ndarray) -> str:
    """`line 7`, `lines 3, 5, 7, 9, 11 and 1 more` (`where`: "line 7" / "row 6" each)."""
    picked = [where[k] for k in np.flatnonzero(mask)[:NAMED]]
    more = int(mask.sum()) - len(picked)
    word = picked[0].split(" ", 1)[0]
    numbers = ", ".join(p.split(" ", 1)[-1] for p in picked)
    plural = "s" if len(picked) + max(more, 0) > 1 else ""
    return f"{word}{plural} {numbers}" + (f" and {more:,} more" if more > 0 else "")


def mixed_orders(
    a: np.ndarray, b: np.ndarray, where: list[str], column: str
) -> tuple[str, str] | None:
    """("row", the line said) where the pairs (`a`, `b`: first and second numbers; `where`: each
    row's place, "line 7") are written in different orders and every row's order is told by its
    values; ("refuse", the line) where they differ and some rows' orders cannot be told; None
    where nothing shows the rows differ."""
    if len(a) < 2:
        return None
    told = row_orders(a, b)
    other = _mirrored(a, b)
    differ = ((told == 1).any() and (told == -1).any()) or other.any()
    if not differ:
        return None
    if (told != 0).all():
        return "row", (
            f"{column!r} writes its pairs in both orders: lat first on {_rows(where, told == 1)}, "
            f"lon first on {_rows(where, told == -1)} (a number over 90 is no latitude); "
            "each row read in its own order"
        )
    if other.any():
        two = (f"{_rows(where, other)} in the other order than {_rows(where, ~other)} (swapped, "
               "they lie at one place)")  # fmt: skip
    else:
        two = f"lat first on {_rows(where, told == 1)}, lon first on {_rows(where, told == -1)}"
    # a row whose two numbers are both over 90 holds no latitude either way (badin29: it was
    # said to have "both numbers under 90")
    none = (np.abs(a) > 90) & (np.abs(b) > 90)
    unknown = ("no row has a number over 90, so which order is right cannot be told" if
               (told == 0).all() and not none.any() else
               "; ".join(part for part in (
                   f"the order of {_rows(where, (told == 0) & ~none)} cannot be told (both "
                   "numbers under 90)" if ((told == 0) & ~none).any() else "",
                   f"{_rows(where, none)} hold{'s' if none.sum() == 1 else ''} no latitude "
                   "(both numbers over 90)" if none.any() else "") if part))  # fmt: skip
    return "refuse", f"{column!r} writes its pairs in two orders: {two}; {unknown}"


def row_exprs(pair: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(latitude, longitude) text of each row of a parsed "a, b" pair read in its own order:
    the number over 90 in size is the longitude (the caller checked every row tells)."""
    first, second = pair.struct.field("lat"), pair.struct.field("lon")
    lon_first = first.cast(pl.Float64, strict=False).abs() > 90
    lat = pl.when(lon_first).then(second).otherwise(first)
    lon = pl.when(lon_first).then(first).otherwise(second)
    return lat, lon
