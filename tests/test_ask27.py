"""Session 27 (ask27): local date words read against the data's dates ("last Tuesday", "the 3rd", "Wednesday the
2nd", "over the weekend", "the weekend of the 5th"), a crew's words for its labels and vehicles ("tug tasks", "on the
road", "the semi", "matchday"), ids like a lifeboat's "17-21", metres per minute, and the note under answers on a
store that kept 1 fix a second of a 10 Hz source (docs/llm.md "Session 27 (ask27)").

A small mixed fleet over 12 local days across two months and two weekends (27 November - 8 December 2026, London
time): a tug, a semi with road and field trips, a lifeboat "17-21". Truths with pandas on the frame here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ask_helpers import haversine_m

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
ZONE = "Europe/London"
DAYS = pd.date_range(
    "2026-11-27", "2026-12-08"
)  # Fri .. Tue: two weekends, Tuesdays 1 and 8 December


@pytest.fixture(scope="module")
def fleet() -> pd.DataFrame:
    rng = np.random.default_rng(27)
    rows = []
    for d, day in enumerate(DAYS):
        for unit, label, hours in (
            ("TUG-1", "pushback tug", (9, 13)),
            ("SEMI-4", "transport" if d % 3 == 0 else "harvest", (8,)),
            (
                "17-21",
                "service",
                (23,) if day.day == 3 else (),
            ),  # a launch over midnight on the 3rd
        ):
            for k, hour in enumerate(hours):
                t0 = day + pd.Timedelta(hours=hour)
                v = rng.uniform(2.0, 12.0)  # m/s
                minutes = 8 + 4 * k if unit != "17-21" else 90
                lat, lon = 51.47 + 0.01 * k, -0.45 + 0.001 * d
                for i in range(minutes + 1):
                    rows.append(
                        (f"{unit}/{d}/{k}", unit, label, t0 + pd.Timedelta(minutes=i), lat, lon)
                    )
                    lat += v * 60 / 111_195.0
    return pd.DataFrame(rows, columns=["task", "unit", "kind", "local_time", "lat", "lon"])


@pytest.fixture(scope="module")
def steps(fleet) -> pd.DataFrame:
    s = fleet.sort_values(["task", "local_time"]).copy()
    same = s.task.eq(s.task.shift())
    s["d"] = np.where(same, haversine_m(s.lat.shift(), s.lon.shift(), s.lat, s.lon), 0.0)
    s["began"] = s.local_time.shift().dt.date  # a step counts on the local date it began
    return s[same]


@pytest.fixture(scope="module")
def trips(fleet, steps) -> pd.DataFrame:
    g = fleet.groupby("task")
    t = g.agg(
        unit=("unit", "first"),
        kind=("kind", "first"),
        start=("local_time", "min"),
        end=("local_time", "max"),
    )
    t["m"] = steps.groupby("task").d.sum()
    t["date"] = t.start.dt.date
    return t


@pytest.fixture(scope="module")
def asker(fleet) -> Asker:
    cols = {"traj_id": "task", "t": "local_time", "vehicle_id": "unit", "label": "kind"}
    return Asker(fleet, columns=cols, tz=ZONE)


def _day(s: str):
    return pd.Timestamp(s).date()


def test_last_weekday_is_the_data_s_last_one_and_the_plan_names_it(asker, trips):
    a = asker("How many tasks did TUG-1 do last Tuesday?")
    assert a.value == int(((trips.unit == "TUG-1") & (trips.date == _day("2026-12-08"))).sum()) == 2
    assert a.plan.date_from == _day("2026-12-08") == a.plan.date_to


def test_a_day_of_the_month_is_the_one_in_the_data_s_span(asker, steps):
    """ "the 3rd": 3 December (3 November lies before the data); a km total on it adds the steps of that date."""
    a = asker("On the 3rd, how far did 17-21 go, in km?")
    boat = steps[steps.unit == "17-21"]
    assert a.value == pytest.approx(boat.d[boat.began == _day("2026-12-03")].sum() / 1000, rel=1e-6)
    assert a.value < boat.d.sum() / 1000  # the launch went on past midnight
    b = asker("What was TUG-1's longest task on Wednesday the 2nd, in minutes?")
    assert b.plan.date_from == _day("2026-12-02") and b.value == pytest.approx(12.0)
    with pytest.raises(CannotAnswer, match="is a Wednesday"):
        asker("How many tasks did TUG-1 do on Thursday the 2nd?")
    with pytest.raises(CannotAnswer, match="no day of the month 15"):
        asker("How many tasks did TUG-1 do on the 15th?")


def test_over_the_weekend_is_refused_where_the_data_hold_two_and_one_is_read_when_named(
    asker, trips
):
    with pytest.raises(CannotAnswer, match="2 weekends") as e:
        asker("How many tasks were there over the weekend?")
    assert "\n" not in str(e.value)
    a = asker("How many tasks were there on the weekend of the 5th?")
    want = trips.date.isin([_day("2026-12-05"), _day("2026-12-06")]).sum()
    assert a.value == want == 2 * (2 + 1)  # the tug twice a day, the semi once, both days
    with pytest.raises(CannotAnswer):
        asker(
            "How many tasks were there last weekend?"
        )  # relative to an unknown today: still refused


def test_on_the_road_is_the_road_label_not_every_km(asker, trips):
    """set 27's wrong answer: "how many km did COMB-1 drive on the road" was every km of it ("on the road" read as
    travelling); where a label says road (transport), it is that label's trips."""
    a = asker("How many km did the semi drive on the road?")
    road = trips[(trips.unit == "SEMI-4") & (trips.kind == "transport")].m.sum() / 1000
    assert a.plan.vehicle == "SEMI-4" and a.plan.mode == "transport"
    assert a.value == pytest.approx(road, rel=1e-6)
    assert a.value < trips[trips.unit == "SEMI-4"].m.sum() / 1000 * 0.5
    b = asker("What was the longest trip of SEMI-4 in the field, in km?")
    assert b.plan.mode == "harvest"


