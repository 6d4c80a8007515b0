"""Session 22 (ask22): fixes from three new users' first read (docs/llm.md "Session 22 (ask22)").

Each case failed on main at 9e2caae. A Movebank collar silent for hours is two tracks of one animal: "how many animals"
counted 8 for 7 and "which animal moved the farthest" ranked the halves. Truths with numpy on the frames here, never
trajlm's code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")


def _hav(la1, lo1, la2, lo2):
    la1, lo1, la2, lo2 = map(np.radians, (la1, lo1, la2, lo2))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


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
