"""Time spent inside a place, and the distance from a trip's first fix (``plan_reach``, trip-table column ``reach_m``:
"how far from its first location did RD-F01 get") (session 22, ask22; status.md Open 7 and 8). Time inside: "how much time did RD-F02 spend within 300 m of
the feeding site at 48.95, 13.40, in hours?", "how long did ships stay within 1 km of the anchorage at 51.99, 3.80?".

The plan is the trips the rest of the question names (a vehicle, dates, a label) that came within the circle, and the
metric ``inside_s``: each trip's time in steps whose both fixes are inside the circle, added up (``sum``; "on average"
is the mean per trip). A step that crosses the edge counts nothing (its fixes say only that it crossed somewhere
between them), so the time is a lower bound by at most one fix interval per visit. A box is not read here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from trajlm.data.geometry import haversine_m
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan

# "how much time / how many hours / how long did X spend (stay, remain, wait, sit) within|near|inside|at ... <circle>"
HEAD = re.compile(
    r"^\s*(?:in\s+total\s*,?\s*)?(?:how\s+much\s+(?:total\s+)?time|how\s+many\s+(hours|minutes|mins|seconds)|how\s+long"
    r"|what\s+(?:was|is)\s+the\s+(?:total\s+)?time)\s+(?:in\s+total\s+)?(?:did|do|does|was|were|has|have|had)?\s*"
    r"(?P<who>.*?)\s*\b(?:spen[dt]|spending|stay(?:ed)?|remain(?:ed)?|linger(?:ed)?|sit|sat|wait(?:ed)?)\b"
    r"(?:\s+in\s+total)?\s*(?=\b(?:within|near|inside|at|in|around)\b)",
    re.I,
)
UNIT_AT_END = re.compile(r",?\s*\bin\s+(hours?|minutes?|mins?|seconds?|h|min|s)\s*\??\s*$", re.I)
TIME_UNITS = {"hour": "h", "hours": "h", "h": "h", "minute": "min", "minutes": "min", "mins": "min", "min": "min",
         "seconds": "s", "second": "s", "s": "s"}  # fmt: skip


def is_inside(question: str) -> bool:
    return (
        HEAD.search(question) is not None
        and re.search(r"\d\s*(?:m|km|metres?|meters?|mi)\b|-?\d+\.\d+\s*,", question) is not None
    )


def plan_inside(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan:
    """The plan of a time inside a circle (``is_inside``): the trips "how many trips <who> came <circle> ..." names,
    the metric ``inside_s`` added up."""
    m = HEAD.search(question)
    unit = TIME_UNITS.get((m.group(1) or "").lower())
    rest = question[m.end() :]
    if u := UNIT_AT_END.search(rest):
        unit = TIME_UNITS[u.group(1).lower()]
        rest = rest[: u.start()]
    who = m.group("who").strip()
    who = re.sub(
        r"^(?:the\s+|all\s+(?:the\s+)?)?(?:ships?|vessels?|boats?|animals?|vehicles?|people|they|it|participants?|users?"
        r"|subjects?|individuals?|persons?|drivers?|trucks?|lorries|vans?|cars?|taxis?|buses|riders?|cyclists?|couriers?)$",
        "",
        who,
        flags=re.I,
    )
    plan = plan_count(f"how many trips {who} came {rest.strip().rstrip('?')}?")
    if not _one_place(plan):
        raise CannotAnswer("time inside a place is read for a circle ('within 300 m of LAT, LON'): ask e.g. 'how "
                           "much time did X spend within 300 m of 48.95, 13.40, in hours'")  # fmt: skip
    if (
        plan.radius_m is None
    ):  # "at the depot (LAT, LON)": 500 m said 46 min for 42 within 100 m (set 21's M6)
        raise CannotAnswer("time at a place depends on how far around it counts: give a radius ('how much time did "
                           "X spend within 100 m of LAT, LON')")  # fmt: skip
    return replan(plan, action="sum", metric="inside_s", **({"unit": unit} if unit else {}))


def _asked_unit(question: str) -> tuple[str, str | None]:
    """(the question without its trailing "in km / m / miles", that unit or None)."""
    q = question.strip().rstrip("?").strip()
    if u := re.search(r",?\s*\bin\s+(km|kilomet(?:re|er)s|m|metres|meters|miles|mi)\s*$", q, re.I):
        unit = {"km": "km", "m": "m", "mi": "mi", "miles": "mi"}.get(
            u.group(1).lower(), "km" if "k" in u.group(1).lower() else "m"
        )
        return q[: u.start()], unit
    return q, None


# "how far from its first location / the start did RD-F01 get", "the maximum distance from the start of X's trips"
REACH = re.compile(
    r"^\s*(?:how\s+far\s+(?:away\s+)?from\s+|what\s+(?:was|is)\s+the\s+(?:maximum|max|greatest|largest|furthest|farthest)"
    r"\s+distance\s+(?:away\s+)?from\s+)(?:the|its|their|his|her|my)\s+(?:start(?:ing)?(?:\s+point)?|first\s+(?:fix|point"
    r"|location|position)|origin|release\s+site)\s+(?:did|does|do|of|for|on|reached\s+by|by)?\s*(?P<who>.*?)\s*"
    r"(?:\b(?:get|go|travel|move|roam|wander|reach)\b)?\s*(?P<rest>(?:\b(?:on|in|during|between|before|after|from)\b.*)?)$",
    re.I,
)


def plan_reach(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of "how far from the start did X get" (``REACH``): the furthest of the trips' ``reach_m``; else None."""
    q, unit = _asked_unit(question)
    m = REACH.match(q)
    if m is None:
        return None
    plan = plan_count(f"how many trips {m.group('who')} {m.group('rest')}?")
    if not is_plain_count(plan):
        return None
    return replan(plan, action="top", metric="reach_m", k=1, **({"unit": unit} if unit else {}))


