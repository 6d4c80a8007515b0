"""`trajlm data inspect`'s per-point figures read one part file at a time (session 33,
newuser33): the sampling intervals and the label histogram were computed on the whole store read
and re-sorted in memory (a month of a 2,000-van fleet, 6.1 M fixes: 903 MB of RSS to print a
table). A trajectory never continues into the next part file (store.iter_store_batches), so
the intervals inside each file are the store's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl


def intervals_and_labels(
    files: list[Path], read_part: Callable[[Path, list[str]], pl.DataFrame], has_label: bool
) -> tuple[pl.Series, dict | None]:
    """(seconds between consecutive fixes of a trajectory, label -> rows or None) of a store's
    part files ``files`` (``read_part(file, columns)`` reads one), as the whole store read at once
    gives them, holding one part file and the intervals (8 B a fix)."""
    cols = ["traj_id", "t", *(["label"] if has_label else [])]
    dts, counts = [], []
    for f in files:
        part = read_part(f, cols).sort(["traj_id", "t"], maintain_order=True)
        same = pl.col("traj_id") == pl.col("traj_id").shift(1)
        dts.append(part.select(pl.when(same).then(pl.col("t").diff()).alias("dt"))["dt"])
        if has_label:
            counts.append(part["label"].fill_null("(none)").value_counts())
    dt = pl.concat(dts).drop_nulls() if dts else pl.Series("dt", [], dtype=pl.Int64)
    if not has_label:
        return dt, None
    total = pl.concat(counts).group_by("label").agg(pl.col("count").sum())
    return dt, dict(total.sort(["count", "label"], descending=[True, False]).iter_rows())
