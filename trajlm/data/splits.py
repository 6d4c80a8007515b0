"""Chronological train/val/test split by trip start time (PROTOCOL.md: 80/10/10)."""

from __future__ import annotations

import zlib

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
    joined = df.join(idx, on="traj_id", how="left", maintain_order="left")
    return {s: joined.filter(pl.col("split") == s).drop("split") for s in SPLITS}


# ----------------------------------------------------------------------------- hold-out splits
SPLIT_RULES = ("time", "hour", "hour=H", "user")


def _cut(order: np.ndarray, weights: np.ndarray, fractions: tuple[float, float, float]):
    """Labels for items taken in `order`, train until its share of `weights` reaches
    fractions[0], then val until fractions[0] + fractions[1], then test."""
    cum = np.cumsum(weights[order]) - weights[order]  # weight before each item
    total = weights.sum()
    labels = np.where(
        cum < fractions[0] * total,
        "train",
        np.where(cum < (fractions[0] + fractions[1]) * total, "val", "test"),
    )
    out = np.empty(len(order), dtype=object)
    out[order] = labels
    return out


def holdout_index(
    df: pl.DataFrame, by: str = "time", fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)
) -> pl.DataFrame:
    """Trajectory index with a `split` column by one of SPLIT_RULES:

    - "time": chronological by trip start (`assign_splits`, PROTOCOL.md).
    - "hour=H": test = trips starting at hour of day >= H (UTC), never seen in train;
      the earlier hours are split chronologically into train / val (fractions[0]:fractions[1]).
      PROTOCOL.md's Porto by-hour split is "hour=6".
    - "hour": the same with H the latest whole hour that leaves at least fractions[2] of
      the trips for test.
    - "user": whole users / vehicles (`user_id`, else `vehicle_id`) held out; users are
      ordered by a stable hash of their id and cut at 80 / 10 / 10 % of the trips.
    """
    index = trajectory_index(df)
    if by == "time":
        return assign_splits(index, fractions)
    if by == "hour" or by.startswith("hour="):
        hour = ((index["t_start"] % 86400) // 3600).to_numpy()
        if by == "hour":
            counts = np.bincount(hour, minlength=24)
            tail = np.cumsum(counts[::-1])[::-1]  # trips starting at hour >= h
            ok = np.flatnonzero(tail >= fractions[2] * len(index))
            cut = int(ok.max()) if len(ok) else 0
        else:
            try:
                cut = int(by.split("=", 1)[1])
            except ValueError:
                cut = -1
            if not 0 < cut < 24:  # "hour=abc" was told only the range (leftover36)
                raise ValueError(f"split rule {by!r}: H in hour=H must be a whole hour 1..23 "
                                 f"(UTC; test: trips starting at H:00 or later), got "
                                 f"{by.split('=', 1)[1]!r}")  # fmt: skip
        rest = index.filter(pl.Series(hour < cut))
        if len(rest) == 0:
            raise ValueError(f"split rule {by!r}: no trips start before {cut:02d}:00 UTC")
        share = fractions[0] + fractions[1]
        head = assign_splits(rest, (fractions[0] / share, fractions[1] / share, 0.0))
        test = index.filter(pl.Series(hour >= cut)).with_columns(split=pl.lit("test"))
        return pl.concat([head, test]).sort(["t_start", "traj_id"])
    if by == "user":
        col = next((c for c in ("user_id", "vehicle_id") if c in df.columns), None)
        if col is None:
            raise ValueError(
                "split rule 'user' needs a user_id or vehicle_id column: ingest "
                "with --vehicle-col COLUMN (a column named vehicle_id, user_id, "
                "driver_id, taxi_id, mmsi ... is kept by itself)"
            )
        owner = df.group_by("traj_id").agg(pl.col(col).first().cast(pl.Utf8).alias("owner"))
        index = index.join(owner, on="traj_id", how="left")
        users = index.group_by("owner").len().sort("owner")
        key = np.array([zlib.crc32(str(u).encode()) for u in users["owner"].to_list()])
        order = np.lexsort((np.arange(len(users)), key))
        labels = _cut(order, users["len"].to_numpy().astype(np.float64), fractions)
        users = users.with_columns(pl.Series("split", labels.tolist(), dtype=pl.Utf8))
        index = index.join(users.select("owner", "split"), on="owner").drop("owner")
        return index.sort(["t_start", "traj_id"])
    raise ValueError(f"unknown split rule {by!r}; use one of {SPLIT_RULES}")


def split_hours(index: pl.DataFrame) -> dict[str, list[int]]:
    """The hours of day (UTC) at which each split's trips start, e.g. {"test": [21, 22, 23]},
    for an index with `t_start` and `split` (what a by-hour hold-out put where)."""
    hours = index.select("split", hour=(pl.col("t_start") % 86400) // 3600)
    return {
        s: sorted(int(h) for h in hours.filter(pl.col("split") == s)["hour"].unique())
        for s in SPLITS
    }


def local_split_hours(index: pl.DataFrame, zone: str) -> dict[str, list[int]] | None:
    """``split_hours`` on the clock of ``zone`` (the store's own, `--tz` / `--utc-offset`):
    where each split's trips start in local hours (leftover35: `resplit --by hour` said UTC
    hours only, and hour=H counts UTC hours); None for a clock ``local_clock`` cannot read (it reads a
    fixed "+03:30": leftover36)."""
    from trajlm.data.local_clock import known_clock, wall_clock

    if not known_clock(zone):
        return None
    start = wall_clock(pl.from_epoch(index["t_start"], time_unit="s"), zone)
    hours = index.select("split").with_columns(hour=start.dt.hour())
    return {
        s: sorted(int(h) for h in hours.filter(pl.col("split") == s)["hour"].unique())
        for s in SPLITS
    }


def hour_ranges(hours: list[int]) -> str:
    """Hours of day as ranges, e.g. [0, 1, 2, 5, 21, 22] -> "00-02, 05, 21-22"; "none" if empty."""
    runs: list[list[int]] = []
    for h in hours:
        if runs and h == runs[-1][-1] + 1:
            runs[-1].append(h)
        else:
            runs.append([h])
    text = [f"{r[0]:02d}" if len(r) == 1 else f"{r[0]:02d}-{r[-1]:02d}" for r in runs]
    return ", ".join(text) or "none"
