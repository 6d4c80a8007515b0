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
]


@pytest.mark.parametrize(("old", "new", "names"), MOVED, ids=lambda v: str(v)[:40])
def test_old_import_paths_give_the_same_objects(old, new, names):
    old_mod, new_mod = importlib.import_module(old), importlib.import_module(new)
    for name in names:
        assert getattr(old_mod, name) is getattr(new_mod, name), name
