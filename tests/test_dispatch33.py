"""Session 33 (dispatch33): a parcel dispatcher asks each van about its own next stops.

The scene: two vans driving east at 10 m/s, 1 km apart north-south, a fix every 15 s; each
van's stops lie on its own street ahead of it. Before, a `to` frame carrying the data's
``van_id`` failed with Polars' "column 'van_id' is duplicate" (and without that column every
van was answered about every van's stops)."""

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest
from serve_helpers import app_client

M_PER_DEG = 6_371_008.8 * math.pi / 180
LAT0, LON0 = 45.76, 4.84
M_LON = M_PER_DEG * math.cos(math.radians(LAT0))
T0 = pd.Timestamp("2026-12-07 09:00", tz="UTC")


def feed() -> pd.DataFrame:
    rows = []
    for k, van in enumerate(["van01", "van02"]):
        for i in range(40):
            rows.append({"van_id": van, "timestamp": T0 + pd.Timedelta(seconds=15 * i),
                         "lat": LAT0 + k * 1000 / M_PER_DEG, "lon": LON0 + 150 * i / M_LON})  # fmt: skip
    return pd.DataFrame(rows)


def stops() -> pd.DataFrame:
    """Each van's next two stops, 600 m and 1,200 m ahead of its last fix on its own street."""
    end = LON0 + 150 * 39 / M_LON
    return pd.DataFrame({
        "van_id": ["van01", "van01", "van02", "van02"],
        "stop_id": ["A1", "A2", "B1", "B2"],
        "lat": [LAT0, LAT0, LAT0 + 1000 / M_PER_DEG, LAT0 + 1000 / M_PER_DEG],
        "lon": [end + 600 / M_LON, end + 1200 / M_LON, end + 600 / M_LON, end + 1200 / M_LON],
    })  # fmt: skip


def test_each_van_is_asked_about_its_own_stops_only(trajlm_small):
    got = trajlm_small.reach(feed(), to=stops(), radius_m=50, horizon_s=600)
    assert list(got.columns).count("van_id") == 1  # main: DuplicateError 'van_id'
    assert got[["van_id", "target", "stop_id"]].values.tolist() == [
        ["van01", 0, "A1"], ["van01", 1, "A2"], ["van02", 2, "B1"], ["van02", 3, "B2"]]  # fmt: skip
    assert got["reached"].all()
    first = got.set_index("stop_id")["eta_s"]
    assert first["A1"] < first["A2"] and first["B1"] < first["B2"]


def test_an_empty_van_id_asks_every_van_and_an_unknown_one_is_said(trajlm_small):
    to = stops()
    to.loc[0, "van_id"] = None  # an urgent order: asked of every van
    to.loc[3, "van_id"] = "van31"  # a van not in the feed
    with pytest.warns(UserWarning, match=r"1 target\(s\) name a van_id that is not in the data"):
        got = trajlm_small.reach(feed(), to=to, radius_m=50, horizon_s=600)
    pairs = sorted(map(tuple, got[["van_id", "stop_id"]].values.tolist()))
    assert pairs == [("van01", "A1"), ("van01", "A2"), ("van02", "A1"), ("van02", "B1")]
    far = got[(got["van_id"] == "van02") & (got["stop_id"] == "A1")]
    assert not far["reached"].iloc[0] and far["closest_m"].iloc[0] > 900


def test_targets_keyed_by_the_mover_beside_a_trip_id_in_polars(trajlm_small):
    df = pl.from_pandas(feed().assign(trip_id=lambda d: d["van_id"] + "_today"))
    to = pl.from_pandas(stops()).rename({"lat": "stop_lat", "lon": "stop_lon"})
    got = trajlm_small.reach(df, to=to, radius_m=50, horizon_s=600, route=False)
    assert got.select("trip_id", "van_id", "stop_id").rows() == [
        ("van01_today", "van01", "A1"), ("van01_today", "van01", "A2"),
        ("van02_today", "van02", "B1"), ("van02_today", "van02", "B2")]  # fmt: skip


def test_a_to_column_named_as_the_data_s_time_column_is_kept_apart(trajlm_small):
    data = feed().rename(columns={"timestamp": "fix_time"})
    to = stops().drop(columns="van_id").assign(fix_time="09:30-10:00")
    got = trajlm_small.reach(data, to=to, radius_m=50, horizon_s=600, route=False)
    assert len(got) == 8 and (got["target_fix_time"] == "09:30-10:00").all()
    assert pd.api.types.is_datetime64_any_dtype(got["reach_time"])


@pytest.fixture(scope="module")
def client(trajlm_small):
    with app_client(trajlm_small) as c:
        yield c


def test_http_reach_targets_name_their_van(client):
    rows = [{"vehicle_id": r.van_id, "t": r.timestamp.isoformat(), "lat": r.lat, "lon": r.lon}
            for r in feed().itertuples()]  # fmt: skip
    to = [{"lat": r.lat, "lon": r.lon, "id": r.stop_id, "traj_id": r.van_id}
          for r in stops().itertuples()]  # fmt: skip
    to[0]["traj_id"] = None
    r = client.post("/reach", json={"trajectories": rows, "to": to, "radius_m": 50,
                                    "horizon_s": 600, "route": False})  # fmt: skip
    assert r.status_code == 200, r.text
    got = sorted((x["traj_id"], x["target_id"]) for x in r.json()["results"])
    assert got == [("van01", "A1"), ("van01", "A2"), ("van02", "A1"), ("van02", "B1"),
                   ("van02", "B2")]  # fmt: skip
    assert np.isfinite([x["eta_s"] for x in r.json()["results"] if x["target_id"] != "A1"]).all()


