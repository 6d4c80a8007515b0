"""Session 22 (ask22): fixes from three new users' first read (docs/llm.md "Session 22 (ask22)").

Each case failed on main at 9e2caae. A Movebank collar silent for hours is two tracks of one animal: "how many animals"
counted 8 for 7 and "which animal moved the farthest" ranked the halves. Truths with numpy on the frames here, never
trajlm's code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ask_helpers import haversine_m as _hav

from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")


def _collars(seed: int = 22) -> pd.DataFrame:
    """Three deer, 10-min fixes over three days; RD-M02 (the widest roamer) silent 8 h on day 2."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, scale in (("RD-F01", 60.0), ("RD-F03", 80.0), ("RD-M02", 150.0)):
        lat, lon = 48.95 + rng.normal(0, 0.01), 13.40 + rng.normal(0, 0.01)
        for k in range(3 * 144):
            lat += rng.normal(0, scale) / 111195
            lon += rng.normal(0, scale) / 73000
            t = pd.Timestamp("2026-05-04", tz="UTC") + pd.Timedelta(minutes=10 * k)
            if name == "RD-M02" and 150 <= k < 198:
                continue
            rows.append((t.strftime("%Y-%m-%d %H:%M:%S.000"), lon, lat, "Cervus elaphus", name))
    cols = ["timestamp", "location-long", "location-lat", "individual-taxon-canonical-name",
            "individual-local-identifier"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture(scope="module")
def deer(tmp_path_factory) -> tuple[str, pd.DataFrame]:
    from trajlm.data.ingest import ingest

    d = tmp_path_factory.mktemp("deer")
    df = _collars()
    df.to_csv(d / "deer.csv", index=False)
    ingest(d / "deer.csv", "auto", d / "store")
    df = df.assign(t=pd.to_datetime(df["timestamp"], utc=True)).sort_values(
        ["individual-local-identifier", "t"]
    )
    prev = df.groupby("individual-local-identifier")[["location-lat", "location-long"]].shift()
    gap = df.groupby("individual-local-identifier")["t"].diff() > pd.Timedelta(minutes=30)
    step = _hav(
        prev["location-lat"], prev["location-long"], df["location-lat"], df["location-long"]
    )
    df["step"] = np.where(gap, 0.0, step.fillna(0))
    return str(d / "store"), df


@pytest.mark.parametrize(
    "q",
    [
        "How many animals are in the data?",
        "how many animals are there?",
        "How many individuals do we have?",
    ],
)
def test_a_split_collar_track_is_one_animal(deer, q):
    store, df = deer
    assert Asker(store)(q).value == 3


@pytest.mark.parametrize(
    "q",
    ["Which animal moved the farthest in total?", "which animal covered the most km overall?",
     "Which individual travelled the furthest?"],
)  # fmt: skip
def test_the_farthest_animal_adds_its_split_tracks(deer, q):
    store, df = deer
    total = df.groupby("individual-local-identifier")["step"].sum()
    a = Asker(store)(q)
    assert total.idxmax() == "RD-M02"
    assert "RD-M02" in str(a) and "2 trips" in str(a)
    km = "km" in q  # a distance asked in km is said in km
    assert a.value == pytest.approx(total.max() / (1000 if km else 1), rel=1e-6)


@pytest.mark.parametrize(
    "q",
    ["What was the total distance moved by RD-M02, in km?", "How far did RD-M02 move in total, in km?",
     "total km covered by rd-m02"],
)  # fmt: skip
def test_an_animal_named_by_its_collar_id_is_all_its_tracks(deer, q):
    store, df = deer
    want = df.loc[df["individual-local-identifier"] == "RD-M02", "step"].sum() / 1000
    assert Asker(store)(q).value == pytest.approx(want, rel=1e-6)


def _boats(seed: int = 7) -> pd.DataFrame:
    """Two vessels, three voyages each: 60-s fixes at 5 m/s with two stops (GPS noise 3 m) of random length."""
    rng = np.random.default_rng(seed)
    rows = []
    for vid in ("244100000", "244200000"):
        for k in range(3):
            t0 = pd.Timestamp("2026-05-04 02:00", tz="UTC") + pd.Timedelta(
                hours=12 * k + int(rng.integers(0, 5))
            )
            legs = [rng.integers(20, 40), rng.integers(30, 90), rng.integers(20, 40), rng.integers(5, 30),
                    rng.integers(10, 20)]  # fmt: skip
            dist = np.cumsum(
                np.concatenate(
                    [np.full(n, 300.0 if i % 2 == 0 else 0.0) for i, n in enumerate(legs)]
                )
            )
            lat = 51.95 + dist / 111195 + rng.normal(0, 3, len(dist)) / 111195
            lon = 4.0 + rng.normal(0, 3, len(dist)) / 68700
            for j in range(len(dist)):
                rows.append((vid, f"{vid}-{k}", t0 + pd.Timedelta(minutes=j), lat[j], lon[j]))
    df = pd.DataFrame(rows, columns=["mmsi", "voyage", "t", "lat", "lon"])
    prev = df.groupby("voyage")[["lat", "lon", "t"]].shift()
    gap = (df["t"] - prev["t"]).dt.total_seconds()
    step = _hav(prev["lat"], prev["lon"], df["lat"], df["lon"])
    df["still_s"] = np.where((gap <= 60) & (step < gap), gap, 0.0)  # a step slower than 1 m/s
    return df


@pytest.mark.parametrize(
    "q",
    ["How long was vessel 244100000 stopped in total, in hours?", "How many hours was vessel 244100000 idle?",
     "what was the total stopped time of vessel 244100000, in hours?",
     "how much time did vessel 244100000 spend stopped, in hours?"],
)  # fmt: skip
def test_a_vehicles_total_stopped_time_adds_every_stop(q):
    df = _boats()
    want = df.loc[df["mmsi"] == "244100000", "still_s"].sum() / 3600
    ans = Asker(df.drop(columns="still_s"), columns={"traj_id": "voyage", "vehicle_id": "mmsi"})(q)
    assert ans.plan.metric == "stopped_s" and ans.value == pytest.approx(want, rel=1e-9), str(ans)
    assert want > 1.0  # more than the longest stop: two stops on each of three voyages
    longest = Asker(
        df.drop(columns="still_s"), columns={"traj_id": "voyage", "vehicle_id": "mmsi"}
    )("what was the longest stop of vessel 244100000, in hours?")
    assert longest.value < want


def _rides(seed: int = 11) -> pd.DataFrame:
    """Bike-share rides (naive Paris times): classic_bike at ~14 km/h, electric_bike at ~20 km/h, 10-s fixes."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(120):
        kind = "electric_bike" if k % 3 == 0 else "classic_bike"
        v = (20.0 if kind == "electric_bike" else 14.0) / 3.6 * rng.uniform(0.9, 1.1)
        t0 = pd.Timestamp("2026-06-01 06:00") + pd.Timedelta(
            days=k % 7, minutes=int(rng.integers(0, 16 * 60))
        )
        n = int(rng.integers(20, 80))
        d = np.arange(n) * v * 10
        for j in range(n):
            rows.append((f"R{k:04d}", str(4500 + k % 9), kind, (t0 + pd.Timedelta(seconds=10 * j)).strftime("%Y-%m-%d %H:%M:%S"),
                         45.75 + d[j] / 111195, 4.83))  # fmt: skip
    df = pd.DataFrame(
        rows, columns=["ride_id", "bike_id", "rideable_type", "recorded_at", "lat", "lng"]
    )
    return df


def _ride_table(df: pd.DataFrame) -> pd.DataFrame:
    g = df.assign(t=pd.to_datetime(df["recorded_at"])).groupby("ride_id")
    out = g.agg(kind=("rideable_type", "first"), bike=("bike_id", "first"), t0=("t", "min"), t1=("t", "max"), la0=("lat", "first"),
                la1=("lat", "last"))  # fmt: skip
    out["dur"] = (out["t1"] - out["t0"]).dt.total_seconds()
    out["kmh"] = (out["la1"] - out["la0"]) * 111195 / out["dur"] * 3.6
    return out


_COLS = {
    "traj_id": "ride_id",
    "t": "recorded_at",
    "lon": "lng",
    "label": "rideable_type",
    "vehicle_id": "bike_id",
}


@pytest.fixture(scope="module")
def rides() -> tuple[Asker, pd.DataFrame]:
    df = _rides()
    return Asker(df, tz="Europe/Paris", columns=_COLS), _ride_table(df)


@pytest.mark.parametrize(
    "q",
    ["How many rides started in each hour of the day?", "number of rides by hour of day",
     "how many rides per hour of the day?", "count the rides by start hour"],
)  # fmt: skip
def test_a_count_per_hour_of_the_day_is_a_table_of_every_hour(rides, q):
    asker, t = rides
    a = asker(q)
    want = t["t0"].dt.hour.value_counts()
    got = dict(zip(a.table["hour"].to_list(), a.table["trips"].to_list(), strict=True))
    assert len(got) == 24 and sum(got.values()) == len(t)
    for h in range(24):
        assert got[f"{h:02d}:00-{(h + 1) % 24:02d}:00"] == want.get(h, 0), (q, h)


@pytest.mark.parametrize(
    "q", ["What was the median ride duration by hour of day, in minutes?", "median duration of rides for each hour of the day in minutes"]
)  # fmt: skip
def test_a_median_per_hour_of_the_day(rides, q):
    asker, t = rides
    a = asker(q)
    want = t.groupby(t["t0"].dt.hour)["dur"].median() / 60
    col = next(c for c in a.table.columns if c.startswith("median"))
    for h, v in want.items():
        row = a.table.filter(a.table["hour"] == f"{h:02d}:00-{(h + 1) % 24:02d}:00")
        assert row[col][0] == pytest.approx(v, abs=1e-3)


@pytest.mark.parametrize(
    "q",
    ["Are e-bike rides faster than classic bike rides?", "Which are faster, e-bikes or classic bikes?",
     "compare the average speed of electric bike and classic bike rides",
     "were classic bike rides slower than e-bike rides on average?"],
)  # fmt: skip
def test_two_labels_compared_by_their_mean_speed(rides, q):
    asker, t = rides
    a = asker(q)
    want = t.groupby("kind")["kmh"].mean()
    got = dict(zip(a.table["label"].to_list(), a.table[a.table.columns[-1]].to_list(), strict=True))
    assert got["electric bike"] == pytest.approx(want["electric_bike"], abs=1e-3)
    assert got["classic bike"] == pytest.approx(want["classic_bike"], abs=1e-3)
    assert str(a).startswith("electric bike:")  # the higher one first


@pytest.mark.parametrize(
    "q, want",
    [("How many e-bike rides were there?", "electric_bike"), ("how many classic bike rides were there?", "classic_bike"),
     ("number of ebike rides", "electric_bike")],
)  # fmt: skip
def test_labels_written_with_underscores_and_e_bikes_are_read(rides, q, want):
    asker, t = rides
    assert asker(q).value == int((t["kind"] == want).sum())


@pytest.mark.parametrize(
    "q",
    ["how many e-bike or classic bike rides were longer than 3 km?", "how many classic bike rides were longer than 2 km?"],
)  # fmt: skip
def test_a_comparative_with_a_number_is_a_filter_not_a_comparison(rides, q):
    asker, t = rides
    a = asker(q)
    assert a.plan.group is None and a.plan.action == "count"


def test_a_few_day_long_voyages_do_not_make_start_hours_unanswerable():
    """Two of eight voyages last over a day (a long berth): hours still select voyages by their start (was refused:
    'are tracks of a day or more'); where every trajectory is a day-long track, hours stay refused."""
    rows = []
    for k in range(8):
        t0 = pd.Timestamp("2026-05-05 00:00", tz="UTC") + pd.Timedelta(hours=3 * k)
        n = 1700 if k in (2, 5) else 60  # 60-s fixes: 28 h or 1 h
        for j in range(n):
            rows.append(
                (f"V{k}", t0 + pd.Timedelta(minutes=j), 51.9 + 1e-4 * (j % 50), 4.0 + 0.01 * k)
            )
    df = pd.DataFrame(rows, columns=["voyage", "t", "lat", "lon"])
    a = Asker(df, columns={"traj_id": "voyage"})
    assert a("How many voyages started between midnight and 6 am on 5 May 2026?").value == 2
    assert a("how many voyages started in each hour of the day?").table["trips"].sum() == 8
    from trajlm.llm.plan import CannotAnswer

    tracks = _collars().rename(
        columns={"location-lat": "lat", "location-long": "lon", "timestamp": "t"}
    )
    with pytest.raises(CannotAnswer, match="tracks of a day or more"):
        Asker(tracks, columns={"traj_id": "individual-local-identifier"})(
            "total distance by hour of the day"
        )


def test_a_bike_share_fleets_bikes_are_its_vehicles(rides):
    """Labels 'classic bike' / 'electric bike': 'which bike' is any bike (was "'bike' is not a label" once the
    labels were read), 'bike 4503' its id, 'how many different bikes were used' its vehicles."""
    asker, t = rides
    t = t.assign(km=(t["la1"] - t["la0"]) * 111.195)
    a = asker("Which bike was ridden the most kilometres in total?")
    assert a.table["vehicle"][0] == t.groupby("bike")["km"].sum().idxmax()
    for q in ("How many rides did bike 4503 make?", "how many trips did bike number 4503 do?"):
        assert asker(q).value == int((t["bike"] == "4503").sum()), q
    day = t["t0"].dt.date == pd.Timestamp("2026-06-02").date()
    for q in (
        "How many different bikes were used on 2 June 2026?",
        "how many distinct bikes were ridden on 2 June 2026?",
    ):
        assert asker(q).value == t.loc[day, "bike"].nunique(), q


@pytest.mark.parametrize(
    "q",
    ["How much time did RD-F01 spend within 300 m of {p}, in hours?", "how many hours did RD-F01 spend within 300 m of {p}?",
     "How long did RD-F01 stay within 300 m of {p}, in hours?"],
)  # fmt: skip
def test_time_spent_inside_a_circle(deer, q):
    """Steps whose both fixes are within the circle, added up (was "time spent inside a place is not measured")."""
    store, df = deer
    one = df[df["individual-local-identifier"] == "RD-F01"].reset_index(drop=True)
    lat, lon = (
        round(float(one["location-lat"].median()), 4),
        round(float(one["location-long"].median()), 4),
    )
    inside = _hav(one["location-lat"], one["location-long"], lat, lon) <= 300
    dt = one["t"].diff().dt.total_seconds()
    want = dt[inside & inside.shift(fill_value=False)].sum() / 3600
    assert want > 1.0
    a = Asker(store)(q.format(p=f"{lat}, {lon}"))
    assert a.plan.metric == "inside_s" and a.value == pytest.approx(want, rel=1e-9), str(a)


@pytest.mark.parametrize(
    "q",
    [
        "How many vessels are in the data?",
        "how many ships are there?",
        "How many different boats were tracked?",
    ],
)
def test_how_many_vessels_are_there_counts_vessels(q):
    df = _boats().drop(columns="still_s")
    assert Asker(df, columns={"traj_id": "voyage", "vehicle_id": "mmsi"})(q).value == 2


@pytest.mark.parametrize(
    "q",
    ["How far from its first location did RD-F01 get, in km?", "What was the maximum distance from the start of RD-F01, in km?",
     "how far from the start did RD-F01 get, in km?"],
)  # fmt: skip
def test_the_distance_from_the_first_fix(deer, q):
    """The furthest straight-line distance from the trip's first fix (was "not in the trip table"); an animal whose
    collar made two tracks has two starts: asked which."""
    from trajlm.llm.plan import CannotAnswer

    store, df = deer
    one = df[df["individual-local-identifier"] == "RD-F01"]
    want = _hav(
        one["location-lat"],
        one["location-long"],
        one["location-lat"].iloc[0],
        one["location-long"].iloc[0],
    )
    a = Asker(store)(q)
    assert a.plan.metric == "reach_m" and a.value == pytest.approx(want.max() / 1000, rel=1e-9), (
        str(a)
    )
    with pytest.raises(CannotAnswer, match="2 trips"):
        Asker(store)(q.replace("RD-F01", "RD-M02"))
