"""Session 32 (reachfix32): route-aware reach checks the direction of travel where a past
path passes the mover's last fix, and can scale the paths' times by the mover's speed.

The loop scene (metres east / north of a point in Porto; 10 m/s, a fix every 5 s): the mover
drives east along y = 0 to (300, 0). Two earlier "block" trips drove east along y = 0 too,
turned north at x = 150 (150 m before the mover's last fix, so they never passed it going
east), round a block and back south to y = 0 at x = 450, then west along y = 0 through
(300, 0) and on. They passed the mover's back fix, then its last fix, in that order, in 100 s:
reach32's order-and-time rule counted them, and said the mover (going east) would reach a
stop 250 m behind it, at (50, 0)."""

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm.api_reach_route as route_mod
from trajlm.api_reach_route import HEADING_DEG, RouteMemory, mover_heading, speed_factor

M_PER_DEG = 6_371_008.8 * math.pi / 180
LAT0, LON0 = 41.15, -8.61
T0 = pd.Timestamp("2026-01-01 08:00", tz="UTC")
SPEED, DT = 10.0, 5.0


def latlon(x, y):
    return LAT0 + np.asarray(y) / M_PER_DEG, LON0 + np.asarray(x) / (
        M_PER_DEG * math.cos(math.radians(LAT0))
    )


def drive(name: str, corners: list[tuple[float, float]], t0: pd.Timestamp, speed=SPEED):
    """A trip along the polyline ``corners`` at ``speed``, a fix every DT seconds."""
    xy = np.asarray(corners, dtype=float)
    seg = np.hypot(*np.diff(xy, axis=0).T)
    s = np.arange(0.0, seg.sum() + 1e-9, speed * DT)
    x = np.interp(s, np.concatenate([[0], np.cumsum(seg)]), xy[:, 0])
    y = np.interp(s, np.concatenate([[0], np.cumsum(seg)]), xy[:, 1])
    lat, lon = latlon(x, y)
    t = [t0 + pd.Timedelta(seconds=DT * i) for i in range(len(s))]
    return pd.DataFrame({"trip_id": name, "t": t, "lat": lat, "lon": lon})


BLOCK = [(-300, 0), (150, 0), (150, 200), (450, 200), (450, 0), (-300, 0)]
BEHIND = latlon(50.0, 0.0)  # on y = 0, 250 m behind the mover's last fix


def loop_scene(mover_speed: float = SPEED) -> pd.DataFrame:
    past = [drive(f"block-{k}", BLOCK, T0 + pd.Timedelta(hours=k)) for k in range(2)]
    now = drive("now", [(-300, 0), (300, 0)], T0 + pd.Timedelta(hours=3), mover_speed)
    return pd.concat([*past, now], ignore_index=True)


def test_a_loop_crossing_here_the_other_way_counted_before_and_not_now(small, monkeypatch):
    df = loop_scene()
    monkeypatch.setattr(route_mod, "HEADING_DEG", 180.0)  # reach32's rule: no heading check
    before = small.reach(df, to=[BEHIND], radius_m=50, horizon_s=300)
    before = before[before["trip_id"] == "now"].iloc[0]
    assert before["engine"] == "route" and before["paths"] == 2 and before["reached"]  # false
    monkeypatch.undo()
    after = small.reach(df, to=[BEHIND], radius_m=50, horizon_s=300)
    after = after[after["trip_id"] == "now"].iloc[0]
    assert after["engine"] == "model" and after["paths"] == 0 and not after["reached"]


def test_paths_going_the_same_way_still_answer(small):
    same = [drive(f"east-{k}", [(-300, 0), (900, 0)], T0 + pd.Timedelta(hours=k)) for k in range(2)]
    df = pd.concat([*same, loop_scene()], ignore_index=True)
    ahead = latlon(600.0, 0.0)
    out = small.reach(df, to=[ahead], radius_m=50, horizon_s=300)
    now = out[out["trip_id"] == "now"].iloc[0]
    assert now["engine"] == "route" and now["paths"] == 2  # the two east runs, not the blocks
    assert now["reached"] and abs(now["eta_s"] - 25.0) <= 5.0  # (300 - 50) m at 10 m/s


def test_headings_are_read_over_the_track_not_one_noisy_step():
    lat, lon = latlon(np.array([0.0, 100.0, 101.0, 102.0]), np.array([0.0, 0.0, 3.0, -3.0]))
    e, n = mover_heading(lat, lon)
    assert e > 0 and abs(n) < 0.1 * e  # east, from the fix 100 m back: the 3 m jitter is noise
    assert mover_heading(lat[1:], lon[1:]) is None  # nothing HEAD_M away: no check
    trip = drive("a", [(0, 0), (0, 300)], T0).rename(columns={"trip_id": "traj_id"})
    mem = RouteMemory(pl.from_pandas(trip.assign(t=trip["t"].astype("int64") / 1e9)))
    e, n = mem.heading(0, 0)  # a trip's first fix: towards its next fix HEAD_M on
    assert n > 0 and abs(e) < 1e-6 and 0 < HEADING_DEG < 180


def test_speed_scaling_is_off_unless_a_clip_is_set(monkeypatch):
    assert speed_factor(15.0, 30.0) == pytest.approx(1.0 if route_mod.SPEED_CLIP is None else 2.0)
    monkeypatch.setattr(route_mod, "SPEED_CLIP", (0.5, 1.5))
    assert speed_factor(15.0, 30.0) == 1.5  # twice as fast, clipped
    assert speed_factor(30.0, 15.0) == 0.5
    assert speed_factor(0.0, 15.0) == 1.0  # no time: no scaling


def test_scaled_times_follow_the_movers_speed(small, monkeypatch):
    same = [drive(f"east-{k}", [(-300, 0), (900, 0)], T0 + pd.Timedelta(hours=k)) for k in range(2)]
    now = drive("now", [(-300, 0), (300, 0)], T0 + pd.Timedelta(hours=3), 20.0)
    df = pd.concat([*same, now], ignore_index=True)
    monkeypatch.setattr(route_mod, "SPEED_CLIP", (0.5, 2.0))
    out = small.reach(df, to=[latlon(600.0, 0.0)], radius_m=50, horizon_s=300)
    row = out[out["trip_id"] == "now"].iloc[0]
    assert row["engine"] == "route" and abs(row["eta_s"] - 12.5) <= 3.0  # 250 m at 20 m/s
