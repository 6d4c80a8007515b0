"""The busiest (or quietest) hour, weekday or date: "which hour of the day had the most trips?", "the busiest day of
the week for bus trips", "peak hour of rideshare pickups" (session 16, set 14; sets 13 and 14 had them refused as
per-group questions). One number over the trips the rest of the question selects: the rest is read by the rule
planner as a "how many ..." question and must be a count; the answer is the hour / weekday / date with the most
(fewest) of those trips starting in it, in the data's zone, counting the hours, weekdays or dates with none.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import replan

_UNIT = r"(hour|day of (?:the )?week|weekday|day|date)(?:\s+of\s+(?:the\s+)?(?:day|week))?"
_MOST = r"(busiest|peak|most\s+popular|quietest|least\s+busy)"
PEAK_HEAD = re.compile(
    r"^\s*(?:(?:which|what)(?:'s|\s+is|\s+was|\s+were)?\s+(?:the\s+)?|the\s+)?"
    rf"(?:{_MOST}\s+{_UNIT}(?:\s+(?:for|of|among|in))?|{_UNIT}\s+(?:had|has|saw|sees|with|got)\s+the\s+(most|fewest|least)"
    r"(?:\s+number\s+of)?)(?:\s+|\s*\??\s*$)",
    re.I,
)
BY = {"hour": "hour", "weekday": "weekday", "day": "date", "date": "date"}


# "in which hour do most bus trips start?" (session 19): "which hour had the most bus trips"
DO_MOST = re.compile(
    rf"^\s*(?:(?:in|at|during|on)\s+)?(?:which|what)\s+{_UNIT}\s+(?:do|did|does)\s+(?:the\s+)?(most|fewest|least)\s+"
    r"(.+?)\s+(?:start|begin|depart|leave)\b(.*)$",
    re.I,
)


# "on which day were there the most occupied trips?" (session 20: refused as "which day" per group)
THERE_MOST = re.compile(
    rf"^\s*(?:(?:in|at|during|on)\s+)?(?:which|what)\s+{_UNIT}\s+(?:were|was|are|is)\s+there\s+(?:the\s+)?"
    r"(most|fewest|least)\s+(.+)$",
    re.I,
)


# "on which day of the week were the most rides taken?" (ask38b: refused as "which day" per group)
WERE_MOST = re.compile(
    rf"^\s*(?:(?:in|at|during|on)\s+)?(?:which|what)\s+{_UNIT}\s+(?:were|was)\s+(?:the\s+)?(most|fewest|least)\s+"
    r"(.+?)\s+(?:taken|made|done|completed|started|begun|run)\b(.*)$",
    re.I,
)


def _asked_as_do(question: str) -> str:
    if m := DO_MOST.match(question):
        return f"which {m.group(1)} had the {m.group(2)} {m.group(3)}{m.group(4)}"
    if m := THERE_MOST.match(question):
        return f"which {m.group(1)} had the {m.group(2)} {m.group(3)}"
    if m := WERE_MOST.match(question):
        return f"which {m.group(1)} had the {m.group(2)} {m.group(3)}{m.group(4)}"
    return question


def is_peak(question: str) -> bool:
    return PEAK_HEAD.search(_asked_as_do(question)) is not None


def plan_peak(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan:
    """The peak plan of a question ``is_peak`` accepted; ``plan_count`` plans "how many ..." questions."""
    question = _asked_as_do(question)
    m = PEAK_HEAD.search(question)
    word = (m.group(1) or m.group(4) or "").lower()
    unit = (m.group(2) or m.group(3)).lower()
    by = "weekday" if "week" in unit else BY[unit.split()[0]]
    rest = question[m.end() :].strip().rstrip("?").strip()
    if not re.match(
        r"(?:the\s+|all\s+)?\S*\s*(?:trips?|journeys?|rides?|runs?|tracks?|voyages?|pick-?ups?|departures?)\b",
        rest,
        re.I,
    ):
        rest = f"trips {rest}"  # "the busiest hour for bus trips", "peak hour on weekends"
    # "the most trip starts" (set 25), "pickups", "departures": the trips starting in it
    rest = re.sub(
        r"\b(?:(?:trip|journey|ride|run)\s+)?(?:pick-?ups?|departures?|starts)\b",
        "trips",
        rest,
        flags=re.I,
    )
    plan = plan_count(f"how many {rest}?")
    if plan.action != "count":
        raise CannotAnswer(
            "the busiest hour / day is a count of trips: ask 'which hour had the most trips ...'"
        )
    ascending = word in ("quietest", "least busy", "fewest", "least")
    return replan(plan, action="peak", by=by, ascending=ascending)
