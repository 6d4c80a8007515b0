"""Moving / stopped time refused for movers too slow for its stop speed (ask40b; set 40b E3).

``moving_s``, ``stopped_s`` and ``stop_s`` split a trip's time at STOP_SPEED_MPS (1 m/s, 3.6 km/h: a vehicle's GPS
jitter). Collared elephants walk at 2-5 km/h, so most of their walking fell under it: "how many hours did the cows
spend on the move" answered 3.70 h where their walking bouts lasted 10.85 h, a silent wrong. Where the trips asked
about travel, at their median, under twice that speed, the split is not the mover's own: refused in one line that
says why and what can be asked instead (how long the trips lasted), never a number from a threshold made for cars."""

from __future__ import annotations

import polars as pl

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.text import STOP_SPEED_MPS

SPLIT_BY_STOP_SPEED = ("moving_s", "stopped_s", "stop_s")
SLOW_FACTOR = (
    2.0  # a median trip speed under this many stop speeds leaves too much real travel under it
)


def refuse_slow_split(plan: QueryPlan, chosen: pl.DataFrame) -> None:
    """Raise CannotAnswer when ``plan`` reads time split at the stop speed over trips whose median speed
    (length / duration) is under SLOW_FACTOR times it; else nothing."""
    if plan.metric not in SPLIT_BY_STOP_SPEED or "speed_kmh" not in chosen.columns:
        return
    speeds = chosen.filter(pl.col("duration_s") > 0)["speed_kmh"].drop_nulls()
    if len(speeds) == 0:
        return
    median, stop_kmh = float(speeds.median()), STOP_SPEED_MPS * 3.6
    if median >= SLOW_FACTOR * stop_kmh:
        return
    what = {"moving_s": "moving", "stopped_s": "stopped", "stop_s": "stopped"}[plan.metric]
    raise CannotAnswer(
        f"the time {what} is split at {stop_kmh:.1f} km/h (slower counts as standing still), and these "
        f"{len(speeds):,} trips travel at {median:.1f} km/h at their median: too slow to tell walking from "
        "standing here; ask how long the trips lasted ('how many hours did ... trips last')"
    )
