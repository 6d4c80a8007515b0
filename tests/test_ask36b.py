"""Session 36 (ask36b): ask36's leftovers (docs/llm.md "Session 36 (ask36b)"), each on a frame built here:

- a per-day mean adds its days' totals in date order: the same answer on every call (set 34 C8's last digit moved
  between runs: a group_by's groups come in a new order each call);
- "average trip duration per week / month" is each period's mean of its trips (a table), not the mean of the
  periods' totals; "average daily distance" stays the mean of the daily totals and says so;
- "the average stop time of the vans" says which stops it averages.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from trajlm.llm.calendar import per_period
from trajlm.llm.plan import validate_plan
from trajlm.llm.vehicle_totals import per_vehicle

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
