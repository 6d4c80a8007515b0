"""Session 33 (badin33): trajlm.places / trajlm.next_place and TrajLM.reach on hostile inputs
(scripts/badin33/probe.py, docs/reliability.md "Session 33 (badin33)"). Each failed on main
d0a61639 but the last (the quiet neighbour)."""

from __future__ import annotations

import warnings

import polars as pl
import pytest

import trajlm
from trajlm.errors import TrajlmInputError

T0 = 1772323200
HOME, WORK, GYM = (52.37, 4.89, 60), (52.39, 4.92, 60), (52.35, 4.95, 30)


def _day(d: int, legs: list[tuple[float, float, int]]) -> list[dict]:
    """A phone's fixes every 60 s: stays (lat, lon, minutes) with 10-min moves between."""
    rows, t, prev = [], T0 + 86400 * d + 7 * 3600, None
    for lat, lon, minutes in legs:
        for k in range(1, 10) if prev else ():
            rows.append({"t": t, "lat": prev[0] + (lat - prev[0]) * k / 10,
                         "lon": prev[1] + (lon - prev[1]) * k / 10})  # fmt: skip
            t += 60
        rows += [{"t": t + 60 * k, "lat": lat, "lon": lon} for k in range(minutes)]
        t += 60 * minutes
        prev = (lat, lon)
    return [{"participant_id": "P1", "trip_id": f"P1-d{d}", **r} for r in rows]


WEEK = pl.DataFrame([r for d in range(5) for r in _day(d, [HOME, WORK, GYM if d % 2 else WORK, HOME])])  # fmt: skip


def test_places_of_a_study_keyed_by_trip_are_the_participants() -> None:
    with pytest.warns(UserWarning, match="5 trips of 'trip_id' are read as the 1 movers of 'participant_id'"):  # fmt: skip
        got = trajlm.places(WEEK)  # was: each day's places, keyed by trip_id, without a word
    assert got.columns[0] == "participant_id" and got.height == 3
    assert trajlm.places(WEEK, traj_col="trip_id")["trip_id"].n_unique() == 5  # as asked


def test_next_place_says_a_mover_without_any_stay() -> None:
    car = pl.DataFrame({"participant_id": "P2", "trip_id": "P2-d0", "t": [T0 + 15 * k for k in range(8)],
                        "lat": 41.15, "lon": [-8.61 + 1.5e-3 * k for k in range(8)]})  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = trajlm.next_place(pl.concat([WEEK, car]))
    assert set(got["participant_id"]) == {"P1"}
    assert any("left out (P2)" in str(w.message) for w in caught)  # was: P2 absent, unsaid


def test_no_stays_line_counts_the_fixes_the_accuracy_rule_left_out() -> None:
    with pytest.raises(TrajlmInputError, match=r"1,275 fixes \(1,275 left out first for an accuracy"):  # fmt: skip
        trajlm.places(
            WEEK.with_columns(accuracy=pl.lit(5000.0))
        )  # was: "no stay in the 1,275 fixes"


@pytest.fixture(scope="module")
def lm() -> trajlm.TrajLM:
    return trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)


CAR = pl.DataFrame({"traj_id": ["a"] * 8, "t": [T0 + 15 * k for k in range(8)], "lat": [41.15] * 8,
                    "lon": [-8.61 + 0.0015 * k for k in range(8)]})  # fmt: skip
AHEAD = (41.15, -8.592)


def test_reach_route_must_be_a_bool(lm: trajlm.TrajLM) -> None:
    with pytest.raises(TrajlmInputError, match="route must be True or False, got 'no'"):
        lm.reach(CAR, AHEAD, route="no")  # was: truthy, the route engine on


def test_reach_memory_faults_name_memory(lm: trajlm.TrajLM) -> None:
    with pytest.raises(TrajlmInputError, match="^field memory: input: no points"):
        lm.reach(CAR, AHEAD, memory=CAR.head(0))  # was: "input: no points" (the data's?)


def test_reach_with_a_memory_of_other_names_still_answers(lm: trajlm.TrajLM) -> None:
    got = lm.reach(CAR, AHEAD, memory=CAR.rename({"traj_id": "VehicleRef"}))
    assert got["reached"].to_list() == [True]


def test_a_stay_held_hours_ahead_says_its_circle_was_measured_nearer(lm: trajlm.TrajLM) -> None:
    stay = pl.DataFrame({"traj_id": ["p"] * 20, "t": [T0 + 60 * k for k in range(20)],
                         "lat": [52.37 + (1e-3 * k if k < 6 else 6e-3) for k in range(20)],
                         "lon": [4.89] * 20})  # fmt: skip
    with pytest.warns(UserWarning, match="a stay held 2.0 h after the last fix"):
        lm.predict(stay, at_times=[T0 + 19 * 60 + 7200])  # was: the 5.7-m circle, unsaid
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lm.predict(stay, steps=3)  # three minutes ahead: inside what was measured
    assert not any("h after the last fix" in str(w.message) for w in caught)
