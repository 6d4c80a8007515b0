"""A negation over movers (ask40; docs/llm.md "Session 40 (ask40)"): "which buses did not go out at all on Friday
18th September", "which of the tractors never went out on the road", "which vans were never driven after 8 pm" ask
for the movers without a trip that meets the rest of the question. They are read as "were all the buses out on
Friday 18th September" (every_vehicle.py: each mover checked), and answered with the movers that have none, named
first. Before, set 40 N5, F4 and C1 were refused. Only going out / being driven / travelling is negated: "which
vans never stopped" asks of the trips' stops, not of the movers' trips, and is left to the other readers, as is a
measure's bound after the negation ("never driven faster than 50 km/h": the trip's mean speed or its fastest
moment?).
"""

from __future__ import annotations

import re

from trajlm.llm.answer import Answer

_OUT = (
    r"(?:did\s+not|didn't|never|have\s+not|haven't|has\s+not|hasn't)\s+(?:go|gone|went|been|come|came)\s+out"
    r"|(?:were|was)\s+(?:never|not)\s+(?:out|driven|used|flown|run|operated|taken\s+out)"
    r"|(?:weren't|wasn't)\s+(?:out|driven|used|flown|run|operated|taken\s+out)"
    r"|(?:did\s+not|didn't)\s+(?:drive|run|fly|work|travel|operate|move)"
    r"|never\s+(?:drove|ran|flew|worked|travell?ed|traveled|operated|moved)"
)
_WHICH_NOT = re.compile(
    rf"^\s*which\s+(?:of\s+(?:the|our|my)\s+)?(?P<who>[a-z][\w-]*)\s+(?:{_OUT})(?:\s+at\s+all)?(?P<rest>\s.*|[?.!]*)$",
    re.I,
)


# a measure's bound after the negation ("never driven faster than 50 km/h": the trip's mean or its fastest moment?)
_MEASURE = re.compile(
    r"\b(?:faster|slower|quicker|longer|shorter|further|farther|more|less|fewer|over|above|below|under|at\s+least|"
    r"at\s+most)\b|\d\s*(?:km|mi|m|nm|h|hrs?|min|mins|minutes|hours|mph|kn|knots)\b",
    re.I,
)


def which_not(question: str) -> str | None:
    """ "which buses did not go out on Friday" -> "were all the buses out on Friday"; None for other questions."""
    m = _WHICH_NOT.match(question)
    if m is None or _MEASURE.search(m.group("rest")):
        return None
    return f"were all the {m.group('who')} out{m.group('rest')}"


def name_missing(answer: Answer) -> None:
    """The answer's first line and value: the movers without such a trip (``answer.every``), named first; "none:
    ..." where every one had one. The value is their ids, as which_movers.py's "which vans were not out" gives."""
    missing, expected = answer.every
    n = answer.n_total or 0
    answer.value = missing
    if not missing:
        answer.text = (
            f"none: all {expected} vehicles have such trips ({n} trip{'s' if n != 1 else ''})"
        )
    else:
        has = "has" if len(missing) == 1 else "have"
        answer.text = (
            f"{', '.join(missing)} ({len(missing)} of {expected} vehicles {has} no such trip)"
        )
