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

from trajlm.llm.calendar import period_key_value
from trajlm.llm.plan import UNITS, CannotAnswer, QueryPlan
from trajlm.llm.replan import replan
from trajlm.llm.vehicles import GENERIC

_MOST = r"longest|furthest|farthest|most|max(?:imum)?|highest|biggest|greatest|largest|record|best|busiest"
_LEAST = r"least|fewest|shortest|min(?:imum)?|lowest|smallest|quietest"
_SUP = re.compile(rf"\b(?:the\s+)?({_MOST}|{_LEAST})\b(?:\s+(?:number|amount|count)\s+of\b)?", re.I)
# "in a day", "in one day", "on a single day", "on any one day", "in a single week", "daily", "per day"
_PERIOD = re.compile(
    r"\b(?:(?:in|on|during|over|within|for)\s+)?(?:a|one|any|any\s+one|a\s+single|one\s+single|single|1)\s+"
    r"(?:calendar\s+)?(day|week)\b|\b(?:per|each)\s+(day|week)\b|\b(daily|weekly)\b",
    re.I,
)
# "which day did the fleet cover the most km", "on what date did the birds fly the furthest"
_WHICH = re.compile(
    r"^\s*(?:(?:on|in|during)\s+)?(?:which|what)\s+(?:calendar\s+)?(day|date|week)\b(?:\s+of\s+the\s+week)?",
    re.I,
)
# "how many trips were made on the busiest day": the most trips in one day
_ON_BUSIEST = re.compile(
    r"\b(?:on|in|during)\s+(?:the|its|their|his|her)\s+(busiest|quietest)\s+(day|week)\b", re.I
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
_PER_MOVER = re.compile(rf"\b(?:(?:which|what|each|every|per)\s+(?:{GENERIC})|who)\b", re.I)
# what "the longest / shortest" may measure over a day: distance or time ("the longest stop" is one stop)
_SPAN = re.compile(
    r"\s*(?:total\s+)?(?:km|kms|kilomet\w*|miles?|distance|hours?|minutes?|time|duration)\b", re.I
)


def _pick(word: str) -> str:
    return "least" if re.fullmatch(_LEAST, word, re.I) else "most"


def plan_day_most(question: str, plan_one: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of a most-in-one-day question, or None when the question does not ask one."""
    q = question.strip().rstrip("?").strip()
    if m := _ON_BUSIEST.search(q):  # "how many trips were made on the busiest day"
        rest = q[: m.start()] + " " + q[m.end() :]
        if not re.match(r"^\s*how\s+many\b", rest, re.I) or _MEASURE.search(rest):
            raise CannotAnswer(f"'{m.group(0)}' is the {m.group(2)} with the {'most' if m.group(1).lower() == 'busiest' else 'fewest'} trips; "
                               f"its distance or time is not read: ask 'which {m.group(2)} had the most trips' or "
                               f"'the most km driven in one {m.group(2)}'")  # fmt: skip
        return _plan(rest, m.group(2).lower(), _pick(m.group(1)), plan_one, counted=True)
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
    )
    per = "day" if per == "date" else per
    pick = _pick(sup.group(1))
    word = sup.group(1).lower()
    after = body[sup.end() :]
    if g := _PER_MOVER.search(
        body
    ):  # "which van drove the most km in one day": per vehicle and day
        raise CannotAnswer(f"the most in one {per} per vehicle ({g.group(0).strip()!r}) is not read: ask about one "
                           f"vehicle ('the most km V5 drove in one {per}') or the whole data")  # fmt: skip
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


def pick_period(plan: QueryPlan, chosen: pl.DataFrame) -> tuple[float | str, str]:
    """(value, printed text) of a ``pick`` plan: the largest (smallest) per-day (per-week) total, its day named."""
    if len(chosen) == 0:
        return "no trips match", "no trips match"
    key, what = period_key_value(plan)
    each = chosen.group_by(key).agg(what.cast(pl.Float64).alias("_v"), pl.len().alias("_n"))
    least = plan.pick == "least"
    each = each.sort(["_v", "_p"], descending=[not least, False])
    best = float(each["_v"][0])
    unit = "trips"
    scale = 1.0
    if plan.action != "count":
        unit = plan.unit or ("m" if plan.metric == "length_m" else "s")
        scale = UNITS[plan.metric][unit]
    value = best / scale
    ties = each.filter(pl.col("_v") == best)
    name = (lambda d: f"{d:%a} {d}") if plan.per == "day" else (lambda d: f"the week of {d}")
    days = " and ".join(name(d) for d in ties["_p"].to_list())
    shown = (
        f"{value:,.0f}"
        if plan.action == "count"
        else f"{value:,.1f}"
        if abs(value) >= 10
        else f"{value:,.3g}"
    )
    n = len(each)
    periods = f"{plan.per}{'s' * (n != 1)}"
    word = "fewest" if least and plan.action == "count" else "least" if least else "most"
    tie = f"; tied: {len(ties)} {plan.per}s" if len(ties) > 1 else ""
    trips = int(ties["_n"][0])
    of = (
        f"{trips} trip{'s' * (trips != 1)} that {plan.per}"
        if len(ties) == 1 and plan.action != "count"
        else ""
    )
    if unit == "m" and abs(value) >= 10_000:  # 168,685.5 m = 168.7 km (as per vehicle, session 19)
        shown += f" m = {value / 1000:,.1f} km"
        unit = ""
    zone = plan._zone or "UTC"
    text = (f"{shown}{' ' * bool(unit)}{unit} on {days} (the {word} in one {plan.per} of the {n} {periods} with trips"
            f"{'; ' + of if of else ''}{tie}; each trip on the {plan.per} of its start, {zone})")  # fmt: skip
    return value, text