def test_a_crew_s_words_for_labels_vehicles_and_units(asker, trips):
    tug = trips[trips.unit == "TUG-1"]
    a = asker(
        "How many tug tasks lasted longer than 10 minutes?"
    )  # "tug" of the label "pushback tug"
    assert a.plan.mode == "pushback tug" and a.value == int(
        ((tug.end - tug.start).dt.total_seconds() > 600).sum()
    )
    b = asker("How many launches did 17-21 make?")  # an id of digits and a dash
    assert b.plan.vehicle == "17-21" and b.value == 1
    speed = (tug.m / (tug.end - tug.start).dt.total_seconds()).mean() * 60
    c = asker("How many metres per minute did TUG-1 average?")
    assert c.plan.unit == "m/min" and c.value == pytest.approx(speed, rel=1e-3)
    d = asker("Which machine covered the most km?")
    assert trips.groupby("unit").m.sum().idxmax() in d.text.splitlines()[0]
    with pytest.raises(CannotAnswer, match="load"):
        asker("What was the player load of TUG-1?")


def test_a_10_hz_source_kept_at_1_hz_is_said_under_its_answers(tmp_path):
    from ask_helpers import run_cli

    t = pd.Timestamp("2026-11-28 14:00") + pd.to_timedelta(np.arange(300) * 100, unit="ms")
    frame = pd.DataFrame({"athlete": "Okafor", "activity": 1, "utc": t.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z",
                          "lat": 51.556 + np.arange(300) * 3e-6, "lon": -0.28})  # fmt: skip
    frame.to_csv(tmp_path / "vests.csv", index=False)
    run_cli(["data", "ingest", str(tmp_path / "vests.csv"), "--out", str(tmp_path / "store"), "--traj-col",
             "activity", "--vehicle-col", "athlete", "--time-col", "utc"])  # fmt: skip
    a = Asker(tmp_path / "store")("How many metres did Okafor cover?")
    assert any("270 sub-second fixes dropped" in n for n in a.notes), a.notes
    assert not any(
        "sub-second" in n for n in Asker(tmp_path / "store")("How many sessions were there?").notes
    )


def test_ordinals_that_are_not_a_day_alone_are_left_to_the_other_readers():
    """Only an ordinal standing for a day is rewritten: "the 90th percentile", "the 3rd longest trip" and a range
    whose month comes at its end stay as written (the batch of earlier sets found the first); "the last Monday of
    March" is read as that date since session 28 (tests/test_readers28.py)."""
    from datetime import date, timedelta

    from trajlm.llm.datewords import local_dates

    march = [date(2026, 3, 2) + timedelta(days=i) for i in range(30)]
    for q in ("the 90th percentile of trip length", "the 3rd longest trip",
              "trips from the 3rd to the 5th of March", "trips on March the 3rd"):  # fmt: skip
        assert local_dates(q, march) == q
    assert (
        local_dates("trips between the 3rd and the 5th?", march)
        == "trips between 3 March 2026 and 5 March 2026?"
    )
    assert (
        local_dates("how many trips last Monday?", march) == "how many trips Monday 30 March 2026?"
    )
