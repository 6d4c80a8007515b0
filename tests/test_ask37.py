"""Session 37 (ask37): set 37's fixes (docs/llm.md "Session 37 (ask37)"), each on a frame built here with its truth
from pandas:

- a fleet's own noun for vehicles of one kind ("which sweeper swept the most km" on SW-01 ..., "the buses" on SB-101
  ... labelled by route), never where the ids name another kind or the labels are modes;
- "per route" / "for each route" = one row a label (was the mean of every trip: a silent wrong);
- "how many stops longer than 3 minutes" counts the stops (was the trips with one: a silent wrong);
- "time above 3000 m" refused as a height (was the time of trips longer than 3 km: a silent wrong);
- "average trip speed per week" = each week's own mean, and a period table lists the weeks without trips;
- "the average time on board" = the trips' mean duration.
"""

from __future__ import annotations

import pandas as pd
import pytest

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
MON = pd.Timestamp("2026-03-02")  # a Monday


def _trip(
    tid: str, veh: str, label: str, t0: pd.Timestamp, minutes: int, lon: float, stills=()
) -> list:
    """A trip going north a fix a minute (about 333 m a minute), standing still for (at minute, for n minutes) of
    ``stills``; its own ``lon``: no copies."""
    rows, lat = [], -37.8
    still = {m for at, n in stills for m in range(at, at + n)}
    for i in range(minutes + 1):
        rows.append((tid, veh, label, t0 + pd.Timedelta(minutes=i), lat, lon))
        if i not in still:
            lat += 0.003
    return rows


def _frame(vehicles: dict[str, list[str]], days: int = 5, stills=()) -> pd.DataFrame:
    """Each vehicle a trip a day per label of its list (label i starting at 7 + 3i h), lengths growing with k."""
    rows, k = [], 0
    for veh, labels in vehicles.items():
        for d in range(days):
            for i, lab in enumerate(labels):
                k += 1
                rows += _trip(f"T{k:03d}", veh, lab, MON + pd.Timedelta(days=d, hours=7 + 3 * i),
                              20 + (k * 7) % 30, 145.0 + 0.01 * k, stills)  # fmt: skip
    return pd.DataFrame(rows, columns=["trip", "unit", "kind", "t", "lat", "lon"])


def _asker(df: pd.DataFrame) -> Asker:
    return Asker(df, tz="UTC", columns={"traj_id": "trip", "vehicle_id": "unit", "label": "kind"})


def _trips(df: pd.DataFrame) -> pd.DataFrame:
    g = df.groupby("trip")
    tb = pd.DataFrame(
        {"veh": g.unit.first(), "label": g.kind.first(), "start": g.t.min(), "end": g.t.max()}
    )
    step = (
        df.sort_values(["trip", "t"]).groupby("trip").lat.agg(lambda s: (s.diff().abs() > 0).sum())
    )
    tb["km"] = (
        step * 0.003 * 111.32
    )  # the north steps' length (flat earth: within 0.5 % of haversine here)
    tb["dur"] = (tb.end - tb.start).dt.total_seconds()
    return tb


def test_a_fleets_own_noun_is_its_vehicles() -> None:
    """On sweepers SW-01 .. SW-03 (sweeping / transit): "which sweeper swept the most km" is the vehicle with the
    most sweeping km; "did every sweeper work on Friday" is each vehicle; "the buses" on school buses SB-1.. by
    route are every trip."""
    df = _frame(
        {"SW-01": ["sweeping", "transit"], "SW-02": ["sweeping"], "SW-03": ["sweeping", "transit"]}
    )
    df = df[~((df.unit == "SW-02") & (df.t.dt.weekday == 4))]  # SW-02 off on Friday
    tb = _trips(df)
    best = tb[tb.label == "sweeping"].groupby("veh").km.sum()
    assert best.sort_values().iloc[-1] > best.sort_values().iloc[-2] * 1.01
    a = _asker(df)
    top = a("Which sweeper swept the most km?")
    assert best.idxmax() in str(top).splitlines()[0]
    assert str(a("Did every sweeper work on Friday?")).lower().startswith("no")
    with pytest.raises(
        CannotAnswer
    ):  # who drove is not in the data (set 29's "which driver groomed")
        a("Which driver swept the most km?")
    assert a("How many jobs did the sweepers do?").value == len(tb)
    bus = _frame({"SB-101": ["North", "North"], "SB-102": ["South", "South"]}, days=2)
    assert _asker(bus)("How many km did the buses drive?").value == pytest.approx(
        _trips(bus).km.sum(), rel=0.01
    )


def test_a_fleets_noun_stays_refused_where_the_data_says_otherwise() -> None:
    """ "The buses" on vans and e-bikes (ids VAN-*, EB-*) is no reading of every vehicle; on labels that are modes
    (walk / bus) "bus" is the label."""
    vans = _frame({"VAN-01": ["delivery"], "VAN-02": ["delivery"], "EB-1": ["delivery"]}, days=2)
    with pytest.raises(CannotAnswer):
        _asker(vans)("How many km did the buses drive?")
    modes = _frame({"P01": ["walk", "bus"], "P02": ["walk", "bus"]}, days=2)
    tb = _trips(modes)
    assert _asker(modes)("How many bus trips were there?").value == (tb.label == "bus").sum()


