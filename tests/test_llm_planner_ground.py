"""The SmolLM2 planner's plans keep only what the question said (newuser5 item 6): a few-shot
example's id ('T-17', 'abc-9', vehicle 20000589) is dropped with the example values copied
along; any other id or coordinates the question never gave are shown to the model, which
tries again, and refused with that reason if it keeps them. The model is stubbed."""

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


def test_example_trip_id_is_dropped_from_a_count():
    p = _stub({"action": "count", "trip": "T-17"})
    assert p.plan("how many trips are there?").key() == validate_plan({"action": "count"}).key()
    assert len(p.seen) == 1


def test_a_copied_example_loses_its_copied_filters_but_not_the_questions():
    p = _stub({"action": "count", "trip": "abc-9", "max_speed_kmh": 12, "min_duration_s": 3600})
    plan = p.plan("what's the total number of trips in the dataset?")
    assert plan.key() == validate_plan({"action": "count"}).key()  # never the example's filters
    plan = p.plan("how many trips were slower than 12 km/h and over 1 hour long?")
    assert (plan.trip, plan.max_speed_kmh, plan.min_duration_s) == (None, 12, 3600)


def test_made_up_id_is_retried_then_refused_with_the_right_reason():
    p = _stub({"action": "count", "trip": "campanha-station-saturday"}, {"action": "count"})
    assert p.plan("how many trips went by campanha station?").trip is None
    assert "does not contain" in p.seen[1][-1]["content"]  # the model was told why
    p = _stub({"action": "count", "trip": "campanha-station-saturday"})
    with pytest.raises(CannotAnswer, match="names trip 'campanha-station-saturday', which the q"):
        p.plan("how many trips went by campanha station?")  # not a count of every trip
    assert len(p.seen) == 3  # one try + 2 retries


def test_predict_without_a_trip_in_the_question_is_refused_for_that_reason():
    with pytest.raises(CannotAnswer, match="does not contain"):
        _stub({"action": "predict", "trip": "T-17", "minutes": 4}).plan("where will it go next?")


def test_named_ids_are_kept_whole_words_only():
    q = "show the trips of vehicle 20000123 on weekends"
    assert _stub({"action": "list", "vehicle": "20000123"}).plan(q).vehicle == "20000123"
    assert grounded(validate_plan({"action": "list", "vehicle": "20000589"}), q).vehicle is None
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
