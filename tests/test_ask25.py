"""Session 25 (ask25): per-day totals split at midnight, each mover's best day, the total on the busiest / its
longest day, and set 25's other readings (docs/llm.md "Session 25 (ask25)").

Four snow-removal units on night shifts in Montreal local time: every night a run from 23:30 to 01:00 drives on two
calendar days, so a per-day total that keeps a run on its start's day is another number. Truths with numpy / pandas
on the frame here (each step on the local day it began), never trajlm's code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
ZONE = "America/Toronto"
UNITS = {"U-1": "plow", "U-2": "plow", "U-3": "salter", "U-4": "salter"}
RUNS = [
    ("21:00", 60),
    ("23:30", 90),
    ("02:00", 60),
]  # local start, minutes; 02:00 is the next calendar day


def _hav(la1, lo1, la2, lo2):
    la1, lo1, la2, lo2 = map(np.radians, (la1, lo1, la2, lo2))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


@pytest.fixture(scope="module")
def plows() -> pd.DataFrame:
    rng = np.random.default_rng(25)
    rows = []
    for u, unit in enumerate(UNITS):
        for night in (16, 17):
            for k, (hhmm, minutes) in enumerate(RUNS):
                if unit == "U-4" and night == 17 and k == 2:
                    continue  # one run fewer: the 17th's night is not the busiest for all
                day = night + (k == 2)
                t0 = pd.Timestamp(f"2026-11-{day} {hhmm}")
                v = (
                    12.0 if (night, k) == (16, 1) else rng.uniform(3.0, 9.0)
                )  # m/s; a fast run over midnight
                lat, lon = 45.50 + 0.01 * k, -73.60 + 0.02 * u
                for i in range(minutes + 1):
                    rows.append(
                        (
                            f"{unit}/{night}/{k}",
                            unit,
                            UNITS[unit],
                            t0 + pd.Timedelta(minutes=i),
                            lat,
                            lon,
                        )
                    )
                    lat += v * 60 / 111_195.0
    return pd.DataFrame(rows, columns=["run", "unit", "kind", "local_time", "lat", "lon"])


@pytest.fixture(scope="module")
def steps(plows) -> pd.DataFrame:
    s = plows.sort_values(["run", "local_time"]).copy()
    same = s.run.eq(s.run.shift())
    s["d"] = np.where(same, _hav(s.lat.shift(), s.lon.shift(), s.lat, s.lon), 0.0)
    s["began"] = s.local_time.shift().dt.date.astype(str)  # a step counts on the local day it began
    return s[same]


@pytest.fixture(scope="module")
def asker(plows) -> Asker:
    cols = {"traj_id": "run", "t": "local_time", "vehicle_id": "unit", "label": "kind"}
    return Asker(plows, columns=cols, tz=ZONE)


def _km_per_day(steps, unit=None) -> pd.Series:
    g = steps if unit is None else steps[steps.unit == unit]
    return g.groupby("began").d.sum() / 1000


def test_the_most_in_one_day_splits_runs_at_midnight(asker, plows, steps):
    start_day = steps.run.map(plows.groupby("run").local_time.min().dt.date.astype(str))
    whole = (
        steps.assign(day=start_day).groupby(["unit", "day"]).d.sum().groupby(level=0).max() / 1000
    )
    split = steps.groupby(["unit", "began"]).d.sum().groupby(level=0).max() / 1000
    unit = (split - whole).abs().idxmax()
    assert (
        abs(split[unit] - whole[unit]) > 1.0
    )  # the two readings differ for this unit, so the test can fail
    a = asker(f"what is the most km {unit} drove in a single day?")
    assert a.value == pytest.approx(split[unit], rel=1e-3)
    assert "over midnight split there" in a.text
    a = asker(f"what is the most km {unit} drove in a single day, in km?")  # the unit said twice
    assert a.value == pytest.approx(split[unit], rel=1e-3)
    a = asker(f"how far did {unit} drive on its longest day, in km?")
    assert a.value == pytest.approx(split[unit], rel=1e-3)
    a = asker(f"what is the average daily distance of {unit}, in km?")
    assert a.value == pytest.approx(_km_per_day(steps, unit).mean(), rel=1e-3)


def test_which_mover_drove_the_most_in_one_day(asker, steps):
    best = steps.groupby(["unit", "began"]).d.sum() / 1000
    unit, day = best.idxmax()
    for q in ("which unit drove the most km in one day?", "who drove the most km in a single day?",
              "what is the most km a unit drove in one day?"):  # fmt: skip
        a = asker(q)
        assert a.value == pytest.approx(best.max(), rel=1e-3), q
        assert a.text.startswith(unit) and day in a.text, q
    salters = best[best.index.get_level_values(0).isin(["U-3", "U-4"])]
    a = asker("which salter drove the fewest km in a day?")
    worst = salters.groupby(level=0).min()  # each salter's smallest day, the smallest of them first
    assert a.value == pytest.approx(worst.min(), rel=1e-3) and a.text.startswith(worst.idxmin())


def test_the_total_on_the_busiest_day(asker, plows, steps):
    starts = plows.groupby("run").local_time.min().dt.date.astype(str).value_counts()
    busiest = starts.idxmax()
    assert (starts == starts.max()).sum() == 1
    a = asker("how many km were driven on the busiest day?")
    assert a.value == pytest.approx(_km_per_day(steps)[busiest], rel=1e-3)
    assert busiest in a.text
    assert (
        asker("how many runs were made on the busiest day?").value == starts.max()
    )  # a count, as before
    with pytest.raises(CannotAnswer, match="the most what"):
        asker("how many runs were made on its longest day?")


def test_after_midnight_is_the_small_hours(asker, plows):
    hour = plows.groupby("run").local_time.min().dt.hour
    assert asker("how many runs started after midnight?").value == int((hour < 6).sum())
    assert asker("how many runs started after midnight but before 1").value == int((hour < 1).sum())


def test_set25_readings(asker, plows):
    per = plows.groupby("run").agg(unit=("unit", "first"), kind=("kind", "first"), t0=("local_time", "min"),
                                   t1=("local_time", "max"))  # fmt: skip
    per["dur"] = (per.t1 - per.t0).dt.total_seconds()
    dates = plows[plows.unit == "U-3"].local_time.dt.date.nunique()
    assert asker("on how many days was U-3 out?").value == dates
    assert asker("how many units were on the road?").value == 4
    assert (
        asker("total distance of runs longer than 5 km, in km").plan.unit == "km"
    )  # "5 km" is a quantity
    assert asker("how many volunteers are there?").value == 4
    km = {u: g for u, g in plows.groupby("unit")}
    salter_km = {u: _hav(g.lat.values[:-1], g.lon.values[:-1], g.lat.values[1:], g.lon.values[1:])[
        (g.run.values[:-1] == g.run.values[1:])].sum() for u, g in km.items() if UNITS[u] == "salter"}  # fmt: skip
    a = asker("which salter covered more distance?")
    assert str(max(salter_km, key=salter_km.get)) in a.text
    assert "more than" not in a.plan.describe()
    a = asker("which mode has the longest average trip duration?")
    longest = per.groupby("kind").dur.mean().idxmax()
    assert a.text.startswith(longest)
    first = per[per.unit == "U-2"].t0.min()
    assert first.strftime("%H:%M:%S") in asker("what time did U-2 start its first trip?").text
    assert first.strftime("%H:%M:%S") in asker("what time did U-2 begin its first trip?").text
    hour = per.t0.dt.hour.value_counts()
    assert f"{hour.idxmax():02d}:00" in asker("which hour had the most trip starts?").text


@pytest.mark.parametrize(
    "question, said",
    [
        ("what is the most km a unit drove that night?", "names no date"),
        ("when did U-1 start its last trip?", "last trip"),
    ],
)
def test_set25_refusals(asker, question, said):
    with pytest.raises(CannotAnswer, match=said):
        asker(question)
