"""A fleet's own noun for its vehicles where nothing in the data names their kind (ask37): "which sweeper swept the
most km" on SW-01 ... SW-05, "the buses" on school buses SB-101 ... labelled by route, "which ferry was stopped the
longest" on ferries by name (set 36's A11), "the cars" on an insurer's policies P-20417 .... The noun is read as
"vehicle(s)" only where

- the data has vehicles, all named (letters only: SUOKKI, TOR) or all ids of one kind of letters and a number
  (SW-01); ids that are numbers alone (a bike share's 4017, Porto's taxis) are not read so;
- no label is a transport mode (GeoLife's bus / car / walk: "the buses" there are bus trips) or a kind of vehicle
  (van / cargo bike: "the trucks" there is no label, refused), and
  no one-kind layout (Porto's taxis) or activity file says what the movers are;
- the ids' letters name no other vehicle ("the buses" on VAN-01 ... stays refused: refusals.py / id_kinds.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trajlm.llm.fleet_words import id_kinds
from trajlm.llm.grounding import DataWords
from trajlm.llm.modes import MODES

# a fleet's nouns for its vehicles (singular: plural)
_NOUNS = {"bus": "buses", "coach": "coaches", "car": "cars", "ferry": "ferries", "sweeper": "sweepers",
          "plough": "ploughs", "plow": "plows", "snowplough": "snowploughs", "snowplow": "snowplows",
          "gritter": "gritters", "grader": "graders", "tractor": "tractors", "tram": "trams", "taxi": "taxis",
          "cab": "cabs", "ambulance": "ambulances", "truck": "trucks", "lorry": "lorries", "van": "vans",
          # the people whose vehicles the data follows (ask37b: a journalist's "the drivers", an insurer's
          # "which policyholder"), read as their vehicles on the same terms
          "driver": "drivers", "policyholder": "policyholders", "motorist": "motorists"}  # fmt: skip
_PLURAL = {p: s for s, p in _NOUNS.items()}
_OTHER_IDS = set(_NOUNS) | {"bike", "ebike", "eb", "boat", "ship", "amb", "trk"}
_KIND_WORDS = set(_NOUNS) | set(_PLURAL) | {"bike", "bikes", "boat", "boats", "ship", "ships", "yacht", "yachts",
                                           "vessel", "vessels", "trawler", "tanker", "tug", "scooter", "moped"}  # fmt: skip
_MODE = re.compile(
    "|".join(MODES.values()) + r"|in_vehicle|on_foot|still|running|walking|cycling", re.I
)
_SAID = re.compile(
    r"\b(the|which|each|every|any|all(?:\s+the)?|per|our|what|first|last)\s+"
    r"(?:(?:street|school|road)\s+)?("
    + "|".join(sorted([*_NOUNS, *_PLURAL], key=len, reverse=True))
    + r")\b(?![\w\-'])",
    re.I,
)


def labels_are_modes(labels: Sequence[str]) -> bool:
    """Whether a label of the data is a transport mode or a person's activity (GeoLife's bus, Google's in_vehicle)."""
    return any(_MODE.fullmatch(lab) for lab in labels)


def _one_fleet(words: DataWords) -> str | None:
    """The ids' one kind of letters ("" for named vehicles) where the vehicles may be called by a fleet's noun."""
    if not words.vehicles or words.kind or words.activities or words.numbers:
        return None
    if labels_are_modes(words.labels) or any(
        set(lab.split()) & _KIND_WORDS for lab in words.labels
    ):
        return None  # labels that are modes, or kinds of vehicle ("van", "cargo bike": "the trucks" is none of them)
    if all(re.fullmatch(r"[a-z][a-z .'\-]*", v) for v in words.vehicles):
        return ""
    kinds = id_kinds(words.vehicles)
    if len(kinds) != 1 or sum(map(len, kinds.values())) != len(words.vehicles):
        return None
    return next(iter(kinds))


def _one(plural: str) -> str:
    low = plural.lower()
    if low in _PLURAL:
        return _PLURAL[low]
    if low.endswith("ies"):
        return plural[:-3] + "y"
    if re.search(r"(?:ss|x|ch|sh)es$", low):
        return plural[:-2]
    return plural[:-1]


def own_vehicle(question: str, words: DataWords) -> str:
    """ "Was P-20455's car used" -> "was P-20455 used": a vehicle's id with its noun is the vehicle, on any data (set
    37's paraphrase: was "did not understand 'car out'")."""
    for said in words.vehicles.values():
        question = re.sub(rf"(?<![\w\-])({re.escape(str(said))})'s\s+(?:own\s+)?(?:{'|'.join(_NOUNS)}|vehicle)\b(?![\w\-])",
                          r"\1", question, flags=re.I)  # fmt: skip
    return question


def each_of_the(question: str) -> str:
    """ "How many jobs did each of the sweepers do" -> "... did each sweeper do" (set 37's paraphrase: "each of the"
    was dropped, so every trip was counted as one number: 56 for a table per sweeper, silent; "each of the vans" too).
    """
    return re.sub(
        r"\b(each|every\s+one)\s+of\s+(?:the|our|my|their|your)\s+([a-z][\w\-]*?s)\b(?![\w\-'])",
        lambda m: f"each {_one(m.group(2))}",
        question,
        flags=re.I,
    )


def fleet_noun(question: str, words: DataWords) -> str:
    """The question with a fleet's noun for its vehicles ("the sweepers", "which ferry") written "vehicle(s)" where
    the data allows it (the module's doc); else the question unchanged."""
    letters = _one_fleet(words)
    if letters is None:
        return question

    def one(m: re.Match) -> str:
        said = m.group(2).lower()
        if (
            said == "driver"
        ):  # "which driver" is any vehicle's already (vehicles.py), and said so in a refusal
            return m.group(0)
        noun = _PLURAL.get(said, said)
        labelled = any(noun in lab.split() or _NOUNS[noun] in lab.split() for lab in words.labels)
        other = letters in _OTHER_IDS and letters != noun
        if labelled or other:
            return m.group(0)
        return f"{m.group(1)} {'vehicles' if said in _PLURAL else 'vehicle'}"

    return _SAID.sub(one, question)


__all__ = ["each_of_the", "fleet_noun", "labels_are_modes", "own_vehicle"]
