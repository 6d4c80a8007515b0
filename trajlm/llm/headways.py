"""A route's headway (set 35, ask35): "what was the average headway on route 14 (in minutes)?", "the mean headway of
route 7 on Tuesday". A transit planner's first number for a route: the time between one trip's start and the next's
on the same route, here the mean of those gaps between consecutive starts of the trips the rest of the question
names (a route, that is a label; days), on the same local date (a gap across the night is no headway), both
directions together (a feed's trips do not say which way they run). The plan is those trips with the action
``headway``; it is asked of one label or one vehicle (a headway over several routes mixes their buses: refused,
naming one to ask). Only the mean is read ("the longest headway", "bunching" are refused in one line). Before,
"headway" was not understood.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan

HEADWAY = re.compile(r"\bheadways?\b|\bbus(?:es)?\s+bunch\w*|\bbunch(?:ing|ed)\b", re.I)
_OTHER = re.compile(r"\b(?:median|longest|shortest|max(?:imum)?|min(?:imum)?|biggest|largest|smallest|worst|best"
                    r"|bunch\w*)\b", re.I)  # fmt: skip
_HEAD = re.compile(r"^\s*(?:what|how\s+long)(?:\s+(?:was|is|were|are)|'s|’s)\s+(?:the\s+)?(?:(?:average|mean|typical)\s+)?",
                   re.I)  # fmt: skip
_UNIT = re.compile(r",?\s*\b(?:in\s+)?(?:minutes|mins?)\b", re.I)


def plan_headway(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of a headway question, or None when the question does not ask one."""
    if not HEADWAY.search(question):
        return None
    if m := _OTHER.search(question):
        raise CannotAnswer(f"only the average headway (the mean gap between consecutive trip starts of a route) is "
                           f"read, not {m.group(0)!r}: ask 'what was the average headway on route 14'")  # fmt: skip
    rest = _UNIT.sub(" ", HEADWAY.sub(" ", question.strip().rstrip("?")))
    rest = " ".join(_HEAD.sub(" ", rest).split())
    rest = re.sub(r"^(?:of|for|on)\s+", "", rest, flags=re.I)
    plan = plan_count(f"how many trips {rest}?" if rest else "how many trips?")
    if not is_plain_count(plan) or (plan.mode is None and plan.vehicle is None):
        raise CannotAnswer("a headway is one route's (the gap between its consecutive trip starts): name the route, "
                           "e.g. 'what was the average headway on route 14'")  # fmt: skip
    return replan(plan, action="headway")


def headway(plan: QueryPlan, chosen: pl.DataFrame) -> tuple[float, str]:
    """(the mean gap in minutes, the answer's line) between consecutive starts on the same date of the chosen trips
    (their starts are on the plan's clock already)."""
    starts = chosen.select("start").sort("start")
    gaps = starts.with_columns(
        (pl.col("start").diff().dt.total_seconds() / 60)
        .over(pl.col("start").dt.date())
        .alias("gap")
    )["gap"].drop_nulls()
    if len(gaps) == 0:
        raise CannotAnswer(
            f"{len(chosen)} trip(s) match and no two start on the same day: a headway needs two"
        )
    days = starts["start"].dt.date().n_unique()
    value = float(gaps.mean())
    return value, (f"{value:,.1f} min (the mean of {len(gaps):,} gaps between consecutive trip starts, "
                   f"{len(chosen):,} trips on {days} day{'s' * (days != 1)}, both directions together)")  # fmt: skip
