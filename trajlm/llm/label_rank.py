"""Which label (mode, type) has the most or the longest (session 25, ask25): "which mode has the longest average trip
duration", "which transport mode has the most trips", "which equipment type drove the most km in total", "what kind
of trip is the fastest on average".

The rest of the question is planned as one number (a count, a total, a mean or a median) and grouped by the data's
labels (``group="mode"`` with every label in ``modes``, the table of session 22's "X faster than Y" with all of
them); the answer names the label at the top (``ascending``: the bottom) and the next. Before, "which mode ..." was
refused as an answer per group. A superlative of one trip ("which mode had the longest trip") is refused: of one
trip or of them all?
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import replan

_GROUP = (
    r"(?:(?:transport(?:ation)?|travel)\s+)?(?:mode|modes|label|type|kind|category|class|means)"
    r"(?:\s+of\s+(?:transport(?:ation)?|travel|trip|vehicle|equipment))?"
)
_HEAD = re.compile(
    rf"^\s*(?:(?:which|what)\s+{_GROUP}|(?:which|what)\s+(?:kind|type)\s+of\s+(?:trips?|vehicles?))\s+"
    r"(?:(?:has|had|have|is|was|were|gives|gave|shows|showed|with|made|makes|did|does|drove|covered|took)\s+)?"
    r"(?:the\s+)?(?P<sup>most|fewest|least|longest|shortest|highest|lowest|fastest|slowest|greatest|largest|smallest)\b"
    r"(?P<rest>.*)$",
    re.I,
)
_MEASURE = (
    r"\b(?:km|kms|kilomet\w*|miles?|distance|length|hours?|minutes?|time|duration|speed|pace)\b"
)
_AVERAGED = r"\b(?:average|mean|avg|median|typical|on\s+average)\b"
_TRIPS = r"\b(?:trips?|journeys?|rides?|runs?|voyages?|tours?)\b"


def plan_label_rank(
    question: str, plan_one: Callable[[str], QueryPlan], labels: Sequence[str]
) -> QueryPlan | None:
    """The plan of "which mode has the longest average duration", or None when the question does not ask one."""
    m = _HEAD.match(question.strip().rstrip("?").strip())
    if m is None or len(labels) < 2:
        return None
    word, rest = m.group("sup").lower(), m.group("rest").strip()
    ascending = word in ("fewest", "least", "shortest", "lowest", "slowest", "smallest")
    averaged = re.search(_AVERAGED, rest, re.I) is not None
    if word in ("fastest", "slowest"):
        rest = f"{'' if averaged else 'average '}speed of {rest}"
    elif word in ("longest", "shortest") and not averaged:
        raise CannotAnswer(f"'which mode ... the {word}': of one trip or on average? ask 'which mode has the {word} "
                           "average trip duration' or 'which trip was the longest'")  # fmt: skip
    elif word in ("longest", "shortest") and not re.search(_MEASURE, rest, re.I):
        rest = f"{rest} duration"  # "the longest trips on average": their duration
    elif not averaged and not re.search(_MEASURE, rest, re.I):
        rest = f"how many {rest}" if re.search(_TRIPS, rest, re.I) else f"how many trips {rest}"
    elif not averaged:
        rest = f"total {rest}"
    plan = plan_one(" ".join(rest.split()) + "?")
    if (
        plan.action not in ("count", "sum", "mean", "median")
        or plan.group is not None
        or plan.per is not None
    ):
        raise CannotAnswer("per label, trips are counted and a measure added up or averaged: ask e.g. 'which mode "
                           "has the most trips' or 'which mode has the longest average duration'")  # fmt: skip
    if plan.mode is not None or plan.modes is not None:
        return None  # a label is named in the rest: not a ranking of all of them
    return replan(plan, group="mode", modes=sorted(labels), ascending=ascending)
