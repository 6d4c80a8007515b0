"""The most (least) in one day or week (session 24, askday24; ask24's leftover): "what is the longest distance V5
drove in a day", "the most trips V2 made in one day", "the most time V3 spent moving in a single day", "which day did
the fleet cover the most km", "the fleet's highest daily distance", "how many trips were made on the busiest day".

The plan is the per-day (per-week) total of ``calendar.per_period`` (a count of trips, or a sum of distance or
time; the trips the rest of the question names; each trip on the calendar day (ISO week) of its start, in the
data's zone) with ``pick`` "most" ("least"): instead of the mean over the days, the largest (smallest) of them, the
day named, ties said. "least" is over the days with at least one of the trips (a day without any is not in the
data: said in the answer). Before, "the longest distance V5 drove in a day" was refused (ask24; on main before it, the
mean per day: a wrong number). Per vehicle and day at once ("which van drove the most in one day") is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from trajlm.llm.calendar import period_key_value, sunday_weeks
from trajlm.llm.midnight import SPLIT_METRICS, n_trips, split_at_midnight, split_said, splits
from trajlm.llm.plan import UNITS, CannotAnswer, QueryPlan
from trajlm.llm.replan import replan
from trajlm.llm.vehicles import GENERIC

_MOST = r"longest|furthest|farthest|most|max(?:imum)?|highest|biggest|greatest|largest|record|best|busiest"
_LEAST = r"least|fewest|shortest|min(?:imum)?|lowest|smallest|quietest"
_SUP = re.compile(rf"\b(?:the\s+)?({_MOST}|{_LEAST})\b(?:\s+(?:number|amount|count)\s+of\b)?", re.I)
# "in a day", "in one day", "on a single day", "on any one day", "in a single week", "daily", "per day"
_PERIOD = re.compile(
    r"\b(?:(?:in|on|during|over|within|for)\s+)?(?:a|one|any|any\s+one|a\s+single|one\s+single|single|1)\s+"
    r"(?:calendar\s+)?(day|week|month|night)(?:[\s-]?shift)?\b|\b(?:per|each)\s+(day|week|month|night)(?:[\s-]?shift)?\b"
    r"|\b(daily|weekly|monthly|nightly)\b",
    re.I,
)
# "which animal travelled (the) furthest per day" (set 34): "per day" is a rate, each mover's mean over its days (as
# "the average daily distance per animal"); "in a day", "in one day", "on a single day" stay its best day
_FURTHEST_PER_DAY = re.compile(
    r"^\s*(?:which|what)\s+([a-z]+)\s+(?:\w+\s+){0,2}?(?:the\s+)?(?:furthest|farthest|most\s+(km|kilomet\w*|miles|mi"
    r"|nautical\s+miles|nm|distance))(?:\s+on\s+average)?\s+(?:per|a)\s+day(?:\s+on\s+average)?(?:\s*,?\s*in\s+(\w+))?$",
    re.I,
)
# "which day did the fleet cover the most km", "on what date did the birds fly the furthest"
_WHICH = re.compile(
    r"^\s*(?:(?:on|in|during)\s+)?(?:which|what)\s+(?:calendar\s+)?(day|date|week|month|night)\b(?:[\s-]?shift)?(?:\s+of\s+the\s+week)?",
    re.I,
)
# "how many trips were made on the busiest day": the most trips in one day
_ON_BUSIEST = re.compile(
    r"\b(?:on|in|during)\s+(?:the|its|their|his|her)\s+(busiest|quietest|longest|shortest)\s+(day|week|month|night)\b",
    re.I,
)
_TRIPS = r"(?:trips?|journeys?|rides?|voyages?|tracks?|runs?|tours?|crossings?|deliver(?:y|ies)|flights?)"
_FLEET = re.compile(
    r"\b(?:(?:by|of|for|across)\s+)?(?:the|our|my)\s+(?:whole\s+|entire\s+)?fleet(?:'s)?\b", re.I
)
_HEAD = re.compile(
    r"^\s*(?:(?:what|which)(?:'s|\s+is|\s+was|\s+were|\s+are)?|tell\s+me|give\s+me|show(?:\s+me)?|find)?\s*",
    re.I,
)
_MEASURE = re.compile(
    r"\b(?:km|kms|kilomet\w*|miles?|mi|nm|nautical|metres?|meters?|distance|hours?|minutes?|mins?|time|duration"
    r"|far|furthest|farthest|longest|shortest)\b",
    re.I,
)

# "which van", "each driver", "who": a ranking of vehicles by their best day, not read
_PER_MOVER = re.compile(
    rf"\b(?:(?:which|what|each|every|per)\s+(?:{GENERIC})|who)\b"
    rf"|\b(?:the\s+)?(?:most|fewest|least)\b.*?\b(?:a|any|one|a\s+single)\s+(?:{GENERIC})\s+(?!{_TRIPS}\b)[a-z]+",
    re.I,
)  # "the most km a taxi drove in one day" (set 25): each taxi's best day, not the fleet's
# what "the longest / shortest" may measure over a day: distance or time ("the longest stop" is one stop)
_SPAN = re.compile(
    r"\s*(?:total\s+)?(?:km|kms|kilomet\w*|miles?|distance|hours?|minutes?|time|duration)\b", re.I
)


def _pick(word: str) -> str:
    return "least" if re.fullmatch(_LEAST, word, re.I) else "most"


def plan_day_most(question: str, plan_one: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of a most-in-one-day question, or None when the question does not ask one."""
    said, sunday = sunday_weeks(question, any_week=True)
    if sunday:  # "which bike rode the most km per week (US weeks)": its weeks from Sunday (ask39b)
        plan = plan_day_most(said, plan_one)
        if plan is not None and plan.per != "week":
            raise CannotAnswer("a Sunday-to-Saturday week was said, but the question asks for no weeks: ask 'the "
                               "most km in one week, Sunday to Saturday'")  # fmt: skip
        if plan is not None:
            plan._sunday_weeks = True
        return plan
    q = question.strip().rstrip("?").strip()
    # "which animal travelled furthest per day" (set 34): a daily mean
    if rate := _FURTHEST_PER_DAY.match(q):
        unit = next((u for u in rate.groups()[2:0:-1] if u and u.lower() != "distance"), None)
        return plan_one(
            f"what was the average daily distance per {rate.group(1)}"
            + (f", in {unit}" if unit else "")
        )
    if m := _ON_BUSIEST.search(
        q
    ):  # "how many trips were made on the busiest day", "the km on its longest day"
        return _on_the_day(q, m, plan_one)
    which = _WHICH.match(q)
    period = None if which else _PERIOD.search(q)
    if which is None and period is None:
        return None
    body = q[which.end() :] if which else q[: period.start()] + " " + q[period.end() :]
    sup = _SUP.search(body)
    if sup is None:
        return None  # "which day ...", "daily distance": the other readers' (peaks.py, calendar.py)
    per = (
        which.group(1).lower()
        if which
        else next(g for g in period.groups() if g)
        .lower()
        .replace("daily", "day")
        .replace("weekly", "week")
        .replace("nightly", "night")
        .replace("monthly", "month")
    )
    per = "day" if per == "date" else per
    pick = _pick(sup.group(1))
    word = sup.group(1).lower()
    after = body[sup.end() :]
    if _PER_MOVER.search(body) or re.match(r"\s*(?:which|what)\s+[a-z]", body, re.I):
        if (ranked := _per_mover(body, per, pick, plan_one)) is not None:
            return ranked  # "which van (salter) drove the most km in one day": each vehicle's best day, ranked
    if re.match(
        r"\s*(?:[\w-]+\s+)?(?:stops?|pauses?|idle|points?|fixes|speed|pace)\b", after, re.I
    ):
        return None  # "the most stops in one day": a count of stops, not read (nor a speed: not added up)
    if word in ("longest", "shortest") and not _SPAN.match(after):
        return (
            None  # "the longest stop in a day": one stop's, not a day's total (read_per refuses it)
        )
    counted = re.match(rf"\s*(?:[\w-]+\s+)?{_TRIPS}\b", after, re.I) is not None
    if counted and word in ("longest", "shortest", "furthest", "farthest"):
        return None  # "the longest trip in one day": one trip's, not a count (read_per refuses it)
    before = _HEAD.sub(" ", body[: sup.start()], count=1)
    said = ""
    if word in ("longest", "shortest") and not _MEASURE.search(after):
        said = " duration "  # "the longest time on the road in one day" keeps its "time"
    if word in ("furthest", "farthest") or (
        word in ("most", "least") and not counted and not _MEASURE.search(after)
    ):
        said = " distance "  # "which day did the birds fly the furthest": how far, all trips
    if word in ("busiest", "quietest"):
        counted = True
    if which and per == "day" and counted and not _MEASURE.search(after):
        return None  # "which day had the most trips": peaks.py's (every date, ties)
    head = "how many trips " if counted and not re.match(rf"\s*{_TRIPS}\b", after, re.I) else (
        "how many " if counted else "total ")  # fmt: skip
    return _plan(head + before + said + after, per, pick, plan_one, counted=counted)


