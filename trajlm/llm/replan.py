"""One question read as another (session 24, tidy24): many planners (days.py, departures.py,
inside.py, peaks.py, tables.py, vehicles.py) plan a rewritten question as a count of trips, check
it is a plain count, and turn it into their own action. ``replan`` is that last step: the plan's
own keys with the new ones on top, validated, its strict bounds (``_strict``) carried over.
"""

from __future__ import annotations

from typing import Any

from trajlm.llm.plan import QueryPlan, validate_plan


def is_plain_count(plan: QueryPlan) -> bool:
    """A count of trips, not grouped (``group``) nor per anything (``per``)."""
    return plan.action == "count" and plan.group is None and plan.per is None


def replan(plan: QueryPlan, **update: Any) -> QueryPlan:
    """``plan`` with ``update`` on top (``CannotAnswer`` when that is not a valid plan), keeping
    which of its bounds are strict."""
    out = validate_plan({**plan.key(), **update})
    out._strict = plan._strict
    out._one_stop_too = (
        plan._one_stop_too
    )  # "was stopped the longest": the one stop said too (ask37b)
    out._sunday_weeks = plan._sunday_weeks  # weeks from Sunday (ask39)
    # the clock the Asker read the plan in (ask40: "which bus covered more km on Tuesday, BUS-01 or BUS-03" and "the
    # second most km on Tuesday" were replanned after it was set, and read Tuesday in UTC on a Lagos store)
    out._zone = plan._zone
    return out
