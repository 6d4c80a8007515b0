"""Yes / no questions answered "yes" / "no" with the trips that make it so (set 32, ask32; leftover31).

"Was VAN-07 out on Monday?", "Did Marc ride on Wednesday?", "Did T1 mow?" plan as the list of the trips they name
(work_words.py, planner rules); the answer was that list alone ("0 trips" and an empty table). Now its first line
says "yes: 3 trips" or "no: no trips match", the trips listed under it as before. Where no trip matches and the
day asked is one the data has no trip on at all (of any vehicle), a note says so: "no" there means "not in this
data", not "stayed in".
"""

from __future__ import annotations

import re

# a question that asks yes or no: it opens with an auxiliary verb ("was", "did", "has", ...)
YES_NO = re.compile(
    # "did I make any trips" is one (a phone's owner asking; set 36); "do I ..." / "do you ..." ask how
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:(?:was|were|did|does|is|are|has|have|had)\s+(?!you\b)|do\s+(?!you\b|i\b))",
    re.I,
)


def is_yes_no(question: str) -> bool:
    """Whether ``question`` asks yes or no (opens with an auxiliary verb)."""
    return YES_NO.match(question) is not None


def head(n: int) -> str:
    """The first line of a yes / no answer over ``n`` matching trips."""
    if n == 0:
        return "no: no trips match"
    return f"yes: {n} trip" + ("s" if n != 1 else "")


__all__ = ["YES_NO", "head", "is_yes_no"]