def _on_the_day(q: str, m: re.Match, plan_one: Callable[[str], QueryPlan]) -> QueryPlan:
    """ "how many trips on the busiest day" (the most trips in one day), "the km driven on the busiest day" (the
    distance on the day with the most trips), "how far did P-01 drive on its longest day" (its most in one day)."""
    word, per = m.group(1).lower(), m.group(2).lower()
    rest = q[: m.start()] + " " + q[m.end() :]
    counted = re.match(r"^\s*how\s+many\b", rest, re.I) and not _MEASURE.search(rest)
    if word in ("busiest", "quietest") and counted:
        return _plan(rest, per, _pick(word), plan_one, counted=True)
    if counted or not _MEASURE.search(rest):
        raise CannotAnswer(f"'{m.group(0).strip()}': the {per} with the most what? ask 'the most km V5 drove in one "
                           f"{per}' or 'the km driven on the busiest {per}' (the {per} with the most trips)")  # fmt: skip
    plan = plan_one(" ".join(_FLEET.sub(" ", rest).split()) + "?")
    if (
        plan.action != "sum"
        or plan.metric not in SPLIT_METRICS
        or plan.group is not None
        or plan.per is not None
    ):
        raise CannotAnswer(f"on the {word} {per}, distance and time are added up (not {plan.metric or plan.action}): "
                           f"ask e.g. 'how many km were driven on the {word} {per}'")  # fmt: skip
    pick = (
        word if word in ("busiest", "quietest") else _pick(word)
    )  # its longest day: the most of what is asked
    return replan(plan, per=per, pick=pick)


