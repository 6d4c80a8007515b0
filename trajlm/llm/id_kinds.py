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

# the words synonyms.py rewrites into "vehicle(s)"; one before an id ("truck 12") is no kind
_KIND = re.compile(
    r"(?<![\w\-/.'#])(vans?|trucks?|lorry|lorries|boats?|ships?|vessels?|yachts?)"
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
    from trajlm.llm.fleet_words import _kind_of
    from trajlm.llm.vehicles import _is_kind, every_label_at_sea

    kinds = _every_id_kind(words)
    labels = words.labels
    if len(kinds) < 2 or any(_is_kind(lab) for lab in labels) or every_label_at_sea(labels):
        return  # labels that are kinds answer kind words (kinds.py: "van trips" among bus / taxi)
    for m in _KIND.finditer(question):
        word = m.group(1).lower()
        one = {"lorries": "lorry"}.get(word, word[:-1] if word.endswith("s") else word)
        if {one, word} & set(words.labels) or any(v in question.lower() for v in words.vehicles):
            continue  # a label of the data ("truck trips"), or one vehicle named
        # the ids' letters that name it, one-letter ids left out ("truck" is no T1 tractor)
        if _kind_of(one, {p: ids for p, ids in kinds.items() if len(p) >= 2}):
            continue
        names = ", ".join(sorted(p.upper() for p in kinds))
        raise CannotAnswer(
            f"no vehicle here reads as {m.group(1)!r}: the ids' letters name {names}; ask about "
            "one of those kinds, a vehicle by its id, or every vehicle"
        )


__all__ = ["refuse_kind_not_in_ids"]
