"""A cycling club's and a parcel firm's words (set 32, ask32), read against the data before the rule planner:

- "rider(s)" / "cyclist(s)" are the vehicles ("which rider rode the furthest": each rider's distance, ranked) where
  the data has vehicles (a club's riders by name) and its labels are no transport modes (club run / intervals);
  on GeoLife-like data a cyclist stays a bike trip's person (a mode), and a label "rider" is the data's own word;
- a label said in the singular before a trip's noun is the label: "grocery rounds" on ``groceries``, "return
  trips" on ``returns``; only before the noun ("what time did VAN-07 return" keeps its verb), and not where the
  singular is itself a label;
- "did VAN-07 go out on Monday" is "was VAN-07 out" (its trips that day), "did P05 use / catch the tram" is "take
  the tram" where the tram is a label (data with vehicles only).
"""

from __future__ import annotations

import re

from trajlm.llm.grounding import DataWords
from trajlm.llm.patrol_words import modes_labelled
from trajlm.llm.yes_no import is_yes_no

# a trip's nouns after a label ("grocery rounds", "parcel runs"); the planner reads them as trips
_TRIP = r"(?:trips?|rounds?|runs?|jobs?|journeys?|rides?|movements?|call[\s-]?outs?|patrols?|walks?|tours?|shifts?)"


# what riders are asked about: how far, how fast, how long they rode
_MOVED = re.compile(
    r"\b(?:rode|ride|rides|riding|cycled|cycling|travel\w*|cover\w*|went|furthest|farthest|fastest|slowest|most|"
    r"least|longest|shortest|km|kilomet\w+|miles?|distance|speed|pace|time|minutes|hours|trips?)\b",
    re.I,
)


def _singular(label: str) -> str | None:
    if re.search(r"[^aeiou]ies$", label):
        return label[:-3] + "y"  # groceries -> grocery
    if re.search(r"[^s]s$", label):
        return label[:-1]  # returns -> return
    return None


def rider_words(question: str, words: DataWords) -> str:
    """Riders and cyclists as the vehicles (see the module's doc)."""
    if not words.vehicles or not words.labels or modes_labelled(words.labels):
        return question
    if any(re.fullmatch(r"riders?|cyclists?", lab) for lab in words.labels):
        return question
    if not _MOVED.search(question):
        return question  # "which rider had an accident": refused in the rider's word, as before
    question = re.sub(r"\b(?:riders|cyclists)\b", "vehicles", question, flags=re.I)
    question = re.sub(r"\b(?:rider|cyclist)\b(?!\s+\S)", "vehicle", question, flags=re.I)
    # "rider Lena" is the vehicle Lena (grounding's role word); "which rider rode": the vehicle
    return re.sub(r"\b(?:rider|cyclist)\b(?=\s+(?:rode|cycled|rides|did|has|had|was|covered|went)\b)",
                  "vehicle", question, flags=re.I)  # fmt: skip


def label_singulars(question: str, labels: tuple[str, ...]) -> str:
    """Labels said in the singular before a trip's noun, written as the labels (see the module's doc)."""
    for lab in labels:
        one = _singular(lab)
        if one is None or one in labels:
            continue
        question = re.sub(rf"\b{re.escape(one)}(?=\s+{_TRIP}\b)", lab, question, flags=re.I)
    return question


def outing_words(question: str, labels: tuple[str, ...]) -> str:
    """ "did VAN-07 go out (on Monday)?" is "did VAN-07 work" (was it out: work_words.py; yes / no questions only); "did P05 use / catch the
    tram" is "take the tram" where ``tram`` is a label of the data."""
    if is_yes_no(
        question
    ):  # "what time did M8A go out" is a departure (set 28): left to departures.py
        question = re.sub(
            # "did any van go out" / "did every van go out" (every_vehicle.py: "any" by then; set 33)
            r"^(\s*(?:did|does|do)\s+(?:(?:any|the)\s+)?[\w\-]+)\s+go\s+out\b(?!\s+(?:of|to|with|for)\b)",
            r"\1 work",
            question,
            flags=re.I,
        )
    if labels:
        labs = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
        question = re.sub(rf"\b(?:use|catch|ride)\s+(?:the\s+|a\s+)?(?=(?:{labs})\b)", "take the ",
                          question, flags=re.I)  # fmt: skip
    return question


def club_words(question: str, words: DataWords) -> str:
    """The question with set 32's words written in the planner's (see the module's doc)."""
    question = outing_words(question, words.labels) if words.vehicles else question
    return label_singulars(rider_words(question, words), words.labels)


__all__ = ["club_words", "label_singulars", "outing_words", "rider_words"]
