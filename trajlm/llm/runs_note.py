"""The note under a "runs" answer on data without labels (ask38): ask37b reads a runner's "runs" as every trip where
each trip moved at a runner's mean speed (``grounding.RUN_KMH``), and said nothing of it under the answer: the reader
could not tell the runs were inferred, not recorded."""

from __future__ import annotations

import re

import polars as pl

from trajlm.llm.grounding import RUN_KMH

# the noun ("how many runs", "his longest run"), not the verb ("who ran the furthest" asks nothing of what a run is)
_RUN_WORDS = re.compile(
    r"\bruns\b|\b(?:his|her|their|its|my|the|a|one|each|every|per|which|longest|shortest|fastest|slowest|first|last)"
    r"\s+(run)\b",
    re.I,
)


def runs_inferred_note(question: str, run_paced: bool, trips: pl.DataFrame) -> str | None:
    """ "'runs' read as every trip: ..." where the question says runs / ran and the runs were read from the pace."""
    if (
        not run_paced
        or (m := _RUN_WORDS.search(question)) is None
        or "speed_kmh" not in trips.columns
    ):
        return None
    kmh = trips["speed_kmh"]
    lo, hi = RUN_KMH
    return (f"{m.group(1) or m.group(0)!r} read as every trip: no label says which trips are runs, and every trip here moved at a "
            f"runner's mean speed ({float(kmh.min()):.1f}-{float(kmh.max()):.1f} km/h; {lo:g}-{hi:g} km/h is "
            "read as running)")  # fmt: skip
