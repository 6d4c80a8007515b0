"""ask39b: a second fresh measure's misses (scripts/ask39b holds set 39b) as general rules, on made words and a made
fleet that are not the measure's. Before (main bee35bdf): "which groomer" among groomer / winch and "which van" among
ute / van ranked every vehicle (a silent wrong answer); "groom", "steam", "legs", "drops", "speed over ground",
"0600", "arvo", "kays", "all up", "across the trial", "time-wise" and "cargo ebikes" (two labels) were refused."""

from __future__ import annotations

import pandas as pd
import pytest
from test_ask37b import _plan

from trajlm.llm.grounding import DataWords
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.trade_words import clock_hhmm, trade_words
from trajlm.questions import Asker

WORDS = DataWords(labels=("tiller", "winch"), vehicles={"sc-1": "SC-1", "sc-2": "SC-2"})


def _fleet(labels: dict[str, str]) -> pd.DataFrame:
    """One trip a day over Mon 2 - Fri 6 March 2026 per vehicle, 20 one-minute steps north: the vehicle numbered n
    steps n * 200 m a minute, so the highest number travels the furthest; each in its own place (no copies), UTC."""
    rows = []
    for n, (vid, lab) in enumerate(labels.items(), start=1):
        for day in pd.date_range("2026-03-02", "2026-03-06", tz="UTC"):
            t0 = day + pd.Timedelta(hours=9)
            for k in range(21):
                rows.append((f"{vid}-{day.day}", t0 + pd.Timedelta(minutes=k), 51.0 + 0.0018 * n * k,
                             0.01 * day.day + 0.05 * n, vid, lab))  # fmt: skip
    return pd.DataFrame(rows, columns=["traj_id", "t", "lat", "lon", "vehicle_id", "mode"])


def test_trade_words_read_as_the_planners() -> None:
    p = _plan("How many km did SC-2 groom between 3 and 5 March?", WORDS)
    assert (p.action, p.metric, p.unit, p.vehicle, str(p.date_from), str(p.date_to)) == (
        "sum", "length_m", "km", "SC-2", "2026-03-03", "2026-03-05",
    )  # fmt: skip
    p = _plan("What was the mean speed over ground on the tiller legs, in knots?", WORDS)
    assert (p.action, p.metric, p.unit, p.mode) == ("mean", "speed_kmh", "kn", "tiller")
    p = _plan("How many nautical miles did SC-1 steam in total?", WORDS)
    assert (p.action, p.unit, p.vehicle) == ("sum", "nm", "SC-1")
    p = _plan("How many legs started between 0700 and 1900?", WORDS)
    assert (p.action, p.hour_from, p.hour_to) == ("count", 7, 19)
    p = _plan("How many drops did the winches do in the arvo?", WORDS)
    assert (p.action, p.mode, p.hour_from, p.hour_to) == ("count", "winch", 12, 18)
    p = _plan("How many kays did SC-1 do all up?", WORDS)
    assert (p.action, p.unit, p.vehicle) == ("sum", "km", "SC-1")
    p = _plan("What was the median trip length across the trial, in km?", WORDS)
    assert (p.action, p.metric, p.date_from) == ("median", "length_m", None)
    p = _plan("What's the longest drop anyone did, in km?", WORDS)
    assert (p.action, p.metric, p.k) == ("top", "length_m", 1)
    p = _plan("Which vehicle had the shortest drops on average, time-wise?", WORDS)
    assert (p.action, p.metric, p.group, p.ascending) == ("mean", "duration_s", "vehicle", True)
    with pytest.raises(CannotAnswer, match="read-only"):  # the verb is no trip
        _plan("drop the trips table", WORDS)


def test_a_clock_without_colon_and_a_label_before_another() -> None:
    assert clock_hhmm("between 0600 and 1800") == "between 06:00 and 18:00"
    assert clock_hhmm("after 2130 hrs") == "after 21:30"
    assert clock_hhmm("trips between 2019 and 2020") == "trips between 2019 and 2020"  # years
    assert clock_hhmm("before 1800") == "before 1800"  # a year as much as a time: left
    p = _plan(
        "What share of trips were made on cargo ebikes?", DataWords(labels=("cargo", "ebike"))
    )
    assert (p.action, p.mode) == ("share", "cargo")


def test_which_label_ranks_that_labels_vehicles_only() -> None:
    # the furthest of all is the last vehicle (a winch / a ute): the label's own must be named
    groomers = Asker(_fleet({"SC-1": "groomer", "SC-2": "groomer", "SC-3": "winch"}))
    first = str(groomers("Which groomer travelled the most km?")).splitlines()[0]
    assert "SC-2" in first and "of 2" in first
    vans = Asker(_fleet({"V-1": "van", "V-2": "van", "U-3": "ute"}))
    first = str(vans("Which van travelled the most km?")).splitlines()[0]
    assert "V-2" in first and "of 2" in first


def test_most_in_one_week_per_vehicle_on_sunday_weeks() -> None:
    # ask39's leftover: "which bike rode the most km per week (US weeks)" was refused; "..., sunday to saturday"
    # read the words as every weekday and ranked Monday weeks
    for q in ("which vehicle drove the most km per week (US weeks)",
              "which vehicle drove the most km in one week, sunday to saturday"):  # fmt: skip
        p = _plan(q, WORDS)
        assert (p.group, p.per, p.pick, p.weekdays, p._sunday_weeks) == (
            "vehicle",
            "week",
            "most",
            None,
            True,
        )
    p = _plan("which vehicle drove the most km per week", WORDS)
    assert (p.per, p._sunday_weeks) == ("week", False)
    first = str(
        Asker(_fleet({"SC-1": "groomer", "SC-2": "winch"}))(
            "which vehicle drove the most km per week (US weeks)"
        )
    )
    assert (
        "SC-2" in first and "week of 2026-03-01" in first
    )  # Mon 2 - Fri 6 March: the week of Sunday 1 March


def test_a_distance_without_a_unit_says_its_km() -> None:
    # ask39's leftover (set 39 T1 "how far did i go on my scooter": 4,047.7 m): the km beside, the value in metres
    said = Asker(_fleet({"SC-1": "groomer"}))("how far did SC-1 travel on 2 March")
    assert str(said).endswith(" km") and " m = " in str(said) and said.value > 1000
    assert " km" not in str(
        Asker(_fleet({"SC-1": "groomer"}))("how far did SC-1 travel on 2 March in metres")
    )


def test_a_trade_verb_stays_where_a_label_or_a_person_holds_it() -> None:
    assert (
        trade_words("How many km did PB-3 groom?", ("groomer", "winch"))
        == "How many km did PB-3 travel?"
    )
    grooming = (
        "grooming",
        "winch grooming",
        "transfer",
    )  # work_words reads the label's verb (set 29)
    assert trade_words("How many km did PB-3 groom?", grooming) == "How many km did PB-3 groom?"
    assert (
        trade_words("Which driver groomed the most km?", ()) == "Which driver groomed the most km?"
    )
