"""Session 36 (ask36): set 36's fixes (docs/llm.md "Session 36 (ask36)"), each on a frame built here with its
truth from pandas:

- "were any buses out after 21:00 on Friday" / "on Friday after 21:00": a trip still running then (its end), not
  its start (was "no" while a bus ran past 21:00, or "did not understand 'out'");
- "how many trips crossed midnight": a start and an end on two local dates (was "did not understand '12am'");
- "which vans made more trips than VAN-02": the vans above the named one (was "did not understand 'more'");
- "the average stop length of X" is refused (was the mean of each trip's longest stop: a silent wrong);
- "in-vehicle trips" / "in vehicle trips" on Google's in_vehicle (was every trip: a silent wrong), "the Vallisaari
  route", "did I make any trips ..." answered yes / no, "how many trips did each taxi make" (not a taxi's make),
  "what time did the first ferry leave", "the last crossing on the X route end", "my first trip start".
"""

from __future__ import annotations

import pandas as pd
import pytest

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
MON = pd.Timestamp("2026-09-14")  # a Monday


def _trip(
    tid: str, veh: str, label: str, t0: pd.Timestamp, minutes: int, lon: float, still: int = 0
) -> list:
    """A trip going north a fix a minute, ``still`` fixes standing in its middle (its own ``lon``: no copies)."""
    rows, lat = [], 51.0
    for i in range(minutes + 1):
        rows.append((tid, veh, label, t0 + pd.Timedelta(minutes=i), lat, lon))
        if not (minutes // 2 <= i < minutes // 2 + still):
            lat += 0.003
    return rows


def _fleet() -> pd.DataFrame:
    """Four vans (VAN-01 .. VAN-04) and a bike (EB-1) over Monday - Friday; trips of 40 min, some late ones, one
    from 23:30 to 00:10 and one from 23:50 to 00:30 (over midnight); a few with stops."""
    rows, k = [], 0
    plan = {"VAN-01": 5, "VAN-02": 3, "VAN-03": 2, "VAN-04": 4, "EB-1": 6}
    for veh, n in plan.items():
        for j in range(n):
            k += 1
            t0 = MON + pd.Timedelta(days=j % 5, hours=7 + 2 * (k % 4))
            rows += _trip(f"R{k:02d}", veh, "delivery", t0, 40, -1.5 + 0.01 * k, still=4 * (k % 3))
    late = [("R90", "VAN-03", MON + pd.Timedelta(days=4, hours=20, minutes=40)),  # Fri 20:40-21:20
            ("R91", "VAN-01", MON + pd.Timedelta(days=2, hours=23, minutes=30)),  # Wed 23:30-00:10
            ("R92", "VAN-04", MON + pd.Timedelta(days=3, hours=23, minutes=50))]  # fmt: skip
    for tid, veh, t0 in late:
        rows += _trip(tid, veh, "delivery", t0, 40, -1.2 + 0.01 * len(rows))
    return pd.DataFrame(rows, columns=["run", "unit", "kind", "t", "lat", "lon"])


def _asker(df: pd.DataFrame | None = None) -> Asker:
    return Asker(
        _fleet() if df is None else df,
        tz="UTC",
        columns={"traj_id": "run", "vehicle_id": "unit", "label": "kind"},
    )


def _trips(df: pd.DataFrame) -> pd.DataFrame:
    g = df.groupby("run")
    return pd.DataFrame({"veh": g.unit.first(), "start": g.t.min(), "end": g.t.max()})


def test_out_after_an_hour_reads_the_trips_end() -> None:
    """A van out after 21:00 on Friday is one whose Friday trip ended after 21:00 (R90: 20:40-21:20); asked
    either way round. None ran past 22:00 (a "no" that must stay no)."""
    df = _fleet()
    tb = _trips(df)
    fri = tb[tb.start.dt.date == (MON + pd.Timedelta(days=4)).date()]
    assert (fri.start.dt.hour >= 21).sum() == 0 and (
        fri.end >= MON + pd.Timedelta(days=4, hours=21)
    ).sum() == 1
    a = _asker(df)
    for q in ("Were any vans out after 21:00 on Friday?", "Were any vans out on Friday after 21:00?",
              "Was VAN-03 still out after 9 pm on Friday?", "Was any van out after 21:00 on Friday?"):  # fmt: skip
        ans = a(q)
        assert str(ans).startswith("yes: 1 trip"), (q, str(ans))
        assert ans.plan.at_end and ans.plan.hour_from == 21
    assert str(a("Were any vans out after 22:00 on Friday?")).startswith("no")
    assert str(a("Was VAN-02 out after 21:00 on Friday?")).startswith("no")


def test_trips_that_crossed_midnight() -> None:
    """ "crossed midnight" counts the trips whose start and end fall on two dates (R91, R92), per label too."""
    df = _fleet()
    tb = _trips(df)
    truth = int((tb.start.dt.date != tb.end.dt.date).sum())
    assert truth == 2
    a = _asker(df)
    for q in ("How many trips crossed midnight?", "How many delivery trips went over midnight?"):
        ans = a(q)
        assert ans.value == truth and ans.plan.over_midnight, (q, str(ans))
    assert a("How many trips crossed midnight on Wednesday?").value == 1
    assert a("Which trips ran past midnight?").n_total == truth
    assert (
        a("How many trips started after midnight?").plan.over_midnight is False
    )  # hours, as before
    with pytest.raises(
        CannotAnswer, match="midnight'"
    ):  # the user's word, not the "12am" read from it
        a("How many trips ended past midnight?")


def test_which_vans_made_more_trips_than_a_named_one() -> None:
    """The vans (not the bike) with more / fewer trips than VAN-02, against pandas' counts."""
    df = _fleet()
    n = _trips(df).veh.value_counts()
    vans = [v for v in n.index if v.startswith("VAN-")]
    more = sorted(v for v in vans if n[v] > n["VAN-02"])
    fewer = sorted(v for v in vans if n[v] < n["VAN-02"])
    a = _asker(df)
    assert (
        sorted(a("Which vans made more trips than VAN-02?").value) == more == ["VAN-01", "VAN-04"]
    )
    assert sorted(a("Which vans made fewer trips than VAN-02?").value) == fewer
    with pytest.raises(CannotAnswer, match="not one of the vans"):
        a("Which vans made more trips than EB-1?")


def test_average_stop_length_is_every_stops_mean() -> None:
    """ "the average stop length" was the mean of each trip's longest stop, said as a stop's (30.5 min for 7.3 on
    set 36's vans): now the mean over every stop (a run of fixes standing still), against the stops built."""
    rows = []
    for k, stills in enumerate(((2, 6), (4,), (3, 3, 9))):  # stops of 2, 6 / 4 / 3, 3, 9 minutes
        lat, t = 51.0, MON + pd.Timedelta(hours=8 + k)
        for i in range(30):
            rows.append((f"R{k}", "VAN-01", "delivery", t, lat, -1.5 + 0.01 * k))
            t += pd.Timedelta(minutes=1)
            lat += 0.003
            if i % 8 == 4 and stills:
                for _ in range(stills[0]):
                    rows.append((f"R{k}", "VAN-01", "delivery", t, lat, -1.5 + 0.01 * k))
                    t += pd.Timedelta(minutes=1)
                stills = stills[1:]
    df = pd.DataFrame(rows, columns=["run", "unit", "kind", "t", "lat", "lon"])
    runs = [2, 6, 4, 3, 3, 9]  # each still run adds its minutes (the step into it moves)
    a = _asker(df)
    for q in ("What was the average stop length of VAN-01, in minutes?", "What was the mean dwell time per stop?",
              "What was the typical stop duration of VAN-01?"):  # fmt: skip
        ans = a(q)
        assert ans.plan.action == "dwell" and ans.value == pytest.approx(sum(runs) / len(runs)), (
            q,
            str(ans),
        )
    longest = a("What was the average longest stop of VAN-01, in minutes?")
    assert longest.plan.metric == "stop_s" and longest.value == pytest.approx((6 + 4 + 9) / 3)
    with pytest.raises(CannotAnswer, match="time per stop"):
        a("What was the median stop length?")


def _phone() -> pd.DataFrame:
    """A phone's trips labelled as Google's activities: in_vehicle (3 in January), cycling (2), walking (1)."""
    rows, k = [], 0
    for day, act in ((5, "in_vehicle"), (6, "in_vehicle"), (7, "cycling"), (8, "in_vehicle"), (9, "cycling"),
                     (10, "walking")):  # fmt: skip
        k += 1
        rows += _trip(
            f"s{k}", "me", act, pd.Timestamp(f"2026-01-{day:02d} 07:45"), 20, -79.4 + 0.01 * k
        )
    return pd.DataFrame(rows, columns=["seg", "who", "activity", "t", "lat", "lon"])


def test_a_phones_own_words() -> None:
    """ "in-vehicle trips" / "in vehicle trips" are the in_vehicle label (they counted every trip); "did I make
    any trips" answers yes / no; "my first trip" is the first trip's."""
    df = _phone()
    a = Asker(df, tz="UTC", columns={"traj_id": "seg", "label": "activity"})
    truth = int((df.groupby("seg").activity.first() == "in_vehicle").sum())
    assert truth == 3
    for q in (
        "How many in-vehicle trips did I make in January?",
        "How many in vehicle trips did I make?",
    ):
        assert a(q).value == truth, q
    assert str(a("Did I make any trips between 12 and 18 January?")).startswith("no")
    assert str(a("Did I make any trips on 7 January?")).startswith("yes: 1 trip")
    assert "07:45" in str(a("What time did my first trip start on 8 January?"))


def test_a_ferry_routes_labels_and_first_ferry() -> None:
    """ "on the Vallisaari route" is that label; "the last crossing on the X route end on D" its last end;
    "the first ferry leave on D" the first start; "how many trips did each ferry make" is per vehicle."""
    rows = []
    for k, (veh, route, h) in enumerate((("TOR", "Suomenlinna", 6), ("TOR", "Suomenlinna", 9),
                                         ("ISLA", "Vallisaari", 7), ("ISLA", "Vallisaari", 8))):  # fmt: skip
        rows += _trip(f"C{k}", veh, route, MON + pd.Timedelta(hours=h), 14 + 2 * k, 24.9 + 0.01 * k)
    df = pd.DataFrame(rows, columns=["crossing", "vessel", "route", "t", "lat", "lon"])
    a = Asker(
        df, tz="UTC", columns={"traj_id": "crossing", "vehicle_id": "vessel", "label": "route"}
    )
    mean = (
        df[df.route == "Vallisaari"]
        .groupby("crossing")
        .t.agg(lambda t: (t.max() - t.min()).total_seconds())
    )
    got = a("What was the average crossing time on the Vallisaari route, in minutes?").value
    assert got == pytest.approx(mean.mean() / 60)
    assert "09:16" in str(
        a("What time did the last crossing on the Suomenlinna route end on Monday?")
    )
    assert "06:00" in str(a("What time did the first ferry leave on Monday?"))
    each = a("How many trips did each ferry make?")
    assert each.plan.group == "vehicle" and set(each.table["vehicle"]) == {"TOR", "ISLA"}


def test_did_each_taxi_make_is_a_verb() -> None:
    """ "did each taxi make" asks a count per taxi; "the taxi makes" is still not in the data."""
    df = _fleet().assign(unit=lambda d: d.unit.str.replace("VAN", "TX"))
    a = _asker(df)
    assert a("How many trips did each taxi make?").plan.group == "vehicle"
    with pytest.raises(CannotAnswer, match="model or make"):
        a("Which taxi makes are in the data?")


def test_which_month() -> None:
    """ "which month did I cycle the most km (in)" is the month with the largest total (was "answers per group
    ('which month') are not supported"); "per month" the mean over the months with trips; against pandas."""
    import numpy as np

    rows, k = [], 0
    for month, n, act in (
        (1, 3, "cycling"),
        (2, 5, "cycling"),
        (3, 4, "walking"),
        (3, 2, "cycling"),
    ):
        for j in range(n):
            k += 1
            t0 = pd.Timestamp(f"2026-{month:02d}-{j + 2:02d} 08:00")
            rows += _trip(f"s{k}", "me", act, t0, 10 + 3 * (k % 4), -79.4 + 0.01 * k)
    df = pd.DataFrame(rows, columns=["seg", "who", "activity", "t", "lat", "lon"])
    la, lo = np.radians(df.lat), np.radians(df.lon)
    same = df.seg.eq(df.seg.shift(-1))
    a_ = (
        np.sin((la.shift(-1) - la) / 2) ** 2
        + np.cos(la) * np.cos(la.shift(-1)) * np.sin((lo.shift(-1) - lo) / 2) ** 2
    )
    df["km"] = np.where(same, 2 * 6371.0088 * np.arcsin(np.sqrt(a_.fillna(0))), 0.0)
    cyc = df[df.activity == "cycling"]
    by_month = cyc.groupby(cyc.t.dt.month).km.sum()
    a = Asker(df.drop(columns="km"), tz="UTC", columns={"traj_id": "seg", "label": "activity"})
    ans = a("Which month did I cycle the most km in?")
    name = pd.Timestamp(2026, int(by_month.idxmax()), 1).strftime("%B")
    assert ans.plan.per == "month" and name in str(ans)
    assert ans.value == pytest.approx(by_month.max(), rel=1e-6)
    assert a("How many km did I cycle per month?").value == pytest.approx(by_month.mean(), rel=1e-6)
    assert "January" in str(a("Which month did I make the fewest trips?"))


def test_a_taxi_regulators_words_and_places_refused() -> None:
    """On hired / vacant labels "cruise empty", "empty trips" are the vacant ones and "with a passenger" the hired
    ones (against pandas' counts); on other labels "empty" stays unread. A place by its kind ("the gym", "which
    places are the busiest parking spots") is refused naming it (was "did not understand 'often gym'")."""
    df = _fleet()
    runs = sorted(df.run.unique())
    state = {r: ("hired" if i % 3 else "vacant") for i, r in enumerate(runs)}
    df = df.assign(kind=df.run.map(state))
    a = _asker(df)
    vacant = sum(v == "vacant" for v in state.values())
    assert a("How many empty trips were there?").value == vacant
    assert a("How many trips did the taxis make with a passenger?").value == len(runs) - vacant
    assert a("How far did the taxis cruise empty, in km?").plan.mode == "vacant"
    with pytest.raises(CannotAnswer):
        _asker()("How many empty trips were there?")  # a delivery label: no meter state
    for q in ("How often did I go to the gym?", "Which places are the busiest parking spots?"):
        with pytest.raises(CannotAnswer, match="places by what they are"):
            a(q)
    # a place given by its coordinates is read as before, whatever it is called
    near = a("How many trips ended near the gym at 51.06, -1.46?")
    assert near.plan.end_at is not None and near.plan.end_at[:2] == (51.06, -1.46)


def test_fastest_km_of_a_runner() -> None:
    """ "Amara's fastest km on 13 September" is the shortest whole km from a run's start (was refused, and before
    that her whole run); numpy's interpolation over the cumulative haversine length is the truth."""
    import numpy as np

    rows, lat = [], 48.0
    t0 = pd.Timestamp("2026-09-13 07:00")
    for i, mps in enumerate([3.0] * 60 + [4.5] * 60 + [2.5] * 80):  # 10-s fixes north, three paces
        rows.append(("A1", "Amara", t0 + pd.Timedelta(seconds=10 * i), lat, 11.5))
        lat += mps * 10 / 111_195.0
    df = pd.DataFrame(rows, columns=["run", "athlete", "t", "lat", "lon"])
    la = np.radians(df.lat.to_numpy())
    d = np.concatenate(
        [[0.0], np.cumsum(2 * 6371008.8 * np.arcsin(np.abs(np.sin(np.diff(la) / 2))))]
    )
    s = (df.t - df.t.iloc[0]).dt.total_seconds().to_numpy()
    splits = np.diff(np.interp(np.arange(0, d[-1], 1000.0), d, s))
    a = Asker(df, tz="UTC", columns={"traj_id": "run", "vehicle_id": "athlete"})
    fast = a("What was Amara's fastest km on 13 September, in minutes?")
    assert fast.plan.action == "split" and fast.value == pytest.approx(splits.min() / 60, rel=1e-4)
    assert a("What was Amara's slowest km?").value == pytest.approx(splits.max() / 60, rel=1e-4)
    assert a("What was my fastest km?").value == pytest.approx(
        splits.min() / 60, rel=1e-4
    )  # the data's own
    with pytest.raises(
        CannotAnswer
    ):  # a negative split is read since ask37b (tests/test_ask37b.py)
        a("Which runner had the fastest km?")
