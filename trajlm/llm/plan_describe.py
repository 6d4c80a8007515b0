"""The one line a person can check before a plan runs (``QueryPlan.describe``; split from plan.py in session 36).
A plan is passed in (``plan: Any``, a ``QueryPlan``): plan.py imports this module, not the other way round."""

from __future__ import annotations

from typing import Any

from trajlm.llm.plan_words import PERIODS


def describe(plan: Any) -> str:
    """One line a person can check before the plan runs."""
    what = {
        "count": "count trips",
        "list": f"list trips (at most {plan.k or 20})",
        "mean": f"mean {plan.metric} of trips",
        "median": f"median {plan.metric} of trips",
        "sum": f"total {plan.metric} of trips",
        "top": f"top {plan.k or 5} trips by {plan.metric} ({'smallest' if plan.ascending else 'largest'} first)",
        "predict": f"predict the next {plan.minutes:g} min of trip {plan.trip}"
        if plan.minutes
        else "",
        "describe": f"describe trip {plan.trip} in words",
        "share": f"share of trips (%) | of those with {', '.join(plan.share_of or []) or 'no filter'}",
        "percentile": f"{plan.percentile or 0:g}th percentile of {plan.metric} of trips",
        "peak": f"the {plan.by} with the {'fewest' if plan.ascending else 'most'} trips",
        "vehicles": "count the vehicles (distinct ids) of the trips",
        "when": "the first trip's start time" if plan.ascending else "the last trip's end time",
        "days": "count the days with data (distinct dates of the trips' fixes)",
        "split": (
            f"{'an' if plan._half_kind == 'even' else 'a'} {plan._half_kind} split? the halves of the distance timed"
            + (f", the {plan._pick} trip" if plan._pick else "")
            if plan.unit == "half"
            else f"the {'fastest' if plan.ascending else 'slowest'} whole {plan.unit} from a trip's start"
        ),
        "dwell": "the mean length of a stop (every run of steps slower than 1 m/s)",
        "stops": f"count the stops (runs of steps slower than 1 m/s) longer than {plan.min_stop_s or 0:g} s",
        "headway": "the mean headway (minutes between consecutive trip starts on a date)",
        "home_range": "the home range (100 % minimum convex polygon of the trips' fixes)"
        if plan.percentile is None
        else f"the home range ({plan.percentile:g} % kernel density isopleth of the trips' fixes, h_ref)",
    }[plan.action]
    if plan.unit is not None and plan.action != "split":  # a split's unit is its length, said above
        what += f" in {plan.unit}"
    if plan.group in PERIODS:  # "average trip duration per week" (ask36b)
        what += f" per {plan.group} of the trip's start (each {plan.group}'s own, one row per {plan.group} from the first with trips to the last)"
    elif plan.group == "hour":
        what += " per hour of the trip's start (every hour)"
    elif plan.group == "mode":
        what += " per label, compared"
    elif plan.group is not None and plan.pick is not None:
        what += f" per {plan.group} and {plan.per}, each {plan.group}'s {'smallest' if plan.pick == 'least' else 'largest'}, ranked"
    elif plan.group is not None:
        what += f" per {plan.group}" + (
            f" and {plan.per} (mean over its {plan.per}s with trips)" if plan.per else ""
        )
        what += f", {'smallest' if plan.ascending else 'largest'} first" + (
            f" (top {plan.k})" if plan.k else ""
        )
    elif plan.pick is not None:
        what += f" per {plan.per}, the {plan.per} with the " + {"most": "largest", "least": "smallest",
                                                                "busiest": "most trips", "quietest": "fewest trips"}[plan.pick]  # fmt: skip
    elif plan.per is not None:
        total = "" if plan.action == "count" else f"each {plan.per}'s total, "
        what += f" per {plan.per} ({total}mean over the {plan.per}s with trips)"
    if plan._sunday_weeks:  # "trips per week, Sunday to Saturday" (ask39)
        what += " (weeks from Sunday to Saturday)"
    parts = [what]
    skip = {"action", "metric", "k", "ascending", "minutes", "unit", "share_of", "group"}
    skip |= {
        "start_at",
        "end_at",
        "at_end",
        "over_midnight",
        "by",
        "percentile",
        "per",
        "pick",
        "via",
        "start_box",
        "end_box",
    }
    if plan.action in ("predict", "describe"):
        skip.add("trip")
    for name, value in plan.key().items():
        if name not in skip:  # (a strict bound, _strict, is not shown: README's line)
            parts.append(f"{name}={value}")
    if (c := plan.center()) is not None and plan.metric == "away_m":  # not a filter (set 23)
        parts.append(f"distance from {c[0]:.4f},{c[1]:.4f}, every trip")
    elif c is not None:
        parts.append(f"within {c[2]:g} m of {c[0]:.4f},{c[1]:.4f}")
    for name, which in (("start_at", "first"), ("end_at", "last")):
        if (c := getattr(plan, name)) is not None:
            parts.append(f"{which} point within {c[2]:g} m of {c[0]:.4f},{c[1]:.4f}")
    parts += describe_boxes(plan)
    if plan.metric == "stop_s" and plan.action in (
        "mean",
        "median",
        "sum",
        "percentile",
    ):  # not every stop (ask36b)
        parts.append("stop_s: each trip's longest stop")
    if plan.night_of is not None or plan.per == "night":
        parts.append("night: starts from noon that day to noon the next")
    if plan.action == "days":
        parts.append(f"dates of the fixes, {plan._zone or 'UTC'}")
    end = "end" if plan.at_end else "start"
    if plan.over_midnight:
        parts.append(f"crossed midnight: its start and end on two dates, {plan._zone or 'UTC'}")
    if (
        plan.hour_from is not None
        or plan.hour_to is not None
        or plan.by == "hour"
        or plan.group == "hour"
        or (plan.metric in ("start_hour", "start_time"))
    ):
        parts.append(f"hours of the trip's {end}, {plan._zone or 'UTC'}")
    elif dated_total(
        plan
    ):  # "km on 4 December": a trip over midnight split there (midnight.py, set 26)
        parts.append(
            f"dates of the steps (a trip over midnight split there), {plan._zone or 'UTC'}"
        )
    elif (plan._zone or plan.at_end or plan.by) and (
        plan.weekdays or plan.date_from or plan.date_to or plan.by or plan.night_of
    ):
        parts.append(f"days of the trip's {end}, {plan._zone or 'UTC'}")
    return " | ".join(parts)


