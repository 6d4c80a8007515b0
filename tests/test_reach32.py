"""Session 32 (reach32): route-aware `TrajLM.reach` (past paths that went this way answer,
engine "route"), `trajlm reach` and POST /reach.

The scene: a square loop, 600 m a side, driven counter-clockwise at 10 m/s with a fix every
15 s (trajlm-small's training step), so every corner is a fix. Earlier laps are the past
paths; the mover now is half-way along the bottom side heading east, and the target lies on
the east side, 300 m north of the corner: a straight rollout passes 300 m from it, the route
turns the corner and reaches it."""

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import invoke_cli
from serve_helpers import app_client

from trajlm.api_reach_route import MATCH_M, RouteMemory, back_fix

SPEED, DT, SIDE = 10.0, 15, 600.0
M_PER_DEG = 6_371_008.8 * math.pi / 180
LAT0, LON0 = 41.15, -8.61
T0 = pd.Timestamp("2026-01-01 08:00", tz="UTC")
RADIUS = 50.0
# the route's time from the mover's last fix (300 m before the corner) to the circle's edge
# (50 m before the target, 300 m up the east side)
ETA = (SIDE / 2 + 300.0 - RADIUS) / SPEED
TOL = MATCH_M / SPEED  # a past path counts as passing here within MATCH_M: that many seconds


