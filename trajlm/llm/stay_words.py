"""A phone study's stays beside its trips (set 33, ask33).

A study app exports its segments as moves (walk, bike, bus, ...) and stays (at home, at work), each a trajectory
with its label: there a "trip" is a move, and a stay is no trip. Where the data's labels hold a stay's label
("stay", "stationary", "still", "visit") beside others:

- a question about "trips" / "journeys" / "moves" that names no label is about the moves: the plan's ``modes`` are
  every other label ("how many trips did P02 make on Tuesday" counted the stays between them: 4 for 2; "the
  average trip length per participant" averaged the stays' jitter in);
- "the longest / shortest stay(s)" is by duration ("the top 3 longest stays" ranked the stays' jittered length).

Other data (no stay label, or only stays) is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trajlm.llm.plan import QueryPlan
from trajlm.llm.replan import replan

STAY_LABELS = ("stay", "stays", "stationary", "still", "visit", "place visit")
_TRIPS = re.compile(r"\b(?:trips?|journeys?|moves?)\b", re.I)
_LONGEST = re.compile(r"\b(?:longest|shortest)\b", re.I)
_DISTANCE = re.compile(
    r"\b(?:km|kilomet\w+|miles?|mi|metres?|meters?|m|far|distance|length)\b", re.I
)


def stay_plan(question: str, plan: QueryPlan, labels: Sequence[str]) -> QueryPlan:
    """``plan`` with a study's stays told apart from its trips (the module's rules)."""
    stays = [lab for lab in labels if lab.lower() in STAY_LABELS]
    moves = [lab for lab in labels if lab.lower() not in STAY_LABELS]
    if not stays or not moves:
        return plan
    if plan.mode in stays:
        if (
            plan.metric == "length_m"
            and _LONGEST.search(question)
            and not _DISTANCE.search(question)
        ):
            return replan(plan, metric="duration_s")
        return plan
    if plan.mode is None and plan.modes is None and plan.trip is None and _TRIPS.search(question):
        return replan(plan, modes=sorted(moves))
    return plan
