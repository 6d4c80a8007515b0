"""Session 34 (dispatch34): "is van 12 parked now?" (`trajlm.parked`, `trajlm parked`,
POST /parked) and "how long would each van take to divert to this urgent order?"
(`trajlm.divert`, `trajlm divert`, POST /divert). Neither existed before (dispatch33 #9, #11).

The scenes: vans on a street grid around 45.76 N 4.84 E, a fix every 15 s. Parked: van A
standing still for its last 5 min, van B driving at 10 m/s, van C stopped for its last 60 s
(a red light). Divert: van01's past days drive L-shaped legs (600 m east, 600 m north at
10 m/s) between 5-min stops, so its pace is 120 s per 849 m of straight line; today van01 and
van02 drive east, and an order lies 600 m east and 600 m north of van01's last fix."""

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


def at(x_m: float, y_m: float) -> tuple[float, float]:
    return LAT0 + y_m / M_PER_DEG, LON0 + x_m / M_LON


def parking_scene() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for van, still in (("A", 20), ("B", 0), ("C", 4)):  # fixes standing at the end
        y = {"A": 0.0, "B": 1000.0, "C": 2000.0}[van]
        for i in range(40):
            x = 150.0 * min(i, 39 - still)  # 10 m/s, then standing
            lat, lon = at(x + rng.normal(0, 3), y + rng.normal(0, 3))
            rows.append({"van_id": van, "timestamp": T0 + pd.Timedelta(seconds=15 * i),
                         "lat": lat, "lon": lon})  # fmt: skip
    return pd.DataFrame(rows)


def test_parked_says_who_stands_since_when_and_where():
    import trajlm

    got = trajlm.parked(parking_scene()).set_index("van_id")
    assert got["parked"].to_dict() == {"A": True, "B": False, "C": False}
    a = got.loc["A"]
    assert a["since"] == T0 + pd.Timedelta(seconds=15 * 19)  # its first still fix
    assert a["fixes"] == 21 and a["still_s"] == 300 and a["spread_m"] < 15
    assert abs(a["lon"] - at(150 * 19, 0)[1]) * M_LON < 5
    assert pd.isna(got.loc["B", "since"]) and got.loc["B", "speed_mps"] > 8
    c = got.loc["C"]  # a red light: standing now (speed), not parked (under 2 min)
    assert 55 <= c["still_s"] <= 65 and c["speed_mps"] < 1
    assert not got["stale"].any() and (got["age_s"] == 0).all()
    assert trajlm.parked(parking_scene(), stop_minutes=0.5).set_index("van_id").loc["C", "parked"]


def test_parked_at_a_time_reads_no_later_fix_and_says_stale_feeds():
    import trajlm

    df = parking_scene()
    early = trajlm.parked(df, at=T0 + pd.Timedelta(seconds=15 * 22)).set_index("van_id")
    assert not early.loc["A", "parked"]  # standing 45 s by then
    assert early.loc["A", "last_fix"] == T0 + pd.Timedelta(seconds=15 * 22)
    quiet = df[~((df["van_id"] == "B") & (df["timestamp"] > T0 + pd.Timedelta(minutes=2)))]
    with pytest.warns(UserWarning, match=r"1 mover\(s\) last reported over 5 min .*B \(8 min\)"):
        got = trajlm.parked(quiet).set_index("van_id")
    assert got["stale"].to_dict() == {"A": False, "B": True, "C": False}
    assert got.loc["B", "age_s"] == 15 * 39 - 120


@pytest.mark.parametrize("kw, field", [
    ({"stop_minutes": 0}, "stop_minutes"), ({"radius_m": -5}, "radius_m"),
    ({"stale_minutes": "5"}, "stale_minutes"), ({"at": "yesterday"}, "at"),
    ({"at": "2020-01-01"}, "no fix at or before"), ({"at": True}, "at"),
])  # fmt: skip
def test_parked_bad_options_are_one_line(kw, field):
    import trajlm
    from trajlm.errors import TrajlmInputError

    with pytest.raises(TrajlmInputError, match=field) as e:
        trajlm.parked(parking_scene(), **kw)
    assert "\n" not in str(e.value).split(" hint:")[0]


def test_cli_parked(tmp_path):
    from helpers import invoke_cli

    parking_scene().to_csv(tmp_path / "live.csv", index=False)
    out = tmp_path / "parked.csv"
    r = invoke_cli(["parked", "--input", tmp_path / "live.csv", "--out", out])
    assert r.exit_code == 0, r.output
    assert "1 parked" in r.output
    got = pd.read_csv(out).set_index("van_id")
    assert got["parked"].to_dict() == {"A": True, "B": False, "C": False}
    for args, option in ((["--at", "soon"], "--at"), (["--at", "2020-01-01"], "--at"),
                         (["--stale-minutes", "0"], "--stale-minutes")):  # fmt: skip
        bad = invoke_cli(["parked", "--input", tmp_path / "live.csv", "--out",
                          tmp_path / "p2.csv", *args])  # fmt: skip
        assert bad.exit_code == 2 and option in bad.output and "Traceback" not in bad.output


