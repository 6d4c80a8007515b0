"""Shares of trips: "what share / percentage / fraction / proportion of bike trips were shorter than 2 km?"
(session 15, set 13). A ratio of two counts: the trips the noun phrase after "of" names (the base: "bike trips")
and those of them that meet the rest (the condition: "were shorter than 2 km"). Both halves are read by the rule
planner as counts; the share is answered only when the base's filters are all in the full question's plan and
the condition adds at least one, so which filters belong to the denominator is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from trajlm.llm.plan import CannotAnswer, QueryPlan, validate_plan

SHARE_HEAD = re.compile(
    r"^\s*(?:(?:what|which)(?:'s|\s+is|\s+was)?\s+(?:the\s+)?(?:share|percentage|percent|fraction|proportion"
    r"|portion|%)|(?:the\s+)?(?:share|percentage|percent|fraction|proportion|%)|how many\s+(?:percent|%))"
    r"\s+of\s+(?:the\s+|all\s+(?:the\s+)?)?",
    re.I,
)
# where the named trips end and the condition begins: a verb, a relative pronoun or a comparison
BREAK = re.compile(
    r"\b(?:were|was|are|is|had|have|has|did|do|does|that|which|who|whose|with|without|made|lasted|last"
    r"|started|start|began|ended|took|take|went|averaged|anchored|stopped|passed|came|ran|travelled|traveled"
    r"|covered|departed|left|arrived|happened|occurred|moved|drove|sailed|shorter|longer|faster|slower"
    r"|under|over|below|above|less|more|at least|at most|within|near|between|before|after|during)\b",
    re.I,
)
# filter fields (everything a plan selects trips by); the rest of a plan says what to compute
FILTERS = ("trip", "vehicle", "mode", "weekdays", "hour_from", "hour_to", "date_from", "date_to", "place",
           "lat", "lon", "radius_m", "bbox", "min_speed_kmh", "max_speed_kmh", "min_duration_s",
           "max_duration_s", "min_length_m", "max_length_m", "min_stop_s", "max_stop_s")  # fmt: skip


def is_share(question: str) -> bool:
    return SHARE_HEAD.search(question) is not None


def plan_share(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan:
    """The share plan of a question ``is_share`` accepted; ``plan_count`` plans "how many ..." questions."""
    head = SHARE_HEAD.search(question)
    rest = question[head.end() :].strip().rstrip("?").strip()
    cut = BREAK.search(rest)
    if cut is None or cut.start() == 0 or not rest[: cut.start()].strip(" ,"):
        raise CannotAnswer(
            f"a share of which trips, meeting what? ('{head.group(0).strip()}' ...): ask as "
            "'what share of bike trips were shorter than 2 km?'"
        )
    base_q = f"how many {rest[: cut.start()].strip(' ,')}?"
    base, full = plan_count(base_q), plan_count(f"how many {rest}?")
    if base.action != "count" or full.action != "count":
        raise CannotAnswer("a share is a ratio of two counts of trips: ask 'how many ...' twice")
    b, a = base.key(), full.key()
    b.pop("action"), a.pop("action")
    if any(a.get(k) != v for k, v in b.items()):  # the base read otherwise in the full question
        raise CannotAnswer("which trips the share is of is unclear: ask 'how many ...' with and "
                           "without the condition")  # fmt: skip
    if not set(a) - set(b):
        raise CannotAnswer(f"a share of {rest[: cut.start()].strip()!r} meeting what? name the "
                           "condition ('... were shorter than 2 km')")  # fmt: skip
    plan = validate_plan({**a, "action": "share", "share_of": sorted(b)})
    plan._strict = full._strict
    return plan
