"""A vehicle id said as people say it (set 32, ask32): "van 7" for VAN-07, "tug 22" for TUG-22, "Van-7", "VAN 07".

The data's id is written in the question's place where the words are the letters of the data's ids, a space, dash or
underscore (or nothing) and a number, and exactly one vehicle has those letters and that number (07 = 7). Before,
"Was van 7 out on Monday?" was "did not understand 'out'" and "How far did van 7 drive?" "no vehicle '7' in this
data" (the planner reads "van" as "vehicle"): a refusal that named the wrong thing about a vehicle the data has.

Spaced forms need two letters or more ("t 3" stays as said); an id said after "trip" / "job" ("trip T3") is a trip's
and left; data without ids of letters and a number (Porto's taxi numbers, GeoLife's users) is left alone.
"""

from __future__ import annotations

import re

from trajlm.llm.fleet_words import id_kinds
from trajlm.llm.grounding import DataWords

_SAID = re.compile(r"(?<![\w\-/.#'])([a-z]+)([-_ ]?)0*(\d+)(?![\w.:/\-])", re.I)
_TRIP_BEFORE = re.compile(r"\b(?:trip|trips|job|jobs|journey|ride|track|round|movement)\s*$", re.I)


def spoken_vehicle_ids(question: str, words: DataWords) -> str:
    """The question with "van 7" written as the data's VAN-07 (see the module's doc)."""
    kinds = id_kinds(words.vehicles)
    if not kinds:
        return question
    by_parts: dict[tuple[str, int], list[str]] = {}
    for low, said in words.vehicles.items():
        if m := re.fullmatch(r"([a-z]+)[-_ ]?(\d+)", low):
            by_parts.setdefault((m.group(1), int(m.group(2))), []).append(said)

    def one(m: re.Match) -> str:
        letters, sep, number = m.group(1).lower(), m.group(2), int(m.group(3))
        ids = by_parts.get((letters, number), [])
        if len(ids) != 1 or m.group(0).lower() == ids[0].lower():
            return m.group(0)  # none, two ("VAN-7" and "VAN-07"), or said as stored
        if sep == " " and len(letters) < 2:
            return m.group(0)
        if _TRIP_BEFORE.search(question[: m.start()]):
            return m.group(0)
        return ids[0]

    return _SAID.sub(one, question)


__all__ = ["spoken_vehicle_ids"]