def with_inside(plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame) -> pl.DataFrame:
    """``trips`` with ``inside_s``: each trip's seconds in steps whose both fixes are inside the plan's circle."""
    lat, lon, radius = plan.center()
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    inside = haversine_m(pl.col("lat"), pl.col("lon"), pl.lit(lat), pl.lit(lon)) <= radius
    pts = points.filter(pl.col("traj_id").is_in(trips["traj_id"].implode())).sort(["traj_id", "t"])
    step = pts.with_columns(inside.alias("_in")).with_columns(
        pl.when(same & pl.col("_in") & pl.col("_in").shift(1))
        .then(pl.col("t") - pl.col("t").shift(1))
        .otherwise(0)
        .alias("_dt")
    )
    per = step.group_by("traj_id").agg(pl.col("_dt").sum().cast(pl.Float64).alias("inside_s"))
    return trips.join(per, on="traj_id", how="left", maintain_order="left").with_columns(
        pl.col("inside_s").fill_null(0.0)
    )


# "how far from the depot at 40.43, -3.53 did truck M-1111 get", "the maximum distance from home at LAT, LON of P02",
# "how far did P02 get (away) from home at LAT, LON" (set 23): the furthest fix of the trips the rest names from a place
# or coordinates, in a straight line (metric ``away_m``; the place is not a filter: every trip counts)
_FAR_VERB = r"get|go|gone|travel(?:l?ed)?|move|moved|roam|wander|reach|sail|drive|venture|ride|walk|stray|range"
FAR = re.compile(
    r"^\s*(?:how\s+far\s+(?:away\s+)?from\s+|what\s+(?:was|is)\s+the\s+(?:maximum|max|greatest|largest|furthest|farthest)"
    r"\s+distance\s+(?:away\s+)?from\s+)(?P<place>.+?)\s+(?:did|does|do|had|has|was|were|of|reached\s+by|for|by)\s+"
    rf"(?P<who>.*?)\s*(?:\b(?:{_FAR_VERB})\b)?\s*(?P<rest>(?:\b(?:on|in|during|between|before|after)\b.*)?)$",
    re.I,
)
FAR_AFTER = re.compile(
    r"^\s*how\s+far\s+(?:away\s+)?(?:did|does|do)\s+(?P<who>.*?)\s+(?:get|go|move|roam|wander|venture|stray|range)\s+"
    r"(?:away\s+)?from\s+(?P<place>.+?)\s*(?P<rest>(?:\b(?:on|during|between|before|after)\b.*)?)$",
    re.I,
)


def plan_far(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of "how far from <place> did X get" (``FAR``, ``FAR_AFTER``): the top trip by ``away_m``; else None."""
    q, unit = _asked_unit(question)
    if REACH.match(q):  # "how far from its start": plan_reach
        return None
    m = FAR.match(q) or FAR_AFTER.match(q)
    if m is None:
        return None
    if re.search(r"\b(?:on\s+)?average\b|\bmean\b|\btypical(?:ly)?\b", q, re.I):
        raise CannotAnswer("an average distance from a place: of every trip, or of those that came there? ask about "
                           "one vehicle or trip ('how far from LAT, LON did X get')")  # fmt: skip
    place = m.group("place").strip().rstrip(",")
    try:
        who = m.group(
            "who"
        ).strip()  # "did 316001003 make": a bare MMSI after "trips" read as a trip id (set 24)
        head = (
            f"how many trips did {who} make"
            if re.fullmatch(r"\d{6,}", who)
            else f"how many trips {who} came"
        )
        plan = plan_count(f"{head} within 1 km of {place} {m.group('rest')}?")
    except CannotAnswer:
        if re.search(r"-?\d+\.\d+\s*,\s*-?\d+\.\d+", place):
            raise
        raise CannotAnswer(f"the distance from {place!r} is not in the trip table without where it is: give its "
                           "coordinates ('how far from the depot at 40.43, -3.53 did X get, in km')") from None  # fmt: skip
    if not _one_place(plan):
        raise CannotAnswer("a distance from a place is read for one place or LAT, LON: ask e.g. 'how far from the "
                           "depot at 40.43, -3.53 did truck M-1111 get, in km'")  # fmt: skip
    update = {"action": "top", "metric": "away_m", "k": 1, "radius_m": None, "unit": unit or "km"}
    return replan(plan, **update)


def with_away(plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame) -> pl.DataFrame:
    """``trips`` with ``away_m``: each trip's furthest fix from the plan's place, in metres."""
    lat, lon, _ = plan.center()
    far = haversine_m(pl.col("lat"), pl.col("lon"), pl.lit(lat), pl.lit(lon))
    per = (
        points.filter(pl.col("traj_id").is_in(trips["traj_id"].implode()))
        .group_by("traj_id")
        .agg(far.max().cast(pl.Float64).alias("away_m"))
    )
    return trips.join(per, on="traj_id", how="left", maintain_order="left")


def _one_place(plan: QueryPlan) -> bool:
    """A plain count of the trips at one circle (no grouping, no per-period): what the
    time-inside and distance-from readings re-key."""
    return (
        plan.action == "count"
        and plan.center() is not None
        and plan.group is None
        and plan.per is None
    )
