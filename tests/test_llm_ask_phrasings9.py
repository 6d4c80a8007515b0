"""The rule planner on phrasings found by the ninth independent question set, tested on new
questions (not the set's): "no. of" / "nr of" / "# of" as "number of"; "show 4, only those
...": a shown number before a comma, and "only" before a filter; trip ids with an owner
before a slash (GeoLife's user/file_segment); a description asked as "tell me what trip X
did"; an impossible ISO date refused, not raised."""

from __future__ import annotations

import pytest

from trajlm.llm.plan import CannotAnswer, validate_plan
from trajlm.llm.rules import RulePlanner


def _plan(question: str) -> dict:
    return RulePlanner(years=[2024]).plan(question).key()


@pytest.mark.parametrize(
    "question,plan",
    [
        ("nr. of bike trips on weekends", {"action": "count", "mode": "bike", "weekdays": ["sat", "sun"]}),
        ("what's the no of walks in the morning",
         {"action": "count", "mode": "walk", "hour_from": 6, "hour_to": 12}),
        ("# of trips faster than 20 km/h", {"action": "count", "min_speed_kmh": 20}),
        ("total No. of GPS points on mondays", {"action": "sum", "metric": "n_points", "weekdays": ["mon"]}),
        ("sort trips by duration, longest first, list 3, only the ones on weekends",
         {"action": "top", "metric": "duration_s", "k": 3, "weekdays": ["sat", "sun"]}),
        ("only bus trips slower than 10 km/h, only on sundays",
         {"action": "list", "mode": "bus", "weekdays": ["sun"], "max_speed_kmh": 10}),
        ("order walks by speed, slowest first, give me 2, only those longer than 1 km",
         {"action": "top", "metric": "speed_kmh", "k": 2, "ascending": True, "mode": "walk",
          "min_length_m": 1000}),
        ("describe trajectory 010/20081023025304_0", {"action": "describe", "trip": "010/20081023025304_0"}),
        ("predict 004/20081024020959_3 for 10 minutes",
         {"action": "predict", "trip": "004/20081024020959_3", "minutes": 10}),
        ("where will ride abc/syn-000007_1 be in 5 min",
         {"action": "predict", "trip": "abc/syn-000007_1", "minutes": 5}),
        ("what did trip syn-000003_0 do?", {"action": "describe", "trip": "syn-000003_0"}),
        ("can you tell me in plain english what happened on journey t_17",
         {"action": "describe", "trip": "t_17"}),
    ],
)  # fmt: skip
def test_set9_phrasings(question, plan):
    assert _plan(question) == validate_plan(plan).key()


def test_number_of_abbreviations_are_said_as_mended():
    planner = RulePlanner()
    planner.plan("no. of trips on sundays")
    assert planner.mended == [("no.", "number")]


@pytest.mark.parametrize("question", ["trips with no stops", "how many trips had no stop"])
def test_no_stops_is_no_stop_not_a_number(question):
    """Refused here until session 33 (ask33): now the trips whose longest stop is 0 s; "no" is still
    "number" only before "of"."""
    planner = RulePlanner(years=[2024])
    assert planner.plan(question).max_stop_s == 0 and planner.mended == []


@pytest.mark.parametrize(
    "question",
    [
        "trips with only one stop",  # "only" before a number, not a filter
        "how many trips stopped only once",
        "show 1,000 trips",  # a thousands comma is not "show 1, ..."
        "describe trip 12/03/2024",  # a numeric date is not a trip id
        "describe trip 2013/10/05",
        "is trip syn-000003_0 in the data",
        "tell me the weather on trip syn-1_0",
        "how many trips on 2024-02-30",  # an impossible ISO date: refused, not a ValueError
    ],
)
def test_still_refused(question):
    with pytest.raises(CannotAnswer):
        RulePlanner(years=[2024]).plan(question)


def test_an_impossible_iso_date_is_named():
    with pytest.raises(CannotAnswer, match="no such date: 2024-02-30"):
        RulePlanner().plan("how many trips on 2024-02-30")


@pytest.mark.slow
def test_every_set_question_on_real_stores_gives_an_answer_or_a_refusal():
    """Every question of the sets through `trajlm ask`'s path (``Asker``: plan, run, printed
    answer) on the stores in ``TRAJLM_ASK_STORES`` (``:``-separated; skipped when unset), with
    no model and with a small untrained one (so predict questions run): never a crash."""
    import json
    import os
    from pathlib import Path

    import torch

    from trajlm.api import TrajLM
    from trajlm.data.store import load_stats
    from trajlm.model import ModelConfig, TrajectoryModel
    from trajlm.questions import Asker

    stores = [s for s in os.environ.get("TRAJLM_ASK_STORES", "").split(":") if s]
    if not stores:
        pytest.skip("set TRAJLM_ASK_STORES=/tmp/stores/porto:/tmp/stores/geolife")
    files = sorted((Path(__file__).parent / "data").glob("ask_*.jsonl"))
    questions = [json.loads(x)["q"] for f in files for x in f.read_text().splitlines() if x]
    crashes = []
    for store in stores:
        torch.manual_seed(0)
        cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, stats=load_stats(store).to_dict())
        for model in (None, TrajLM(TrajectoryModel(cfg))):
            asker = Asker(store, planner="auto", model=model)
            for q in questions:
                try:
                    plan = asker.plan(q)
                    str(plan.describe()) + str(asker.run(plan))
                except CannotAnswer:
                    pass
                except Exception as e:  # a crash: named with its question
                    crashes.append(f"{store} {q!r}: {type(e).__name__}: {e}")
    assert not crashes, "\n".join(crashes)
