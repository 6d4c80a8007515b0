"""review40's splits keep every old import path and their steps, run together, answer as
before. Behaviour before / after was checked on every ask question of sets 26-40
(scripts/ask31b/regress.sh + compare.py: 776 / 776 answers identical) and on 104 fixed reason /
validity calls (scripts/review40/reason_cases.py); docs/testing.md "Session 40 (review40)"."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

from trajlm.llm.plan import CannotAnswer, validate_plan


def test_the_filters_moved_out_of_query_are_importable_from_it():
    import trajlm.llm.query as query
    import trajlm.llm.trip_filter as trip_filter

    for name in ("select_trips", "ends_within"):
        assert getattr(query, name) is getattr(trip_filter, name), name


def _points() -> pl.DataFrame:
    """Three trips 1, 2 and 3 km long (north at 10 m/s), one a minute apart."""
    rows = []
    for k, km in enumerate((1, 2, 3)):
        n = km * 10 + 1  # a point every 100 m
        rows += [(f"T{k}", 1_600_000_000 + 60 * k + 10 * i, 41.1 + 0.0009 * i, -8.6 + 0.01 * k)
                 for i in range(n)]  # fmt: skip
    return pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon"], orient="row")


def test_run_plan_steps_answer_each_kind_of_plan():
    from trajlm.llm.query import run_plan

    points = _points()
    assert run_plan(validate_plan({"action": "count"}), points).value == 3
    top = run_plan(validate_plan({"action": "top", "metric": "length_m", "k": 1}), points)
    assert top.table["traj_id"].to_list() == ["T2"]
    share = {
        "action": "share",
        "min_length_m": 1500,
        "max_length_m": 2500,
        "share_of": ["max_length_m"],
    }
    assert run_plan(validate_plan(share), points).value == pytest.approx(50)  # T1 of T0, T1
    none = run_plan(
        validate_plan({"action": "sum", "metric": "length_m", "min_length_m": 9e9}), points
    )
    assert none.value == 0.0 and "the total is 0" in " ".join(none.notes)
    mean = run_plan(validate_plan({"action": "mean", "metric": "length_m"}), points)
    assert mean.value == pytest.approx(2000, rel=0.02)
    with pytest.raises(CannotAnswer, match="no trip 'T9'"):
        run_plan(validate_plan({"action": "describe", "trip": "T9"}), points)


def test_the_asker_reads_a_frame_and_the_rules_plan_a_question():
    from trajlm.questions import Asker

    asker = Asker(_points(), planner="rules")
    assert asker.zone is None and len(asker.trips) == len(asker.trips_utc) == 3
    assert asker("how many trips longer than 1.5 km?").value == 2
    with pytest.raises(CannotAnswer, match="did not understand"):
        asker("how many happy trips?")


def test_check_arrays_blames_one_outlier_not_the_point_after_it():
    from trajlm.reason.validity import check_arrays
    from trajlm.reason.validity_text import TELEPORT

    t = np.arange(10, dtype=float) * 10
    x, y = np.arange(10, dtype=float) * 50, np.zeros(10)
    x[5] += 20_000  # one glitch: a jump out and back
    out = check_arrays(np.zeros(10, int), t, x, y, np.full(10, 10.0), np.full(10, 3.0))
    assert np.flatnonzero(out["code"] == TELEPORT).tolist() == [5]
    assert out["code"][6] == 0  # measured from point 4


def test_inject_keeps_its_draws_and_warns_at_the_callers_line():
    from trajlm.reason.inject import inject_anomalies

    points = _points()
    one, labels = inject_anomalies(points, fraction=1.0, seed=0, min_points=6)
    two, _ = inject_anomalies(points, fraction=1.0, seed=0, min_points=6)
    assert one.equals(two) and (labels["anomaly_type"] != "normal").all()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        inject_anomalies(points, min_points=600)
    assert [w.filename for w in seen] == [__file__]
