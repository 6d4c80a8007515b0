"""The SmolLM2 planner's plans keep only what the question said: few-shot example ids
('T-17', 'abc-9', vehicle 20000589) and coordinates the question never gave are shown to the
model, which tries again, and refused with that reason if it keeps them (newuser5 item 6).
The model is stubbed: no weights needed."""

from __future__ import annotations

import json

import pytest

from trajlm.llm.plan import CannotAnswer, validate_plan
from trajlm.llm.planner import SmolPlanner, Ungrounded, grounded


def _stub(*answers: dict) -> SmolPlanner:
    """A planner whose model writes ``answers`` in turn (the last one again), recording the
    messages it was shown."""
    p = object.__new__(SmolPlanner)  # no weights
    p.constrained, p.retries, p.seen = True, 2, []

    def generate(msgs):
        p.seen.append(msgs)
        return json.dumps(answers[min(len(p.seen), len(answers)) - 1])

    p._generate = generate
    return p


def test_example_trip_id_is_retried_and_the_clean_plan_kept():
    p = _stub({"action": "count", "trip": "T-17"}, {"action": "count"})
    assert p.plan("how many trips are there?").key() == validate_plan({"action": "count"}).key()
    assert "does not contain" in p.seen[1][-1]["content"]  # the model was told why


def test_kept_example_id_is_refused_with_the_right_reason():
    p = _stub({"action": "count", "trip": "abc-9", "max_speed_kmh": 12})
    with pytest.raises(CannotAnswer, match="names trip 'abc-9', which the question does not"):
        p.plan("what's the total number of trips in the dataset?")  # never a dropped-id answer
    assert len(p.seen) == 3  # one try + 2 retries


def test_predict_without_a_trip_in_the_question_is_refused_for_that_reason():
    with pytest.raises(CannotAnswer, match="does not contain"):
        _stub({"action": "predict", "trip": "T-17", "minutes": 4}).plan("where will it go next?")


def test_named_ids_are_kept_whole_words_only():
    q = "show the trips of vehicle 20000123 on weekends"
    assert _stub({"action": "list", "vehicle": "20000123"}).plan(q).vehicle == "20000123"
    with pytest.raises(Ungrounded):
        grounded(validate_plan({"action": "list", "vehicle": "20000589"}), q)
    d = "describe trip 1372636853620000380"
    plan = validate_plan({"action": "describe", "trip": "1372636853620000380"})
    assert grounded(plan, d) is plan
    with pytest.raises(Ungrounded):  # a piece of an id is not an id
        grounded(validate_plan({"action": "count", "trip": "13726"}), d)


def test_coordinates_not_in_the_question_are_refused():
    plan = validate_plan({"action": "count", "lat": 41.15, "lon": -8.61, "radius_m": 2000})
    with pytest.raises(Ungrounded, match="coordinates"):
        grounded(plan, "how many trips went near the airport?")
    assert grounded(plan, "count trips within 2 km of 41.15,-8.61") is plan
