"""Session 24 (askday24): the most in one day, rankings across movers, movers near a place (docs/llm.md
"Session 24 (askday24)").

Three couriers in New York over three evenings: a trip after 19:00 local is on the next day in UTC, so a per-day
total read in UTC would be a different number. Truths with numpy / pandas on the frame here, never trajlm's code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trajlm.llm.grounding import DataWords
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.rules import RulePlanner
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
HUB = (40.7505, -73.9934)
ZONE = "America/New_York"
# driver -> per local day (2, 3, 4 Nov 2026): the trips' speeds in m/s (each trip 40 fixes, 20 s apart, heading north)
PLAN = {
    "D-1": {2: [6.0], 3: [6.0, 9.0], 4: [5.0]},
    "D-2": {2: [8.0, 8.0], 3: [4.0], 4: [7.0, 7.0]},
    "D-3": {2: [3.0], 3: [3.0], 4: [3.0]},
}


def _hav(la1, lo1, la2, lo2):
    la1, lo1, la2, lo2 = map(np.radians, (la1, lo1, la2, lo2))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


@pytest.fixture(scope="module")
def couriers() -> pd.DataFrame:
    rows = []
    for d, (driver, days) in enumerate(PLAN.items()):
        for day, speeds in days.items():
            for k, v in enumerate(speeds):
                # 17:00 local is 22:00 UTC the same day, 21:00 local 02:00 UTC the next day
                t0 = pd.Timestamp(f"2026-11-{day:02d} {17 + 4 * k}:00", tz=ZONE).tz_convert("UTC")
                lat, lon = (
                    HUB[0] + 0.002 * k,
                    HUB[1] + 0.008 * d + 0.001 * day,
                )  # D-3 starts 1.4 km east
                for i in range(40):
                    rows.append(
                        (driver, f"{driver}/{day}/{k}", t0 + pd.Timedelta(seconds=20 * i), lat, lon)
                    )
                    lat += v * 20 / 111_195.0
    return pd.DataFrame(rows, columns=["driver", "trip", "time", "lat", "lon"])


@pytest.fixture(scope="module")
def truth(couriers) -> pd.DataFrame:
    """One row per trip: driver, local start day, length (m), duration (s)."""
    out = []
    for _, g in couriers.groupby("trip"):
        d = _hav(g.lat.values[:-1], g.lon.values[:-1], g.lat.values[1:], g.lon.values[1:]).sum()
        start = g.time.min()
        out.append((g.driver.iloc[0], str(start.tz_convert(ZONE).date()), str(start.date()), d,
                    (g.time.max() - start).total_seconds()))  # fmt: skip
    return pd.DataFrame(out, columns=["driver", "day", "utc_day", "length", "duration"])


@pytest.fixture(scope="module")
def asker(couriers) -> Asker:
    cols = {"traj_id": "trip", "t": "time", "vehicle_id": "driver"}
    return Asker(couriers, columns=cols, tz=ZONE)


@pytest.mark.parametrize(
    "question",
    [
        "what is the longest distance D-1 drove in a day, in km?",
        "max daily distance for D-1 in km",
        "what was the maximum distance driven by D-1 on a single day, in km?",
        "the farthest D-1 drove in one day, in km",
    ],
)
def test_the_most_km_in_one_day_is_the_largest_local_day(asker, truth, question):
    per_day = truth[truth.driver == "D-1"].groupby("day").length.sum() / 1000
    utc = truth[truth.driver == "D-1"].groupby("utc_day").length.sum() / 1000
    assert per_day.max() != pytest.approx(utc.max(), rel=0.01)  # the zone matters here
    a = asker(question)
    assert a.value == pytest.approx(per_day.max(), rel=0.01)
    assert per_day.idxmax() in str(a)
    assert a.value != pytest.approx(
        per_day.mean(), rel=0.01
    )  # not the daily mean (ask24: refused; before: it)


def test_which_day_the_fleet_drove_most_names_the_day(asker, truth):
    per_day = truth.groupby("day").length.sum()
    for q, scale in (
        ("which day did the fleet cover the most km?", 1000.0),
        ("on what date did the couriers drive the furthest?", 1.0),  # no unit asked: metres
    ):
        a = asker(q)
        assert per_day.idxmax() in str(a) and a.plan.pick == "most"
        assert a.value == pytest.approx(per_day.max() / scale, rel=0.01)


def test_the_most_trips_in_one_day_and_ties(asker, truth):
    counts = truth[truth.driver == "D-2"].groupby("day").size()
    a = asker("what is the most trips D-2 made in one day?")
    assert a.value == counts.max() == 2
    assert "tied: 2 days" in str(a) and "2026-11-02" in str(a) and "2026-11-04" in str(a)
    assert (
        asker("how many trips were made on the busiest day?").value
        == truth.groupby("day").size().max()
    )


def test_the_least_and_time_in_one_day(asker, truth):
    d1 = truth[truth.driver == "D-1"].groupby("day")
    assert asker("what is the least km D-1 drove in a day?").value == pytest.approx(
        d1.length.sum().min() / 1000, rel=0.01
    )
    a = asker("what is the most time D-1 spent moving in a single day, in hours?")
    assert a.value == pytest.approx(d1.duration.sum().max() / 3600, rel=0.02)  # always moving here


@pytest.mark.parametrize(
    "question,why",
    [
        ("what was the longest stop in a day?", "most in one day"),
        ("what was the highest speed in a day?", "most in one day"),
        ("what was the longest trip in one day?", "did not understand"),
    ],
)
def test_the_most_in_one_day_refused_where_unread(asker, question, why):
    with pytest.raises(CannotAnswer, match=why):
        asker(question)


def test_once_refused_now_answered(asker, truth):
    """Pinned refused by askday24, answered since ask25 (tests/test_ask25.py): each mover's best day, ranked; the
    distance on the busiest day (these couriers' trips end before midnight, so no split)."""
    best = truth.groupby(["driver", "day"]).length.sum()
    a = asker("which courier drove the most km in one day?")
    assert a.value == pytest.approx(best.max() / 1000, rel=1e-3)
    assert a.text.startswith(best.idxmax()[0]) and best.idxmax()[1] in a.text
    counts = truth.groupby("day").size()
    busiest = sorted(counts[counts == counts.max()].index)
    a = asker("how many km were driven on the busiest day?")
    assert a.value == pytest.approx(truth[truth.day == busiest[0]].length.sum() / 1000, rel=1e-3)
    assert all(d in a.text for d in busiest)


def test_top_movers_by_distance_name_them_in_order(asker, truth):
    total = truth.groupby("driver").length.sum().sort_values(ascending=False)
    for q in ("top 2 drivers by distance", "the 2 couriers who drove the most km"):
        a = asker(q)
        assert a.plan.group == "vehicle" and a.plan.k == 2
        text = str(a).splitlines()[0]
        assert text.startswith("top 2 of 3 vehicles: ")
        assert (
            text.index(total.index[0]) < text.index(total.index[1]) and total.index[2] not in text
        )
    low = asker("bottom 1 drivers by distance")
    assert low.plan.ascending and total.index[-1] in str(low)
    assert asker("top 5 trips by distance").plan.action == "top"  # trips stay trips


def test_a_tie_at_the_cut_is_said(asker, truth):
    counts = truth.groupby("driver").size()  # D-1 4, D-2 5, D-3 3
    a = asker("top 1 drivers by number of trips")
    assert a.value == counts.max() and counts.idxmax() in str(a)
    two = asker("top 2 couriers by trips")
    assert "D-2 5 trips, D-1 4 trips" in str(two)


def test_movers_near_a_place_are_counted(asker, couriers):
    near = _hav(couriers.lat, couriers.lon, *HUB) <= 1000
    want = couriers[near].driver.nunique()
    assert want == 2  # D-3 starts 1.4 km east
    for q in (
        f"how many couriers came within 1 km of {HUB[0]}, {HUB[1]}?",
        f"how many birds were within 1 km of {HUB[0]}, {HUB[1]}?",
        f"how many vans came near {HUB[0]}, {HUB[1]}, within 1000 m?",
    ):
        a = asker(q)
        assert a.plan.action == "vehicles" and a.value == want


def test_movers_near_a_place_where_the_word_is_a_label_stay_its_trips():
    """Among van and bike trips, "how many vans came within 1 km" is read as before (the van trips), not vans."""
    words = DataWords(labels=("van", "bike"))
    plan = RulePlanner(words=words).plan("how many vans came within 1 km of 40.75, -73.99?")
    assert plan.action == "count" and plan.mode == "van"
    # and without a place, the old refusal stays ("vans or their trips?")
    with pytest.raises(CannotAnswer, match="only trips are counted"):
        RulePlanner().plan("how many vans went to porto airport")
