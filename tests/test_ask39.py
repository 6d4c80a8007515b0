"""ask39: a fresh measure's misses (scripts/ask39 holds set 39) and status's ask leftovers, each as a general rule on
made words and a made fleet that are not the measure's. Before (main a28c0e89): "who was I with on Tuesday" listed
the day's trips (a silent wrong answer); polite openers, "kms", "orders", "maximum jobs", "rack up", "over the
fortnight", a two-letter label, "in km and in miles", two periods or two named vehicles compared were refused."""

from __future__ import annotations

import pandas as pd
import pytest
from test_ask37b import _plan

from trajlm.llm.grounding import DataWords
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.world_words import second_unit
from trajlm.questions import Asker

WORDS = DataWords(labels=("hv", "petrol"), vehicles={"dr-1": "DR-1", "dr-2": "DR-2"})


def _fleet() -> pd.DataFrame:
    """Two drivers over Mon 2 - Sun 15 March 2026: DR-1 ("hv") 2 trips a day the first week, 3 the second; DR-2
    ("petrol") 1 a day; each trip 20 one-minute steps north of ~556 m, each in its own place (no copies), UTC."""
    rows = []
    for day in pd.date_range("2026-03-02", "2026-03-15", tz="UTC"):
        for vid, lab, n in (("DR-1", "hv", 2 if day.day < 9 else 3), ("DR-2", "petrol", 1)):
            for j in range(n):
                t0 = day + pd.Timedelta(hours=8 + 3 * j)
                for k in range(21):
                    rows.append(
                        (
                            f"{vid}-{day.day}-{j}",
                            t0 + pd.Timedelta(minutes=k),
                            51.0 + 0.005 * k,
                            0.01 * day.day + 0.003 * j + 0.001 * (vid == "DR-2"),
                            vid,
                            lab,
                        )
                    )
    return pd.DataFrame(rows, columns=["traj_id", "t", "lat", "lon", "vehicle_id", "mode"])


def test_who_a_mover_was_with_is_refused_not_listed() -> None:
    for q in (
        "who was I with on Tuesday?",
        "who did we meet on Monday",
        "Who was with me on Friday?",
    ):
        with pytest.raises(CannotAnswer, match="not in the trip table"):
            _plan(q, WORDS)
    with pytest.raises(CannotAnswer, match="not in the trip table"):
        Asker(_fleet())("who was i with on tuesday")


def test_other_englishes_words() -> None:
    p = _plan("Kindly share the total kms done by DR-1 on Tuesday.", WORDS)
    assert (p.action, p.metric, p.unit, p.vehicle, p.weekdays) == (
        "sum",
        "length_m",
        "km",
        "DR-1",
        ["tue"],
    )
    p = _plan("Which driver did maximum orders on Monday?", WORDS)
    assert (p.action, p.group, p.ascending) == ("count", "vehicle", False)
    p = _plan("how many orders in the breakfast slot between 7 and 9 am lol", WORDS)
    assert (p.action, p.hour_from, p.hour_to) == ("count", 7, 9)
    p = _plan("How many hv orders were delivered on 3rd March?", WORDS)
    assert (p.action, p.mode, str(p.date_from)) == ("count", "hv", "2026-03-03")
    days = DataWords(labels=WORDS.labels, vehicles=WORDS.vehicles,
                     dates=tuple(pd.date_range("2026-03-02", "2026-03-15").date))  # fmt: skip
    p = _plan("How many miles did DR-2 rack up over the fortnight?", days)
    assert (p.action, p.unit, p.vehicle, p.date_from) == ("sum", "mi", "DR-2", None)
    longer = DataWords(dates=tuple(pd.date_range("2026-03-02", "2026-03-20").date))
    with pytest.raises(CannotAnswer, match="19 days"):
        _plan("How many trips over the fortnight?", longer)
    p = _plan("how many times did i take the petrol", WORDS)  # a label's trips, counted
    assert (p.action, p.mode) == ("count", "petrol")
    assert second_unit("the average speed in km/h and mph?") == (
        "the average speed in km/h?",
        "mph",
    )
    assert second_unit("the distance in km") == ("the distance in km", None)


def test_two_periods_two_vehicles_and_two_units_compared() -> None:
    ask = Asker(_fleet())
    got = ask("Were there more trips in the week of 9 March than in the week of 2 March?")
    assert got.value is True and str(got).startswith(
        "yes: 28 trips in the week of 9 March, 21 trips in"
    )
    got = ask("did DR-1 make more trips on Monday 2 March than on Monday 9 March?")
    assert got.value is False and str(got).startswith("no: 2 trips")
    got = ask("Which driver made fewer trips, DR-1 or DR-2?")
    assert got.value == "DR-2" and "of DR-1 and DR-2" in str(got)
    got = ask("What distance did DR-2 cover in km and in miles?")
    km = got.value
    assert any(n == f"in mi: {km / 1.609344:,.1f} mi" for n in got.notes)


def _bikes() -> pd.DataFrame:
    """Two cargo bikes and an e-bike, one trip each on Tue 3 March 2026 (UTC); CB-2's trip stands still 6 min."""
    rows = []
    for n, (vid, lab, still) in enumerate(
        (("CB-1", "cargo", 0), ("CB-2", "cargo", 6), ("EB-1", "ebike", 2))
    ):
        t0 = pd.Timestamp("2026-03-03 08:00", tz="UTC") + pd.Timedelta(hours=n)
        lat = 52.0
        for k in range(30 + still):
            lat += 0.0 if 10 <= k < 10 + still else 0.002
            rows.append((f"T{n}", t0 + pd.Timedelta(minutes=k), lat, 4.9 + 0.01 * n, vid, lab))
    return pd.DataFrame(rows, columns=["traj_id", "t", "lat", "lon", "vehicle_id", "mode"])


def test_status_leftovers_stop_owner_setting_words_sunday_weeks_vowels() -> None:
    from trajlm.llm.rule_words import KNOWN, MEND_INTO
    from trajlm.llm.spelling import mend_word

    got = Asker(_bikes())(
        "which bike had the longest stop"
    )  # "bike" heads cargo / ebike: the whole fleet
    assert str(got).startswith("CB-2: 6.0 min stopped in one stop (trip T1)")
    vans = DataWords(labels=("van", "car"), vehicles={"v-1": "V-1"})
    p = _plan(
        "how many trips did the depot vans make on Monday?", vans
    )  # where the fleet works, no kind
    assert (p.action, p.mode, p.weekdays) == ("count", "van", ["mon"])
    with pytest.raises(CannotAnswer, match="'red'"):  # a colour stays unread
        _plan("how many trips did the red vans make on Monday?", vans)
    got = Asker(_fleet())("how many trips per week, Sunday to Saturday?")
    text = str(got)
    assert (
        "week of 2026-03-01: 18" in text
        and "week of 2026-03-08: 27" in text
        and "week of 2026-03-15: 4" in text
    )
    assert "weeks from Sunday" in got.plan.describe()
    assert "week of 2026-03-02: 21" in str(
        Asker(_fleet())("how many trips per week?")
    )  # Monday weeks as before
    assert mend_word("avarage", MEND_INTO, frozenset(KNOWN)) == "average"
    assert mend_word("distence", MEND_INTO, frozenset(KNOWN)) == "distance"
    assert mend_word("setting", MEND_INTO, frozenset(KNOWN)) is None  # a real word stays itself
