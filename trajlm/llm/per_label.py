"""A number per label asked "per route", "for each route", "by mode" (set 37, ask37): "what was the average trip
duration per route, in minutes" on school buses labelled by route North / South / East is the mean of each label's
trips, one row a label (``group="mode"`` with every label: the table of "which mode has the longest average
duration", label_rank.py). Before, "per route" was left unread: the mean of every trip (43.1 min, silent).

"route" / "line" / "service" name the labels only where no label is a transport mode (GeoLife's walk / bus: a
route there is no label); "mode", "label", "type", "kind", "category", "status" name them on any data with two
labels or more.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from trajlm.llm.one_fleet import labels_are_modes
from trajlm.llm.plan import QueryPlan
from trajlm.llm.replan import replan

_EACH = r"(?:per|for\s+each|for\s+every|by|on\s+each|of\s+each|in\s+each)"
_ANY_DATA = r"(?:transport\s+)?(?:modes?|labels?|types?|kinds?|categor(?:y|ies)|status(?:es)?)"
_ROUTES = r"(?:routes?|lines?|services?)"


def plan_per_label(
    question: str, plan_one: Callable[[str], QueryPlan], labels: Sequence[str]
) -> QueryPlan | None:
    """The plan of a count / total / mean / median "per route" (per label), or None when not asked so."""
    if len(labels) < 2:
        return None
    nouns = _ANY_DATA if labels_are_modes(labels) else f"(?:{_ANY_DATA}|{_ROUTES})"
    m = re.search(rf",?\s*\b{_EACH}\s+(?:the\s+)?{nouns}\b(?![\w\-])", question, re.I)
    if m is None:
        return None
    plan = plan_one(question[: m.start()] + question[m.end() :])
    if (
        plan.action not in ("count", "sum", "mean", "median")
        or plan.group is not None
        or plan.per is not None
        or plan.mode is not None
        or plan.modes is not None
    ):
        return None
    return replan(plan, group="mode", modes=sorted(labels))


__all__ = ["plan_per_label"]
