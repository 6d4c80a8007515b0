"""A kind of vehicle the data's ids do not name (badin30).

The planner reads "van", "truck", "lorry", "boat", "ship", "vessel", "yacht" as "vehicle"
(synonyms.py): right on a fleet of one kind. Where the vehicles' ids name two kinds or more by
their letters (VAN-07, VAN-12, ATV-4, T1, T2, TRI-3: set 30) "the vans" are the VAN ids
(fleet_words.vehicle_group), but "how many trips did the trucks make?" on that fleet counted every
vehicle's 21 trips (a wrong number). A kind word that no ids' letters name, on such a fleet, is
refused in one line naming the kinds the ids have. Data whose labels are kinds (bus, taxi,
sailing) keeps kinds.py's reading by the labels.
"""

from __future__ import annotations

import re

from trajlm.llm.fleet_words import id_kinds
from trajlm.llm.grounding import DataWords
from trajlm.llm.plan import CannotAnswer

# the words synonyms.py rewrites into "vehicle(s)"; one before an id ("truck 12") is no kind; "bikes" too (a mode
# elsewhere: "the cargo bikes" on VAN / EB ids with parcel labels was "no trip is labelled 'bike'", ask32b)
_KIND = re.compile(
    r"(?<![\w\-/.'#])(vans?|trucks?|lorry|lorries|boats?|ships?|vessels?|yachts?|bikes?|bicycles?)"
    r"(?![\w\-/#]|\s*[-_#]?\d)",
    re.I,
)


def _every_id_kind(words: DataWords) -> dict[str, list[str]]:
    """fleet_words.id_kinds where every vehicle id is letters then a number (VAN-07, T1); {} else."""
    kinds = id_kinds(words.vehicles)
    return kinds if sum(map(len, kinds.values())) == len(words.vehicles) else {}


def refuse_kind_not_in_ids(question: str, words: DataWords) -> None:
    """CannotAnswer where ``question`` names a kind of vehicle (a word the planner would read as
    every vehicle) that none of the ids' letters name, on data whose ids name two kinds or more."""
    from trajlm.llm.fleet_words import kind_of
    from trajlm.llm.vehicles import every_label_at_sea, is_kind

    kinds = _every_id_kind(words)
    labels = words.labels
    if len(kinds) < 2 or any(is_kind(lab) for lab in labels) or every_label_at_sea(labels):
        return  # labels that are kinds answer kind words (kinds.py: "van trips" among bus / taxi)
    for m in _KIND.finditer(question):
        word = m.group(1).lower()
        one = {"lorries": "lorry"}.get(word, word[:-1] if word.endswith("s") else word)
        if {one, word} & set(words.labels) or any(v in question.lower() for v in words.vehicles):
            continue  # a label of the data ("truck trips"), or one vehicle named
        # the ids' letters that name it, one-letter ids left out ("truck" is no T1 tractor)
        if kind_of(one, {p: ids for p, ids in kinds.items() if len(p) >= 2}):
            continue
        names = ", ".join(sorted(p.upper() for p in kinds))
        raise CannotAnswer(
            f"no vehicle here reads as {m.group(1)!r}: the ids' letters name {names}; ask about "
            "one of those kinds, a vehicle by its id, or every vehicle"
        )


# a vehicle-like id in a question: letters and a number ("T3", "VAN-99", "van 99")
_ID = re.compile(r"(?<![\w\-/.#'])([a-z]+)([-_ ]?)(\d+)(?![\w.:/\-])", re.I)
# a mover noun the data does not know: "which gritter drove", "did the gritters make"
_MOVER_NOUN = re.compile(
    r"\b(?:which|what|the|each|every|any|a|an)\s+([a-z]+?)(?:e?s)?\s+(?:drove|drive|drives|made|"
    r"make|makes|did|do|does|went|go|goes|was|were|travel\w*|cover\w*|spent|spend)\b",
    re.I,
)


def _looks_like(words: DataWords) -> str:
    some = sorted(words.vehicles.values(), key=str)
    return ", ".join(some[:4]) + (" ..." if len(some) > 4 else "")


def refuse_unknown_vehicle_id(question: str, words: DataWords) -> None:
    """CannotAnswer "no vehicle 'T3' in this data (vehicles look like T1, T2, ...)" where the
    question names an id of the letters of the data's vehicle ids (T1, T2; VAN-07) that no
    vehicle and no trip has (leftover31: "Did T3 mow?" was "did not understand 'T3'", "Was
    VAN-99 out?" was "no trip 'VAN-99' (trip ids look like J1 ...)"). "van 7" is VAN-07."""
    kinds = id_kinds(words.vehicles)
    if not kinds:
        return
    have = {(m.group(1), int(m.group(2))) for v in words.vehicles
            if (m := re.fullmatch(r"([a-z]+)[-_ ]?(\d+)", v))}  # fmt: skip
    trips = {t.lower() for t in words.trips}
    for m in _ID.finditer(question):
        letters, sep, number = m.group(1).lower(), m.group(2), int(m.group(3))
        said = m.group(0)
        if letters not in kinds or (letters, number) in have or said.lower() in trips:
            continue
        if sep == " " and len(letters) < 2:  # "t 3": too loose to be an id
            continue
        before = question[: m.start()].lower()
        if re.search(r"\b(?:trip|trips|job|jobs|journey|ride|track)\s*$", before):
            continue  # "trip T3": a trip id, refused as one
        raise CannotAnswer(
            f"no vehicle {said!r} in this data (vehicles look like {_looks_like(words)})"
        )


def unknown_mover_noun(question: str, words: DataWords, unknown: str) -> str | None:
    """The refusal for a mover noun the data has neither as a label nor as its ids' letters
    ("which gritter drove the furthest" on a T / ATV / VAN fleet; leftover31: was "did not
    understand 'gritter'"), where the planner's leftover word is that noun; else None."""
    if not words.vehicles and not words.labels:
        return None
    for m in _MOVER_NOUN.finditer(question):
        noun = m.group(1).lower()
        if unknown.lower().rstrip("s") not in (
            noun,
            noun.rstrip("s"),
        ) and not unknown.lower().startswith(noun):
            continue
        kinds = ", ".join(sorted(p.upper() for p in id_kinds(words.vehicles))) or None
        have = f"vehicles look like {_looks_like(words)}" if words.vehicles else ""
        if kinds and len(id_kinds(words.vehicles)) > 1:
            have += f"; the ids' letters name {kinds}"
        if words.labels:
            have += ("; " if have else "") + f"labels: {', '.join(words.labels[:5])}"
        return f"no {unknown!r} in this data ({have})"
    return None


def unknown_mover_name(question: str, words: DataWords, unknown: str) -> str | None:
    """The refusal for a name the planner left over where the question names a mover by it
    ("the home range of Zuri", "did Zuri travel": written capitalised after of / did / was /
    is / has / for) and the data has named movers but not that one (badin34b: was "did not
    understand 'zuri'"); else None. A place ("in Lisbon") is no such word."""
    if not words.vehicles or unknown.lower() in words.vehicles:
        return None
    m = re.search(rf"\b(?:of|did|was|is|has|for)\s+({re.escape(unknown)})\b", question, re.I)
    if m is None or not m.group(1)[:1].isupper():
        return None
    return f"no {m.group(1)!r} among this data's movers (they look like {_looks_like(words)})"


__all__ = [
    "refuse_kind_not_in_ids",
    "refuse_unknown_vehicle_id",
    "unknown_mover_name",
    "unknown_mover_noun",
]
