"""Session 34 (ask34): set 34's fixes (docs/llm.md "Session 34 (ask34)"), each on a frame built here with its
truth from pandas:

- AIS ship types (container ship / tanker / bulk carrier): "ship" / "vessel" is every vessel, not the container
  ships; ships' names of two words are ids; "did X anchor" is a stop; a weekday's total adds the steps on it;
- "did every van stop?" on rows with no vehicle column is refused (it said "yes: 1 trip");
- a bike share's classic / electric labels: "e-bike", "classic bikes", "bike trips"; "was bike 4017 used on
  Sunday", "which bike was used the most";
- "who walked the furthest", "average mph across the vans".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")


def _track(t0: pd.Timestamp, lat0: float, n: int, step_deg: float, still: int = 0, at: int = 5,
           lon: float = 4.0) -> list:  # fmt: skip
    """(t, lat, lon) fixes a minute apart going north on ``lon``, ``still`` of them standing after fix ``at``
    (each trip on its own ``lon``: an exact copy of another trip's fixes is counted once)."""
    rows, lat = [], lat0
    for i in range(n):
        rows.append((t0 + pd.Timedelta(minutes=i), lat, lon))
        if not (at <= i < at + still):
            lat += step_deg
    return rows


def _ships() -> pd.DataFrame:
    """Four voyages: NORDIC ORION (container ship, no wait), SCHELDE STAR (container ship, 3 h wait), KESTREL
    (tanker, 13 h wait, starting 22:00 Monday so it runs past midnight), VEGA TRADER (bulk carrier)."""
    spec = [
        ("NORDIC ORION", "V1", "Container Ship", pd.Timestamp("2026-06-08 06:00"), 0),
        ("SCHELDE STAR", "V2", "Container Ship", pd.Timestamp("2026-06-08 07:00"), 180),
        ("KESTREL", "V3", "Tanker", pd.Timestamp("2026-06-08 22:00"), 780),
        ("VEGA TRADER", "V4", "Bulk Carrier", pd.Timestamp("2026-06-09 05:00"), 0),
    ]
    rows = []
    for name, voy, kind, t0, still in spec:
        rows += [
            (name, voy, t, la, lo, kind)
            for t, la, lo in _track(t0, 51.3, 120 + still, 0.003, still, lon=4.0 + 0.01 * len(rows))
        ]
    return pd.DataFrame(rows, columns=["vessel", "voyage", "t", "lat", "lon", "type"])


def _ship_asker() -> Asker:
    cols = {"traj_id": "voyage", "vehicle_id": "vessel", "label": "type"}
    return Asker(_ships(), tz="UTC", columns=cols)


def test_a_ship_is_every_vessel_where_every_label_is_one() -> None:
    a = _ship_asker()
    # was "mode=container ship" and "no": only the tanker waited over 12 h
    ans = a("Was any ship at anchor for more than 12 hours?")
    assert "mode" not in ans.plan.key() and str(ans).startswith("yes")
    assert a("How many vessels were tracked?").value == 4  # was refused: 'vessels' is not a label
    assert a("How many container ship voyages were there?").value == 2


def test_ship_names_of_two_words_and_anchor_the_verb() -> None:
    a, df = _ship_asker(), _ships()
    first = df[df.vessel == "SCHELDE STAR"].t.min().strftime("%H:%M")
    assert first in str(a("What time did SCHELDE STAR first leave on Monday?"))
    assert a("How many voyages did Nordic Orion make?").value == 1
    assert str(a("Did SCHELDE STAR anchor on Monday?")).startswith("yes")
    assert str(a("Did NORDIC ORION anchor?")).startswith("no")


def test_a_weekday_total_adds_its_steps_as_a_date_does() -> None:
    df = _ships()
    st = df[df.vessel == "KESTREL"].sort_values("t")
    km = 2 * 6371.0088 * np.arcsin(np.abs(np.sin(np.radians(st.lat.diff()) / 2)))  # due north
    monday = float(km[st.t.shift().dt.day == 8].sum())  # each step on the day it began
    got = _ship_asker()("How many km did KESTREL sail on Monday?").value
    assert math.isclose(got, monday, rel_tol=0.01) and monday < float(km.sum()) * 0.9


def test_every_van_is_refused_without_a_vehicle_column() -> None:
    df = _ships().drop(columns=["vessel", "type"])  # a fleet's runs, no vans named
    a = Asker(df, tz="UTC", columns={"traj_id": "voyage"})
    with pytest.raises(CannotAnswer, match="no vehicle column"):
        a("Did every van stop?")
    assert str(a("Did any voyage stop?")).startswith("yes")  # the trips can still be asked


def _rides() -> pd.DataFrame:
    """Rides of bikes 4001-4004 (4003 electric: id % 3 == 0), 1-6 km, Mon 1 - Sun 7 Jun 2026; bike 4001 most."""
    rng = np.random.default_rng(34)
    rows, n = [], 0
    for day in range(1, 8):
        for bike in (4001, 4001, 4002, 4003, 4004) if day < 7 else (4001, 4003):
            n += 1
            t0 = pd.Timestamp(f"2026-06-0{day} 08:00") + pd.Timedelta(minutes=17 * n)
            k = int(rng.integers(10, 60))
            kind = "electric" if bike % 3 == 0 else "classic"
            rows += [
                (f"R{n}", bike, t, la, lo, kind)
                for t, la, lo in _track(t0, 45.5, k, 0.001, lon=-73.6 + 0.001 * n)
            ]
    return pd.DataFrame(rows, columns=["ride_id", "bike_id", "t", "lat", "lng", "bike_type"])


def test_a_bike_shares_words_for_its_labels() -> None:
    df = _rides()
    a = Asker(
        df, tz="UTC", columns={"traj_id": "ride_id", "vehicle_id": "bike_id", "label": "bike_type"}
    )
    rides = df.groupby("ride_id").agg(bike=("bike_id", "first"), kind=("bike_type", "first"))
    assert a("How many e-bike rides were there?").value == int((rides.kind == "electric").sum())
    assert a("How many classic bike rides were there?").value == int(
        (rides.kind == "classic").sum()
    )
    assert a("How many bike trips were there?").value == len(rides)
    assert "4001" in str(a("Which bike was used the most?")).splitlines()[0]
    assert str(a("Was bike 4003 used on Sunday?")).startswith("yes")
    assert str(a("Was bike 4002 used on Sunday?")).startswith("no")


def test_who_walked_the_furthest_and_across_the_vans() -> None:
    rows = []
    for i, (who, n) in enumerate((("P01", 20), ("P02", 40), ("P03", 30))):
        t0 = pd.Timestamp("2026-06-01 09:00") + pd.Timedelta(hours=i)
        rows += [
            (who, f"W{i}", t, la, lo, "walk")
            for t, la, lo in _track(t0, 55.6, n, 0.0004, lon=12.5 + 0.01 * i)
        ]
    df = pd.DataFrame(rows, columns=["participant_id", "trip", "t", "lat", "lon", "mode"])
    a = Asker(
        df, tz="UTC", columns={"traj_id": "trip", "vehicle_id": "participant_id", "label": "mode"}
    )
    assert "P02" in str(a("Who walked the furthest?")).splitlines()[0]
    vans = _ships().assign(vessel=lambda d: d.vessel.map(dict(zip(d.vessel.unique(), ["VAN-01", "VAN-02",
                                                                                      "VAN-03", "T-1"], strict=True))))  # fmt: skip
    b = Asker(vans, tz="UTC", columns={"traj_id": "voyage", "vehicle_id": "vessel"})
    pooled = b("What was the average speed of the vans in mph?").value
    assert b("Average mph across the vans?").value == pytest.approx(pooled)


def test_which_ships_anchored_longer_than_names_every_one() -> None:
    a, df = _ship_asker(), _ships()
    ans = a("Which ships anchored for longer than 2 hours?")  # was refused: "answers per group"
    waited = {"SCHELDE STAR", "KESTREL"}  # 3 h and 13 h still; the others never stop
    assert set(ans.value) == waited and str(ans).startswith(f"2 of {df.vessel.nunique()} vehicles")
    assert set(a("Which vessels waited more than 10 hours?").value) == {"KESTREL"}
    with pytest.raises(
        CannotAnswer
    ):  # a voyage's 50 km, or in total? (two readings): still refused
        a("Which ships sailed more than 50 km?")
    with pytest.raises(CannotAnswer):  # any voyage, or never?
        a("Which ships did not stop?")


def test_furthest_per_day_is_each_movers_daily_mean() -> None:
    """Kito walks 10 km on one day and 1 km on two more (a daily mean of 4, a best day of 10); Zawadi 6 km on each
    of three days (a mean of 6): "furthest per day" is Zawadi, "the furthest in one day" Kito."""
    rows = []
    for who, kms in (("Kito", (10, 1, 1)), ("Zawadi", (6, 6, 6))):
        lat, lon = -2.6, 37.0 if who == "Kito" else 37.2
        for d, km in enumerate(kms):  # each day on from where the last ended (no jump overnight)
            day = _track(
                pd.Timestamp(f"2026-06-0{d + 1} 06:00"), lat, 11, km / 10 / 111.195, lon=lon
            )
            rows += [(who, "elephant", t, la, lo) for t, la, lo in day]
            lat = day[-1][1]
    df = pd.DataFrame(rows, columns=["animal", "species", "t", "lat", "lon"])
    a = Asker(
        df, tz="UTC", columns={"traj_id": "animal", "vehicle_id": "animal", "label": "species"}
    )
    rate = a("Which animal travelled furthest per day?")  # was Kito's best day, "next: Zawadi"
    assert "(vehicle Zawadi of 2" in str(rate).splitlines()[0] and rate.value == pytest.approx(
        6000, rel=0.01
    )
    assert str(a("Which animal travelled the furthest in one day?")).startswith("Kito")


def test_home_range_is_the_minimum_convex_polygon() -> None:
    """A square walk 2 km a side (corners and an inside point): 4 km², whatever the fixes inside it."""
    side = 2.0 / 111.195  # degrees of latitude in 2 km
    lon_side = side / math.cos(math.radians(-2.6))
    corners = [(0, 0), (side, 0), (side, lon_side), (0, lon_side), (side / 2, lon_side / 3), (0, 0)]
    t0 = pd.Timestamp("2026-06-01 06:00")
    rows = [
        ("Kito", t0 + pd.Timedelta(hours=i), -2.6 + a, 37.0 + b) for i, (a, b) in enumerate(corners)
    ]
    df = pd.DataFrame(rows, columns=["animal", "t", "lat", "lon"])
    a = Asker(df, tz="UTC", columns={"traj_id": "animal", "vehicle_id": "animal"})
    ans = a("What was the home range of Kito, in square km?")  # was refused: 'home range square'
    assert ans.value == pytest.approx(4.0, rel=0.01) and "minimum convex polygon" in str(ans)
    assert a("Kito's home range in hectares?").value == pytest.approx(400.0, rel=0.01)


def test_were_all_the_vans_out_where_every_vehicle_is_a_van() -> None:
    """badin33b's probe: VAN-07 / VAN-08 only (no kind to filter by), "were all the vans out?" with no day was refused
    ("no question about the trips found"); VAN-08 has no trip on the second day."""
    t0 = pd.Timestamp("2026-02-09 08:00")
    rows = [("VAN-07", f"R{d}", t, la, lo) for d in range(2)
            for t, la, lo in _track(t0 + pd.Timedelta(days=d), 41.1, 30, 0.001, lon=-8.6 + 0.01 * d)]  # fmt: skip
    rows += [("VAN-08", "R9", t, la, lo) for t, la, lo in _track(t0, 41.1, 30, 0.001, lon=-8.5)]
    df = pd.DataFrame(rows, columns=["vehicle_id", "traj_id", "t", "lat", "lon"])
    a = Asker(df, tz="UTC")
    assert str(a("Were all the vans out?")).startswith("yes: all 2 vehicles")
    assert str(a("Were all the vans out on Tuesday?")).startswith("no: VAN-08")
    with pytest.raises(CannotAnswer, match="pothole"):  # words it cannot read are still refused
        a("Did any van hit a pothole?")


def test_paraphrase_words_at_anchor_get_used_collar_recording() -> None:
    """ask34's paraphrases (a fix tuned on them): "was X at anchor on D" is "did X stop on D", "did bike 4017 get
    used" and "was Baraka's collar recording" are "was X out"."""
    a = _ship_asker()
    assert str(a("Was SCHELDE STAR at anchor on Monday?")).startswith("yes")
    assert str(a("Was NORDIC ORION at anchor?")).startswith("no")
    b = Asker(
        _rides(),
        tz="UTC",
        columns={"traj_id": "ride_id", "vehicle_id": "bike_id", "label": "bike_type"},
    )
    assert str(b("Did bike 4003 get used on Sunday?")).startswith("yes")
    assert str(b("Did bike 4002 get used on Sunday?")).startswith("no")
    assert str(b("Was bike 4002's tracker recording on Sunday?")).startswith("no")
