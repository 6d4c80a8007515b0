"""ask39 (docs/status.md open item 5): "which bike had the longest stop" asks whose was the single longest stop: the
trip with the longest stop, named by its vehicle. Before, "bike" was read as a label the data lacks (cargo / ebike)
and "which van had the longest stop" was refused as an answer per group. ("Which van stopped the longest" is every
stop added up, read by vehicles.py since ask38; this module reads only "had / made the longest (single) stop".)

The vehicle word is read as the whole fleet where it is one: a generic word ("vehicle", "van") on data whose labels
are no kinds of vehicle ("vehicle" itself on any data), the head of the labels ("bike" of cargo / ebike: vehicles.names_fleet), or a word every
label is a kind of; a data label ("which cargo had the longest stop") keeps its trips. Any other word (a "bike" among
van / ebike) is left to the readers that refuse it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from trajlm.llm.vehicles import GENERIC, every_label_is, is_kind, names_fleet

_WHICH_STOP = re.compile(
    r"^\s*(?:which|what)\s+(?P<word>[a-z][\w\-]*)\s+(?:had|has|made|makes|took)\s+(?:the\s+)?"
    r"(?P<ext>longest|shortest)\s+(?:single\s+)?stop\b(?!\s+(?:time|times|in\s+total)\b)",
    re.I,
)


def stop_owner(question: str, labels: Sequence[str]) -> str:
    """ "which bike had the longest stop" -> "which trip had the longest stop" (its vehicle said by
    ``stop_owner_text``); a label's word keeps its trips ("which cargo trip ..."); other questions unchanged."""
    m = _WHICH_STOP.match(question)
    if m is None:
        return question
    word = m.group("word").lower()
    one = {word, word.removesuffix("s"), word.removesuffix("es")}
    if word in ("trip", "trips", "journey", "ride"):
        return question
    label = next((lab for lab in labels if lab in one), None)
    if label is not None:
        kind = f"{label} trip"
    elif (
        word
        in (
            "vehicle",
            "vehicles",
            "unit",
            "units",
            "mover",
            "movers",
        )  # every vehicle, whatever its kind
        or names_fleet(word, labels)
        or every_label_is(word, labels)
        or (re.fullmatch(GENERIC, word) is not None and not any(is_kind(lab) for lab in labels))
    ):
        kind = "trip"
    else:
        return question
    return f"which {kind} had the {m.group('ext').lower()} stop{question[m.end() :]}"


def asks_stop_owner(question: str) -> bool:
    """Whether ``question`` is "which <vehicle> had the longest / shortest stop" (``stop_owner``'s form)."""
    m = _WHICH_STOP.match(question)
    return m is not None and m.group("word").lower() not in ("trip", "trips", "journey", "ride")


def stop_owner_text(table: pl.DataFrame | None) -> str | None:
    """ "CB-12: 3.0 min, its longest stop (trip D00012)": the first line naming the vehicle of the one trip."""
    if (
        table is None
        or len(table) == 0
        or not {"vehicle", "stop_s", "traj_id"} <= set(table.columns)
    ):
        return None
    row = table.row(0, named=True)
    if not row["stop_s"]:  # no trip stopped: no vehicle is named (every one ties at 0)
        return "no stop: no trip here stood still (slower than 1 m/s) for any step"
    return f"{row['vehicle']}: {row['stop_s'] / 60:.1f} min stopped in one stop (trip {row['traj_id']})"