def test_per_route_is_one_row_a_label() -> None:
    """ "What was the average trip duration per route" is each label's mean, not every trip's (a silent wrong)."""
    df = _frame({"SB-101": ["North"], "SB-102": ["South"], "SB-103": ["East"], "SB-104": ["North"]})
    tb = _trips(df)
    by = tb.groupby(tb.label.str.lower()).dur.mean() / 60
    ans = _asker(df)("What was the average trip duration per route, in minutes?")
    assert ans.plan.group == "mode"
    text = str(ans)
    for lab, v in by.items():
        assert any(lab in ln and f"{v:.1f}" in ln for ln in text.splitlines()), (lab, v, text)
    assert _asker(df)("What was the average time on board, in minutes?").value == pytest.approx(
        tb.dur.mean() / 60
    )


def test_how_many_stops_counts_stops() -> None:
    """Every trip stands still twice (4 and 5 min) and once for 1 min: "how many stops longer than 3 minutes" is
    twice the trips, not the trips; "how many trips had a stop longer than 3 minutes" stays the trips."""
    df = _frame(
        {"SB-101": ["North"], "SB-102": ["South"]}, days=3, stills=[(5, 4), (12, 5), (18, 1)]
    )
    n = df.trip.nunique()
    a = _asker(df)
    assert a("How many stops longer than 3 minutes were there?").value == 2 * n
    assert a("How many stops longer than 3 minutes did the buses make?").value == 2 * n
    assert a("How many trips had a stop longer than 3 minutes?").value == n


def test_heights_are_refused_and_lengths_kept() -> None:
    """ "Time above 3000 m" is a height (no altitude is kept): refused; "trips longer than 3000 m" a length."""
    df = _frame({"P-1": ["x"], "P-2": ["x"]}, days=3)
    a = _asker(df)
    for q in (
        "How much time did P-1 spend above 3000 m?",
        "How many vertical metres did P-2 climb?",
    ):
        with pytest.raises(CannotAnswer, match="height"):
            a(q)
    assert a("How many trips were longer than 3000 m?").value == (_trips(df).km > 3).sum()


def test_trip_speed_per_week_and_empty_weeks() -> None:
    """ "Average trip speed per week" is each week's own mean of its trips' speeds; a week without trips (P-2 off in
    the second of three weeks) is a row of 0 trips in "average trip duration per week"."""
    df = _frame({"P-1": ["x"], "P-2": ["x"]}, days=21)
    df = df[
        ~(
            (df.unit == "P-2")
            & (df.t >= MON + pd.Timedelta(days=7))
            & (df.t < MON + pd.Timedelta(days=14))
        )
    ]
    tb = _trips(df)
    tb["kmh"] = tb.km / tb.dur * 3600
    tb["week"] = tb.start.dt.normalize() - pd.to_timedelta(tb.start.dt.weekday, unit="D")
    a = _asker(df)
    ans = a("What was the average trip speed per week?")
    got = dict(ans.table.select("week", "mean speed_kmh (km/h)").rows())
    for w, v in tb.groupby("week").kmh.mean().items():
        assert got[w.date()] == pytest.approx(v, rel=0.01)
    p2 = a("What was the average trip duration per week for P-2, in minutes?")
    rows = dict(p2.table.select("week", "trips").rows())
    assert len(rows) == 3 and rows[(MON + pd.Timedelta(days=7)).date()] == 0


def test_paraphrase_words() -> None:
    """Set 37's paraphrases (tuned on them): "each of the sweepers" is per vehicle (was every trip as one number:
    a silent wrong), "how many times did ... stop for longer than", "P-2's car", "for each week" of a trip's mean."""
    df = _frame({"SW-01": ["sweeping", "sweeping"], "SW-02": ["sweeping"], "SW-03": ["transit"]}, days=4,
                stills=[(5, 4), (12, 1)])  # fmt: skip
    tb = _trips(df)
    a = _asker(df)
    each = a("How many sweeping jobs did each of the sweepers do?")
    assert each.plan.group == "vehicle"
    assert (
        dict(each.table.select("vehicle", "n_trips").rows())
        == tb[tb.label == "sweeping"].groupby("veh").size().to_dict()
    )
    assert a("How many trips did each of the vehicles make?").plan.group == "vehicle"
    assert a("How many times did the sweepers stop for longer than 3 minutes?").value == len(tb)
    assert a("How many km did SW-02's vehicle drive?").value == pytest.approx(
        tb[tb.veh == "SW-02"].km.sum(), rel=0.01
    )
    assert str(a("Was SW-03's vehicle used on 2 March?")).startswith("yes")
    weekly = a("What was the mean trip speed for each week, in km/h?")
    assert weekly.plan.group == "week"


def test_the_week_of_a_day_is_asked_naming_how() -> None:
    """ "The week of 4 March" alone stays refused (which seven days? set 12's decision), now naming how to say it
    (was "did not understand 'week'"); "the week starting 4 March" and "the week of 2-8 March" are read."""
    df = _frame({"P-1": ["x"], "P-2": ["x"]}, days=14)
    d = _trips(df).start.dt.normalize()
    a = _asker(df)
    with pytest.raises(CannotAnswer, match="which seven days"):
        a("How many trips were there in the week of 4 March?")
    assert (
        a("How many trips were there in the week starting 4 March?").value
        == ((d >= "2026-03-04") & (d <= "2026-03-10")).sum()
    )
    assert (
        a("How many trips were there in the week of 2-8 March?").value
        == ((d >= "2026-03-02") & (d <= "2026-03-08")).sum()
    )
