"""The per-trip table every question is answered from: one row per trip (start, duration, length,
mean speed, longest stop, points, pace, mode, vehicle), GPS jumps and copied tracks handled."""

from __future__ import annotations

import polars as pl

from trajlm.data.clean import IMPOSSIBLE_SPEED_MPS
from trajlm.data.clean_common import GLITCH_SPEED_FACTOR
from trajlm.data.full_rate import PATH_M
from trajlm.data.geometry import haversine_m
from trajlm.llm.text import STOP_SPEED_MPS

# store columns that hold one value a trip, each a plan field of the same name filtering on it (set 31: Porto's
# call_type A / B / C: "street hails" are C)
STORE_FIELDS = ("call_type",)
TRIP_COLUMNS = [
    "traj_id",
    "start",
    "duration_s",
    "length_m",
    "speed_kmh",
    "stop_s",
    "moving_s",
    "stopped_s",
    "reach_m",
    "n_points",
    "pace_s_km",
]
# A step is a GPS jump, not travel, when it is faster than GLITCH_SPEED_FACTOR x the 99th
# percentile of the data's trips' median step speeds (model/scale.py calls that a glitch), but
# never below 200 km/h (a few trips' medians must not cut real driving) nor above sound.
GLITCH_FLOOR_MPS = 200 / 3.6


def plausible_speed_mps(step: pl.DataFrame) -> float:
    """The fastest a step of this data can really be (see GLITCH_FLOOR_MPS), from its own
    trips: ``step`` has traj_id, _d (m) and _dt (s) per step."""
    moving = step.filter(pl.col("_dt") > 0)
    med = moving.group_by("traj_id").agg((pl.col("_d") / pl.col("_dt")).median().alias("v"))
    p99 = med["v"].quantile(0.99) if len(med) else None
    return min(IMPOSSIBLE_SPEED_MPS, max(GLITCH_FLOOR_MPS, GLITCH_SPEED_FACTOR * (p99 or 0.0)))


def _copies(points: pl.DataFrame) -> pl.DataFrame:
    """traj_id, copy_of, shift_s for every trip whose point sequence (lat, lon in time order)
    is exactly another's: the earliest-starting one is the original, the others its copies
    (GeoLife holds the same 10 points twice, 8 h apart: a time-zone shift)."""
    seq = points.group_by("traj_id").agg(
        pl.col("lat"), pl.col("lon"), pl.col("t").min().alias("_t0")
    )
    seq = seq.sort(["_t0", "traj_id"]).with_columns(
        pl.col("traj_id").first().over(["lat", "lon"]).alias("copy_of"),
        (pl.col("_t0") - pl.col("_t0").first().over(["lat", "lon"])).alias("shift_s"),
    )
    return seq.filter(pl.col("copy_of") != pl.col("traj_id")).select(
        "traj_id", "copy_of", "shift_s"
    )


def steps(points: pl.DataFrame) -> pl.DataFrame:
    """The points sorted by trip and time, each with its step from the fix before: metres ``_d`` and seconds
    ``_dt`` (0 at a trip's first fix). The steps trip_table, dwells.py and splits.py read."""
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    chord = haversine_m(
        pl.col("lat").shift(1), pl.col("lon").shift(1), pl.col("lat"), pl.col("lon")
    )
    if PATH_M in points.columns:  # a 1-s step of a sub-second source: its own path (sports37)
        path = pl.col(PATH_M).shift(1)
        one_s = (pl.col("t") - pl.col("t").shift(1) <= 1) & path.is_not_null()
        chord = pl.when(one_s).then(pl.max_horizontal(path, chord)).otherwise(chord)
    return points.sort(["traj_id", "t"]).with_columns(
        pl.when(same).then(chord).otherwise(0.0).alias("_d"),
        pl.when(same).then(pl.col("t") - pl.col("t").shift(1)).otherwise(0).alias("_dt"),
    )


def with_still(step: pl.DataFrame) -> pl.DataFrame:
    """``steps`` with ``_still``: a step slower than STOP_SPEED_MPS (standing still)."""
    still = (pl.col("_dt") > 0) & (pl.col("_d") < STOP_SPEED_MPS * pl.col("_dt"))
    return step.with_columns(still.alias("_still"))


def stop_runs(step: pl.DataFrame) -> pl.DataFrame:
    """One row per stop of ``with_still``'s steps: traj_id, _run, _stop (its seconds). A stop is a run of
    consecutive still steps: the runs are numbered, each run's seconds summed."""
    run = (pl.col("_still") != pl.col("_still").shift(1)).fill_null(True).cum_sum().over("traj_id")
    return (
        step.with_columns(run.alias("_run"))
        .filter(pl.col("_still"))
        .group_by("traj_id", "_run")
        .agg(pl.col("_dt").sum().alias("_stop"))
    )


