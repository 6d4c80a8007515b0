"""What the evaluation harness (trajlm/eval/protocol.py) scores on: a table's train / val / test
parts, the travel-time task's origin-destination table, and the clock shifts of ``--shift``
(a model's reliance on the clock, PROTOCOL.md). Split out of protocol.py (review36), which
re-exports every name here."""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.splits import SPLITS, assign_splits, trajectory_index
from trajlm.data.table_order import traj_runs, traj_sorted
from trajlm.errors import TrajlmInputError
from trajlm.eval import baselines as B

_UNITS_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


MAX_SHIFT_S = 366 * 86400  # a shift moves the trips within the calendar of their data


def parse_shift(spec: str) -> tuple[str, int]:
    """A clock shift: "clock=+8h" (units s, m, h, d) or "weekday=+1" (days) -> (label,
    seconds). Raises ValueError naming the bad spec."""
    name, _, value = spec.partition("=")
    value = value.strip()
    seconds = None
    try:
        if name == "weekday":
            seconds = int(value) * 86400
        elif name == "clock" and value and value[-1] in _UNITS_S:
            seconds = int(float(value[:-1]) * _UNITS_S[value[-1]])
    except (ValueError, OverflowError):  # OverflowError: clock=+infh (badin29)
        pass
    if seconds is None:
        raise ValueError(
            f"--shift {spec!r}: expected clock=+4h / clock=-30m / clock=+1d / weekday=+1"
        )
    if abs(seconds) > MAX_SHIFT_S:  # badin29: clock=+1e9h scored trips in the year 116,000
        raise ValueError(f"--shift {spec!r}: at most a year (366 days) either way")
    return spec, seconds


def shift_clock(df: pl.DataFrame, seconds: int) -> pl.DataFrame:
    """The same points with every timestamp moved by `seconds` (input and truth together)."""
    return df.with_columns(pl.col("t") + int(seconds))


def make_tte_task(df: pl.DataFrame) -> pl.DataFrame:
    """O-D table of the trips with a positive duration (MAPE is undefined at 0)."""
    return B.od_table(df).filter(pl.col("duration_s") > 0)


def split_tables(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Train/val/test tables; a table without a ``split`` column is split chronologically."""
    if "split" not in df.columns:
        idx = assign_splits(trajectory_index(df)).select("traj_id", "split")
        df = df.join(idx, on="traj_id", how="left")
    blocks = split_blocks(df)
    # a store's table is in order: each split's rows are then, no sort (scale35)
    parts = {s: traj_sorted(split_rows(df, s, blocks)) for s in SPLITS}
    empty = [s for s in ("train", "test") if len(parts[s]) == 0]
    if empty:
        counts = ", ".join(f"{s} {parts[s]['traj_id'].n_unique()}" for s in SPLITS)
        raise TrajlmInputError(
            f"the {' and '.join(empty)} split is empty ({counts} trajectories): evaluation "
            "needs non-empty train and test splits",
            hint="re-split the store so every split holds trips (`trajlm data resplit` by "
            "time, hour or user)",
        )
    return parts


def split_blocks(df: pl.DataFrame) -> dict[str, tuple[int, int]] | None:
    """Where each split's rows are one run of ``df`` (a store read split by split,
    _cli_io.read_splits_checked): split -> (first row, rows), for slicing it out without a
    copy (a filter copies); None where a split's rows are not together (a table in (traj_id,
    t) order across the splits)."""
    runs = df.select(pl.col("split").rle()).unnest("split")
    values = runs["value"].to_list()
    if len(set(values)) < len(values):
        return None
    lens = runs["len"].to_list()
    firsts = np.cumsum([0, *lens[:-1]]).tolist()
    return {v: (int(o), int(n)) for v, o, n in zip(values, firsts, lens, strict=True)}


def split_rows(df: pl.DataFrame, split: str, blocks: dict | None) -> pl.DataFrame:
    """``split``'s rows of ``df`` without the `split` column: a slice (no copy) where
    ``blocks`` (split_blocks) says where they lie, else a filter; the same rows either way."""
    if blocks is not None:
        return df.slice(*blocks.get(split, (0, 0))).drop("split")
    return df.filter(pl.col("split") == split).drop("split")


def trips_per_split(df: pl.DataFrame) -> dict[str, int]:
    """Trajectories per split of a table with a `split` column, each counted in the split of
    its first row (``df.group_by("traj_id").agg(pl.col("split").first())``'s counts). Where
    each trajectory's rows are one run (a store read split by split, or re-split by
    trajectory) they are counted from the runs, without the group-by: at 6.1 M fixes its hash
    of every row's id held ~500 MB more than the table (scale38)."""
    runs = traj_runs(df)
    if runs is not None and runs["value"].null_count() == 0:
        firsts = runs["len"].cum_sum() - runs["len"]
        split = df["split"].gather(firsts)
    else:  # a trajectory in several runs: its first row decides, as the group-by's first
        split = df.group_by("traj_id").agg(pl.col("split").first())["split"]
    return {s: int((split == s).sum()) for s in SPLITS}
