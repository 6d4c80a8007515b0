"""'Which ships anchored for longer than 6 hours?' (set 34, ask34): a "which <movers> ..." question with no
superlative ("the most", "the longest", "first") asks for the movers that have a trip matching the rest, all of
them, not one: it is planned as the list of those trips ("list ship trips that anchored for longer than 6 hours")
and answered with the vehicles those trips belong to (`Asker.run`: "6 of 8 vehicles: ATLANTIC DAWN, ...").
Before, it was refused ("answers per group ('which ships') are not supported"). "Which ship sailed the most
nautical miles" is still the ranking (vehicles.py)."""

from __future__ import annotations

import re

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


def is_which_movers(question: str) -> bool:
    """Whether ``question`` asks which movers have a trip that matches, with no superlative."""
    m = _WHICH.match(question)
    if m is None:
        return False
    rest = question[m.end() :]
    # "which van is VAN-03", "which vehicles are there": not a filter on trips
    if _SUPERLATIVE.search(rest) or re.match(
        r"(?:is|are|was|were)\s+(?:there|it|they)\b", rest, re.I
    ):
        return False
    # "which vans did not stop" (any run, or never?) and "which ships sailed more than 50 nm" (a voyage, or in
    # total?) read two ways: left to the refusal; a stop's length is one stop's ("anchored for longer than 6 h")
    if _NOT.search(rest):
        return False
    return not _AMOUNT.search(rest) or bool(_STOP.search(rest))


def which_movers(question: str) -> str:
    """ "which ships anchored for longer than 6 hours" -> "list ship trips that anchored for longer than 6 hours"
    (the list whose vehicles `Asker.run` names); other questions unchanged."""
    if not is_which_movers(question):
        return question
    m = _WHICH.match(question)
    word = m.group(1).lower()
    one = _SINGULAR.get(word, word[:-1] if word.endswith("s") and word not in ("bus",) else word)
    kind = "" if one == "vehicle" else f"{one} "
    return f"list {kind}trips that {question[m.end() :]}"
