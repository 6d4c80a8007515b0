"""Set 13 for `trajlm ask`: 50 questions (40 to answer, 10 to refuse) by six personas no set had.

A marine traffic officer (knots, nautical miles, anchored time), a school-run parent group (a school given as
coordinates), a bike-share operator (shares of short trips, busiest hour), an insurance telematics analyst (night
driving, km per week), a courier company (van trips, stops) and a tourism board (walking tours by weekday), written
from README.md and docs/llm.md only, before any rule change, on two held-out stores in local time
(`tests/test_llm_set13_data.py`). Every expected answer is computed with pandas from the generated rows.
"""

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ask_helpers import check_left, read_api, read_cli, run_cli, with_outcome  # noqa: E402
from test_llm_set13_data import INGEST, expect, trip_tables, write_csvs  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

# question id -> the refusal it still gets after session 15's fixes (pinned: a change shows here)
# (19 "before eight in the morning", 25 the busiest hour, 40 "ended on a Sunday": answered since session 16)
LEFT: dict[int, str] = {
    38: "did not understand 'courier'",  # the data's vans, in the operator's word
    44: "did not understand 'tours'",  # "tours" alone: of what? ("walking tours" are walks)
}

S, A = "solent", "adl"
SC = "-34.9040, 138.6215"
Q = [
    # marine traffic officer (Solent)
    (1, S, "How many voyages did ferries make?", "num", dict(label="ferry", agg="count")),
    (
        2,
        S,
        "What is the average speed of the cargo ships in knots?",
        "num",
        dict(label="cargo", agg="mean", metric="speed", unit="kn"),
    ),
    (
        3,
        S,
        "what's the longest voyage in nautical miles?",
        "trip",
        dict(agg="top", metric="length", unit="nm"),
    ),
    (
        4,
        S,
        "total distance sailed by the tugs, in nautical miles",
        "num",
        dict(label="tug", agg="sum", metric="length", unit="nm"),
    ),
    (
        5,
        S,
        "How many voyages were there on Sunday 29 March 2026?",
        "num",
        dict(date=("2026-03-29", "2026-03-29"), agg="count"),
    ),
    (
        6,
        S,
        "How many tanker voyages were at anchor for more than an hour?",
        "num",
        dict(label="tanker", stop_gt=3600, agg="count"),
    ),
    (
        7,
        S,
        "Median voyage duraton for cargo vessels, in hours",
        "num",
        dict(label="cargo", agg="median", metric="duration", unit="h"),
    ),
    (
        8,
        S,
        "how many voyages averaged faster than fifteen knots?",
        "num",
        dict(speed_gt=15 * 1.852, agg="count"),
    ),
    (
        9,
        S,
        "What percentage of voyages were made by ferries?",
        "num",
        dict(share=dict(label="ferry"), unit="%"),
    ),
    (
        10,
        S,
        "mean speed of vessel MMSI 235010002 in kts",
        "num",
        dict(vehicle="235010002", agg="mean", metric="speed", unit="kn"),
    ),
    (
        11,
        S,
        "How many voyages started between 10pm and 5am local time?",
        "num",
        dict(hours=(22, 5), agg="count"),
    ),
    (
        13,
        S,
        "average voyage length in NM for pilot boats",
        "num",
        dict(label="pilot", agg="mean", metric="length", unit="nm"),
    ),
    (
        14,
        S,
        "How many voyages were longer than 10 nautical miles?",
        "num",
        dict(length_gt=18520, agg="count"),
    ),
    (
        46,
        S,
        "Average speed of all voyages on 31 March, in knots",
        "num",
        dict(date=("2026-03-31", "2026-03-31"), agg="mean", metric="speed", unit="kn"),
    ),
    (
        47,
        S,
        "how many voyages by tugs lasted over 1h30?",
        "num",
        dict(label="tug", dur_gt=5400, agg="count"),
    ),
    (
        48,
        S,
        "What proportion of cargo voyages anchored for longer than 30 minutes?",
        "num",
        dict(label="cargo", share=dict(stop_gt=1800), unit="frac"),
    ),
    (
        49,
        S,
        "Total duration of ferry voyages in hours",
        "num",
        dict(label="ferry", agg="sum", metric="duration", unit="h"),
    ),
    # school-run parents (Adelaide)
    (
        15,
        A,
        "How many car trips started before 8 am on weekdays?",
        "num",
        dict(label="car", weekdays=[0, 1, 2, 3, 4], hours=(0, 8), agg="count"),
    ),
    (
        16,
        A,
        f"What is the average speed, in km/h, of trips that passed within 300 m of {SC}?",
        "num",
        dict(near=300, agg="mean", metric="speed", unit="km/h"),
    ),
    (
        17,
        A,
        f"how many trips went within 200m of {SC} between 7 and 9 am?",
        "num",
        dict(near=200, hours=(7, 9), agg="count"),
    ),
    (
        19,
        A,
        "What proportion of car trips started before eight in the morning?",
        "num",
        dict(label="car", share=dict(hours=(0, 8)), unit="frac"),
    ),
    (
        20,
        A,
        "median trip length in miles for FAM-01",
        "num",
        dict(vehicle="FAM-01", agg="median", metric="length", unit="mi"),
    ),
    # bike share
    (
        21,
        A,
        "What share of bike trips were shorter than 2 km?",
        "num",
        dict(label="bike", share=dict(length_lt=2000), unit="frac"),
    ),
    (
        22,
        A,
        "What percent of bike rides lasted under 10 minutes?",
        "num",
        dict(label="bike", share=dict(dur_lt=600), unit="%"),
    ),
    (23, A, "how many trips did bike BK-107 make?", "num", dict(vehicle="BK-107", agg="count")),
    (
        24,
        A,
        "average bike trip distance in metres",
        "num",
        dict(label="bike", agg="mean", metric="length", unit="m"),
    ),
    (25, A, "Which hour of the day has the most bike trips?", "hour", dict(label="bike")),
    (
        26,
        A,
        "how many bike trips betwen 5 and 7 pm on weekdays?",
        "num",
        dict(label="bike", weekdays=[0, 1, 2, 3, 4], hours=(17, 19), agg="count"),
    ),
    (
        27,
        A,
        "total km ridden by bikes on Saturday 4 April",
        "num",
        dict(
            label="bike", date=("2026-04-04", "2026-04-04"), agg="sum", metric="length", unit="km"
        ),
    ),
    # insurance telematics
    (
        28,
        A,
        "What percentage of POL-1003's trips were at night?",
        "num",
        dict(vehicle="POL-1003", share=dict(hours=(22, 6)), unit="%"),
    ),
    (
        29,
        A,
        "How many km did POL-1001 drive in the week of 30 March - 5 April?",
        "num",
        dict(
            vehicle="POL-1001",
            date=("2026-03-30", "2026-04-05"),
            agg="sum",
            metric="length",
            unit="km",
        ),
    ),
    (
        31,
        A,
        "Average speed of car trips at night, in mph",
        "num",
        dict(label="car", hours=(22, 6), agg="mean", metric="speed", unit="mph"),
    ),
    (
        32,
        A,
        "How Many car trips averaged over 60 km/h?",
        "num",
        dict(label="car", speed_gt=60, agg="count"),
    ),
    # courier
    (
        35,
        A,
        "median van trip duration in minutes",
        "num",
        dict(label="van", agg="median", metric="duration", unit="min"),
    ),
    (
        36,
        A,
        "How many van trips had a stop longer than 7 minutes?",
        "num",
        dict(label="van", stop_gt=420, agg="count"),
    ),
    (
        38,
        A,
        "which courier trip was the longest in km?",
        "trip",
        dict(label="van", agg="top", metric="length", unit="km"),
    ),
    # museum / tourism
    (
        40,
        A,
        "How many walking tours ended on a Sunday?",
        "num",
        dict(label="walk", end_weekdays=[6], agg="count"),
    ),
    (
        41,
        A,
        "how many WALKS were there at the weekend?",
        "num",
        dict(label="walk", weekdays=[5, 6], agg="count"),
    ),
    (
        42,
        A,
        "Average walking tour length in kilometres?",
        "num",
        dict(label="walk", agg="mean", metric="length", unit="km"),
    ),
    (
        44,
        A,
        "what fraction of tours started in the afternoon?",
        "num",
        dict(label="walk", share=dict(hours=(12, 18)), unit="frac"),
    ),
    # to refuse
    (101, S, "What was the wind speed when ship 636019001 anchored?", "refuse", {}),
    (102, S, "Which ship will arrive next?", "refuse", {}),
    (103, A, "top speed of POL-1002 in mph", "refuse", {}),
    (104, A, "how many delivery stops did CR-02 make?", "refuse", {}),
    (105, A, "Deliveries per driver: how many trips did each courier make?", "refuse", {}),
    (106, A, "how many visitors came on Tuesday?", "refuse", {}),
    (107, S, "how much fuel did the tankers burn?", "refuse", {}),
    (108, A, "Which parents were late for school last week?", "refuse", {}),
    (109, A, "what does a bike rental cost per hour?", "refuse", {}),
    (110, S, "How many ships came within 1 nm of each other?", "refuse", {}),
]
assert len(Q) == 50 and sum(q[3] != "refuse" for q in Q) == 40


