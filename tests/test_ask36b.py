"""Session 36 (ask36b): ask36's leftovers (docs/llm.md "Session 36 (ask36b)"), each on a frame built here:

- a per-day mean adds its days' totals in date order: the same answer on every call (set 34 C8's last digit moved
  between runs: a group_by's groups come in a new order each call);
- "average trip duration per week / month" is each period's mean of its trips (a table), not the mean of the
  periods' totals; "average daily distance" stays the mean of the daily totals and says so;
- "the average stop time of the vans" says which stops it averages.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl
import pytest

from trajlm.llm.calendar import per_period
from trajlm.llm.plan import validate_plan
from trajlm.llm.vehicle_totals import per_vehicle
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")


def _days(values: list[float], vehicle: str = "V1") -> pl.DataFrame:
    """One trip a day from 1 March, its length ``values[i]``: floats whose sum depends on the order they are added."""
    start = [dt.datetime(2026, 3, 1 + i, 8, tzinfo=dt.UTC) for i in range(len(values))]
    return pl.DataFrame(
        {
            "traj_id": [f"{vehicle}-{i}" for i in range(len(values))],
            "vehicle": vehicle,
            "start": start,
            "length_m": values,
        }  # fmt: skip
    )


# added in date order: 1e16 + 1 + 1 - 1e16 + ... ; in another order another float
_VALUES = [1e16, 1.0, 1.0, -1e16, 3.0, 0.1, 0.7, 1e-3, 2.5, 1e15, -1e15, 0.3]


def test_a_per_day_mean_is_the_same_on_every_call() -> None:
    plan = validate_plan({"action": "mean", "metric": "length_m", "per": "day"})
    chosen = _days(_VALUES)
    got = {per_period(plan, chosen)[0] for _ in range(30)}
    assert len(got) == 1
    # the days' totals added in date order, left to right, as polars' mean of a sorted column does
    assert got.pop() == pytest.approx(sum(_VALUES) / len(_VALUES), abs=1.0)


def test_a_per_vehicle_per_day_mean_is_the_same_on_every_call() -> None:
    plan = validate_plan({"action": "mean", "metric": "length_m", "per": "day", "group": "vehicle"})
    chosen = pl.concat([_days(_VALUES, "V1"), _days(_VALUES[::-1], "V2")])
    got = {tuple(map(tuple, per_vehicle(plan, chosen)[0].rows())) for _ in range(30)}
    assert len(got) == 1


def _phone() -> pd.DataFrame:
    """A commuter's January-February: in January 3 short trips a week (10 min), in February 1 long one a week
    (60 min); so the weeks' totals (30 / 60 min) and the trips' own means (10 / 60 min) disagree."""
    rows = []
    for week in range(8):
        monday = pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=week)
        n, minutes = (3, 10) if week < 4 else (1, 60)
        for j in range(n):
            t0 = monday + pd.Timedelta(days=j, hours=8)
            for i in range(minutes + 1):
                rows.append(
                    (
                        f"T{week}{j}",
                        t0 + pd.Timedelta(minutes=i),
                        45.0 + 0.003 * i,
                        -75.0 + 0.01 * j + 0.001 * week,
                    )
                )
    return pd.DataFrame(rows, columns=["trip", "t", "lat", "lon"])


def test_average_trip_duration_per_week_is_each_weeks_mean_of_trips() -> None:
    """ "average trip duration per week" was 45 min (the mean of the weekly totals, 30 and 60): each week's trips'
    own mean is 10 min in January's weeks and 60 in February's, answered per week and said so."""
    df = _phone()
    g = df.groupby("trip").t.agg(["min", "max"])
    g["week"] = g["min"].dt.to_period("W-SUN").dt.start_time
    truth = ((g["max"] - g["min"]).dt.total_seconds() / 60).groupby(g["week"]).mean()
    a = Asker(df, tz="UTC", columns={"traj_id": "trip"})
    for q in ("What was my average trip duration per week, in minutes?",
              "What was the average duration of my trips per week in minutes?"):  # fmt: skip
        ans = a(q)
        assert ans.plan.group == "week" and ans.plan.per is None, q
        got = dict(ans.table.select("week", pl.col("mean duration_s (min)")).rows())
        assert {str(k): v for k, v in got.items()} == {str(k.date()): v for k, v in truth.items()}
        assert "each week's own mean" in str(ans)
    assert sorted(set(truth)) == [10.0, 60.0]


def test_average_daily_distance_stays_the_days_totals_and_says_so() -> None:
    """ "average weekly travel time" is the weeks' totals averaged (45 min: 30 and 60), as before, and now says it."""
    ans = Asker(_phone(), tz="UTC", columns={"traj_id": "trip"})(
        "What was my average weekly travel time in minutes?"
    )
    assert ans.plan.per == "week" and ans.plan.group is None
    assert ans.value == pytest.approx(45.0)
    assert "each week's total" in str(ans) and "each week's total" in ans.plan.describe()


def _vans() -> pd.DataFrame:
    """Two van trips going north a fix a minute: T1 stops 4 and then 10 minutes, T2 stops 6 minutes once."""
    rows = []
    for tid, lon, stops in (("T1", -1.5, {10: 4, 30: 10}), ("T2", -1.4, {20: 6})):
        t, lat = pd.Timestamp("2026-09-14 08:00"), 53.8
        for i in range(50):
            rows.append((tid, "VAN-1", t, lat, lon))
            t += pd.Timedelta(minutes=1)
            if not any(s <= i < s + n for s, n in stops.items()):
                lat += 0.003
    return pd.DataFrame(rows, columns=["trip", "van", "t", "lat", "lon"])


def test_the_average_stop_time_says_it_is_each_trips_longest_stop() -> None:
    """ "the average stop time of the vans" keeps evaluation set 2's reading, the mean of each trip's longest stop
    ((10 + 6) / 2 = 8 min, not every stop's (4 + 10 + 6) / 3), and the answer and plan line now say so; "the average
    stop length" is every stop's mean and says nothing of the longest."""
    a = Asker(_vans(), tz="UTC", columns={"traj_id": "trip", "vehicle_id": "van"})
    ans = a("What was the average stop time of the vans, in minutes?")
    assert ans.value == pytest.approx(8.0, abs=0.05)
    assert (
        "each trip's longest stop" in str(ans) and "each trip's longest stop" in ans.plan.describe()
    )
    every = a("What was the average stop length of the vans, in minutes?")
    assert every.value == pytest.approx(20 / 3, abs=0.05)
    assert "longest" not in str(every) and "longest" not in every.plan.describe()