def _per_mover(
    body: str, per: str, pick: str, plan_one: Callable[[str], QueryPlan]
) -> QueryPlan | None:
    """ "which van drove the most km in one day": the per-vehicle ranking of the rest, by each one's best day."""
    said = _PER_MOVER.search(body) is not None
    body = re.sub(
        r"^\s*who\b", "which vehicle", body, flags=re.I
    )  # "who drove the most km in one day"
    try:
        plan = plan_one(" ".join(body.split()) + "?")
    except CannotAnswer:
        if said:
            raise
        return None  # "which day ...": not a mover (the readers below)
    if plan.group != "vehicle" and not said:
        return None
    if plan.group != "vehicle" or plan.action not in ("count", "sum") or plan.per is not None:
        raise CannotAnswer(f"the most in one {per} per vehicle is read for trips, distance and time (e.g. 'which van "
                           f"drove the most km in one {per}'), not this")  # fmt: skip
    if plan.action == "sum" and plan.metric not in SPLIT_METRICS:
        raise CannotAnswer(
            f"per vehicle and {per}, distance and time are added up (not {plan.metric})"
        )
    return replan(plan, per=per, pick=pick)


def _plan(
    rest: str, per: str, pick: str, plan_one: Callable[[str], QueryPlan], counted: bool
) -> QueryPlan:
    rest = " ".join(_FLEET.sub(" ", rest).split())
    if not counted and not re.match(r"^\s*(?:how\s+many|total)\b", rest, re.I):
        rest = "total " + rest
    plan = plan_one(rest + "?")
    if plan.group is not None or plan.per is not None:
        raise CannotAnswer(f"the most in one {per} is read for one vehicle or the whole data, not per vehicle: "
                           f"ask e.g. 'the most km V5 drove in one {per}'")  # fmt: skip
    if plan.action not in ("count", "sum") or plan.metric not in (None, "length_m", "duration_s", "moving_s", "stopped_s"):  # fmt: skip
        raise CannotAnswer(f"the most in one {per} is read for trips, distance and time (not "
                           f"{plan.metric or plan.action}): ask e.g. 'the most km V5 drove in one {per}'")  # fmt: skip
    return replan(plan, per=per, pick=pick)


