"""Session 16's fixes for `trajlm ask` (set 14), each on other data and other phrasings than the set's.

A generated Lisbon frame (Europe/Lisbon, daylight saving from 29 March 2026) in its own column names: taxis and buses
between Rossio and the airport and elsewhere, naive local times, one device clock through the skipped hour. Expected
answers with pandas from the generated rows.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from trajlm.errors import TrajlmInputError
from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

ROSSIO = (38.7139, -9.1394)
AIRPORT = (38.7742, -9.1342)
TZ = "Europe/Lisbon"
OWN = {
    "traj_id": "viagem",
    "t": "hora",
    "lat": "y",
    "lon": "x",
    "label": "categoria",
    "vehicle_id": "motorista",
}


def _hav(la1, lo1, la2, lo2):
    p1, p2 = np.radians(la1), np.radians(la2)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371008.8 * np.arcsin(np.sqrt(h))


def _off(p, m, brg):
    b = math.radians(brg)
    return p[0] + math.degrees(m * math.cos(b) / 6371000), p[1] + math.degrees(
        m * math.sin(b) / (6371000 * math.cos(math.radians(p[0])))
    )


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(16)
    rows = []
    days = pd.date_range("2026-03-21", "2026-03-31", freq="D")
    for i in range(60):
        kind = i % 4
        if kind == 0:
            a, b = (
                _off(ROSSIO, rng.uniform(0, 900), rng.uniform(0, 360)),
                _off(AIRPORT, rng.uniform(0, 2500), rng.uniform(0, 360)),
            )
        elif kind == 1:  # from the airport through Rossio and on
            a, b = (
                _off(AIRPORT, rng.uniform(0, 300), rng.uniform(0, 360)),
                _off(ROSSIO, 3000, rng.uniform(150, 210)),
            )
        else:
            a = (38.70 + rng.uniform(0, 0.08), -9.20 + rng.uniform(0, 0.08))
            b = (38.70 + rng.uniform(0, 0.08), -9.20 + rng.uniform(0, 0.08))
        t0 = days[i % len(days)] + pd.Timedelta(minutes=int(rng.integers(0, 24 * 60)))
        if i == 7:
            t0 = pd.Timestamp(
                "2026-03-29 00:50"
            )  # a device clock through 01:00-02:00, which does not exist
        n = int(rng.integers(20, 60))
        for k in range(n + 1):
            f = k / n
            rows.append(
                (f"V{i:03d}", f"M{i % 6}", "taxi" if i % 3 else "autocarro", t0 + pd.Timedelta(seconds=30 * k),
                 a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["viagem", "motorista", "categoria", "hora", "y", "x"])


@pytest.fixture(scope="module")
def data():
    df = _frame()
    local = df.hora.dt.tz_localize(TZ, nonexistent="NaT")
    kept = df[local.notna()].assign(local=local[local.notna()])
    g = kept.sort_values(["viagem", "local"]).groupby("viagem")
    t = pd.DataFrame(
        {
            "start": g.local.first(), "end": g.local.last(), "label": g.categoria.first(),
            "a0": g.y.first(), "o0": g.x.first(), "a1": g.y.last(), "o1": g.x.last(),
        }
    )  # fmt: skip
    s = kept.sort_values(["viagem", "local"])
    step = _hav(s.y.shift(), s.x.shift(), s.y, s.x).where(s.viagem == s.viagem.shift(), 0.0)
    t["length"] = step.groupby(s.viagem).sum()
    t["dur"] = (t.end - t.start).dt.total_seconds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        asker = Asker(df, tz=TZ, columns=OWN)
    return asker, t, df, int(local.isna().sum())


def _near(t, end: int, p, r):
    a, o = ("a0", "o0") if end == 0 else ("a1", "o1")
    return _hav(t[a], t[o], *p) <= r


@pytest.mark.parametrize(
    "question, where",
    [
        ("how many trips departed from {r}?", [(0, "r", 500)]),
        ("how many trips began within 400 m of {r}", [(0, "r", 400)]),
        ("how many trips picked up at {r} within 1 km", [(0, "r", 1000)]),
        ("count the trips that ended near {a}", [(1, "a", 500)]),
        ("how many trips arrived within 2 km of {a}?", [(1, "a", 2000)]),
        (
            "how many trips started at {r} and finished within 1.5 km of {a}",
            [(0, "r", 500), (1, "a", 1500)],
        ),
        (
            "how many taxi trips left from the rank at {r} and dropped off near the terminal at {a}?",
            [(0, "r", 500), (1, "a", 500)],
        ),
    ],
)
def test_a_place_after_a_start_or_end_verb_is_where_trips_started_or_ended(data, question, where):
    asker, t, _, _ = data
    pts = {"r": ROSSIO, "a": AIRPORT}
    q = question.format(r=f"{ROSSIO[0]},{ROSSIO[1]}", a=f"{AIRPORT[0]}, {AIRPORT[1]}")
    sel = t.label == "taxi" if "taxi" in q else pd.Series(True, index=t.index)
    for end, p, r in where:
        sel &= _near(t, end, pts[p], r)
    ans = asker(q)
    assert ans.plan.center() is None and ans.value == int(sel.sum()), (
        q,
        ans.plan.describe(),
        int(sel.sum()),
    )
    passing = (_hav(t.a0, t.o0, *ROSSIO) > 500) & (
        t.index.isin([f"V{i:03d}" for i in range(1, 60, 4)])
    )
    assert (
        passing.any()
    )  # trips from the airport pass Rossio mid-way: counted by 'near', not by 'started'


def test_a_place_not_after_a_start_verb_is_any_point_and_the_cli_path_keeps_the_note(data):
    asker, _, _, _ = data
    q = f"how many trips went near {ROSSIO[0]},{ROSSIO[1]}?"
    any_point = asker(q)
    assert any_point.plan.center() is not None and any_point.plan.start_at is None
    q = f"how many trips started on a saturday near {ROSSIO[0]},{ROSSIO[1]}"
    plan = asker.plan(q)  # the CLI's path: plan, print it, run it
    assert plan.center() is not None and any("started" in n for n in asker.run(plan).notes)


@pytest.mark.parametrize(
    "question, end, day, hours",
    [
        ("how many trips ended on a Sunday?", True, 6, None),
        ("how many trips finished on sundays", True, 6, None),
        ("how many trips started on a Sunday?", False, 6, None),
        ("how many taxi trips arrived after 11 pm?", True, None, (23, 24)),
    ],
)
def test_ended_reads_the_clock_at_the_trip_s_end(data, question, end, day, hours):
    asker, t, _, _ = data
    when = t["end" if end else "start"]
    sel = pd.Series(True, index=t.index)
    if day is not None:
        sel &= when.map(lambda s: s.day_of_week) == day
    if hours is not None:
        sel &= when.map(lambda s: s.hour).between(hours[0], hours[1] - 1)
    if "taxi" in question:
        sel &= t.label == "taxi"
    ans = asker(question)
    assert ans.plan.at_end is end and ans.value == int(sel.sum()), (question, ans.plan.describe())
    assert ("trip's end" in ans.plan.describe()) is end


def test_start_and_end_times_together_are_refused(data):
    with pytest.raises(CannotAnswer, match="both the start and the end"):
        data[0]("how many trips started after 8 pm and ended before 9 pm?")


@pytest.mark.parametrize(
    "question, lo, hi",
    [
        ("how many trips started before seven in the morning?", 0, 7),
        ("how many trips after 9 in the evening", 21, 24),
        ("how many trips between six and nine in the morning?", 6, 9),
        ("how many taxi trips before 11 at night", 0, 23),
    ],
)
def test_an_hour_with_its_half_of_the_day(data, question, lo, hi):
    asker, t, _, _ = data
    h = t.start.map(lambda s: s.hour)
    sel = (h >= lo) & (h < hi) & ((t.label == "taxi") if "taxi" in question else True)
    assert asker(question).value == int(sel.sum())


def test_a_frame_in_its_own_column_names(data):
    _, t, df, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TrajlmInputError, match="columns="):
            Asker(df, tz=TZ)  # "viagem", "hora": not detected; the error says how to name them
        with pytest.raises(TrajlmInputError, match="not a column ask reads"):
            Asker(df, tz=TZ, columns={**OWN, "speed": "x"})
        with pytest.raises(TrajlmInputError, match="no such column"):
            Asker(df, tz=TZ, columns={**OWN, "label": "kind"})
        # a "mode" column is the label and a "driver_id" one the vehicle, as ingest reads them
        named = df.rename(columns={"viagem": "trip_id", "hora": "timestamp", "y": "latitude", "x": "longitude",
                                   "categoria": "mode", "motorista": "driver_id"})  # fmt: skip
        asker = Asker(named, tz=TZ)
    assert asker("how many taxi trips are there?").value == int((t.label == "taxi").sum())
    assert asker("how many trips did M2 make?").value == int(
        df[df.motorista == "M2"].viagem.nunique()
    )


def test_nonexistent_local_times_of_a_frame_are_said_as_ingest_says_them(data):
    _, _, df, gone = data
    assert gone > 0
    with pytest.warns(UserWarning, match=f"{gone} rows dropped: nonexistent_local_time"):
        asker = Asker(df, tz=TZ, columns=OWN)
    assert any("nonexistent_local_time" in n for n in asker("how many trips are there?").notes)
    assert asker("how many GPS points were recorded in total?").value == len(df) - gone


def test_the_busiest_and_quietest_hour_weekday_and_date(data):
    asker, t, _, _ = data
    hours = t.start.map(lambda x: x.hour).value_counts().reindex(range(24), fill_value=0)
    ans = asker("which hour of the day had the most trips?")
    top = hours[hours == hours.max()].index.tolist()
    assert (
        (ans.value == top[0]) if len(top) == 1 else all(f"{h:02d}:00" in str(ans) for h in top)
    ), str(ans)
    taxi = t[t.label == "taxi"]
    days = taxi.start.map(lambda x: x.day_of_week).value_counts().reindex(range(7), fill_value=0)
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    ans = asker("what is the quietest day of the week for taxi trips?")
    assert str(ans).startswith(" and ".join(names[d] for d in days[days == days.min()].index)), str(
        ans
    )
    dates = t.start.map(lambda x: x.date()).value_counts()
    ans = asker("busiest date for trips?")
    assert str(ans).startswith(
        " and ".join(str(d) for d in sorted(dates[dates == dates.max()].index))
    ), str(ans)
    # refused per group until session 18 (pervehicle18): the trips of each driver (motorista), counted with pandas
    _, _, df, _ = data
    local = df.hora.dt.tz_localize(TZ, nonexistent="NaT")
    per = df[local.notna()].groupby("motorista").viagem.nunique()
    ans = asker("which driver made the most trips?")
    assert ans.table["vehicle"][0] in set(per[per == per.max()].index) and ans.value == per.max(), (
        str(ans)
    )


@pytest.mark.parametrize(
    "question, column, q, scale",
    [
        ("what is the 90th percentile of trip duration in minutes?", "dur", 90, 60),
        ("the 25th percentile of taxi trip length, in km", "length", 25, 1000),
    ],
)
def test_a_percentile_of_a_measure(data, question, column, q, scale):
    asker, t, _, _ = data
    if "taxi" in question:
        t = t[t.label == "taxi"]
    assert abs(asker(question).value - np.percentile(t[column], q) / scale) < 1e-6


@pytest.mark.parametrize(
    "question, agg, per",
    [
        ("what is the average pace in min/km?", "mean", 1.0),
        ("median pace of taxi trips, in minutes per mile", "median", 1.609344),
    ],
)
def test_pace_in_minutes_per_km_or_mile(data, question, agg, per):
    asker, t, _, _ = data
    if "taxi" in question:
        t = t[t.label == "taxi"]
    pace = t.dur / 60 / (t.length / 1000) * per
    assert abs(asker(question).value - getattr(pace, agg)()) < 1e-6 * pace.mean()
    with pytest.raises(CannotAnswer, match="a total of paces"):
        asker("total pace of all trips")
