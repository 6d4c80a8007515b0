"""scripts/premise29/score.py: the gap-length buckets and per-trip means of the recovery score."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest


def _score_module():
    path = Path(__file__).resolve().parents[1] / "scripts" / "premise29" / "score.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("premise29_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_gap_lengths_are_the_hidden_run_of_each_hidden_point():
    mod = _score_module()
    # two trajectories: known endpoints, hidden runs of 1, 2 | 3
    known = np.array([1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1], bool)
    assert mod.gap_lengths(known).tolist() == [1, 2, 2, 3, 3, 3]
    assert mod.gap_lengths(np.ones(4, bool)).size == 0


def test_per_trip_means_skip_trips_without_errors():
    mod = _score_module()
    err, g = np.array([1.0, 3.0, 10.0, 20.0]), np.array([0, 0, 2, 2])
    assert mod.per_trip(err, g, np.array([0, 2])) == pytest.approx([2.0, 15.0])


def test_ci_text_shows_sign_and_interval():
    mod = _score_module()
    assert mod.ci_text({"diff": 0.0, "lo": -0.5, "hi": 0.25}) == "+0.00 (-0.50 to +0.25)"
