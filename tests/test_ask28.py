"""Session 28 (ask28): times written with their own UTC offset read on that clock, a label that names a kind of trip
("tip run") counted as trips, month-first dates of numbers ("on 11/10"), the fleet's first trip of a day, a crew's
words (outings, sorties, flights, flight time, rowed, on the water, sitting easy, hover, the sweeper), and a count
asked in a unit refused (docs/llm.md "Session 28 (ask28)").

A small fleet over Mon 9 - Fri 13 November 2026: two refuse lorries with collection rounds and tip runs, a sweeper,
a drone that hovers. Truths with pandas on the frame here.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from ask_helpers import haversine_m
from helpers import run_cli

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
DAYS = pd.date_range("2026-11-09", "2026-11-13")  # Monday .. Friday


@pytest.fixture(scope="module")
def fleet() -> pd.DataFrame:
    rng = np.random.default_rng(28)
    rows = []
    for d, day in enumerate(DAYS):
        for unit, jobs in (
            ("RCV-11", (("collection round", 6), ("tip run", 9), ("collection round", 11))),
            ("RCV-12", (("collection round", 7), ("tip run", 10))),
            ("SWEEP-3", (("sweeping", 8),)),
            ("M300-A", (("mapping", 13 + d % 2),)),
        ):
            for k, (label, hour) in enumerate(jobs):
                t0 = day + pd.Timedelta(hours=hour, minutes=5 * k)
                v = rng.uniform(2.0, 9.0)  # m/s
                lat, lon = 52.36 + 0.01 * k, 4.90 + 0.001 * d
                for i in range(31):  # 30 one-minute steps, the middle 5 stopped (a bin, a hover)
                    rows.append(
                        (f"{unit}/{d}/{k}", unit, label, t0 + pd.Timedelta(minutes=i), lat, lon)
                    )
                    lat += 0 if 10 <= i < 15 else v * 60 / 111_195.0
    return pd.DataFrame(rows, columns=["task", "unit", "kind", "local_time", "lat", "lon"])


@pytest.fixture(scope="module")
def trips(fleet) -> pd.DataFrame:
    s = fleet.sort_values(["task", "local_time"])
    same = s.task.eq(s.task.shift())
    s = s.assign(d=np.where(same, haversine_m(s.lat.shift(), s.lon.shift(), s.lat, s.lon), 0.0))
    t = s.groupby("task").agg(unit=("unit", "first"), kind=("kind", "first"), start=("local_time", "min"),
                              end=("local_time", "max"), m=("d", "sum"))  # fmt: skip
    t["date"] = t.start.dt.date
    return t


@pytest.fixture(scope="module")
def asker(fleet) -> Asker:
    cols = {"traj_id": "task", "t": "local_time", "vehicle_id": "unit", "label": "kind"}
    return Asker(fleet, columns=cols, tz="Europe/Amsterdam")


def test_times_written_with_their_offset_are_read_on_that_clock(tmp_path, fleet):
    """set 28: '06:38+01:00' was asked as 05:38 (UTC) and 'before 7 am' counted 24 for 20; ingest now keeps the one
    offset every time is written with, and `trajlm ask` reads hours on it. Two offsets (a clock change): none kept."""
    one = fleet[fleet.unit == "RCV-11"].copy()
    one["time"] = one.local_time.dt.strftime("%Y-%m-%dT%H:%M:%S+01:00")
    one.drop(columns="local_time").to_csv(tmp_path / "one.csv", index=False)
    run_cli(["data", "ingest", str(tmp_path / "one.csv"), "--out", str(tmp_path / "one"), "--traj-col", "task",
             "--vehicle-col", "unit", "--label-col", "kind", "--time-col", "time"])  # fmt: skip
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert manifest["reading"]["local_time"]["utc_offset_s"] == 3600
    a = Asker(tmp_path / "one")
    assert a("What time did RCV-11 leave on Wednesday?").value == "2026-11-11T06:00:00"
    assert (
        a("How many tasks started before 7 am?").value == 5
    )  # the 06:00 rounds, not the 09:00 tip runs
    from trajlm.data.readers import ColumnMap
    from trajlm.data.readers._naive_times import text_offset_s

    two = one.copy()
    two.loc[two.task.str.contains("/4/"), "time"] = two.time.str.replace("+01:00", "+02:00")
    two.to_csv(tmp_path / "two.csv", index=False)
    cm = ColumnMap(traj_id="task", t="time")
    assert text_offset_s(tmp_path / "one.csv", "csv", cm) == 3600
    assert text_offset_s(tmp_path / "two.csv", "csv", cm) is None  # two clocks: none is kept


def test_a_label_naming_a_kind_of_trip_counts_trips_not_vehicles(asker, trips):
    """set 28's wrong answer: "how many tip runs were there" counted the 2 lorries, not their 10 tip runs."""
    a = asker("How many tip runs were there in total?")
    assert a.plan.action == "count" and a.value == int((trips.kind == "tip run").sum()) == 10
    assert asker("How many collection rounds were there?").value == 15


