"""The (traj_id, t) order of a canonical table, without sorting what is already in order.

A store's part files are written sorted by (traj_id, t) (store.py), so a table read from one is
in order already, but reading it went through two full sorts: `read_store` re-sorted the
concatenation of its splits and `conform` (check_model_input) sorted it again. A multi-column
sort of millions of rows with string ids copies the table and its row keys: at the 6.1 M-fix
fleet month each sort held ~1.3 GB more than the table (scale35, docs/scale.md). These helpers
give the very table `df.sort(["traj_id", "t"], maintain_order=True)` gives, without that copy
where the order is already there: a stable sort of a sorted table changes nothing, and the
check is two shifted comparisons.
"""

from __future__ import annotations

import numpy as np
import polars as pl

ORDER = ["traj_id", "t"]


def in_traj_order(df: pl.DataFrame, strict: bool = False) -> bool:
    """Whether ``df`` is sorted by (traj_id, t) with no null in either (``strict``: no two rows
    share a (traj_id, t) either). A table with nulls there reads as unsorted: the caller's sort
    decides where they go, as before."""
    if df.height < 2:
        return df.height == 0 or not df.select(pl.any_horizontal(pl.col(ORDER).is_null())).item()
    if df.schema["t"].is_integer() and not df.schema["traj_id"].is_float():  # no NaN to read
        return _in_order_by_runs(df, strict)
    tid, t = pl.col("traj_id"), pl.col("t")
    later = t > t.shift(1) if strict else t >= t.shift(1)
    step = (tid > tid.shift(1)) | ((tid == tid.shift(1)) & later)
    ok = df.select(step.slice(1).all(ignore_nulls=False).alias("steps"),
                   (tid.null_count() + t.null_count() == 0).alias("no_nulls"))  # fmt: skip
    return all(v is True for v in ok.row(0))


def _in_order_by_runs(df: pl.DataFrame, strict: bool) -> bool:
    """in_traj_order's answer without shifted copies: comparing traj_id with itself shifted
    gathered its views into one chunk (+77 MB at 4.9 M rows read in many chunks); here
    the ids' own sortedness, then t's steps back (per chunk) all at the ids' run starts."""
    ids, t = df["traj_id"], df["t"]
    if ids.null_count() or t.null_count() or not ids.is_sorted():
        return False
    starts = None  # rows where a new id begins, where t may step back (read only if it does)
    first_row, previous = 0, None  # the chunk's first row in df; the row before it's t
    for chunk in (c for c in t.get_chunks() if len(c)):
        values = chunk.to_numpy()  # a view: one chunk, no nulls
        if previous is not None:
            values = np.concatenate((previous, values))
        later, earlier = values[1:], values[:-1]
        back = np.flatnonzero(later <= earlier if strict else later < earlier)
        if len(back):  # rows of df (the step into row r is back's r - 1)
            if starts is None:
                lens = df.select(pl.col("traj_id").rle().struct.field("len"))["len"].to_numpy()
                starts = np.cumsum(lens)[:-1]
            at = back + first_row + (0 if previous is not None else 1)
            found = np.searchsorted(starts, at)  # starts is sorted (np.isin sorted it each time)
            if not (found < len(starts)).all() or not (starts[found] == at).all():
                return False
        first_row += len(chunk)
        previous = values[-1:]
    return True


def traj_sorted(df: pl.DataFrame) -> pl.DataFrame:
    """``df.sort(["traj_id", "t"], maintain_order=True)``: ``df`` itself where it is in order."""
    return df if in_traj_order(df) else df.sort(ORDER, maintain_order=True)


def merge_traj_sorted(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows of ``frames`` (one schema) in (traj_id, t) order, as ``pl.concat(frames)`` then a
    stable sort gives them. Where every frame is in order and no trajectory is in two frames
    (a store's splits), the trajectories' blocks are put in order and the rows gathered once:
    no sort of the whole table, whose row keys cost more than the table. Otherwise (a
    trajectory in two frames, a frame out of order) the sort, as before."""
    ordered = len(frames) > 1 and all(in_traj_order(f) for f in frames)
    runs = [f.select(pl.col("traj_id").rle().struct.unnest()) for f in frames] if ordered else []
    df = pl.concat(frames)
    if not ordered:
        return traj_sorted(df)
    blocks = pl.concat(runs).with_columns(start=pl.col("len").cum_sum() - pl.col("len"))
    if blocks["value"].n_unique() < blocks.height:  # a trajectory in two frames
        return df.sort(ORDER, maintain_order=True)
    blocks = blocks.sort("value")  # distinct ids: the one order a stable sort keeps
    lens = blocks["len"].to_numpy().astype(np.int64)
    starts = blocks["start"].to_numpy().astype(np.int64)
    if np.all(starts[1:] == starts[:-1] + lens[:-1]):  # the concatenation is in order already
        return df
    firsts = np.cumsum(lens) - lens  # where each block lands in the output
    return df[np.arange(int(lens.sum()), dtype=np.int64) + np.repeat(starts - firsts, lens)]


def traj_runs(df: pl.DataFrame) -> pl.DataFrame | None:
    """The runs (``value``, ``len``) of ``df``'s traj_id where every trajectory's rows are one
    run (a table in (traj_id, t) order, a store's splits one after another), else None. The
    runs of 6.1 M rows are a scan and 145,000 rows, where a group-by or ``n_unique`` of the
    ids hashes every row (scale38: eval's peaks)."""
    runs = df.select(pl.col("traj_id").rle().struct.unnest())
    return runs if runs["value"].n_unique() == runs.height else None


def count_trajectories(df: pl.DataFrame) -> int:
    """``df["traj_id"].n_unique()`` (a null id counts as one), from the runs where each
    trajectory is one (traj_runs)."""
    runs = traj_runs(df)
    return runs.height if runs is not None else df["traj_id"].n_unique()