def loop_xy(s: np.ndarray, clockwise: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Metres (east, north) at distance ``s`` along the loop from its SW corner."""
    s = np.mod(s, 4 * SIDE)
    side, f = np.floor(s / SIDE), np.mod(s, SIDE)
    if clockwise:  # up the west side first
        x = np.select([side == 0, side == 1, side == 2], [0 * f, f, SIDE + 0 * f], SIDE - f)
        y = np.select([side == 0, side == 1, side == 2], [f, SIDE + 0 * f, SIDE - f], 0 * f)
        return x, y
    x = np.select([side == 0, side == 1, side == 2], [f, SIDE + 0 * f, SIDE - f], 0 * f)
    y = np.select([side == 0, side == 1, side == 2], [0 * f, f, SIDE + 0 * f], SIDE - f)
    return x, y


def latlon(x, y):
    return LAT0 + np.asarray(y) / M_PER_DEG, LON0 + np.asarray(x) / (
        M_PER_DEG * math.cos(math.radians(LAT0))
    )


def trip(name: str, s0: float, n: int, t0: pd.Timestamp, clockwise: bool = False) -> pd.DataFrame:
    s = s0 + SPEED * DT * np.arange(n)
    lat, lon = latlon(*loop_xy(s, clockwise))
    return pd.DataFrame({"trip_id": name, "t": [t0 + pd.Timedelta(seconds=DT * i) for i in range(n)],
                         "lat": lat, "lon": lon})  # fmt: skip


def scene(clockwise_past: bool = False, laps: int = 3) -> pd.DataFrame:
    """Earlier whole laps (one trip each, an hour apart) and the trip now: down the west side,
    then east along the bottom to its middle (its last fix 300 m before the SE corner)."""
    start = 3 * SIDE if clockwise_past else 0.0  # from the SE corner: west along the bottom first
    past = [
        trip(f"lap-{k}", start, 17, T0 + pd.Timedelta(hours=k), clockwise_past) for k in range(laps)
    ]
    now = trip(
        "now", 4 * SIDE + 300.0 - 7 * SPEED * DT, 8, T0 + pd.Timedelta(hours=laps)
    )  # ends at s = 2,400 + 300
    return pd.concat([*past, now], ignore_index=True)


TARGET = latlon(SIDE, 300.0)  # on the east side, 300 m north of the SE corner
FAR = latlon(SIDE + 400.0, 300.0)  # 400 m outside the loop: no lap passes it


def test_the_scene_is_what_the_docstring_says():
    now = scene()
    now = now[now["trip_id"] == "now"]
    e = (now["lon"].iloc[-1] - LON0) * M_PER_DEG * math.cos(math.radians(LAT0))
    n = (now["lat"].iloc[-1] - LAT0) * M_PER_DEG
    assert e == pytest.approx(SIDE / 2, abs=1e-6) and n == pytest.approx(0.0, abs=1e-6)


def test_the_route_reaches_a_stop_round_the_corner_the_rollout_cannot(small):
    df = scene()
    rolled = small.reach(df, to=[TARGET], radius_m=RADIUS, horizon_s=300, route=False)
    now = rolled[rolled["trip_id"] == "now"].iloc[0]
    assert not now["reached"] and now["closest_m"] > 200  # straight on past the corner
    out = small.reach(df, to=[TARGET, FAR], radius_m=RADIUS, horizon_s=300)
    now = out[out["trip_id"] == "now"].set_index("target")
    assert now.loc[0, "engine"] == "route" and now.loc[0, "paths"] == 3
    assert now.loc[0, "reached"] and abs(now.loc[0, "eta_s"] - ETA) <= TOL
    after = (now.loc[0, "reach_time"] - df["t"].iloc[-1]).total_seconds()
    assert after == pytest.approx(now.loc[0, "eta_s"], abs=1.0)
    # the laps never pass the far point: the route says not reached (no rollout guess)
    assert now.loc[1, "engine"] == "route" and not now.loc[1, "reached"]
    assert np.isnan(now.loc[1, "eta_s"]) and now.loc[1, "closest_m"] > 300


def test_the_horizon_bounds_the_route_too(small):
    out = small.reach(scene(), to=[TARGET], radius_m=RADIUS, horizon_s=ETA - 2 * TOL)
    now = out[out["trip_id"] == "now"].iloc[0]
    assert now["engine"] == "route" and not now["reached"]


def test_paths_the_other_way_round_do_not_answer(small):
    out = small.reach(scene(clockwise_past=True), to=[TARGET], radius_m=RADIUS, horizon_s=300)
    now = out[out["trip_id"] == "now"].iloc[0]
    assert now["engine"] == "model" and now["paths"] == 0 and not now["reached"]


def test_one_past_path_is_not_enough_and_memory_adds_paths(small):
    df = scene(laps=1)
    alone = small.reach(df, to=[TARGET], radius_m=RADIUS, horizon_s=300)
    assert alone.loc[alone["trip_id"] == "now", "engine"].iloc[0] == "model"  # MIN_PATHS = 2
    more = trip("old", 0.0, 17, T0 - pd.Timedelta(days=1)).rename(columns={"trip_id": "run"})
    out = small.reach(df, to=[TARGET], radius_m=RADIUS, horizon_s=300,
                      memory=more.rename(columns={"run": "trip_id"}))  # fmt: skip
    now = out[out["trip_id"] == "now"].iloc[0]
    assert now["engine"] == "route" and now["paths"] == 2 and abs(now["eta_s"] - ETA) <= TOL
    # a memory read once answers as the frame does (a dashboard asking every 30 s)
    kept = RouteMemory.read(more.rename(columns={"run": "trip_id"}))
    again = small.reach(df, to=[TARGET], radius_m=RADIUS, horizon_s=300, memory=kept)
    pd.testing.assert_frame_equal(again, out)
    # a memory holding the live trips too: the trip now is no past path of its own
    live = small.reach(df, to=[TARGET], radius_m=RADIUS, horizon_s=300,
                       memory=pd.concat([df, more.rename(columns={"run": "trip_id"})]))  # fmt: skip
    assert live.loc[live["trip_id"] == "now", "paths"].iloc[0] == 2  # lap-0 once, old


def test_a_target_frames_own_columns_come_back(small):
    stops = pd.DataFrame({"stop_id": ["0045", "0046"], "stop_name": ["Corner", "Field"],
                          "stop_lat": [TARGET[0], FAR[0]], "stop_lon": [TARGET[1], FAR[1]]})  # fmt: skip
    out = small.reach(pl.from_pandas(scene()), to=stops, radius_m=RADIUS, horizon_s=300)
    now = out.filter(pl.col("trip_id") == "now").sort("target")
    assert now["stop_id"].to_list() == ["0045", "0046"]
    assert now["stop_name"].to_list() == ["Corner", "Field"]
    assert now["reached"].to_list() == [True, False]
    indexed = small.reach(scene(), to=stops.set_index("stop_id"), radius_m=RADIUS, horizon_s=300)
    assert indexed.loc[indexed["trip_id"] == "now", "stop_id"].tolist() == ["0045", "0046"]


def test_memory_index_finds_points_within_the_match_radius_only():
    lat, lon = latlon(np.array([0.0, 30.0, 49.0, 51.0, 200.0]), np.zeros(5))
    mem = RouteMemory(pl.DataFrame({"traj_id": ["a"] * 5, "t": np.arange(5.0) * 10,
                                    "lat": lat, "lon": lon}))  # fmt: skip
    assert mem.near(float(lat[0]), float(lon[0])).tolist() == [0, 1, 2]
    assert back_fix(lat, lon, np.arange(5.0)) is None or back_fix(lat, lon, np.arange(5.0)) < 4


# ----------------------------------------------------------------------------- CLI
@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("reach32")
    df = scene()
    df.assign(t=df["t"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_csv(d / "avl.csv", index=False)
    pd.DataFrame({"stop_id": ["0045", "0046"], "stop_lat": [TARGET[0], FAR[0]],
                  "stop_lon": [TARGET[1], FAR[1]]}).to_csv(d / "stops.txt", index=False)  # fmt: skip
    pd.DataFrame({"stop_id": ["a"], "x": [1.0], "y": [2.0]}).to_csv(d / "xy.csv", index=False)
    return d


def test_cli_reach_to_file_carries_the_stop_ids(files):
    out = files / "eta.csv"
    r = invoke_cli(["reach", "--input", files / "avl.csv", "--model", "trajlm-small", "--to-file",
                    files / "stops.txt", "--radius-m", RADIUS, "--horizon-s", 300, "--out", out])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "engines: route" in r.output
    got = pl.read_csv(out, schema_overrides={"stop_id": pl.String}).filter(
        pl.col("trip_id") == "now"
    )
    assert got["stop_id"].to_list() == ["0045", "0046"]
    assert got["reached"].to_list() == [True, False] and got["engine"][0] == "route"
    assert abs(got["eta_s"][0] - ETA) <= TOL
    assert got["reach_time"][0].startswith("2026-01-01T11:0")  # ISO text, as the input's


def test_cli_reach_to_points_and_no_route(files):
    out = files / "eta2.parquet"
    r = invoke_cli(["reach", "--input", files / "avl.csv", "--model", "trajlm-small", "--to",
                    f"{TARGET[0]},{TARGET[1]}", "--horizon-s", 300, "--no-route", "--out", out])  # fmt: skip
    assert r.exit_code == 0, r.output
    got = pl.read_parquet(out).filter(pl.col("trip_id") == "now")
    assert got["engine"].to_list() == ["model"] and got["paths"].to_list() == [0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--to", "41.1,-8.6", "--to-file", "stops.txt"], "one of them"),
        ([], "--to LAT,LON"),
        (["--to", "41.1"], "--to '41.1': expected LAT,LON"),
        (["--to", "95,3"], "latitude must be in [-90, 90]"),
        (["--to", "41.1,-8.6", "--radius-m", "-5"], "--radius-m must be a finite number > 0"),
        (["--to", "41.1,-8.6", "--horizon-s", "100000"], "--horizon-s"),
        (["--to-file", "xy.csv"], "one latitude and one longitude column"),
        (["--to-file", "nope.csv"], "--to-file"),
        (["--to", "41.1,-8.6", "--out", "avl.csv"], "would overwrite"),
        (["--to", "41.1,-8.6", "--memory", "xy.csv"], "--memory"),
    ],
)
def test_cli_reach_bad_options_are_one_line(files, args, says):
    args = [files / a if a.endswith((".txt", ".csv")) else a for a in args]
    r = invoke_cli(["reach", "--input", files / "avl.csv", "--model", "trajlm-small", *args])
    assert r.exit_code == 2, r.output
    assert says in r.output and "Traceback" not in r.output
    assert len([ln for ln in r.output.splitlines() if ln.startswith("error")]) == 1


# ----------------------------------------------------------------------------- HTTP
@pytest.fixture(scope="module")
def client(trajlm_small):
    with app_client(trajlm_small) as c:
        yield c


def rows() -> list[dict]:
    df = scene()
    return [{"traj_id": r.trip_id, "t": int(r.t.timestamp()), "lat": r.lat, "lon": r.lon}
            for r in df.itertuples()]  # fmt: skip


def test_http_reach_answers_by_route_with_the_target_ids(client):
    to = [
        {"lat": TARGET[0], "lon": TARGET[1], "id": "0045"},
        {"lat": FAR[0], "lon": FAR[1], "id": 46},
    ]
    r = client.post("/reach", json={"trajectories": rows(), "to": to, "radius_m": RADIUS,
                                    "horizon_s": 300})  # fmt: skip
    assert r.status_code == 200, r.text
    now = [x for x in r.json()["results"] if x["traj_id"] == "now"]
    assert [x["target_id"] for x in now] == ["0045", 46]
    assert now[0]["engine"] == "route" and now[0]["paths"] == 3 and now[0]["reached"]
    assert abs(now[0]["eta_s"] - ETA) <= TOL and now[0]["reach_time"].startswith("2026-01-01T11:0")
    assert now[1]["reached"] is False and now[1]["eta_s"] is None and now[1]["reach_time"] is None
    pairs = client.post("/reach", json={"trajectories": rows(), "to": [list(TARGET)], "route": False,
                                        "horizon_s": 300})  # fmt: skip
    assert pairs.status_code == 200 and pairs.json()["results"][-1]["engine"] == "model"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"to": [[95.0, 0.0]]}, "to"),
        ({"to": []}, "to"),
        ({"to": [{"lat": 41.1}]}, "to"),
        ({"radius_m": 0}, "radius_m"),
        ({"horizon_s": 100000}, "horizon_s"),
        ({"horizon_s": "600"}, "horizon_s"),
        ({"step_s": 0.001}, "step_s"),
        ({"radius": 50}, "radius"),
    ],
)
def test_http_reach_refusals_are_422_naming_the_field(client, change, field):
    body = {"trajectories": rows(), "to": [list(TARGET)], "horizon_s": 300} | change
    r = client.post("/reach", json=body)
    assert r.status_code == 422, r.text
    assert field in (r.json().get("field") or "") + r.json()["error"]
