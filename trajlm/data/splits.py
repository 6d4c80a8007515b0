"""Chronological train/val/test split by trip start time (PROTOCOL.md: 80/10/10)."""

from __future__ import annotations

import numpy as np
import polars as pl

SPLITS = ("train", "val", "test")


def trajectory_index(df: pl.DataFrame) -> pl.DataFrame:
    """One row per trajectory: traj_id, t_start, t_end, n_points (sorted by start, then id)."""
    return (
        df.group_by("traj_id")
        .agg(
            pl.col("t").min().alias("t_start"),
            pl.col("t").max().alias("t_end"),
            pl.len().alias("n_points"),
        )
        .sort(["t_start", "traj_id"])
    )


def assign_splits(
    index: pl.DataFrame, fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)
) -> pl.DataFrame:
    """Add a `split` column to a trajectory index: the first 80 % of trips by start time are
    train, the next 10 % val, the last 10 % test (ties broken by traj_id, deterministic)."""
    if abs(sum(fractions) - 1.0) > 1e-9 or min(fractions) < 0:
        raise ValueError(f"split fractions must be >= 0 and sum to 1, got {fractions}")
    index = index.sort(["t_start", "traj_id"])
    n = len(index)
    # Cumulative floor cut points, as PROTOCOL.md's reference (98 / 333 test trips on the slices).
    # A tiny input (e.g. one GPX track) still gets a train trajectory.
    n_train = max(int(fractions[0] * n), min(n, 1) if fractions[0] > 0 else 0)
    n_val = max(0, int((fractions[0] + fractions[1]) * n) - n_train)
    labels = np.array(["test"] * n, dtype=object)
    labels[:n_train] = "train"
    labels[n_train : n_train + n_val] = "val"
    return index.with_columns(pl.Series("split", labels.tolist(), dtype=pl.Utf8))


def chronological_split(
    df: pl.DataFrame, fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)
) -> dict[str, pl.DataFrame]:
    """Split a canonical table into {"train", "val", "test"} tables by trip start."""
    idx = assign_splits(trajectory_index(df), fractions).select("traj_id", "split")
    joined = df.join(idx, on="traj_id", how="left")
    return {s: joined.filter(pl.col("split") == s).drop("split") for s in SPLITS}
