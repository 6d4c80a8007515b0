"""A last fix that is a position glitch: no rollout starts from it (sessions 18-19).

Judged by the trajectory's own reports where it has a reported speed
(``eval.dead_reckoning.glitched_last_fix``, predict18), else by its own earlier speeds
(``implied_glitched_last``, movers19); ``without_glitched_last`` drops such fixes with one
warning. Shared by ``TrajLM.predict``, ``api_subsec`` and ``trajlm predict``."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import polars as pl

# A position-only table's last fix is a glitch when the step into it is longer than
# IMPLIED_GLITCH_M + (1 + IMPLIED_GLITCH_FRAC) x the farthest the trajectory could have gone:
# its own fastest earlier step's speed held, plus IMPLIED_ACCEL_MPS2 of forward acceleration
# for the whole interval (0-100 km/h in 9 s; validity's 8 m/s^2 "any" limit counts braking and
# judged no 1-km glitch at 15 s). Judged only with at least IMPLIED_MIN_STEPS earlier steps and
# an interval of at most IMPLIED_MAX_DT_S (session 19, movers19: Porto / GeoLife val flag 4 of
# 1,578 / 1 of 7,367 last fixes, 0.8-9.4 km steps after <= 0.5 km; docs/generalization.md).
IMPLIED_ACCEL_MPS2 = 3.0
IMPLIED_GLITCH_M = 100.0
IMPLIED_GLITCH_FRAC = 0.2
IMPLIED_MIN_STEPS = 2
IMPLIED_MAX_DT_S = 300.0


def implied_glitched_last(df: pl.DataFrame) -> np.ndarray:
    """(B,) bool: trajectories (``df`` canonical, sorted by traj_id, t, in order of first
    appearance) whose last fix is a position glitch by the history's own speeds (see
    IMPLIED_GLITCH_M): a step no mover at the trajectory's own top speed reaches even speeding
    up hard for the whole interval. A real turn or stop only shortens the step, a
    real start from rest is inside the acceleration allowance."""
    from trajlm.data.geometry import haversine

    if df.height == 0:
        return np.zeros(0, bool)
    g = df.select(pl.col("traj_id").rle_id())["traj_id"].to_numpy()
    lat, lon, t = (df[c].to_numpy().astype(np.float64) for c in ("lat", "lon", "t"))
    same = np.r_[False, g[1:] == g[:-1]]  # the step into each fix is inside its trajectory
    dist = np.where(
        same, haversine(np.r_[lat[0], lat[:-1]], np.r_[lon[0], lon[:-1]], lat, lon), 0.0
    )
    dt = np.where(same, t - np.r_[t[0], t[:-1]], 0.0)
    end = np.flatnonzero(np.r_[g[1:] != g[:-1], True])
    start = np.r_[0, end[:-1] + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(same & (dt > 0), dist / dt, np.nan)
    earlier = np.where(same & (np.arange(len(g)) != np.repeat(end, end - start + 1)), speed, np.nan)
    n = np.add.reduceat(np.isfinite(earlier), start)
    v = np.fmax.reduceat(np.nan_to_num(earlier, nan=0.0), start)  # m/s, its fastest earlier step
    d = dt[end]
    reach = v * d + 0.5 * IMPLIED_ACCEL_MPS2 * d**2
    long = dist[end] > IMPLIED_GLITCH_M + (1.0 + IMPLIED_GLITCH_FRAC) * reach
    return (n >= IMPLIED_MIN_STEPS) & (d > 0) & (d <= IMPLIED_MAX_DT_S) & long


def glitched_last(df: pl.DataFrame) -> np.ndarray:
    """(B,) bool: trajectories whose last fix is a glitch by their reports
    (``eval.dead_reckoning.glitched_last_fix``, predict18) or, on a table without a reported
    speed, by their own earlier speeds (``implied_glitched_last``, movers19)."""
    from trajlm.data.clean_split import reported_speed
    from trajlm.eval.dead_reckoning_reports import glitched_last_fix

    if reported_speed(df) is not None:
        return glitched_last_fix(df)
    return implied_glitched_last(df)


def fix_time_text(t: float, layout: Any = None) -> str:
    """A fix's time (Unix s) as the caller's frame reads it: on the caller's zone's clock with
    its offset for zoned datetimes, as written with "(no zone)" for naive ones (their clock is
    the caller's, not UTC), else UTC with "Z" (leftover39: MovingPandas drops the zone and the
    local 09:49 was printed as "09:49:10.000Z")."""
    utc = np.datetime64(int(round(t * 1000)), "ms").astype(str)
    if layout is None or getattr(layout, "time_kind", "epoch") != "datetime":
        return utc + "Z"
    zone = getattr(layout, "time_zone", "UTC")
    if zone is None:
        return f"{utc}, no zone"
    if zone == "UTC":
        return utc + "Z"
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    try:
        local = datetime.fromtimestamp(t, UTC).astimezone(ZoneInfo(zone))
    except (KeyError, ValueError, OSError):  # a fixed offset or an unknown name: UTC
        return utc + "Z"
    return local.isoformat(timespec="milliseconds")


def without_glitched_last(df: pl.DataFrame, stacklevel: int = 4,
                          layout: Any = None) -> pl.DataFrame:  # fmt: skip
    """``df`` (canonical, every fix) without the last fix of each trajectory whose own reports
    call it a position glitch, or its own earlier speeds on a position-only table
    (``glitched_last``; session 19): the model's rollout
    then starts from the fix before it, not from the glitch (session 18, predict18: from a
    300-m glitch the model alone was 0.6 / 1.8 / 3.3 km off at +60 / 300 / 600 s). One warning
    names the first trajectory, the fix's time and how many more; ``df`` as it is (the same
    object) when none is flagged."""
    from trajlm.data.clean_split import reported_speed
    from trajlm.eval.dead_reckoning_reports import has_motion

    bad = glitched_last(df)
    if not bad.any():
        return df
    last = df.group_by("traj_id", maintain_order=True).agg(pl.col("t").last(), pl.len())
    bad &= last["len"].to_numpy() > 1
    if not bad.any():
        return df
    hit = last.filter(pl.Series(bad))
    tid, t = hit["traj_id"][0], float(hit["t"][0])
    when = fix_time_text(t, layout)  # the caller's clock (layout: their frame's)
    more = f" (and {len(hit) - 1} more trajectories)" if len(hit) > 1 else ""
    if reported_speed(df) is None:  # position-only (session 19, movers19)
        why = "own earlier speeds (farther from the fix before than they reach)"
    else:
        reports = "reported speed and course" if has_motion(df) else "reported speed"
        why = f"{reports} (off where they put it from the fix before)"
    warnings.warn(
        f"trajectory {tid!r}: its last fix ({when}) is a position glitch by its {why}{more}: "
        "the model's rollout starts from the fix before it",
        stacklevel=stacklevel,
    )
    drop = hit.select("traj_id", "t").with_columns(__drop=pl.lit(True))
    return (
        df.join(drop, on=["traj_id", "t"], how="left", maintain_order="left")
        .filter(pl.col("__drop").is_null())
        .drop("__drop")
    )
