"""Moving / stopped time refused for movers too slow for its stop speed (ask40b; set 40b E3).

``moving_s``, ``stopped_s`` and ``stop_s`` split a trip's time at STOP_SPEED_MPS (1 m/s, 3.6 km/h: above a
vehicle's GPS jitter). Collared elephants walk at 2-5 km/h, so most of their walking fell under it: "how many hours
did the cows spend on the move" answered 3.70 h where their walking bouts lasted 10.85 h, a silent wrong. A real stop
barely moves (jitter); walking under the stop speed still goes somewhere. Where most of the trips' time under the stop
speed ends up at half of it or more from where it began, that time is travel, not standing: refused in one line that says why and what can
be asked instead (how long the trips lasted), never a number from a threshold made for cars. A walk with real stops in
it keeps its answer: a longest stop (``stop_s``) is judged by each trip's longest run under the stop speed only
(sets 27, 28, 30, 31's walkers' longest stops are real stays; their short slow runs are not read)."""

from __future__ import annotations

import polars as pl

from trajlm.data.geometry import haversine_m
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.text import STOP_SPEED_MPS
from trajlm.llm.trips import steps, with_still

SPLIT_BY_STOP_SPEED = ("moving_s", "stopped_s", "stop_s")
MIN_RUN_STEPS = 5  # a shorter run's net step is its GPS jitter, however still the mover stood
CREEP_SHARE = 0.5  # the part of the time under the stop speed, moving at half of it or more, past which it is travel


def refuse_slow_split(plan: QueryPlan, points: pl.DataFrame, chosen: pl.DataFrame) -> None:
    """Raise CannotAnswer when ``plan`` reads time split at the stop speed and most of the ``chosen`` trips' time
    under it gets somewhere at half of it or more (slow travel, not standing); else nothing."""
    if plan.metric not in SPLIT_BY_STOP_SPEED or len(chosen) == 0:
        return
    mine = points.filter(pl.col("traj_id").is_in(chosen["traj_id"].implode()))
    step = with_still(steps(mine))
    run = (pl.col("_still") != pl.col("_still").shift(1)).fill_null(True).cum_sum().over("traj_id")
    before = [pl.col(c).shift(1).over("traj_id").alias(f"_{c}0") for c in ("lat", "lon")]
    runs = (
        step.with_columns(run.alias("_run"), *before)
        .filter(pl.col("_still"))
        .group_by("traj_id", "_run")
        .agg(
            pl.col("_dt").sum(),
            pl.len().alias("_n"),
            pl.col("_lat0", "_lon0").first(),
            pl.col("lat", "lon").last(),
        )
        .filter(pl.col("_n") >= MIN_RUN_STEPS)
    )
    # a run under the stop speed that ends far from where it began is travel (a stop's jitter goes nowhere)
    net = haversine_m(pl.col("_lat0"), pl.col("_lon0"), pl.col("lat"), pl.col("lon"))
    if (
        plan.metric == "stop_s"
    ):  # the longest stop: only each trip's longest run under the stop speed is read
        runs = runs.sort("_dt", descending=True).group_by("traj_id").first()
    still_s = float(runs["_dt"].sum())
    creep = runs.filter(net >= 0.5 * STOP_SPEED_MPS * pl.col("_dt"))
    share = float(creep["_dt"].sum()) / still_s if still_s > 0 else 0.0
    if share < CREEP_SHARE:
        return
    stop_kmh = STOP_SPEED_MPS * 3.6
    what = {"moving_s": "moving", "stopped_s": "stopped", "stop_s": "stopped"}[plan.metric]
    raise CannotAnswer(
        f"the time {what} is split at {stop_kmh:.1f} km/h (slower counts as standing still), and {share:.0%} of "
        f"these {len(chosen):,} trips' time under it gets somewhere at {stop_kmh / 2:.1f} km/h or more: slow travel, "
        "not standing, so the split would be wrong; ask how long the trips lasted ('how many hours did ... trips "
        "last')"
    )
