"""Two refusals said plainly (status.md open item 4 after session 39; docs/llm.md "Session 40 (ask40)"):

- a kind of mover by its power ("the e-bikes", "the electric vans", "e-scooters") that neither a label nor the
  vehicles' ids say: refused naming the labels there are, never answered for every mover (set 39b C4 was refused
  as "did not understand 'e-'", a line that names nothing to ask instead). Read only where the rules refused, so a
  question the data's words answer ("the e-bikes" on set 33's EB-* beside VAN-* ids, set 38's "ebike" label) is
  untouched; a label that could say it ("electric", "ebike", "ev") keeps the rules' own line;
- an idiom for who rode with a mover ("riding shotgun", "riding pillion", "tagging along", "along for the ride",
  "in the passenger seat"): refused as an idiom not understood, saying so, and that who was with a mover is not in
  the trip table either (set 39b AR2 was refused as "did not understand 'shotgun'").
"""

from __future__ import annotations

import re

from trajlm.llm.data_words import DataWords
from trajlm.llm.plan import CannotAnswer

# a power word joined to a mover noun: "e-bikes", "ebike", "e-scooter", "electric vans", "battery-electric buses"
_POWERED = re.compile(
    r"(?<![\w-])(?:(?:battery[\s-])?electric\s+|e-?)(bikes?|bicycles?|scooters?|mopeds?|vans?|cars?|"
    r"trucks?|lorries|lorry|buses|bus|cargo[\s-]?bikes?|motorbikes?|motorcycles?|boats?)(?![\w-])",
    re.I,
)
# riding with a mover said as an idiom: a verb of riding / sitting / coming, then the idiom's words
_RIDE = r"(?:rid(?:e|es|ing)|rode|sat|sit(?:s|ting)?|c(?:a|o)me|com(?:es|ing)|went|go(?:es|ing)?)"
_RIDE_IDIOM = re.compile(
    rf"\b{_RIDE}\s+(?:shotgun|pillion|two[\s-]up|along\s+for\s+the\s+ride|along|up\s+front|"
    r"in\s+the\s+(?:passenger|front|jump)\s+seat|riding\s+shotgun)\b|\btagg(?:ing|ed)\s+along\b|\bshotgun\b",
    re.I,
)


def refuse_ride_idiom(question: str) -> None:
    """CannotAnswer, said plainly, where the question names who rode with a mover in an idiom."""
    if m := _RIDE_IDIOM.search(question):
        said = " ".join(m.group(0).split())
        raise CannotAnswer(f"{said!r} reads as an idiom (who rode along with a mover), and idioms are not "
                           "understood; who was with a mover is not in the trip table either (one position "
                           "track per mover): ask about the trips (how many, how far, how long)")  # fmt: skip


def _labelled(noun: str, words: DataWords) -> bool:
    """Whether one of the data's labels could say the powered kind ("ebike", "e-scooter", "electric", "ev")."""
    stem = re.sub(r"(?:es|s)$", "", noun.lower()).replace(" ", "").replace("-", "")
    flat = [lab.lower().replace("-", "").replace(" ", "") for lab in words.labels]
    return any("electric" in f or f.startswith(("e" + stem, "ev", "bev")) for f in flat)


def unlabelled_kind(
    question: str, words: DataWords, reason: str = "did not understand"
) -> str | None:
    """The one line for a powered kind of mover the data does not say (None where it does, or none is named);
    ``reason``: the rules' own refusal, kept where it names something else ("'battery' is not in the trip table")."""
    if not reason.startswith(("did not understand", "of which measure", "no '")):
        return None
    m = _POWERED.search(question)
    if m is None or _labelled(m.group(1), words):
        return None
    said = " ".join(m.group(0).split())
    labels = ", ".join(words.labels)
    known = f"its labels: {labels}" if labels else "its trips carry no labels"
    return (f"no trip is labelled {said!r} in this data and no vehicle id says so ({known}): name one of the "
            "labels, or leave the word out to ask about every mover")  # fmt: skip
