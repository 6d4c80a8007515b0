"""Session 29 (ask29): a race's words (bibs as trip ids, runners, finish time, pace, crossing the line, a "10k"
label), "Sunday night" as the night shift that starts that evening, kinds of vehicle named by their ids' letters
("the PBs", "which porter"), "the winch cat", a label in the singular before a trip noun ("transfer runs"), and
"how many minutes did the longest trip take" read as that trip's value, not every trip's total (docs/llm.md
"Session 29 (ask29)").

Two small frames built here, truths with pandas: a race (no vehicle column: a trip a runner, its bib the id) and a
night-grooming fleet (PB-01, PB-02, WINCH-5) over Fri 27 - Mon 30 November 2026, a late shift past midnight.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ask_helpers import haversine_m

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")


def _table(frame: pd.DataFrame, trip: str, veh: str | None) -> pd.DataFrame:
    s = frame.sort_values([trip, "t"])
    same = s[trip].eq(s[trip].shift())
    s = s.assign(d=np.where(same, haversine_m(s.lat.shift(), s.lon.shift(), s.lat, s.lon), 0.0))
    agg = {"kind": ("kind", "first"), "start": ("t", "min"), "end": ("t", "max"), "m": ("d", "sum")}
    if veh:
        agg["veh"] = (veh, "first")
    t = s.groupby(trip).agg(**agg)
    t["dur"] = (t.end - t.start).dt.total_seconds()
    return t


@pytest.fixture(scope="module")
def race() -> pd.DataFrame:
    rows = []
    for bib, kind, mps, minute in ((1, "marathon", 5.6, 15), (2, "marathon", 5.4, 16), (2003, "marathon", 3.2, 30),
                                   (5001, "10k", 3.5, 45)):  # fmt: skip
        t0 = pd.Timestamp("2026-11-29 08:00") + pd.Timedelta(minutes=minute)
        lat = 39.47
        for i in range(40):  # 40 one-minute steps north
            rows.append((bib, kind, t0 + pd.Timedelta(minutes=i), lat, -0.355))
            lat += mps * 60 / 111_195.0 * (1 + 0.01 * (i % 3))
    return pd.DataFrame(rows, columns=["bib", "kind", "t", "lat", "lon"])


@pytest.fixture(scope="module")
def racer(race) -> Asker:
    return Asker(race, columns={"traj_id": "bib", "t": "t", "label": "kind"}, tz="Europe/Madrid")


@pytest.fixture(scope="module")
def grooming() -> pd.DataFrame:
    rows, n = [], 0
    for night in pd.date_range("2026-11-27", "2026-11-30"):
        for u, unit in enumerate(("PB-01", "PB-02", "WINCH-5")):
            for hour, kind in ((17, "grooming"), (23.5, "transfers")):
                n += 1  # every trip its own path and speed (copies of one path are counted once)
                t0 = night + pd.Timedelta(hours=hour, minutes=u)
                lat, v = 47.13, (2.5 - 0.4 * u) * (1 + 0.05 * (night.day % 4) + 0.02 * (hour > 20))
                for i in range(
                    61
                ):  # an hour of one-minute steps: the late shift ends after midnight
                    rows.append(
                        (n, unit, kind, t0 + pd.Timedelta(minutes=i), lat, 10.27 + 0.01 * u)
                    )
                    lat += v * 60 / 111_195.0
    return pd.DataFrame(rows, columns=["job", "unit", "kind", "t", "lat", "lon"])


@pytest.fixture(scope="module")
def groomer(grooming) -> Asker:
    cols = {"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "kind"}
    return Asker(grooming, columns=cols, tz="Europe/Vienna")


def test_a_race_bibs_runners_finish_time_and_pace(racer, race):
    """set 29: 'bib 2003', 'runners', 'finish time', 'pace', 'the 10k runners' were all refused ('did not
    understand')."""
    t = _table(race, "bib", None)
    assert racer("How many runners started the marathon?").value == 3
    assert racer("What was bib 2003's finish time, in minutes?").value == pytest.approx(
        t.dur[2003] / 60
    )
    pace = racer("What was the average pace of runner 2003, in minutes per km?").value
    assert pace == pytest.approx(t.dur[2003] / 60 / (t.m[2003] / 1000), rel=0.01)
    assert racer("What time did bib 1 start?").value.startswith("2026-11-29T08:15")
    ten = t[t.kind == "10k"]
    assert racer("What was the average speed of the 10k runners in km/h?").value == pytest.approx(
        (ten.m / ten.dur * 3.6).mean(), rel=0.01
    )
    last = racer("What time did the last marathon runner cross the finish line?").value
    assert last.startswith(t[t.kind == "marathon"].end.max().strftime("%Y-%m-%dT%H:%M"))
    assert racer("How far did bib 2003 run, in km?").value == pytest.approx(
        t.m[2003] / 1000, rel=0.01
    )


def test_sunday_night_is_the_night_shift_on_data_that_work_at_night(groomer, grooming, racer):
    """set 29: 'Sunday night' was Sundays 22:00-06:00 (half a shift: 1.81 h for 3.80 h); on data whose trips start
    at night it is the night that starts that evening (noon to noon); a day's data keep the hours."""
    t = _table(grooming, "job", "unit")
    sun = t[(t.veh == "PB-02") & (t.start >= "2026-11-29 12:00") & (t.start < "2026-11-30 12:00")]
    assert groomer("How many hours did PB-02 work on Sunday night?").value == pytest.approx(
        sun.dur.sum() / 3600
    )
    assert racer("How many runners started on Sunday night?").value == 0  # hours, as before


def test_kinds_of_vehicle_by_their_ids_the_winch_cat_and_singular_labels(groomer, grooming):
    """set 29: 'the PBs' / 'which porter' (ids of one set of letters), 'the winch cat' and 'transfer runs' (label
    'transfers') were refused."""
    t = _table(grooming, "job", "unit")
    pb = t[t.veh.str.startswith("PB")]
    assert groomer("How many km did the PBs drive in total?").value == pytest.approx(
        pb.m.sum() / 1000, rel=0.01
    )
    assert groomer("How many transfer runs did the winch cat make?").value == int(
        ((t.veh == "WINCH-5") & (t.kind == "transfers")).sum()
    )
    assert groomer("Which piste basher drove the furthest?").value is not None
    with pytest.raises(CannotAnswer):  # one vehicle named: "the PB" is no group
        groomer("How many km did the PB of PB-01 drive?")


def test_how_many_minutes_did_the_longest_trip_take_is_that_trip(groomer, grooming):
    """set 29's paraphrase: 'how many minutes did the longest meals job take' answered every meals job's total
    (1,854.7 min for 17.2)."""
    t = _table(grooming, "job", "unit")
    a = groomer("How many minutes did the longest grooming job take?")
    assert a.plan.action == "top" and a.value == pytest.approx(
        t[t.kind == "grooming"].dur.max() / 60
    )


def test_a_named_trip_outside_the_day_asked_has_no_value_not_a_zero_total(racer):
    """badin29: "bib 1's finish time on Monday" answered 0.0 (a total over no trips) for a runner
    who ran on Sunday; a named trip that misses the question's day has no value there."""
    answer = racer.run(racer.plan("What was bib 1's finish time on Monday?"))
    assert answer.value == "no trips match"
    assert any("trip 1 does not meet" in n for n in answer.notes)
    sunday = racer.run(racer.plan("What was bib 1's finish time on Sunday, in minutes?"))
    assert isinstance(sunday.value, float) and sunday.value > 0