def past_days(days: int = 3) -> pd.DataFrame:
    """van01's past days: stops at (600k, 600k) m for k = 0..4, 5 min at each, L-shaped legs
    (east then north) at 10 m/s, a fix every 15 s."""
    rows = []
    for d in range(days):
        t = T0 - pd.Timedelta(days=d + 1)
        for k in range(5):
            for _ in range(20):
                rows.append((t, *at(600 * k, 600 * k)))
                t += pd.Timedelta(seconds=15)
            if k == 4:
                break
            for i in range(1, 8):  # 150 m a fix: 4 east, 3 north, then the stop
                x, y = 600 * k + 150 * min(i, 4), 600 * k + 150 * max(i - 4, 0)
                rows.append((t, *at(x, y)))
                t += pd.Timedelta(seconds=15)
    df = pd.DataFrame(rows, columns=["timestamp", "lat", "lon"])
    return df.assign(
        van_id="van01", trip_id=[f"d{d}" for d in range(days) for _ in range(len(df) // days)]
    )


def today() -> pd.DataFrame:
    """van01 ends at (0, 0), van02 at (0, 3000), both driving east at 10 m/s."""
    rows = []
    for van, y in (("van01", 0.0), ("van02", 3000.0)):
        for i in range(20):
            rows.append({"van_id": van, "timestamp": T0 + pd.Timedelta(seconds=15 * i),
                         "lat": at(150.0 * (i - 19), y)[0], "lon": at(150.0 * (i - 19), y)[1]})  # fmt: skip
    return pd.DataFrame(rows)


ORDER = at(600, 600)
STRAIGHT = math.hypot(600, 600)


def test_divert_ranks_vans_by_their_time_to_the_order_at_their_pace():
    import trajlm

    got = trajlm.divert(today(), ORDER, memory=past_days())
    assert got["van_id"].tolist() == ["van01", "van02"] and got["rank"].tolist() == [1, 2]
    one, two = got.iloc[0], got.iloc[1]
    assert one["engine"] == "legs" and two["engine"] == "legs (fleet)"  # van02: no past legs
    assert abs(one["straight_m"] - STRAIGHT) < 2
    assert 100 <= one["eta_s"] <= 125  # 1,200 m of grid at 10 m/s: 120 s (the straight: 85 s)
    when = T0 + pd.Timedelta(seconds=15 * 19 + one["eta_s"])
    assert abs(one["arrive_time"] - when) < pd.Timedelta(milliseconds=1)
    assert two["pace_s_per_km"] == pytest.approx(one["pace_s_per_km"], rel=0.01)
    alone = trajlm.divert(today(), ORDER)  # no stays anywhere: the straight line at 10 m/s
    assert set(alone["engine"]) == {"straight"}
    assert abs(alone.iloc[0]["eta_s"] - STRAIGHT / 10) < 1


def test_divert_says_the_delay_to_each_vans_next_stop():
    import trajlm
    from trajlm.errors import TrajlmInputError

    nxt = pd.DataFrame({"van_id": ["van01", "van01", "van02"], "stop_id": ["N1", "N2", "M1"],
                        "lat": [at(1200, 0)[0], at(2400, 0)[0], at(600, 3000)[0]],
                        "lon": [at(1200, 0)[1], at(2400, 0)[1], at(600, 3000)[1]]})  # fmt: skip
    got = trajlm.divert(today(), ORDER, to=nxt, memory=past_days(), service_s=60)
    one = got.set_index("van_id").loc["van01"]
    assert one["next_stop_id"] == "N1"  # its first row: the next stop
    pace = one["pace_s_per_km"] / 1000
    assert one["delay_s"] == pytest.approx(one["eta_s"] + 60 + pace * (STRAIGHT - 1200), abs=0.05)
    bare = nxt[nxt["van_id"] == "van01"].drop(columns="stop_id")  # no other column: fine
    assert "next_stop_id" not in trajlm.divert(today(), ORDER, to=pl.from_pandas(bare)).columns
    for kw, text in (({"order": (95, 4)}, "order: target 0"), ({"service_s": -1}, "service_s"),
                     ({"radius_m": 0}, "radius_m must be a finite number > 0"),
                     ({"to": nxt.drop(columns="van_id")}, "to: give each van's planned stops"),
                     ({"to": nxt.assign(van_id="van99")}, "to: no van_id of `to` names a van of the data")):  # fmt: skip
        args = {"order": ORDER, **kw}
        with pytest.raises(TrajlmInputError, match=text):
            trajlm.divert(today(), args.pop("order"), **args)


def test_cli_divert(tmp_path):
    from helpers import invoke_cli

    today().to_csv(tmp_path / "live.csv", index=False)
    past_days().to_csv(tmp_path / "week.csv", index=False)
    out = tmp_path / "divert.csv"
    r = invoke_cli(["divert", "--input", tmp_path / "live.csv", "--order",
                    f"{ORDER[0]},{ORDER[1]}", "--memory", tmp_path / "week.csv", "--out", out])  # fmt: skip
    assert r.exit_code == 0, r.output
    got = pd.read_csv(out)
    assert got["van_id"].tolist() == ["van01", "van02"] and got["engine"][0] == "legs"
    bad = invoke_cli(["divert", "--input", tmp_path / "live.csv", "--order", "95,4", "--out",
                      tmp_path / "d2.csv"])  # fmt: skip
    assert bad.exit_code == 2 and "--order" in bad.output and "Traceback" not in bad.output


def test_http_parked_and_divert(trajlm_small):
    from trajlm.api_reach_route import RouteMemory
    from trajlm.serve import ServeSettings

    def rows(df):
        return [{"traj_id": r.van_id, "t": r.timestamp.isoformat(), "lat": r.lat, "lon": r.lon}
                for r in df.itertuples()]  # fmt: skip

    memory = RouteMemory.read(past_days())
    with app_client(trajlm_small, ServeSettings(reach_memory=memory)) as c:
        r = c.post("/parked", json={"trajectories": rows(parking_scene())})
        assert r.status_code == 200, r.text
        got = {x["traj_id"]: x for x in r.json()["results"]}
        assert got["A"]["parked"] and got["A"]["since"] == "2026-12-07T09:04:45.000Z"
        assert not got["B"]["parked"] and got["B"]["since"] is None
        bad = c.post("/parked", json={"trajectories": rows(parking_scene()), "stop_minutes": 0})
        assert bad.status_code == 422
        to = [{"lat": at(1200, 0)[0], "lon": at(1200, 0)[1], "traj_id": "van01", "id": "N1"}]
        r = c.post("/divert", json={"trajectories": rows(today()), "order": [list(ORDER)],
                                    "to": to})  # fmt: skip
        assert r.status_code == 200, r.text
        res = r.json()["results"]
        assert [x["traj_id"] for x in res] == ["van01", "van02"]
        assert res[0]["engine"] == "legs"  # the served memory's trips keep their van
        assert res[0]["next_id"] == "N1" and res[0]["delay_s"] > 0 and res[1]["delay_s"] is None
        assert 100 <= res[0]["eta_s"] <= 125


def test_keyed_reach_crosses_only_each_vans_own_stops(trajlm_small, monkeypatch):
    """dispatch33's "next step": a keyed `to` was crossed with every van's rollout (vans x
    stops rows) and filtered after; now only each van's own pairs are computed, same answers."""
    import trajlm.api_reach as api_reach

    live = today()
    stops = pd.DataFrame({"van_id": ["van01", "van01", "van02", None],
                          "stop_id": ["A1", "A2", "B1", "U"],
                          "lat": [at(300, 0)[0], at(600, 0)[0], at(300, 3000)[0], at(450, 0)[0]],
                          "lon": [at(300, 0)[1], at(600, 0)[1], at(300, 3000)[1], at(450, 0)[1]]})  # fmt: skip
    every = trajlm_small.reach(live, to=stops.drop(columns="van_id"), radius_m=50,
                               horizon_s=300, route=False)  # fmt: skip
    shapes = []
    real = api_reach.first_crossing

    def counting(east, north, secs, radius):
        shapes.append(east.shape[:-1])
        return real(east, north, secs, radius)

    monkeypatch.setattr(api_reach, "first_crossing", counting)
    keyed = trajlm_small.reach(live, to=stops, radius_m=50, horizon_s=300, route=False)
    assert shapes == [(5,)]  # 2 + 1 own stops and the urgent one asked of both; main: (2, 4)
    assert sorted(map(tuple, keyed[["van_id", "stop_id"]].values.tolist())) == [
        ("van01", "A1"), ("van01", "A2"), ("van01", "U"), ("van02", "B1"), ("van02", "U")]  # fmt: skip
    cols = ["reached", "eta_s", "closest_m", "engine"]
    same = every.merge(keyed[["van_id", "stop_id"]], on=["van_id", "stop_id"])
    pd.testing.assert_frame_equal(same.sort_values(["van_id", "stop_id"])[cols].reset_index(drop=True),
                                  keyed.sort_values(["van_id", "stop_id"])[cols].reset_index(drop=True))  # fmt: skip
    assert keyed.set_index(["van_id", "stop_id"]).loc[("van01", "A1"), "reached"]
