"""Shared pieces of the cleaning verbs (trajlm/data/clean.py and the modules split from it):
the first-row-of-a-trajectory expression, step speeds, the empty report, the sorted check."""

from __future__ import annotations

import polars as pl

from trajlm.data.geometry import haversine_m
from trajlm.data.schema import DropReport

FIRST_ROW = pl.col("traj_id") != pl.col("traj_id").shift(
    1
)  # first row of each trajectory (or null)


def step_speed_mps() -> pl.Expr:
    """Speed from the previous row of the same trajectory (null at the first row)."""
    dist = haversine_m(pl.col("lat").shift(1), pl.col("lon").shift(1), pl.col("lat"), pl.col("lon"))
    dt = (pl.col("t") - pl.col("t").shift(1)).cast(pl.Float64)
    return pl.when(FIRST_ROW.fill_null(True)).then(None).otherwise(dist / dt)


# Faster than a jet airliner's cruise (~250 m/s) and the speed of sound: a point reached at more
# than this from its predecessor is a bad fix or a swapped lat/lon, whatever moved.
IMPOSSIBLE_SPEED_MPS = 340.0
# A glitch: a step faster than this x the 99th percentile of the trips' speeds (model/scale.py's
# coverage_base, llm/trips.py); defined here, not in model/, so that `trajlm ask` reads it
# without importing torch (tidy30)
GLITCH_SPEED_FACTOR = 4.0
# below this, a step is never called a jump (a walker's GPS noise at 1 s can read 10 m/s); here,
# not in corpus_clean, so that trajlm.clean reads the jump rule without an import cycle
MIN_JUMP_MPS = 20.0
# a 99th percentile more than this many times the 90th is a tail of bad fixes, not travel
# (badin40: a feed whose jumps were over 1 % of its steps had a jump as its p99, so 4x it
# called none of them a jump); a clean feed's p99 sits well under it (a bus: p99 / p90 ~ 1.3)
TAIL_OVER_P90 = 3.0


def reference_speed(p90: float, p99: float) -> float:
    """The speed a step is a jump against (times GLITCH_SPEED_FACTOR): the 99th percentile
    step speed, or TAIL_OVER_P90 x the 90th where the 99th is itself a jump's."""
    return min(p99, TAIL_OVER_P90 * p90)


def jump_limit(p90: float, p99: float) -> float:
    """The jump threshold in m/s: GLITCH_SPEED_FACTOR x reference_speed, at least MIN_JUMP_MPS,
    at most IMPOSSIBLE_SPEED_MPS (a step past it is always a jump)."""
    rule = max(GLITCH_SPEED_FACTOR * reference_speed(p90, p99), MIN_JUMP_MPS)
    return min(rule, IMPOSSIBLE_SPEED_MPS)


def fast_points(df: pl.DataFrame, max_mps: float = IMPOSSIBLE_SPEED_MPS) -> tuple[int, float]:
    """(steps between consecutive points of a trajectory faster than `max_mps`, the fastest
    such speed) in a cleaned table (sorted, distinct times); nothing is dropped. One bad point
    mid-trip makes two such steps (in and out)."""
    if len(df) < 2:
        return 0, 0.0
    v = df.select(step_speed_mps().alias("v")).filter(pl.col("v") > max_mps)["v"]
    return len(v), float(v.max()) if len(v) else 0.0


def empty_report(df: pl.DataFrame) -> DropReport:
    return DropReport(rows_in=len(df))


def check_sorted(df: pl.DataFrame, verb: str) -> None:
    bad = df.select(
        (~FIRST_ROW.fill_null(True) & (pl.col("t") < pl.col("t").shift(1))).any()
    ).item()
    if bad:
        raise ValueError(f"{verb} needs rows sorted by (traj_id, t); run SortByTime first")
