"""Questions about the movers themselves (session 24, askday24; ask24's leftovers): "how many birds came within 1 km
of the wetland at 52.85, 13.50", "how many couriers were within 500 m of X on 3 November" (a count of the movers
with a trip meeting a place condition), and "top 3 vans by distance", "the 3 drivers who made the most trips",
"rank the couriers by km" (a ranking across movers, ``k`` of them, ties at the cut said).

Before, "how many vans came within 1 km of X" was refused ("only trips are counted": vans or their trips?) and
"top 3 vans by distance" listed the 3 longest *trips* (a wrong answer). A count of movers is read only where the rest
names a place (within / near / at / to / through a point or a named place) and the word is not one of the data's
labels ("how many vans" among van and bike trips stays refused: the van trips or the vans?); the trips that meet the
condition are chosen as "how many trips ..." would choose them, then their distinct vehicles counted (action
``vehicles``, as "how many participants came within 100 m of X" since session 20). A ranking is "which <mover> had
the most <measure>" (llm/vehicles.py) with ``k`` movers shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from trajlm.llm.phrases import SMALL_COUNTS
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan
from trajlm.llm.vehicles import GENERIC, LAND, is_grouped, not_a_label, plan_grouped

_SEA = r"ships|vessels|boats"
_NEAR = re.compile(
    r"^\s*how\s+many\s+(?:different\s+|distinct\s+|unique\s+|individual\s+)?(?P<kind>"
    + LAND
    + "|"
    + _SEA
    + r")\s+"
    r"(?P<rest>(?:came|come|went|go|got|get|passed|pass|flew|drove|sailed|travell?ed|were|was|have\s+been|had\s+been"
    r"|visited|visit|entered|reached|stopped|called|crossed)\b.*)$",
    re.I,
)
# the place condition the rest must name: a radius, "near", a point; else the old refusal stays
_PLACE = re.compile(r"\b(?:within|near|close\s+to|next\s+to|around|visited|entered|reached|through)\b"
                    r"|-?\d{1,3}\.\d+\s*,\s*-?\d{1,3}\.\d+", re.I)  # fmt: skip


def plan_movers_near(
    question: str, plan_one: Callable[[str], QueryPlan], labels: Sequence[str] = ()
) -> QueryPlan | None:
    """The plan of "how many <movers> came within R of X", or None when the question does not ask one."""
    m = _NEAR.match(question.strip().rstrip("?"))
    if m is None or not _PLACE.search(m.group("rest")) or not not_a_label(m.group("kind"), labels):
        return None
    plan = plan_one(f"how many trips {m.group('rest')}?")
    placed = plan.center() is not None or plan.bbox is not None or plan.start_at or plan.end_at
    if not is_plain_count(plan) or not placed:
        return None
    return replan(plan, action="vehicles")


_KIND = rf"(?P<kind>{GENERIC})"
_NUM = r"(?P<k>\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)"
_WORDS = SMALL_COUNTS
_LEAD = r"^\s*(?:(?:list|show|give|name|find|rank|what\s+are|who\s+are|which\s+are|which\s+were)\s+(?:me\s+)?)?(?:the\s+)?"
# "top 3 vans by distance", "bottom 2 drivers by trips", "rank the couriers by km"
_TOP_BY = re.compile(
    _LEAD
    + rf"(?:(?P<end>top|bottom)\s+{_NUM}\s+)?{_KIND}\s+(?:ranked\s+|sorted\s+|ordered\s+)?by\s+(?P<by>.+)$",
    re.I,
)
# "the 3 drivers who made the most trips", "3 vans that drove the most km"
_N_WHO = re.compile(_LEAD + rf"{_NUM}\s+{_KIND}\s+(?:who|that|which|with)\s+(?P<rest>.+)$", re.I)
_TRIPS = r"(?:(?:number|count)\s+of\s+)?(?:trips?|journeys?|rides?|voyages?|tours?|runs?|deliveries|flights?)"
# "what is the most km a taxi drove", "the fewest trips any driver made" (set 25): the top mover's value
A_MOVER = re.compile(
    r"^\s*(?:(?:what|which)(?:'s|\s+is|\s+was|\s+were)?\s+)?(?:the\s+)?(?P<sup>most|fewest|least|highest|lowest)\s+"
    rf"(?P<what>.+?)\s+(?:a|any|one|a\s+single|any\s+one)\s+{_KIND}\s+(?!{_TRIPS}\b)(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.I,
)


def plan_top_movers(
    question: str, plan_one: Callable[[str], QueryPlan], labels: Sequence[str] = ()
) -> QueryPlan | None:
    """The per-vehicle ranking of "top 3 vans by distance", or None when the question does not ask one."""
    q = question.strip().rstrip("?").strip()
    if m := _TOP_BY.match(q):
        if m.group("end") is None and not re.match(r"^\s*rank\b", q, re.I):
            return None  # "vans by distance": not a ranking said
        by = m.group("by").strip()
        least = (m.group("end") or "").lower() == "bottom"
        most = "least" if least else "most"
        if re.fullmatch(_TRIPS, by, re.I) or re.match(rf"{_TRIPS}\b", by, re.I):
            counted = re.sub(r"^(?:number|count)\s+of\s+", "", by, flags=re.I)
            rest = f"made the {'fewest' if least else 'most'} {counted}"
        elif re.search(r"\b(?:speed|pace|average|mean|median)\b", by, re.I):
            avg = "" if re.search(r"\b(?:average|mean|median)\b", by, re.I) else "average "
            rest = f"had the {'lowest' if least else 'highest'} {avg}{by}"
        else:
            rest = f"had the {most} {by}"
        k = m.group("k")
    elif m := _N_WHO.match(q):
        rest, k = m.group("rest"), m.group("k")
    elif m := A_MOVER.match(
        q
    ):  # "what is the most km a taxi drove": which taxi drove the most km, its value
        rest, k = f"{m.group('verb')} the {m.group('sup')} {m.group('what')}{m.group('rest')}", "1"
    else:
        return None
    kind = m.group("kind")
    if not is_grouped(f"which {kind} {rest}?", labels):
        return None  # "the highest speed recorded in a car trip": one trip's, not a mover's (the readers below)
    plan = plan_grouped(f"which {kind} {rest}?", plan_one, labels)
    n = None if k is None else int(_WORDS.get(k.lower(), k))
    if n is not None and n < 1:
        raise CannotAnswer("the top 0: ask for 1 or more")
    return replan(plan, k=n)
