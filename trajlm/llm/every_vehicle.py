""" "Were all the vans out on Tuesday?": yes only where every one of them has a trip (set 33, ask33; ask32b left it).

A yes / no question about "all (of) the X" is planned as "any X" (the kind's trips that day: work_words.py,
fleet_words.vehicle_group; every vehicle where X is no kind of the ids), and answered per vehicle: "yes: all 4
vans have trips" where each of them has one, "no: VAN-03 has no trip (3 of 4 vans have)" where one has none. The
trips are listed under it as for any yes / no question. ("Were any vans out" stays "yes" when one has a trip.)

"Were all the crossings longer than 5 km?" asks of each trip: yes where every crossing is, "no: 3 of 186 trips do
not (V0012, ...)" where some are not (it was "yes" where any one was). Without a condition the trips meet or fail
(a length, a duration, a speed, a stop) it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trajlm.llm.trip_words import TRIP_NOUNS
from trajlm.llm.yes_no import YES_NO

# a trip's plural nouns ("did all the vans run" is a verb): "were all the crossings longer than 5 km?" asks of
# each trip (the trips that fail the condition named), not "any"
_TRIP_NOUNS = TRIP_NOUNS  # llm/trip_words.py (session 35: one list for three readers)
# "were all the vans ...", "did all of the ferries ...", "were all our e-bikes ...", "did every van ..."; never
# about trips ("were all the bus trips longer than 5 km" asks of each trip, not of each vehicle: left as it was):
# the trip nouns and the words of a vehicle's time out (plural: "did all the e-bikes ride")
_TRIP_WORDS = _TRIP_NOUNS + r"|shifts|stops|days|times"
_EVERY = r"(?:all\s+(?:of\s+)?(?:the\s+|our\s+|my\s+)?|every\s+|each\s+(?:of\s+(?:the|our|my)\s+)?)"
_HEAD = re.compile(YES_NO.pattern + _EVERY, re.I)
_ALL = re.compile(
    YES_NO.pattern + _EVERY + r"(?=[a-z])"
    rf"(?!(?:[\w\-']+\s+){{0,2}}(?:{_TRIP_WORDS})\b)",
    re.I,
)
_ALL_TRIPS = re.compile(
    YES_NO.pattern + _EVERY + rf"(?:[\w\-']+\s+){{0,2}}(?:{_TRIP_NOUNS})\b", re.I
)
# the plan's fields a trip meets or fails: "longer than 5 km", "faster than 20 km/h", "did not stop"
BOUNDS = ("min_speed_kmh", "max_speed_kmh", "min_duration_s", "max_duration_s", "min_length_m", "max_length_m",
          "min_stop_s", "max_stop_s")  # fmt: skip


def is_all_trips(question: str, labels: Sequence[str] = ()) -> bool:
    """Whether ``question`` asks yes / no of every one of some trips ("were all the crossings longer than 5 km";
    "all the charters" where charter is a label of the data)."""
    return _ALL_TRIPS.match(question) is not None or _label_after_all(question, labels)


def _label_after_all(question: str, labels: Sequence[str]) -> bool:
    """Whether the noun after "all the" is one of the data's labels ("all the charters": trips, not vehicles)."""
    m = _HEAD.match(question)
    if m is None or not labels:
        return False
    rest = question[m.end() :].lower()
    return any(re.match(rf"{re.escape(lab)}(?:s|es)?\b", rest) for lab in labels)


def all_trips_head(failing: list[str], total: int) -> str:
    """The first line of the answer: yes where none of the ``total`` trips asked about fails the condition."""
    if total == 0:
        return "no: no trips to check (none matches the rest of the question)"
    if not failing:
        return f"yes: all {total} trip{'s' if total != 1 else ''} do"
    names = ", ".join(failing[:5]) + (f" and {len(failing) - 5} more" if len(failing) > 5 else "")
    return f"no: {len(failing)} of {total} trips do not ({names})"


def is_every(question: str, labels: Sequence[str] = ()) -> bool:
    """Whether ``question`` asks yes / no about every one of a group of vehicles ("were all the vans out"); not
    about trips ("all the van runs", "all the charters" where charter is a label)."""
    return _ALL.match(question) is not None and not _label_after_all(question, labels)


def as_any(question: str, labels: Sequence[str] = ()) -> str:
    """ "were all the vans out on Tuesday" -> "were any vans out on Tuesday" (planned as the kind's trips)."""
    m = _ALL.match(question)
    if m is None or _label_after_all(question, labels):
        return question
    return question[: m.start()] + _any(m) + question[m.end() :]


def _any(m: re.Match) -> str:
    return re.sub(_EVERY + "$", "any ", m.group(0), flags=re.I)


def every_head(missing: list[str], expected: int, n_trips: int, bounded: bool = False) -> str:
    """The first line of the answer: yes where none of the ``expected`` vehicles is ``missing``; ``bounded``: the
    trips asked for meet a bound ("did every van stop": a trip that stopped), so "no such trip"."""
    such = " such" if bounded else ""
    if not missing:
        return f"yes: all {expected} vehicles have{such} trips ({n_trips} trip{'s' if n_trips != 1 else ''})"
    had = expected - len(missing)
    names = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return f"no: {names} {'has' if len(missing) == 1 else 'have'} no{such} trip ({had} of {expected} vehicles have)"
