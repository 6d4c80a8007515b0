"""The SmolLM2 planner's plans keep only what the question said: few-shot example ids
('T-17', 'abc-9', vehicle 20000589) and coordinates the question never gave are dropped or
refused with that reason (newuser5 item 6). The model is stubbed: no weights needed."""

from __future__ import annotations

import json

import pytest

from trajlm.llm.plan import CannotAnswer, validate_plan
from trajlm.llm.planner import SmolPlanner, grounded


def _stub(answer: dict) -> SmolPlanner:
    p = object.__new__(SmolPlanner)  # no weights: _generate answers what the model wrote
    p.constrained, p.retries = True, 2
    p._generate = lambda msgs: json.dumps(answer)
    return p


def test_example_trip_id_is_dropped_from_a_count():
    plan = _stub({"action": "count", "trip": "T-17"}).plan("how many trips are there?")
    assert plan.trip is None and plan.action == "count"


def test_example_vehicle_id_is_dropped_but_a_named_one_stays():
    q = "show the trips of vehicle 20000123 on weekends"
    plan = _stub({"action": "list", "vehicle": "20000589", "weekdays": ["sat"]}).plan(q)
    assert plan.vehicle is None and plan.weekdays == ["sat"]
    plan = _stub({"action": "list", "vehicle": "20000123"}).plan(q)
    assert plan.vehicle == "20000123"


def test_predict_without_a_trip_in_the_question_is_refused_for_that_reason():
    with pytest.raises(CannotAnswer, match="names no trip id") as e:
        _stub({"action": "predict", "trip": "T-17", "minutes": 4}).plan("where will it go next?")
    assert "T-17" not in e.value.reason  # never a reason about a trip the user did not name


def test_trip_named_in_the_question_is_kept_whole_word_only():
    q = "describe trip 1372636853620000380"
    plan = grounded(validate_plan({"action": "describe", "trip": "1372636853620000380"}), q)
    assert plan.trip == "1372636853620000380"
    part = validate_plan({"action": "count", "trip": "13726"})  # a piece of an id is not an id
    assert grounded(part, q).trip is None


def test_coordinates_not_in_the_question_are_refused():
    plan = validate_plan({"action": "count", "lat": 41.15, "lon": -8.61, "radius_m": 2000})
    with pytest.raises(CannotAnswer, match="no coordinates"):
        grounded(plan, "how many trips went near the airport?")
    assert grounded(plan, "count trips within 2 km of 41.15,-8.61").lat == 41.15
