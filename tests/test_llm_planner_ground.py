"""The SmolLM2 planner refuses a plan with a trip / vehicle id or coordinates the question
never gave (copied from its few-shot examples, or made of the question's words), at once and
with that reason, instead of "no trip 'T-17' in this data" (newuser5 item 6). Stubbed model."""

from __future__ import annotations

import json

import pytest

from trajlm.llm.plan import CannotAnswer, validate_plan
from trajlm.llm.planner import SmolPlanner, Ungrounded, grounded


def _stub(answer: dict) -> SmolPlanner:
    p = object.__new__(SmolPlanner)  # no weights: the model writes ``answer``
    p.constrained, p.retries, p.seen = True, 2, []
    p._generate = lambda msgs: p.seen.append(msgs) or json.dumps(answer)
    return p


@pytest.mark.parametrize("answer", [
    {"action": "count", "trip": "T-17"},  # an example's id
    {"action": "count", "trip": "abc-9", "max_speed_kmh": 12, "min_duration_s": 3600},
    {"action": "count", "trip": "campanha-station-saturday"},  # made of the question's words
    {"action": "predict", "trip": "T-17", "minutes": 4},
])  # fmt: skip
def test_ungiven_id_is_refused_at_once_with_the_right_reason(answer):
    p = _stub(answer)
    with pytest.raises(Ungrounded, match=f"names trip '{answer['trip']}', which the question"):
        p.plan("how many trips went by campanha station on saturdays?")
    assert len(p.seen) == 1  # no retries: they fixed none (docs/llm.md)


def test_named_ids_are_kept_whole_words_only():
    q = "show the trips of vehicle 20000123 on weekends"
    assert _stub({"action": "list", "vehicle": "20000123"}).plan(q).vehicle == "20000123"
    with pytest.raises(Ungrounded, match="vehicle '20000589'"):
        grounded(validate_plan({"action": "list", "vehicle": "20000589"}), q)
    d = "describe trip 1372636853620000380"
    plan = validate_plan({"action": "describe", "trip": "1372636853620000380"})
    assert grounded(plan, d) is plan
    with pytest.raises(Ungrounded):  # a piece of an id is not an id
        grounded(validate_plan({"action": "count", "trip": "13726"}), d)


def test_coordinates_not_in_the_question_are_refused():
    plan = validate_plan({"action": "count", "lat": 41.15, "lon": -8.61, "radius_m": 2000})
    with pytest.raises(CannotAnswer, match="coordinates"):
        grounded(plan, "how many trips went near the airport?")
    assert grounded(plan, "count trips within 2 km of 41.15,-8.61") is plan


@pytest.mark.parametrize(
    "answer",
    [{"action": "count", "minutes": 5}, {"action": "sum", "metric": "speed_kmh", "k": 100}],
)
def test_a_number_the_action_does_not_use_is_refused(answer):
    with pytest.raises(Ungrounded, match="does not use"):  # else: a count of every trip
        _stub(answer).plan("how many trips took less than 5 minutes?")
    ok = validate_plan({"action": "top", "metric": "speed_kmh", "k": 5})
    assert grounded(ok, "top 5 fastest trips") is ok