def _totals(plan: QueryPlan, chosen: pl.DataFrame, by: tuple[str, ...] = ()) -> pl.DataFrame:
    """One row per period (and ``by``): ``_p``, ``_v`` (the count or the metric's sum), ``_n`` (its trips)."""
    key, what = period_key_value(plan)
    return chosen.group_by(*by, key).agg(
        what.cast(pl.Float64).alias("_v"), n_trips(chosen).alias("_n")
    )


def _shown(plan: QueryPlan, value: float) -> tuple[str, str]:
    """(the number, its unit) as the answer prints them."""
    if plan.action == "count":
        return f"{value:,.0f}", "trips"
    unit = plan.unit or ("m" if plan.metric == "length_m" else "s")
    value /= UNITS[plan.metric][unit]
    if unit == "m" and abs(value) >= 10_000:  # 168,685.5 m = 168.7 km (as per vehicle, session 19)
        return f"{value:,.1f} m = {value / 1000:,.1f} km", ""
    return (f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.3g}"), unit


def _day(plan: QueryPlan, d) -> str:
    if plan.per == "night":  # set 26: the night that starts on that date (noon to noon)
        return f"the night of {d:%a} {d}"
    if plan.per == "month":  # set 36: "which month did I cycle the most km"
        return f"{d:%B %Y}"
    return f"{d:%a} {d}" if plan.per == "day" else f"the week of {d}"


