"""Time spent above a speed (session 24, ask24; ask23's leftover): "how long was V3 above 50 km/h on 20 October",
"how much time did 316001001 spend above 10 knots, in minutes", "how many minutes did WS-04 fly faster than 40 km/h".

Before, "how long was V3 above 50 km/h" was read as the total duration of V3's trips whose *mean* speed was above 50
km/h (0 min where the truth was 25.5): a wrong number. The plan is now the trips the rest of the question names (a
vehicle, dates, a place), and the metric ``above_s``: each trip's time in steps (fix to fix) whose speed, the step's
distance over its time, is above ``above_kmh``, added up. A step is counted whole or not at all (at 30-s fixes the
time is exact to a fix interval per crossing of the speed).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import polars as pl

from trajlm.data.geometry import haversine_m
from trajlm.llm.inside import TIME_UNITS, UNIT_AT_END  # "..., in minutes?" (one reader)
from trajlm.llm.phrases import SPEED_UNITS
from trajlm.llm.plan import CannotAnswer, QueryPlan, validate_plan

_UNITS = "|".join(re.escape(u) for u in sorted(SPEED_UNITS, key=len, reverse=True))
_VERB = r"(?:driv(?:e|ing)|drove|driven|sail(?:ed|ing)?|fl(?:y|ew|own|ying)|mov(?:e|ed|ing)|go(?:ing)?|went|travel(?:l?ed|l?ing)?|rid(?:e|ing)|rode|run(?:ning)?|ran|walk(?:ed|ing)?|cycl(?:e|ed|ing))"
# "how long / how much time / how many minutes (did|was|were) WHO (spend|spent)? (VERB)? above|faster than|over N UNIT REST"
ABOVE = re.compile(
    r"^\s*(?:in\s+total\s*,?\s*)?(?:how\s+much\s+(?:total\s+)?time|how\s+many\s+(?P<unit>hours|minutes|mins|seconds)|how\s+long"
    r"|what\s+(?:was|is)\s+the\s+(?:total\s+)?time)\s+(?:in\s+total\s+)?(?:did|do|does|was|were|has|have|had)\s+"
    rf"(?P<who>.*?)\s+(?:(?:spend|spent|spending|be|been)\s+)?(?:{_VERB}\s+)?(?:at\s+)?"
    rf"(?:above|over|faster\s+than|more\s+than|exceeding|at\s+more\s+than)\s+(?P<n>\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(?P<speed>{_UNITS})\b"
    r"(?P<rest>.*)$",
    re.I,
)


# the same question with a speed that is no number above 0 ("above -5 km/h", "above nan km/h",
# "above 1e400 km/h"): a refusal quoting it, where it was "did not understand 'above 5 km km/h h'"
NOT_A_SPEED = re.compile(
    ABOVE.pattern.replace(
        r"(?P<n>\d+(?:\.\d+)?(?:e[-+]?\d+)?)",
        r"(?P<n>[-+−]\s*\d+(?:\.\d+)?(?:e[-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?))",
    ),
    re.I,
)
# time *below* a speed, or between two ("how long was V3 below 50 km/h", "... slower than", "under",
# "between 20 and 50 km/h"): read before as the duration of the trips whose *mean* speed was
# below, the misreading ask24 fixed for "above" (badin24: 60 min where 30 were below)
BELOW = re.compile(
    r"^\s*(?:how\s+much\s+(?:total\s+)?time|how\s+many\s+(?:hours|minutes|mins|seconds)|how\s+long"
    r"|what\s+(?:was|is)\s+the\s+(?:total\s+)?time)\s+(?:did|do|does|was|were|has|have|had)\s+.*?\b"
    rf"(?:below|under|slower\s+than|less\s+than|between\s+[-+]?\d+(?:\.\d+)?\s*(?:{_UNITS})?\s+and)"
    rf"\s+[-+]?\d+(?:\.\d+)?\s*(?:{_UNITS})\b",
    re.I,
)


def plan_above(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of a time above a speed, or None when the question does not ask one."""
    m = ABOVE.search(question)
    if m is None:
        if bad := NOT_A_SPEED.search(question):
            said = f"{bad.group('n')} {bad.group('speed')}".replace("−", "-")
            raise CannotAnswer(f"a speed is a number above 0: {said!r} is not one")
        if BELOW.search(question):
            raise CannotAnswer("time below a speed (or between two) is not read, only the time above one: ask "
                               "e.g. 'how long was V3 above 50 km/h' (and the trips' total duration)")  # fmt: skip
        return None
    unit = TIME_UNITS.get((m.group("unit") or "").lower())
    rest = m.group("rest")
    if u := UNIT_AT_END.search(rest):
        unit = TIME_UNITS[u.group(1).lower()]
        rest = rest[: u.start()]
    kmh = float(m.group("n")) * SPEED_UNITS[m.group("speed").lower()]
    who = re.sub(
        r"^(?:the\s+|all\s+(?:the\s+)?)?(?:ships?|vessels?|boats?|animals?|birds?|vehicles?|people|they|it|participants?"
        r"|users?|drivers?|trucks?|lorries|vans?|cars?|taxis?|buses|riders?|cyclists?|couriers?)$",
        "",
        m.group("who").strip(),
        flags=re.I,
    )
    rest = rest.strip().rstrip("?")
    plan = plan_count(
        f"how many trips did {who} make {rest}?" if who else f"how many trips {rest}?"
    )
    if plan.action != "count" or plan.group is not None or plan.per is not None:
        raise CannotAnswer("time above a speed is read for the trips of a vehicle or a day: ask e.g. "
                           "'how long was V3 above 50 km/h on 20 October'")  # fmt: skip
    if (
        plan.center() is not None or plan.bbox is not None
    ):  # the time fast while there, or the trips that came?
        raise CannotAnswer("time above a speed inside a place is not read (the time while there, or all the time of "
                           "the trips that came there?): ask it for a vehicle or a day")  # fmt: skip
    if kmh <= 0:
        raise CannotAnswer("time above a speed needs a speed above 0")
    if not math.isfinite(kmh):  # "above 1e400 km/h" (badin24)
        raise CannotAnswer(
            f"a speed is a number above 0: '{m.group('n')} {m.group('speed')}' is not one"
        )
    out = validate_plan({**plan.key(), "action": "sum", "metric": "above_s", "above_kmh": round(kmh, 6),
                         **({"unit": unit} if unit else {})})  # fmt: skip
    out._strict = plan._strict
    return out


def with_above(plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame) -> pl.DataFrame:
    """``trips`` with ``above_s``: each trip's seconds in steps faster than ``plan.above_kmh``."""
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    pts = points.filter(pl.col("traj_id").is_in(trips["traj_id"].implode())).sort(["traj_id", "t"])
    dt = (pl.col("t") - pl.col("t").shift(1)).cast(pl.Float64)
    metres = haversine_m(
        pl.col("lat").shift(1), pl.col("lon").shift(1), pl.col("lat"), pl.col("lon")
    )
    fast = same & (dt > 0) & (metres / dt * 3.6 > plan.above_kmh)
    step = pts.with_columns(pl.when(fast).then(dt).otherwise(0.0).alias("_dt"))
    per = step.group_by("traj_id").agg(pl.col("_dt").sum().cast(pl.Float64).alias("above_s"))
    return trips.join(per, on="traj_id", how="left", maintain_order="left").with_columns(
        pl.col("above_s").fill_null(0.0)
    )