def describe_boxes(plan: Any) -> list[str]:
    def show(b) -> str:
        across = " across the antimeridian" if b[1] > b[3] else ""
        return f"lat {b[0]:g} to {b[2]:g}, lon {b[1]:g} to {b[3]:g}{across}"

    out = []
    if plan.via is not None:
        out.append(
            f"a point in box {show(plan.via[0])}, then a later one in box {show(plan.via[1])}"
        )
    if plan.start_box is not None:
        out.append(f"first point in box {show(plan.start_box)}")
    if plan.end_box is not None:
        out.append(f"last point in box {show(plan.end_box)}")
    return out


def dated_total(plan: Any) -> bool:
    """A total of distance or time on dates, hours not named ("km on 4 December"): the parts of the trips on
    those dates are added up (llm/midnight.py ``dated_pieces``; set 26)."""
    # "nm ATLANTIC DAWN sailed on Monday" too (set 34): a weekday's parts, as a date's
    dated = plan.date_from is not None or plan.date_to is not None or bool(plan.weekdays)
    plain = (
        plan.group in (None, "vehicle")
        and plan.per is None
        and plan.pick is None
        and not plan.at_end
    )
    no_hours = plan.hour_from is None and plan.hour_to is None
    split = ("length_m", "duration_s", "moving_s", "stopped_s")
    return dated and plain and no_hours and plan.action == "sum" and plan.metric in split