def corner_trip(name: str, day: int, n: int) -> pd.DataFrame:
    """East 3 km along the van's street, then north: n fixes 15 s apart at 10 m/s."""
    s = 150.0 * np.arange(n)
    x, y = np.minimum(s, 3000.0), np.maximum(s - 3000.0, 0.0)
    return pd.DataFrame({"van_id": "van01", "trip_id": name,
                         "timestamp": [T0 - pd.Timedelta(days=day) + pd.Timedelta(seconds=15 * i)
                                       for i in range(n)],
                         "lat": LAT0 + y / M_PER_DEG, "lon": LON0 + x / M_LON})  # fmt: skip


def test_http_reach_reads_the_servers_reach_memory(trajlm_small):
    """The posted rows are today's only (the van 300 m before its corner); the stop is 600 m
    up the side street. Last week's trips, read once by the server, turn the corner."""
    from trajlm.api_reach_route import RouteMemory
    from trajlm.serve import ServeSettings

    past = pd.concat([corner_trip(f"d{d}", d, 45) for d in (1, 2, 3)])
    now = corner_trip("today", 0, 19)  # last fix at 2,700 m: 300 m before the corner
    rows = [{"vehicle_id": "van01", "t": r.timestamp.isoformat(), "lat": r.lat, "lon": r.lon}
            for r in now.itertuples()]  # fmt: skip
    stop = {"lat": LAT0 + 600 / M_PER_DEG, "lon": LON0 + 3000 / M_LON, "id": "S1"}
    body = {"trajectories": rows, "to": [stop], "radius_m": 50, "horizon_s": 600}
    answers = {}
    for name, memory in (("none", None), ("served", RouteMemory.read(past))):
        with app_client(trajlm_small, ServeSettings(reach_memory=memory)) as c:
            r = c.post("/reach", json=body)
        assert r.status_code == 200, r.text
        answers[name] = r.json()["results"][0]
    assert answers["none"]["engine"] != "route" and not answers["none"]["reached"]
    got = answers["served"]
    assert got["engine"] == "route" and got["paths"] == 3 and got["reached"]
    assert abs(got["eta_s"] - (300 + 600 - 50) / 10) <= 15  # one fix interval


def test_serve_reach_memory_that_is_missing_is_one_line(tmp_path):
    from helpers import invoke_cli

    r = invoke_cli(["serve", "--model", "trajlm-small", "--reach-memory", tmp_path / "nope.csv"])
    assert r.exit_code == 2 and "--reach-memory" in r.output and "nope.csv" in r.output
    assert "No such option" not in r.output and "Traceback" not in r.output


def delivery_days(days: int = 3) -> pd.DataFrame:
    """One van, each day: depot -> A -> B -> C (600 m apart east), 5 min parked at each, a fix
    every 15 s, 10 m/s between them."""
    rows = []
    for d in range(days):
        t = T0 - pd.Timedelta(days=d + 1)
        for k in range(4):
            for _ in range(20 if k else 0):  # parked 5 min (the depot: none)
                rows.append((t, LAT0, LON0 + 600 * k / M_LON))
                t += pd.Timedelta(seconds=15)
            for i in range(4):  # 600 m at 10 m/s: a fix every 150 m
                rows.append((t, LAT0, LON0 + (600 * k + 150 * i) / M_LON))
                t += pd.Timedelta(seconds=15)
    return pd.DataFrame(rows, columns=["timestamp", "lat", "lon"]).assign(van_id="van01")


def test_a_vans_five_minute_deliveries_are_places_with_stop_minutes():
    import trajlm
    from trajlm.errors import TrajlmInputError

    df = delivery_days()
    with pytest.raises(TrajlmInputError, match=r"no stay .*10\+ min.*stop_minutes=2"):
        trajlm.places(df)
    got = trajlm.places(df, stop_minutes=2, radius_m=100)
    assert len(got) == 3 and (got["visits"] == 3).all()
    assert sorted(got["lon"].round(4)) == sorted(
        round(LON0 + 600 * k / M_LON, 4) for k in (1, 2, 3)
    )
    nxt = trajlm.next_place(df, stop_minutes=2, radius_m=100, k=1)
    assert len(nxt) == 1  # from C (the last stay) to the most frequent other place
    with pytest.raises(TrajlmInputError, match="stop_minutes must be a positive number"):
        trajlm.places(df, stop_minutes=0)


def test_cli_places_stop_minutes(tmp_path):
    from helpers import invoke_cli

    delivery_days().to_csv(tmp_path / "vans.csv", index=False)
    out = tmp_path / "places.csv"
    r = invoke_cli(["places", "--input", tmp_path / "vans.csv", "--stop-minutes", "2",
                    "--radius-m", "100", "--out", out])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert len(pd.read_csv(out)) == 3
    bad = invoke_cli(["places", "--input", tmp_path / "vans.csv", "--stop-minutes", "-1",
                      "--out", tmp_path / "p2.csv"])  # fmt: skip
    assert bad.exit_code == 2 and "--stop-minutes" in bad.output and "Traceback" not in bad.output
