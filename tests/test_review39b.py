"""review39b's splits of files past 400 lines keep every old import path: the same objects from
the old module as from the new one (as test_review39 checks review39's). The moved lines are the
old file's lines (scripts/review39b/moved_lines.py; docs/testing.md "Session 39 (review39b)")."""

from __future__ import annotations

import importlib

import pytest

MOVED = [
    # (old module, new module, names)
    ("trajlm.llm.grounding", "trajlm.llm.data_words", ["DataWords", "TOKEN"]),
    (
        "trajlm.llm.grounding",
        "trajlm.llm.data_verbs",
        ["RUN_KMH", "run_paced", "runs_as_trips", "data_verbs"],
    ),
    # questions.py kept no name of its own that moved: asker_words.py holds Asker's data words
    ("trajlm.questions", "trajlm.llm.ask_data", ["ONE_KIND", "ACTIVITY_FORMATS"]),
    (
        "trajlm.data.readers.layouts",
        "trajlm.data.readers._track_ids",
        ["ROW_KEY_MIN_ROWS", "ROW_KEY", "row_key_fallback", "row_key_read_as_id"]
        + ["several_tracks", "sample_rows", "nested_id", "nested_parent", "MIN_BLOCK_ROWS"],
    ),
]


@pytest.mark.parametrize(("old", "new", "names"), MOVED, ids=lambda v: str(v)[:40])
def test_old_import_paths_give_the_same_objects(old, new, names):
    old_mod, new_mod = importlib.import_module(old), importlib.import_module(new)
    for name in names:
        assert getattr(old_mod, name) is getattr(new_mod, name), name


def test_the_asker_reads_the_data_words_it_read_before():
    """Asker's words from asker_words: labels, vehicles, a trip that is its mover's own id taken
    out of the trip ids, the nights and the runner's pace, on a small frame."""
    import polars as pl

    from trajlm.questions import Asker

    rows = []
    for k, (traj, veh, label) in enumerate([("a1", "VAN-02", "van"), ("P07", "P07", "bike")]):
        for i in range(20):
            rows.append({"traj_id": traj, "t": 1_600_000_000 + 86_400 * k + 30 * i,
                         "lat": 41.1 + 0.0004 * i, "lon": -8.6 + 0.0003 * k,
                         "mode": label, "vehicle_id": veh})  # fmt: skip
    words = Asker(pl.DataFrame(rows), planner="rules").planner.words
    assert words.labels == ("bike", "van")
    assert words.vehicles == {"van-02": "VAN-02", "p07": "P07"}
    assert words.trips == frozenset({"a1"})  # "P07" is its mover's one trip: read as the vehicle
    assert words.days == 2 and not words.run_paced
