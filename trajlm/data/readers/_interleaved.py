"""Movers interleaved in time order with no id column named (session 35, heldout35): a
notebook's frame of 20 scooters sorted by time, saved as CSV or `to_json`, was read as one
scooter jumping across Lisbon (3,102 steps over 340 m/s, warned as "a swapped lat/lon or a bad
fix"). `layouts.several_tracks` (_track_ids.py) finds such a file only when its times go back in file order;
rows sorted by time never do, so the positions tell: when many steps in file order are
impossible for any mover and, grouped by one column, almost none are, that column is the id.
"""

from __future__ import annotations

from typing import Any

FAST_MPS = 100.0  # faster than any car, too slow for the jump between two movers a city apart
FAST_SHARE = 0.10  # of the steps in file order: movers interleaved, not a few bad fixes
CALM_SHARE = 0.02  # of the steps within each value of the id column
MIN_ROWS = 20


def _fast(df: Any) -> Any:
    """Whether each step (row to the next, in the frame's order) is faster than FAST_MPS."""
    import polars as pl

    rad = 3.141592653589793 / 180
    dlat = (pl.col("_lat").diff()) * rad
    dlon = (pl.col("_lon").diff()) * rad * (pl.col("_lat") * rad).cos()
    dist = 6371000.0 * (dlat**2 + dlon**2).sqrt()
    dt = pl.col("_t").diff() / 1000.0
    return df.select(((dist > FAST_MPS * dt.clip(lower_bound=0.001)) & (dist > 50)).alias("f"))[
        "f"
    ].drop_nulls()


def jumping_id(df: Any, cols: list[str]) -> str | None:
    """The column of `df` (columns `_t` ms, `_lat`, `_lon` and `cols`, in file order) whose
    values each keep their steps possible while the file order jumps between movers; None."""
    import polars as pl

    df = df.filter(pl.col("_t").is_not_null() & pl.col("_lat").is_not_null() & pl.col("_lon").is_not_null())  # fmt: skip
    if df.height < MIN_ROWS:
        return None
    whole = _fast(df)
    if whole.len() == 0 or whole.mean() < FAST_SHARE:
        return None
    for c in cols:
        n = df[c].n_unique()
        if not 2 <= n <= df.height // 2 or df[c].null_count():
            continue
        fast = [_fast(g) for _, g in df.group_by(c, maintain_order=True)]
        steps = sum(f.len() for f in fast)
        if steps and sum(int(f.sum()) for f in fast) <= CALM_SHARE * steps:
            return c
    return None
