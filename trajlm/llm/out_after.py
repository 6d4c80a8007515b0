"""Out past an hour (session 36, ask36; ask35's leftover): "were any buses out after 21:00 on Friday?",
"was VAN-07 still on the road after 6 pm on Monday?".

A mover out after 21:00 is one whose trip was still running then, whenever it began: the question is read as
"did any bus trips end after 21:00 on Friday" (the plan's ``at_end``: hours and days at the trip's end; the plan
line says "hours of the trip's end"). Before, "... on Friday after 21:00" read the trips' *starts* and said "no"
while a bus ran until 21:40 (a silent wrong), and "... after 21:00 on Friday" was "did not understand 'out'".
A trip that ends after midnight is read on its end's day (the plan line says so).
"""

from __future__ import annotations

import re

_OUT = r"(?:still\s+)?(?:out|on\s+the\s+road|running|operating|in\s+service|at\s+sea|on\s+the\s+water|working)"
OUT_AFTER = re.compile(
    rf"^\s*(?:were|was)\s+(?P<who>.+?)\s+{_OUT}\s+(?P<rest>(?:on\s+\S+(?:\s+\d{{1,2}}\s+\w+)?\s+)?"
    r"(?:after|past|later\s+than)\s+\d.*)$",
    re.I,
)
_ANY = re.compile(r"(?:any|some)\s+(?P<noun>[a-z]+)$", re.I)
_ONE = {"buses": "bus", "bus": "bus", "ferries": "ferry", "lorries": "lorry", "taxis": "taxi"}


def out_after(question: str) -> str:
    """``question`` with "were any X out after HH (on D)" written as "did any X trips end after HH (on D)";
    any other question as it is."""
    m = OUT_AFTER.match(question)
    if m is None:
        return question
    who, rest = m.group("who"), m.group("rest")
    if re.match(
        r"(?:the|all|every|each)\b", who, re.I
    ):  # "were all the vans out ...": each van, not read here
        return question
    rest = re.sub(r"^(.*?)\b(?:past|later\s+than)\b", r"\1after", rest, count=1, flags=re.I)
    if k := _ANY.fullmatch(who):  # "any buses": bus trips ("vehicles": every trip)
        noun = k.group("noun").lower()
        noun = _ONE.get(
            noun, re.sub(r"(?<=[^s])s$", "", noun)
        )  # "any buses", "any bus", "any vans"
        kind = "" if noun in ("vehicle", "trip") else f"{noun} "
        return f"did any {kind}trips end {rest}"
    return f"did any trips of {who} end {rest}"  # "VAN-07", "bus 8104": its trips


__all__ = ["OUT_AFTER", "out_after"]