def test_numbers_alone_are_a_date_in_the_data_s_span():
    from trajlm.llm.datewords import local_dates

    nov = [date(2026, 11, 9) + timedelta(days=i) for i in range(5)]
    assert (
        local_dates("How many km did M300-B fly on 11/10?", nov)
        == "How many km did M300-B fly on 10 November 2026?"
    )
    assert "on 12 November 2026" in local_dates(
        "trips on 12/11/2026?", nov
    )  # day-first: the only one in the span
    assert (
        local_dates("trips that took 1/2 hour", nov) == "trips that took 1/2 hour"
    )  # no date word before it
    with pytest.raises(CannotAnswer, match="no date from the data's first to its last day"):
        local_dates("How many sorties were flown on 11/15?", nov)
    autumn = [
        date(2026, 10, 9) + timedelta(days=i) for i in range(40)
    ]  # 10 November and 11 October both in it
    with pytest.raises(CannotAnswer, match="may be 11 October 2026 or 10 November 2026"):
        local_dates("trips on 11/10?", autumn)


def test_a_crew_s_words_and_the_fleet_s_first_trip(asker, trips):
    drone = trips[trips.unit == "M300-A"]
    assert asker("How many sorties did M300-A fly?").value == len(drone) == 5
    assert asker("How many outings were there on Monday?").value == int(
        (trips.date == date(2026, 11, 9)).sum()
    )
    flight = asker("What was the total flight time of M300-A in hours?")
    assert flight.value == pytest.approx((drone.end - drone.start).dt.total_seconds().sum() / 3600)
    hover = asker("How many minutes did M300-A hover in total on Tuesday?")
    assert hover.plan.metric == "stopped_s" and hover.value == pytest.approx(5.0)
    assert asker("How many minutes was M300-A sitting easy on Tuesday?").value == pytest.approx(5.0)
    sweep = trips[trips.unit == "SWEEP-3"]
    rowed = asker("How many km did the sweeper row in total?")
    assert rowed.plan.vehicle == "SWEEP-3" and rowed.value == pytest.approx(
        sweep.m.sum() / 1000, rel=1e-6
    )
    water = asker("How long was RCV-12 on the water on the 10th, in minutes?")
    assert water.value == pytest.approx(60.0)  # its two trips of 30 min on 10 November
    first = asker(
        "What time did the first sortie take off on Monday?"
    )  # no vehicle: the fleet's first trip
    assert first.plan.vehicle is None and first.value == "2026-11-09T06:00:00"
    assert (
        asker("What time did the first flight of Friday take off?").value == "2026-11-13T06:00:00"
    )
    lorry = asker("Which refuse lorry drove the furthest?")
    assert trips.groupby("unit").m.sum().idxmax() in lorry.text.splitlines()[0]


def test_a_count_asked_in_a_unit_is_refused_in_one_line(asker):
    """set 28's paraphrase: "how many outings did W1X row in total, in km" answered the count, the unit dropped."""
    with pytest.raises(CannotAnswer, match="a count of trips asked 'in km'") as e:
        asker("How many outings did RCV-11 row in total, in km?")
    assert "\n" not in str(e.value)
    assert asker("How many outings went further than 1 km?").plan.action == "count"