def _score(kind: str, sp: dict, exp, refused: bool, value, first_trip) -> str:
    """right / wrong / refused for an answerable question; refused_right / wrong_answered for one to refuse."""

    def close(v, e) -> bool:
        return v is not None and abs(v - e) <= 0.01 * abs(e) + 1e-9

    if kind == "refuse":
        return "refused_right" if refused else "wrong_answered"
    if refused:
        return "refused"
    if kind == "trip":
        if first_trip is not None and re.sub(r"_\d+$", "", first_trip) in exp["trips"]:
            return "right"
        return "right" if close(value, exp["value"]) else "wrong"
    if kind == "hour":
        return "right" if value is not None and int(value) == exp else "wrong"
    if "share" in sp:  # a share is right as a fraction or as a percentage
        f = exp / 100 if sp["unit"] == "%" else exp
        return "right" if (close(value, f) or close(value, f * 100)) else "wrong"
    return "right" if close(value, exp) else "wrong"


def _ingest(paths: dict, folder: Path) -> dict:
    """`trajlm data ingest` of each CSV, in this process (run_cli: ~2.5 CPU s of start-up less
    than `python -m trajlm.cli` each; the CLI test below reads the answers through the CLI)."""
    stores = {}
    for key, csv in paths.items():
        out = folder / f"st_{key}"
        run_cli(["data", "ingest", str(csv), "--out", str(out), *INGEST[key]])
        stores[key] = out
    return stores


