"""A parking-enforcement team's, a roadside-assistance dispatcher's and a dog-walking business's words (set 31,
ask31), read against the data before the rule planner reads the question:

- "patrols" are trips ("a patrol van" stays a vehicle's word: see below), "officer CEO-07" the vehicle CEO-07;
- walks on data whose labels are no transport modes (a dog walker's "solo" / "pack", a warden's "routine"):
  "walks" are the trips, "the longest walk" a trip, "did Ben walk" "did Ben travel", "walking speed" the speed,
  "which walker" "which vehicle"; where a label is a mode (GeoLife's bus / bike / car) or there is no label, "walk"
  stays the mode (a store without walks says so), and data without vehicles is left;
- "at the scene" / "on scene" is stopped (a patrol van at a breakdown);
- a kind of vehicle in two words whose ids' letters are the first word ("tow truck" on TOW-1, TOW-2) or the two
  words' initials ("patrol vans" on PV-5, PV-6, PV-8): those ids (the plan's ``vehicle_prefix``), on a fleet whose
  every id is letters and a number, of two kinds or more.

Only on data whose vehicle ids have letters (a fleet's; not a taxi store's numbers or GeoLife's users), and not
where a label is "patrol" (the data's own word).
"""

from __future__ import annotations

import re

from trajlm.llm.fleet_words import id_kinds
from trajlm.llm.grounding import DataWords
from trajlm.llm.modes import MODES

# the second word of a kind said in two words: "tow truck", "patrol van"
_KIND_NOUN = r"(?:trucks?|vans?|cars?|lorry|lorries|vehicles?|units?|scooters?|bikes?|boats?|utes?)"
# its singulars: "which tow truck" asks for one vehicle, "the tow trucks" for the vehicles
_KIND_SINGULAR = {
    "truck",
    "van",
    "car",
    "lorry",
    "vehicle",
    "unit",
    "scooter",
    "bike",
    "boat",
    "ute",
}
# a noun "walk" follows these ("the longest walk", "Anna's walk", "each walk"); elsewhere "walk" is the verb
_NOUN_BEFORE = (
    r"(?:a|an|the|each|every|per|one|longest|shortest|first|last|fastest|slowest|morning|afternoon|evening"
    r"|average|typical|\w+'s)"
)


def modes_labelled(labels: tuple[str, ...]) -> bool:
    """A label the planner reads as a transport mode (bus, bike, walk, ...)."""
    return any(lab in MODES or any(re.fullmatch(p, lab) for p in MODES.values()) for lab in labels)


def _sub(pattern: str, repl: str, text: str) -> str:
    return re.sub(pattern, repl, text, flags=re.I)


def walk_words(question: str, words: DataWords) -> str:
    """Walks as the trips (see the module's doc) where the data has vehicles and labels that are no modes."""
    if not words.vehicles or not words.labels or modes_labelled(words.labels):
        return question
    question = _sub(r"\bdogs?[\s\-]+(?=walk)", "", question)  # "dog walks", "which dog walker"
    question = _sub(r"\bwalking\s+(speed|pace|distance|time)\b", r"\1", question)
    question = _sub(r"\bwalkers\b", "vehicles", question)
    question = _sub(r"\bwalker\b", "vehicle", question)
    question = _sub(r"\bwalks\b", "trips", question)
    labels = "|".join(re.escape(x) for x in sorted(words.labels, key=len, reverse=True))
    question = _sub(rf"\b({_NOUN_BEFORE}|{labels})\s+walk\b", r"\1 trip", question)
    question = _sub(r"\bwalked\b", "travelled", question)
    return _sub(r"\bwalk(?:ing)?\b(?!\s+trips?\b)", "travel", question)


def kind_in_two_words(question: str, words: DataWords) -> tuple[str, str | None]:
    """("the vehicles ...", "TOW") for "the tow trucks ..." (see the module's doc), else (question, None)."""
    kinds = id_kinds(words.vehicles)
    if len(kinds) < 2 or sum(map(len, kinds.values())) != len(words.vehicles):
        return question, None
    if any(
        re.search(rf"(?<![\w\-]){re.escape(v)}(?![\w\-])", question, re.I) for v in words.vehicles
    ):
        return question, None  # one vehicle named: no group (as fleet_words.vehicle_group)
    # "e-bikes" on EB-1 / EB-2: a one-letter prefix and its noun, the ids' letters (set 33: "did not understand 'e-'")
    for m in re.finditer(
        rf"\b(?:([a-z]{{2,}})\s+|([a-z])-)({_KIND_NOUN})\b(?![\w\-])", question, re.I
    ):
        first, noun = (m.group(1) or m.group(2)).lower(), m.group(3).lower()
        hits = [
            p
            for p, ids in kinds.items()
            if len(ids) >= 2 and len(p) >= 2 and (p == first or p == first[0] + noun[0])
        ]
        if len(hits) == 1:
            said = "vehicle" if noun in _KIND_SINGULAR else "vehicles"
            return question[: m.start()] + said + question[m.end() :], hits[0].upper()
    return question, None


def patrol_words(question: str, words: DataWords) -> str:
    """The question with set 31's words written in the planner's (see the module's doc)."""
    if not words.vehicles or "patrol" in words.labels:
        # a fleet's word: not on a taxi store's numbers or GeoLife's users; a label "patrol" is the data's own
        return question
    question = re.sub(rf"\bpatrols\b(?!\s+{_KIND_NOUN}\b)", "trips", question, flags=re.I)
    question = re.sub(
        rf"\bpatrol\b(?!\s+(?:{_KIND_NOUN}|officers?|id|ids|number|no|ref)\b)",
        "trip",
        question,
        flags=re.I,
    )
    # "which van was at the scene the longest": time at the scenes is all of it (its stopped time in total;
    # vehicles.plan_grouped), not one stop; "which trip ..." or a stop asked of one trip stay as they were
    question = re.sub(
        r"^(\s*which\s+(?:(?!trips?\b|stops?\b)[\w-]+\s+){1,3}?(?:was|were|has\s+been|spent)\s+)(?:at|on)\s+(?:the\s+)?"
        r"scenes?\s+(the\s+(?:longest|shortest))\b(?!\s+(?:in\s+total|altogether|combined|in\s+all)\b)",
        r"\1stopped \2 in total",
        question,
        flags=re.I,
    )
    question = re.sub(r"\b(?:at|on)\s+(?:the\s+)?scenes?\b", "stopped", question, flags=re.I)
    ids = "|".join(re.escape(v) for v in sorted(words.vehicles, key=len, reverse=True))
    question = re.sub(  # "officer CEO-07", "walker Anna": the vehicle
        rf"\b(?:officer|warden|walker|unit)\s+(?=(?:{ids})(?![\w\-]))",
        "vehicle ",
        question,
        flags=re.I,
    )
    question = walk_words(question, words)
    # "did Ben cover on his walks": on the trips
    return re.sub(
        r"\b(on|in|during)\s+(?:his|her|their)\s+(?=trips\b)", r"\1 ", question, flags=re.I
    )


def together(question: str) -> str:
    """A kind of vehicle's total ("the distance walked by the CEOs"): "of the vehicles", not "by the vehicles"
    (a group per vehicle); called where the question named a kind of vehicle."""
    return re.sub(
        r"\b(?:travelled|traveled|walked|driven|covered|done|made|logged)\s+by\s+(?=the\s+vehicles\b)",
        "of ",
        question,
        flags=re.I,
    )


__all__ = ["kind_in_two_words", "patrol_words", "together", "walk_words"]
