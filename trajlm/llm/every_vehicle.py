""" "Were all the vans out on Tuesday?": yes only where every one of them has a trip (set 33, ask33; ask32b left it).

A yes / no question about "all (of) the X" is planned as "any X" (the kind's trips that day: work_words.py,
fleet_words.vehicle_group; every vehicle where X is no kind of the ids), and answered per vehicle: "yes: all 4
vans have trips" where each of them has one, "no: VAN-03 has no trip (3 of 4 vans have)" where one has none. The
trips are listed under it as for any yes / no question. ("Were any vans out" stays "yes" when one has a trip.)
"""

from __future__ import annotations

import re

from trajlm.llm.yes_no import YES_NO

# "were all the vans ...", "did all of the ferries ...", "were all our e-bikes ...", "did every van ..."; never
# about trips ("were all the bus trips longer than 5 km" asks of each trip, not of each vehicle: left as it was)
_TRIP_WORDS = (r"trips?|runs?|journeys?|rides?|voyages?|crossings?|rounds?|deliver(?:y|ies)|stays?|tracks?|flights?"
               r"|walks?|jobs?|tasks?|movements?|sessions?|tours?|shifts?|stops?|days?|times?")  # fmt: skip
_EVERY = r"(?:all\s+(?:of\s+)?(?:the\s+|our\s+|my\s+)?|every\s+|each\s+(?:of\s+(?:the|our|my)\s+)?)"
_ALL = re.compile(
    YES_NO.pattern + _EVERY + r"(?=[a-z])"
    rf"(?!(?:[\w\-']+\s+){{0,2}}(?:{_TRIP_WORDS})\b)",
    re.I,
)


def is_every(question: str) -> bool:
    """Whether ``question`` asks yes / no about every one of a group ("were all the vans out")."""
    return _ALL.match(question) is not None


def as_any(question: str) -> str:
    """ "were all the vans out on Tuesday" -> "were any vans out on Tuesday" (planned as the kind's trips)."""
    m = _ALL.match(question)
    return question if m is None else question[: m.start()] + _any(m) + question[m.end() :]


def _any(m: re.Match) -> str:
    return re.sub(_EVERY + "$", "any ", m.group(0), flags=re.I)


def every_head(missing: list[str], expected: int, n_trips: int) -> str:
    """The first line of the answer: yes where none of the ``expected`` vehicles is ``missing``."""
    if not missing:
        return (
            f"yes: all {expected} vehicles have trips ({n_trips} trip{'s' if n_trips != 1 else ''})"
        )
    had = expected - len(missing)
    names = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return f"no: {names} {'has' if len(missing) == 1 else 'have'} no trip ({had} of {expected} vehicles have)"
