"""'Which ships anchored for longer than 6 hours?' (set 34, ask34): a "which <movers> ..." question with no
superlative ("the most", "the longest", "first") asks for the movers that have a trip matching the rest, all of
them, not one: it is planned as the list of those trips ("list ship trips that anchored for longer than 6 hours")
and answered with the vehicles those trips belong to (`Asker.run`: "6 of 8 vehicles: ATLANTIC DAWN, ...").
Before, it was refused ("answers per group ('which ships') are not supported"). "Which ship sailed the most
nautical miles" is still the ranking (vehicles.py).

Set 35 (ask35) reads the two-way questions where the asker says which way: "which vans never stopped" (no run of
the van stopped), "which vans had a run that did not stop" (one run is enough), "which ships sailed more than 62 nm
on a single voyage" (one voyage over the amount) and "which ships sailed more than 320 nm in total" (the ship's
voyages added up). Said neither way ("which vans did not stop?", "which ships sailed more than 60 nm?") they are
refused in one line that names both readings (was "answers per group ('which ships') are not supported")."""

from __future__ import annotations

import re
from typing import Literal

from trajlm.llm.phrases import LENGTH_UNITS, TIME_UNITS
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.trip_words import TRIP_NOUN, TRIP_NOUNS

_MOVERS = (r"vehicles?|ships?|vessels?|boats?|vans?|trucks?|lorry|lorries|bikes?|bicycles?|cars?|taxis?|buses"
           r"|ferry|ferries|units?|animals?|birds?")  # fmt: skip
_SUPERLATIVE = re.compile(
    r"\b(?:most|least|fewest|longest|shortest|furthest|farthest|fastest|slowest|highest|lowest|top|best|worst"
    r"|first|last|earliest|latest|biggest|greatest|smallest|quickest|busiest|largest|than\s+[A-Za-z]\w*-?\d)\b",
    re.I,
)
_WHICH = re.compile(rf"^\s*(?:which|what)\s+(?:of\s+the\s+)?({_MOVERS})\s+(?=\w)", re.I)
_NOT = re.compile(r"\b(?:not|never|no|without)\b|n't\b", re.I)
_AMOUNT = re.compile(
    r"\d\s*(?:km|kilomet\w*|mi|miles?|nm|nautical|m|metres?|meters?|hours?|h|hrs|minutes?|mins?)\b",
    re.I,
)
_STOP = re.compile(
    r"\b(?:stop\w*|anchor\w*|moor\w*|wait\w*|idl\w*|paus\w*|park\w*|dwell\w*|at\s+berth)\b", re.I
)
_SINGULAR = {"lorries": "lorry", "ferries": "ferry", "buses": "bus"}


_TRIP_NOUN = f"(?:{TRIP_NOUNS}|{TRIP_NOUN}|routes?)"  # llm/trip_words.py; a van's "route" too
# "had a run that did not stop", "with a voyage that ...": one trip is enough
_ANY_TRIP = re.compile(rf"^(?:had|have|has|made|did|with)\s+(?:a|an|one|any|at\s+least\s+one)\s+(?:single\s+)?"
                       rf"{_TRIP_NOUN}\s+(?:that|which|where|in\s+which)?\s*", re.I)  # fmt: skip
_ONE_TRIP = re.compile(rf"\s*\b(?:on|in|during|over)\s+(?:a\s+single|one|a|any|any\s+one|a\s+given|one\s+single)"
                       rf"\s+{_TRIP_NOUN}\b", re.I)  # fmt: skip
_TOTAL = re.compile(r"\s*\b(?:in\s+total|altogether|overall|combined|in\s+all|all\s+together|between\s+them"
                    r"|all\s+told|(?:in|over|across)\s+(?:the\s+)?(?:whole|entire)\s+(?:data|period|week|month))\b",
                    re.I)  # fmt: skip
_NEVER = re.compile(r"\bnever\s+(?:once\s+)?(\w+)", re.I)
_THRESHOLD = re.compile(
    r"\b(more|over|above|longer|further|farther|at\s+least|less|fewer|under|below|shorter|at\s+most)"
    r"(?:\s+than)?\s+(\d+(?:\.\d+)?)\s*(km|kilomet\w*|mi|miles?|nm|nautical\s+miles?|m|metres?|meters?"
    r"|hours?|h|hrs|minutes?|mins?)\b",
    re.I,
)
# "which vans were not out on Monday", "had no trips on Sunday", "did not go out": the movers with no trip the rest
# names (one reading: absent), unlike "did not stop" (a trip's condition, two readings)
_ABSENT = re.compile(
    rf"^(?:(?:were|was)\s+(?:not|n't|never)\s+(?:out|used|working|on\s+the\s+(?:road|water))"
    rf"|(?:did\s+not|didn't|never)\s+(?:go|went|get|got)\s+(?:out|used)|(?:had|made|did)\s+no\s+(?:{_TRIP_NOUN}))\b\s*",
    re.I,
)
Reading = Literal["any", "every", "total", "none"]


