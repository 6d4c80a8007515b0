"""Words for the data's own labels and vehicles that a crew says for short (set 27, ask27), read against the data:

- the head noun of a label of two words: "tug tasks" on a label ``pushback tug``, "the bowsers' movements" on
  ``fuel bowser`` (only where one label ends in that word);
- "<label>day": "on matchday" is the trips labelled ``match``;
- "on the road" / "in the field" where a label says it: a harvest crew's ``transport`` / ``harvest`` trips ("how many
  km did COMB-1 drive on the road"); on data with no such label "on the road" stays travelling (synonyms.py);
- "the semi", "the cart": the one vehicle whose id is that word and a number (``SEMI-4``, ``CART-7``); "the sweeper"
  is ``SWEEP-3`` (set 28: the word and "er");
- "flights", "flight time" (set 28: a drone firm's) are trips and their time where no label is a plane's;
- "did X work / run" (hours): its trips' time on the clock, as "travel"; "how far did the players run" is their
  distance, where the data have no running label.

Without data (no labels, no vehicles) nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# a label that names the road part of a working day, or the field part (a farm's, a council's, a builder's)
_ROAD = {
    "transport",
    "transit",
    "road",
    "roading",
    "travel",
    "transfer",
    "haul",
    "hauling",
    "highway",
}
_FIELD = {"harvest", "harvesting", "field", "fieldwork", "field work", "work", "working", "spraying", "seeding",
          "planting", "mowing", "baling", "tillage"}  # fmt: skip
_AIR_LABELS = re.compile(
    r"(?:air)?planes?|airplanes?|flights?|flying|aircraft|air|aviation|fly", re.I
)
_RUN_LABELS = re.compile(r"runs?|running|jog\w*|race|racing")


def _plural(word: str) -> str:
    return rf"{re.escape(word)}(?:s|es)?'?"


def fleet_words(question: str, labels: Sequence[str], vehicles: dict[str, str]) -> str:
    """The question with the data's short words for its labels and vehicles written out (see the module's doc)."""
    for lab in labels:
        parts = lab.split()
        heads = [x for x in labels if x.split()[-1] == parts[-1]]
        if len(parts) == 2 and len(heads) == 1 and parts[0] != parts[1]:  # "tug" of "pushback tug"
            question = re.sub(
                rf"(?<![\w\-/.'])(?<!{re.escape(parts[0])} )(?={_plural(parts[-1])}(?![\w\-/]))",
                f"{parts[0]} ",
                question,
                flags=re.I,
            )
        if re.fullmatch(r"[a-z]{3,}", lab):  # "on matchday", "on race day": the label's trips
            question = re.sub(rf"\b(?:on\s+)?(?:the\s+)?{re.escape(lab)}[\s-]?days?\b", f"on {lab}", question,
                              flags=re.I)  # fmt: skip
    road = [x for x in labels if x in _ROAD]
    field = [x for x in labels if x in _FIELD]
    if len(road) == 1:
        question = re.sub(
            r"\b(?:on|by)\s+(?:the\s+)?roads?\b", f"labelled {road[0]}", question, flags=re.I
        )
    if len(field) == 1:
        question = re.sub(
            r"\b(?:in|on)\s+the\s+fields?\b", f"labelled {field[0]}", question, flags=re.I
        )
    kinds: dict[str, list[str]] = {}
    for low, said in vehicles.items():
        if m := re.fullmatch(r"([a-z]{3,})[-_ ]?\d+", low):
            kinds.setdefault(m.group(1), []).append(said)
    for word, ids in kinds.items():
        if len(ids) == 1:  # "the semi": SEMI-4, the data's one semi
            question = re.sub(
                rf"\bthe\s+(?:street\s+|road\s+|grain\s+)?{re.escape(word)}(?:er)?\b(?![\w\-])"
                r"(?:\s+(?:cat|machine|unit|truck|lorry|tractor|vehicle|van|boat|bus|robot)\b(?![\w\-]))?",  # "the winch cat" (set 29)
                ids[0],
                question,
                flags=re.I,
            )
    if not any(_AIR_LABELS.fullmatch(x) for x in labels) and (labels or vehicles):
        # a drone firm's "flights" and "flight time" (set 28): its trips and their time, where no label is a plane's
        # (GeoLife's "how many flights" is its airplane trips: modes.py)
        question = re.sub(
            r"\b(hours|minutes)\s+of\s+(?:flight|flying)\s+time\b", r"\1", question, flags=re.I
        )
        question = re.sub(
            r"\b(?:total\s+)?(?:flight|flying)\s+time\b", "total time", question, flags=re.I
        )
        question = re.sub(r"\bflights\b(?![\w\-])", "trips", question, flags=re.I)
        question = re.sub(r"\bflight\b(?![\w\-])", "trip", question, flags=re.I)
    if not any(_RUN_LABELS.fullmatch(x) for x in labels) and (labels or vehicles):
        # "how many hours did COMB-2 work", "how far did the players run": the verb, not a runner's label
        question = re.sub(r"\b(did\s+(?:the\s+)?\S+(?:\s+\S+)?\s+)(?:work|run)(?![\w\-])", r"\1travel", question,
                          flags=re.I)  # fmt: skip
        # "how many hours was COMB-2 working": on the clock, as "on the road" is (synonyms.py)
        question = re.sub(r"\b((?:was|were)\s+(?:the\s+)?\S+(?:\s+\S+)?\s+)(?:working|running)(?![\w\-])",
                          r"\1travelling", question, flags=re.I)  # fmt: skip
    return question
