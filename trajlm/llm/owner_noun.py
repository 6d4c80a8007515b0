"""The data's own noun for its movers (ask40; docs/llm.md "Session 40 (ask40)"): a store ingested with its mover
column named "tractor", "drone" or "bus_no" calls its movers tractors / drones / buses, so "which tractor put in the
most hours", "which drone flew the fewest minutes" ask about every vehicle of the data, as "which vehicle" does.
Before, a noun the planner did not know was refused ("no 'tractor' in this data"; set 40 F2, F4, D4), however
plainly the data's header said it. The noun is the column's last word without an id suffix ("bus_no" -> bus);
one that names an identifier rather than a mover ("registration", "policy", "vin") is not read, nor is one that is
one of the data's labels (the label reads it), one of its vehicle ids, or a noun the rules already know ("van",
"rider": set 32's "van 7" is VAN-07 and "which van" the VAN-* ids beside EB-*; the first regression read turned
them into "vehicle" and broke both), nor a noun before a number ("tractor 3").
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from trajlm.llm.data_words import DataWords
from trajlm.llm.vehicles import GENERIC

# a column word that names an identifier or a record, not a mover
_NOT_MOVERS = frozenset(
    "id ids no nr num number code name key reg registration plate licence license vin imei mmsi policy unit units "
    "device devices tag tags track tracks trip trips owner owners user users object objects entity item items "
    "vehicle vehicles mover movers".split()
)


def owner_noun(data: Any) -> str | None:
    """The mover noun of a store's mover column (manifest ``reading.owner_column``), lower-case and singular, or
    None (no store, no such column, a word that is not a mover's)."""
    try:
        manifest = json.loads((Path(data) / "manifest.json").read_text())
    except (TypeError, OSError, ValueError):
        return None
    column = (manifest.get("reading") or {}).get("owner_column")
    if not isinstance(column, str):
        return None
    words = [w for w in re.split(r"[\W_]+|(?<=[a-z])(?=[A-Z])", column.lower()) if w]
    while words and words[-1] in ("id", "no", "nr", "num", "number", "code", "name", "key", "ref"):
        words.pop()
    noun = words[-1] if words else ""
    if not re.fullmatch(r"[a-z]{3,}", noun) or noun in _NOT_MOVERS:
        return None
    return _singular(noun)


def _singular(noun: str) -> str:
    """ "buses" -> "bus", "lorries" -> "lorry", "drones" -> "drone"; "bus", "class" as they are."""
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("ses", "xes", "ches", "shes")):
        return noun[:-2]
    return noun[:-1] if noun.endswith("s") and not noun.endswith(("ss", "us", "is")) else noun


def owner_words(question: str, words: DataWords) -> str:
    """The question with the data's own mover noun ("tractor", "tractors") read as "vehicle(s)", where it is no
    label and no vehicle id of the data."""
    noun = words.owner_noun
    if (
        noun is None
        or noun in words.labels
        or noun in words.vehicles
        or re.fullmatch(GENERIC, noun)
    ):
        return question  # a noun the rules know ("van": a kind by its ids' letters, "van 7" an id) stays theirs
    plural = noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        plural = noun[:-1] + "ies"
    if plural in words.labels:
        return question
    alone = (
        r"(?![\w-])(?!\s*[-#_]?\d)"  # "tractor 3", "drone #2": a spoken id, left to spoken_ids.py
    )
    question = re.sub(rf"(?<![\w-]){re.escape(plural)}{alone}", "vehicles", question, flags=re.I)
    return re.sub(rf"(?<![\w-]){re.escape(noun)}{alone}", "vehicle", question, flags=re.I)