def _verb(word: str) -> str:
    """ "stopped" -> "stop", "anchored" -> "anchor", "moved" -> "move": the verb after "did not"."""
    low = word.lower()
    irregular = {"had": "have", "has": "have", "made": "make", "went": "go", "took": "take", "ran": "run",
                 "did": "do", "got": "get", "came": "come", "left": "leave", "drove": "drive", "rode": "ride"}  # fmt: skip
    if low in irregular:
        return irregular[low]
    if re.search(r"([^aeiou])\1ed$", low):
        return low[:-3]
    if re.search(r"(?:ov|at|iz|yc|ak|ar|in)ed$", low):
        return low[:-1]
    return low[:-2] if low.endswith("ed") else low


def _asked(question: str) -> tuple[re.Match, str] | None:
    """(the "which <movers>" match, the rest of the question), None where the question is no
    such filter on trips: no "which <movers>", a superlative, or "which van is VAN-03" /
    "which vehicles are there"."""
    m = _WHICH.match(question)
    if m is None:
        return None
    rest = question[m.end() :]
    if _SUPERLATIVE.search(rest) or re.match(
        r"(?:is|are|was|were)\s+(?:there|it|they)\b", rest, re.I
    ):
        return None
    return m, rest


def reading(question: str) -> tuple[Reading, str] | None:
    """How a "which <movers> ..." question reads its trips, and the rest to plan as a list of trips: "any" (a mover
    with one matching trip), "every" (a mover all of whose trips match: "never stopped" is every run "did not
    stop"), "total" (the movers' matching trips added up: "in total"), "none" (a mover with no matching trip: "were
    not out on Monday"); None where no "which <movers>" question.
    Raises CannotAnswer where it reads two ways and says neither."""
    if (asked := _asked(question)) is None:
        return None
    m, rest = asked
    if n := _ANY_TRIP.match(rest):
        return "any", rest[n.end() :]
    if n := _ABSENT.match(rest):
        return "none", rest[n.end() :]
    # "never had / made a stop", "never took any breaks": never stopped
    rest = re.sub(r"\bnever\s+(?:had|made|took|make|have|take)\s+(?:a|any|one)\s+(?:stops?|pauses?|breaks?)\b",
                  "never stopped", rest, flags=re.I)  # fmt: skip
    if n := _NEVER.search(rest):
        return "every", rest[: n.start()] + f"did not {_verb(n.group(1))}" + rest[n.end() :]
    amount = _AMOUNT.search(rest) and not _STOP.search(rest)
    if amount and _ONE_TRIP.search(rest):
        return "any", _ONE_TRIP.sub("", rest)
    if amount and _TOTAL.search(rest) and _THRESHOLD.search(rest):
        return "total", _THRESHOLD.sub("", _TOTAL.sub("", rest))
    said = question.strip().rstrip("?")
    if _NOT.search(rest):
        raise CannotAnswer(f"{said!r} reads two ways: ask 'which {m.group(1)} never ...' (none of their trips) or "
                           f"'which {m.group(1)} had a trip that did not ...' (one trip is enough)")  # fmt: skip
    if amount:
        raise CannotAnswer(f"{said!r} reads two ways: say 'in total' (their trips added up) or 'on a single trip' "
                           "(one trip over the amount)")  # fmt: skip
    return "any", rest


def total_threshold(question: str) -> tuple[str, str, float] | None:
    """("length_m" / "duration_s", "more" / "less", the amount in metres / seconds) of "... more than 320 nm in
    total"; None where the question says no such amount."""
    m = _THRESHOLD.search(question)
    if m is None:
        return None
    unit = " ".join(m.group(3).lower().split())  # "nautical  miles": one space
    if unit in LENGTH_UNITS:  # llm/phrases.py's tables, as every other amount is read
        col, scale = "length_m", LENGTH_UNITS[unit]
    elif unit in TIME_UNITS:
        col, scale = "duration_s", TIME_UNITS[unit]
    else:
        return None
    word = m.group(1).lower()
    more = not re.match(r"less|fewer|under|below|shorter|at\s+most", word)
    return col, "more" if more else "less", float(m.group(2)) * scale


def is_which_movers(question: str) -> bool:
    """Whether ``question`` asks which movers have a trip that matches, with no superlative."""
    if (asked := _asked(question)) is None:
        return False
    rest = asked[1]
    # "which vans did not stop" (any run, or never?) and "which ships sailed more than 50 nm" (a voyage, or in
    # total?) read two ways: left to the refusal; a stop's length is one stop's ("anchored for longer than 6 h")
    if _ANY_TRIP.match(rest) or _ABSENT.match(rest) or _NEVER.search(rest):
        return True  # said which way (set 35)
    if _AMOUNT.search(rest) and (
        _ONE_TRIP.search(rest) or (_TOTAL.search(rest) and _THRESHOLD.search(rest))
    ):
        return True
    if _NOT.search(rest):
        return False
    return not _AMOUNT.search(rest) or bool(_STOP.search(rest))


def which_movers(question: str) -> str:
    """ "which ships anchored for longer than 6 hours" -> "list ship trips that anchored for longer than 6 hours"
    (the list whose vehicles `Asker.run` names); other questions unchanged."""
    read = reading(question)  # set 35: a two-way question said neither way is refused here
    if read is None or not is_which_movers(question):
        return question
    m = _WHICH.match(question)
    word = m.group(1).lower()
    one = _SINGULAR.get(word, word[:-1] if word.endswith("s") and word not in ("bus",) else word)
    kind = "" if one == "vehicle" else f"{one} "
    return f"list {kind}trips that {read[1].strip()}"
