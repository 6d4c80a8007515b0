"""Columns that name the things a mover observed, not the mover: one rule for frames
(coerce_pieces.no_id_frame) and HTTP rows (serve/rows._one_mover), so neither offers such a
column as the trajectory (fix37c for frames; leftover38 for HTTP rows)."""

from __future__ import annotations

import polars as pl


def seen_at_one_fix(df: pl.DataFrame, column: str, fix: list[str]) -> bool:
    """Whether ``column`` names things observed rather than the observer: the rows that repeat
    one fix (the ``fix`` columns: position, and time where one is known) hold several values of
    ``column`` at half those fixes or more, and such rows are a quarter of the frame or more.
    A WiGLE log has a row per network seen at each of one phone's fixes: its `SSID` / `MAC`
    were offered as the mover (as readers/_track_ids._one_fix_per_time reads the file)."""
    groups = df.group_by(fix).agg(pl.len().alias("n"), pl.col(column).n_unique().alias("k"))
    shared = groups.filter(pl.col("n") > 1)
    if shared.height == 0 or shared["n"].sum() < len(df) / 4:
        return False
    return shared.filter(pl.col("k") > 1).height >= shared.height / 2