def pick_period(
    plan: QueryPlan, chosen: pl.DataFrame, points: pl.DataFrame | None = None
) -> tuple[float | str, str]:
    """(value, printed text) of a ``pick`` plan: the largest (smallest) per-day (per-week) total, its day named;
    "busiest" ("quietest"): the total on the day with the most (fewest) trips; with ``group="vehicle"`` each
    vehicle's best day, ranked. Distance and time of trips over midnight are split there (llm/midnight.py)."""
    if len(chosen) == 0:
        return "no trips match", "no trips match"
    whole, n_split, zone = chosen, 0, plan._zone or "UTC"
    if splits(plan) and points is not None:
        chosen, n_split, zone = split_at_midnight(points, chosen)
    if plan.group == "vehicle":
        return _best_day_per_vehicle(plan, chosen, n_split, zone)
    least = plan.pick in ("least", "quietest")
    each = _totals(plan, chosen).sort(["_v", "_p"], descending=[not least, False])
    n = len(each)
    periods = f"{plan.per}{'s' * (n != 1)}"
    how = (
        split_said(n_split, zone)
        if splits(plan)
        else f"each trip on the {plan.per} of its start, {zone}"
    )
    if plan.pick in ("busiest", "quietest"):  # the day with the most (fewest) trips, then its total
        counts = _totals(plan.model_copy(update={"action": "count", "metric": None}), whole)
        counts = counts.filter(
            pl.col("_v") == (counts["_v"].min() if least else counts["_v"].max())
        )
        days = each.join(counts.select("_p", pl.col("_v").alias("_c")), on="_p", how="right")
        days = days.with_columns(pl.col("_v").fill_null(0.0)).sort("_p")
        value = float(days["_v"][0])
        said = " and ".join(f"{' '.join(x for x in _shown(plan, v) if x)} {'in' if plan.per == 'month' else 'on'} {_day(plan, d)}"
                            for v, d in zip(days["_v"], days["_p"], strict=True))  # fmt: skip
        trips = int(days["_c"][0])
        tie = f"; tied: {len(days)} {plan.per}s, each shown" if len(days) > 1 else ""
        word = "quietest" if least else "busiest"
        text = (f"{said} (the {word} {plan.per}: {trips} trip{'s' * (trips != 1)} started{tie}; "
                f"of the {n} {periods} with trips; {how})")  # fmt: skip
        return (value / (UNITS[plan.metric][plan.unit] if plan.unit else 1.0)), text
    best = float(each["_v"][0])
    ties = each.filter(pl.col("_v") == best)
    days = " and ".join(_day(plan, d) for d in ties["_p"].to_list())
    shown, unit = _shown(plan, best)
    value = best if plan.action == "count" else best / UNITS[plan.metric][plan.unit or ("m" if plan.metric == "length_m" else "s")]  # fmt: skip
    word = "fewest" if least and plan.action == "count" else "least" if least else "most"
    tie = f"; tied: {len(ties)} {plan.per}s" if len(ties) > 1 else ""
    trips = int(ties["_n"][0])
    of = (
        f"{trips} trip{'s' * (trips != 1)} that {plan.per}"
        if len(ties) == 1 and plan.action != "count"
        else ""
    )
    on = "in" if plan.per == "month" else "on"  # "in March 2026"
    text = (f"{shown}{' ' * bool(unit)}{unit} {on} {days} (the {word} in one {plan.per} of the {n} {periods} with trips"
            f"{'; ' + of if of else ''}{tie}; {how})")  # fmt: skip
    return value, text


def _best_day_per_vehicle(
    plan: QueryPlan, chosen: pl.DataFrame, n_split: int, zone: str
) -> tuple[float | str, str]:
    """ "which van drove the most km in one day": each vehicle's best (worst) day, the vehicles ranked by it."""
    if "vehicle" not in chosen.columns:
        raise CannotAnswer(
            "this data has no vehicle ids, so the most in one day per vehicle cannot be given"
        )
    least = plan.pick == "least"
    each = _totals(plan, chosen.filter(pl.col("vehicle").is_not_null()), ("vehicle",))
    best = (
        each.sort(["_v", "_p", "vehicle"], descending=[not least, False, False])
        .group_by("vehicle", maintain_order=True)
        .first()
    )
    if len(best) == 0:
        return "no trips match", "no trips match"
    k = max(plan.k or 1, 3)
    shown = [f"{v} {' '.join(x for x in _shown(plan, x_) if x)} on {_day(plan, d)}"
             for v, x_, d in zip(best["vehicle"], best["_v"], best["_p"], strict=True)]  # fmt: skip
    top = float(best["_v"][0])
    ties = best.filter(pl.col("_v") == top)
    tie = f"; tied: {', '.join(ties['vehicle'].cast(pl.Utf8))}" if len(ties) > 1 else ""
    how = (
        split_said(n_split, zone)
        if splits(plan)
        else f"each trip on the {plan.per} of its start, {zone}"
    )
    word = "least" if least else "most"
    text = (f"{shown[0]} (the {word} any vehicle did in one {plan.per}, of {len(best)} vehicles{tie}; next: "
            f"{'; '.join(shown[1:k]) or 'none'}; {how})")  # fmt: skip
    scale = UNITS[plan.metric][plan.unit] if plan.unit and plan.action != "count" else 1.0
    return top / scale, text
