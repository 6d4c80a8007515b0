"""Session 31 (eta31): `TrajLM.reach`, when a trajectory's predicted path first comes within a
radius of given points (issue 15 lever 1's second half; newuser31 #11 did it by hand)."""

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest
from test_pverdict24 import _hist, judged  # noqa: F401, F811 (judged: a fixture)

from trajlm.api_reach import first_crossing, read_targets, time_grid
from trajlm.data.schema import TrajlmInputError

SPEED = 10.0  # m/s due north: inside trajlm-small's training speeds (no CoverageWarning)
DT = 15  # s between fixes: trajlm-small's training step
M_PER_DEG = 6_371_008.8 * math.pi / 180  # metres per degree of latitude (the code's sphere)
LAT0, LON0 = 41.15, -8.61


def track(n=40, traj="a", t0=pd.Timestamp("2026-01-01 08:00", tz="UTC")) -> pd.DataFrame:
    """A straight constant-speed track north, one fix every DT seconds."""
    return pd.DataFrame({
        "traj_id": traj,
        "t": [t0 + pd.Timedelta(seconds=DT * i) for i in range(n)],
        "lat": [LAT0 + SPEED * DT * i / M_PER_DEG for i in range(n)],
        "lon": LON0,
    })  # fmt: skip


def ahead(df: pd.DataFrame, metres: float, east: float = 0.0) -> tuple[float, float]:
    """The point `metres` north (and `east` metres east) of the track's last fix."""
    lat = df["lat"].iloc[-1]
    return (lat + metres / M_PER_DEG, LON0 + east / (M_PER_DEG * math.cos(math.radians(lat))))


def test_first_crossing_is_exact_on_a_segment():
    # a chord through a 50 m circle, 10 m off its centre, both ends outside: entry at
    # x = -sqrt(50^2 - 10^2), i.e. (100 - 48.99) / 200 of the way, over 10 s
    east = np.array([[-100.0, 100.0]])
    north = np.array([[10.0, 10.0]])
    eta, decider, closest = first_crossing(east, north, np.array([0.0, 10.0]), 50.0)
    assert eta[0] == pytest.approx(10 * (100 - math.sqrt(2400)) / 200, abs=1e-9)
    assert closest[0] == pytest.approx(10.0, abs=1e-9) and decider[0] == 1
    # starting inside: 0 s; a NaN position (past the engine's reach) ends the track
    eta, _, closest = first_crossing(np.array([[5.0, 300.0, np.nan]]), np.zeros((1, 3)),
                                     np.array([0.0, 10.0, 20.0]), 50.0)  # fmt: skip
    assert eta[0] == 0.0 and closest[0] == pytest.approx(5.0)
    eta, _, closest = first_crossing(np.array([[300.0, 200.0, np.nan]]), np.zeros((1, 3)),
                                     np.array([0.0, 10.0, 20.0]), 50.0)  # fmt: skip
    assert np.isnan(eta[0]) and closest[0] == pytest.approx(200.0)


def test_straight_track_reaches_a_point_ahead_when_physics_says(small):
    df = track()
    target = ahead(df, 3000.0)
    out = small.reach(df, to=target, radius_m=50, horizon_s=600)
    assert list(out.columns) == ["traj_id", "target", "target_lat", "target_lon", "reached",
                                 "eta_s", "reach_time", "closest_m", "engine", "paths"]  # fmt: skip
    row = out.iloc[0]
    physics = (3000.0 - 50.0) / SPEED  # the circle's edge, at constant speed: 295 s
    # tolerance: the model's own 2-sigma position spread at that time, in seconds of travel
    std = small.predict(df, seconds_ahead=[physics])["std_m"].iloc[0]
    assert bool(row["reached"]) and abs(row["eta_s"] - physics) <= 2 * std / SPEED
    lag = row["reach_time"] - (df["t"].iloc[-1] + pd.Timedelta(seconds=row["eta_s"]))
    assert abs(lag) < pd.Timedelta(milliseconds=1)  # float seconds -> datetime rounding
    assert row["closest_m"] < 50 and row["engine"] == small.last_engine
    # the same crossing as the positions predict answers, read independently on the grid
    grid = time_grid(600.0, None, 15.0)
    p = small.predict(df, seconds_ahead=grid.tolist())
    d = np.hypot((p["lat"].to_numpy() - target[0]) * M_PER_DEG, 0.0)
    i = int(np.argmax(d <= 50))
    assert grid[i - 1] < row["eta_s"] <= grid[i]