def trip_table(points: pl.DataFrame) -> pl.DataFrame:
    """One row per trip: traj_id, start (UTC datetime), duration_s, length_m, speed_kmh (mean),
    stop_s (longest run of fixes slower than 1 m/s), moving_s (the time in steps at 1 m/s or more), stopped_s (the
    time in steps slower than 1 m/s: every stop added up), n_points, mode / vehicle when the points
    carry ``label`` / ``vehicle_id`` (or ``user_id``), and copy_of (the trip whose exact points
    it repeats, else null; ``run_plan`` leaves copies out and says so). Steps faster than the
    data's plausible speed (``plausible_speed_mps``: GPS jumps) count no length; jump_m is what they skipped."""
    step = steps(points)
    # a step faster than the data's plausible speed is a GPS jump, not travel (GeoLife holds
    # 835 km jumps 15 s apart, a Porto taxi 4.7 km in 15 s, out and back): it adds nothing to
    # a trip's length, so its speed and "faster than" stay real
    cut = plausible_speed_mps(step)
    jump = pl.col("_d") > cut * pl.col("_dt").clip(lower_bound=1)
    step = step.with_columns(
        pl.when(jump)
        .then(pl.col("_d"))
        .otherwise(0.0)
        .alias("_jump"),  # said under a distance (session 19)
        pl.when(jump).then(0.0).otherwise(pl.col("_d")).alias("_d"),
    )
    step = with_still(step)
    stops = stop_runs(step).group_by("traj_id").agg(pl.col("_stop").max().alias("stop_s"))
    # the time moving (session 19: "how many hours was truck 12 moving"): every step that is not still, so
    # the duration less all stops, short ones too (stop_s keeps only the longest)
    moving = step.group_by("traj_id").agg(
        pl.col("_dt").filter(~pl.col("_still") & (pl.col("_dt") > 0)).sum().alias("moving_s"),
        # every stop added up, short ones too (set 22: "how long was vessel X stopped in total"): the still steps
        pl.col("_dt").filter(pl.col("_still")).sum().alias("stopped_s"),
    )
    # how far the trip got from its first fix (session 22: "how far from its first location did RD-F01 get")
    first = [pl.col(c).first().over("traj_id") for c in ("lat", "lon")]
    step = step.with_columns(haversine_m(*first, pl.col("lat"), pl.col("lon")).alias("_reach"))
    aggs = [
        pl.col("_reach").max().alias("reach_m"),
        pl.col("t").min().alias("_t0"),
        (pl.col("t").max() - pl.col("t").min()).alias("duration_s"),
        pl.col("_d").sum().alias("length_m"),
        pl.len().alias("n_points"),
        pl.col("_jump").sum().alias("jump_m"),
    ]
    if "label" in points.columns:
        aggs.append(pl.col("label").drop_nulls().mode().sort().first().alias("mode"))
    # a store's per-trip columns (Porto's call_type: one value a trip), kept for the plan's filters (STORE_FIELDS)
    aggs += [pl.col(c).first().alias(c) for c in STORE_FIELDS if c in points.columns]
    vehicle = next((c for c in ("vehicle_id", "user_id") if c in points.columns), None)
    if vehicle is not None:
        aggs.append(pl.col(vehicle).first().alias("vehicle"))
    trips = step.group_by("traj_id", maintain_order=True).agg(aggs)
    trips = trips.join(stops, on="traj_id", how="left").join(moving, on="traj_id", how="left")
    trips = trips.with_columns(
        pl.col("stop_s").fill_null(0).cast(pl.Float64),
        pl.col("moving_s").fill_null(0).cast(pl.Float64),
        pl.col("stopped_s").fill_null(0).cast(pl.Float64),
        pl.col("duration_s").cast(pl.Float64),
        pl.from_epoch("_t0", time_unit="s").dt.replace_time_zone("UTC").alias("start"),
        (3.6 * pl.col("length_m") / pl.col("duration_s").clip(lower_bound=1)).alias("speed_kmh"),
        # pace: seconds per km (a trip that did not move has none)
        pl.when(pl.col("length_m") > 0)
        .then(1000 * pl.col("duration_s") / pl.col("length_m"))
        .alias("pace_s_km"),
    )
    trips = trips.join(_copies(points).select("traj_id", "copy_of"), on="traj_id", how="left")
    extra = [c for c in ("mode", "vehicle", *STORE_FIELDS) if c in trips.columns]
    return trips.select(TRIP_COLUMNS + extra + ["copy_of", "jump_m"]).sort("traj_id")
