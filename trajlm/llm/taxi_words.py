"""A taxi feed's words for its two states (set 36, ask36): where the labels are a taxi's meter states, one for a
fare ("hired", "occupied", "engaged", "busy") and one for none ("vacant", "free", "empty", "available"), a
regulator's words are read against them:

- "empty", "cruising empty", "cruise empty", "without a fare / passenger", "unoccupied" are the free state's trips:
  "how far did the taxis cruise empty on Tuesday" is the km of the vacant trips that day (was "did not understand
  'cruise empty'"); "empty cruising" the same;
- "with a fare / passenger", "carrying a fare" the hired state's.

Elsewhere (labels that are no meter states) nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_FREE = r"vacant|free|empty|available|unoccupied|for\s+hire"
_HIRED = r"hired|occupied|engaged|busy|paid|on\s+fare"


def taxi_words(question: str, labels: Sequence[str]) -> str:
    """The question with a taxi regulator's words for the meter states written as the labels (see the module)."""
    kinds = [lab for lab in labels if lab.strip()]
    free = [lab for lab in kinds if re.fullmatch(_FREE, lab)]
    hired = [lab for lab in kinds if re.fullmatch(_HIRED, lab)]
    if len(free) != 1 or len(hired) != 1 or len(kinds) != 2:
        return question
    free_said, hired_said = f"labelled {free[0]}", f"labelled {hired[0]}"
    # "cruise empty": the verb is driving, the word the state
    question = re.sub(r"\bcruis(?:e|es|ed|ing)\s+(?:around\s+)?(?:empty|vacant|without\s+(?:a\s+)?(?:fares?|passengers?))\b",
                      f"drive {free_said}", question, flags=re.I)  # fmt: skip
    question = re.sub(r"\b(?:empty|vacant)\s+cruising\b", free_said, question, flags=re.I)
    question = re.sub(r"\b(?:without|with\s+no)\s+(?:a\s+)?(?:fares?|passengers?)\b|\b(?:empty|unoccupied)\b(?!\s+trips?\b)",
                      free_said, question, flags=re.I)  # fmt: skip
    question = re.sub(
        r"\b(?:empty|unoccupied)\s+(trips?)\b", rf"\1 {free_said}", question, flags=re.I
    )
    return re.sub(
        r"\b(?:with|carrying)\s+(?:a\s+)?(?:fares?|passengers?)\b", hired_said, question, flags=re.I
    )


__all__ = ["taxi_words"]