def test_points_behind_or_off_track_are_not_reached(small):
    df = track()
    to = pd.DataFrame({"stop_id": ["behind", "east"],
                       "stop_lat": [ahead(df, -300)[0], ahead(df, 1000, east=2000)[0]],
                       "stop_lon": [LON0, ahead(df, 1000, east=2000)[1]]})  # fmt: skip
    out = small.reach(df, to=to, radius_m=50, horizon_s=600)
    assert out["target"].tolist() == [0, 1] and not out["reached"].any()
    assert out["eta_s"].isna().all() and out["reach_time"].isna().all()
    # moving away: the closest point is the last fix, 300 m; passing 2 km to the east: 2 km
    assert out["closest_m"].iloc[0] == pytest.approx(300, abs=1)
    assert out["closest_m"].iloc[1] == pytest.approx(2000, rel=0.1)  # a drift of 200 m in 10 min


def test_the_horizon_is_respected(small):
    df = track()
    near, far = ahead(df, 1500.0), ahead(df, 3000.0)  # ~145 s and ~295 s away
    out = small.reach(df, to=[near, far], radius_m=50, horizon_s=200)
    assert out["reached"].tolist() == [True, False]
    assert out["eta_s"].iloc[0] <= 200 and np.isnan(out["eta_s"].iloc[1])
    # at the horizon the path is ~2,000 m along: the far point is ~1,000 m from its end
    assert out["closest_m"].iloc[1] == pytest.approx(1000, rel=0.2)


def test_polars_unix_seconds_with_a_bus_column(small):
    a, b = track(traj="j1"), track(traj="j2")
    b["lon"] = LON0 + 0.01  # a parallel track ~840 m east
    df = pl.from_pandas(pd.concat([a, b])).with_columns(
        pl.col("t").dt.epoch("s"), VehicleRef=pl.col("traj_id").replace({"j1": "b1", "j2": "b2"})
    )
    out = small.reach(df, to=ahead(a, 1000.0), radius_m=50, horizon_s=300)
    assert isinstance(out, pl.DataFrame) and out.columns[:2] == ["traj_id", "VehicleRef"]
    assert out["reached"].to_list() == [True, False]
    last = df.filter(pl.col("traj_id") == "j1")["t"].max()
    assert out["reach_time"][0] == pytest.approx(last + out["eta_s"][0], abs=1e-3)
    assert out["reach_time"][1] is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"radius_m": 0}, "radius_m"),
        ({"radius_m": -5}, "radius_m"),
        ({"radius_m": "50"}, "radius_m"),
        ({"horizon_s": 10 * 86_400}, "horizon_s"),  # past a 256-step rollout of 15 s
        ({"horizon_s": float("nan")}, "horizon_s"),
        ({"step_s": 0.5}, "step_s"),  # 3,600 asked times
        ({"to": "stop 4"}, "to"),
        ({"to": ("41.2", "north")}, "to"),
        ({"to": (91.0, 0.0)}, "to"),
        ({"to": [(41.2, -8.6, 3.0)]}, "to"),
        ({"to": pd.DataFrame({"x": [1.0], "y": [2.0]})}, "to"),
    ],
)
def test_bad_input_names_the_field(small, kwargs, field):
    call = {"to": (41.2, -8.61), **kwargs}
    with pytest.raises(TrajlmInputError, match=field) as e:
        small.reach(track(), **call)
    assert e.value.field == field and "\n" not in str(e.value)


def test_targets_read_from_each_form():
    assert read_targets((41.0, -8.0)).tolist() == [[41.0, -8.0]]
    assert read_targets([(41.0, -8.0), (42, -9)]).shape == (2, 2)
    stops = pl.DataFrame({"stop_id": ["4"], "stop_lat": [41.0], "stop_lon": [-8.0]})
    assert read_targets(stops).tolist() == [[41.0, -8.0]]


def test_the_verdicts_engine_answers_and_is_named(judged):  # noqa: F811
    """A run with a saved prediction verdict (kNN on circles, test_pverdict24): reach asks
    predict, so the verdict's engine answers and its name comes back."""
    import trajlm

    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    hist = _hist(n=2)
    grid = time_grid(60.0, 10.0, 0.0)
    p = lm.predict(hist, seconds_ahead=grid.tolist())
    # a target on the predicted path at 40 s: reached by then, by that engine
    at = p.filter(pl.col("step") == 4).row(0, named=True)
    out = lm.reach(hist, to=(at["lat"], at["lon"]), radius_m=1.0, horizon_s=60, step_s=10)
    row = out.filter(pl.col("traj_id") == at["traj_id"]).row(0, named=True)
    assert row["reached"] and 30 < row["eta_s"] <= 40
    # the engine of the deciding position (kNN's first 5 steps; a later engine past them)
    assert row["engine"] == at["engine"] == judged["engine"] != "model"
