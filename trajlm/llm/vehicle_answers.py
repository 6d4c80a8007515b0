"""The answers about each vehicle of a fleet that a list of trips leads to (out of questions.py,
review35): "which ships anchored for longer than 6 hours" (the vehicles with such a trip, set 34;
"never", "in total", "were not out": which_movers.reading, set 35), "were all the vans out on
Tuesday" (the vehicles with none, set 33), "were all the crossings longer than 5 km" (the trips
that fail the bounds, set 33) and the note under a "no" whose days hold no trip at all (set 32).
Each takes the plan, the data's points and its trips table (``Asker.run``'s)."""

from __future__ import annotations

import polars as pl

from trajlm.llm.every_vehicle import BOUNDS
from trajlm.llm.plan import QueryPlan, validate_plan
from trajlm.llm.which_movers import reading, total_threshold

_WHEN_FIELDS = ("weekdays", "hour_from", "hour_to", "date_from", "date_to", "night_of")


def vehicles_without(
    plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame
) -> tuple[list[str], int]:
    """The vehicles of the plan's group (its ``vehicle_prefix``, else every vehicle) with no trip the plan
    matches, and how many the group has ("were all the vans out on Tuesday": VAN-03 had none; set 33)."""
    from trajlm.llm.query import select_trips

    group = QueryPlan(action="count", vehicle_prefix=plan.vehicle_prefix)
    expected = set(select_trips(group, points, trips)["vehicle"].drop_nulls().to_list())
    found = set(select_trips(plan, points, trips)["vehicle"].drop_nulls().to_list())
    return sorted(expected - found), len(expected)


def which_vehicles(
    plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame, asked: str
) -> tuple[str, list[str]]:
    """("k of n vehicles: A, B, ...", [A, B, ...]): the vehicles with a trip the plan matches, of the plan's group
    ("which ships anchored for longer than 6 hours"; which_movers.py, set 34)."""
    from trajlm.llm.query import select_trips

    group = QueryPlan(action="count", vehicle_prefix=plan.vehicle_prefix)
    n = select_trips(group, points, trips)["vehicle"].drop_nulls().n_unique()
    kept = select_trips(plan, points, trips)
    found = sorted({str(v) for v in kept["vehicle"].drop_nulls().to_list()})
    how = (reading(asked) or ("any", ""))[0]  # set 35: "never", "in total", "were not out"
    if how == "every":  # "which vans never stopped": every one of their trips matches
        scope = {k: v for k, v in plan.key().items() if k not in (*BOUNDS, "k")}
        every = validate_plan(scope | {"action": "count"})
        every._zone = plan._zone
        named, ids = select_trips(every, points, trips), set(kept["traj_id"].to_list())
        failed = {
            str(v) for v, t in zip(named["vehicle"], named["traj_id"], strict=True) if t not in ids
        }
        found = [v for v in found if v not in failed]
    elif how == "none":  # "which vans were not out on Monday": no trip matches
        every_id = select_trips(group, points, trips)["vehicle"].drop_nulls().to_list()
        found = sorted({str(v) for v in every_id} - set(found))
    elif how == "total" and (said := total_threshold(asked)):  # "more than 320 nm in total"
        col, side, amount = said
        sums = kept.group_by("vehicle").agg(pl.col(col).sum())
        over = sums[col] > amount if side == "more" else sums[col] < amount
        found = sorted(str(v) for v in sums.filter(over)["vehicle"].drop_nulls().to_list())
    if not found:
        why = {"every": "each has a trip that does not match", "none": "each has such a trip"}
        return f"none of the {n} vehicles" + (
            f": {why[how]}" if how in why else " has such a trip"
        ), found
    return f"{len(found)} of {n} vehicles: {', '.join(found)}", found


def failing_trips(
    plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame
) -> tuple[list[str], int]:
    """The trips the plan names without its bounds ("the crossings") that fail its bounds ("longer than 5 km"),
    and how many it names (set 33)."""
    from trajlm.llm.query import select_trips

    scope = {k: v for k, v in plan.key().items() if k not in (*BOUNDS, "k")} | {"action": "count"}
    asked = validate_plan(scope)
    asked._zone = plan._zone
    named = select_trips(asked, points, trips)["traj_id"].to_list()
    kept = set(select_trips(plan, points, trips)["traj_id"].to_list())
    return [str(t) for t in named if t not in kept], len(named)


def no_trip_then(plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame) -> str | None:
    """The note under a "no" where the days / hours asked hold no trip of any vehicle at all
    ("was TRI-3 out on Sunday" on data of Monday to Wednesday): absent from the data, not
    stayed in (set 32); None where other trips match those days, or no day was asked."""
    from trajlm.llm.query import select_trips

    keep = {k: getattr(plan, k) for k in _WHEN_FIELDS if getattr(plan, k) is not None}
    if not keep:
        return None
    only = QueryPlan(action="count", **keep)
    only._zone = plan._zone
    if len(select_trips(only, points, trips)) > 0:
        return None
    first, last = trips["start"].min(), trips["start"].max()
    return (f"no trip of any vehicle matches that time: the data's trips start from "
            f"{first:%Y-%m-%d} to {last:%Y-%m-%d}")  # fmt: skip