def run_set(folder: Path) -> list[dict]:
    """Every question of the set through `Asker` on freshly generated and ingested stores."""
    paths = write_csvs(folder)
    tables = trip_tables(pd.read_csv(paths["solent"]), pd.read_csv(paths["adl"]))
    stores = _ingest(paths, folder)
    askers = {k: Asker(v) for k, v in stores.items()}
    rows = []
    for qid, store, question, kind, spec in Q:
        exp = expect(tables, store, kind, spec)
        refused, value, first, text = read_api(askers[store], question)
        outcome = _score(kind, spec, exp, refused, value, first)
        rows.append(dict(id=qid, store=store, question=question, outcome=outcome, text=text))
    return rows


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict:
    return {r["id"]: r for r in run_set(tmp_path_factory.mktemp("set13"))}


def test_every_question_to_refuse_is_refused(outcomes):
    assert not with_outcome(outcomes, "wrong_answered")


def test_no_answerable_question_gets_a_wrong_number(outcomes):
    assert not with_outcome(outcomes, "wrong")


def test_answerable_questions_are_answered_right_except_those_left(outcomes):
    check_left(outcomes, LEFT)


@pytest.mark.slow
def test_the_cli_gives_the_same_outcomes_as_the_api(tmp_path, outcomes):
    paths = write_csvs(tmp_path)
    tables = trip_tables(pd.read_csv(paths["solent"]), pd.read_csv(paths["adl"]))
    stores = _ingest(paths, tmp_path)
    for qid, store, question, kind, spec in Q:
        exp = expect(tables, store, kind, spec)
        refused, value, first, text = read_cli(stores[store], question)
        assert _score(kind, spec, exp, refused, value, first) == outcomes[qid]["outcome"], (
            question,
            text,
        )


if __name__ == "__main__":  # prints the score of the code it imports
    import collections
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        rows = run_set(Path(d))
    for r in rows:
        print(r["id"], r["outcome"], "|", r["question"], "|", r["text"][:110])
    print(dict(collections.Counter(r["outcome"] for r in rows)))
