"""Session 17 (movers4): asked-time rollouts on the input's exact times; one plane per trajectory.

Each test builds its own seeded tracks (no real data). Positions at asked times of a 2-fix history are
constant velocity (trajlm-small's own rule), so with sub-second fixes they must match constant velocity
computed on the exact times; they were off by 1-3 % (30 s trains) to 55-80 % (1.6 s movers) when the
times were floored to whole seconds first.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

R = 6_371_000.0
LAT0, LON0 = -23.55, -46.63


def _jittered(n: int, pts: int, dt: float, speed: float, seed: int = 0) -> pd.DataFrame:
    """n straight tracks of `pts` fixes every dt s +- 20 % (times to the ms) at `speed` m/s;
    column ``tt``: the exact seconds since the first fix."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2025-03-01 12:00", tz="UTC")
    rows = []
    for j in range(n):
        head, t = rng.uniform(0, 2 * np.pi), 0.0
        for i in range(pts):
            if i:
                t = round(t + dt * (1 + rng.uniform(-0.2, 0.2)), 3)
            x, y = speed * t * np.cos(head), speed * t * np.sin(head)
            lat = LAT0 + np.rad2deg(y / R)
            lon = LON0 + np.rad2deg(x / (R * np.cos(np.deg2rad(LAT0))))
            rows.append((f"m{j}", t0 + pd.Timedelta(milliseconds=round(t * 1000)), lat, lon, t))
    return pd.DataFrame(rows, columns=["trip_id", "timestamp", "latitude", "longitude", "tt"])


def _cv_error(df: pd.DataFrame, pred: pd.DataFrame, ahead: np.ndarray) -> np.ndarray:
    """Distance of each predicted position from constant velocity on the exact times, as a share of the
    distance travelled since the last fix (trajectories x asked times)."""
    out = []
    for tid, g in pred.groupby("trip_id"):
        h = df[df.trip_id == tid]
        t, la, lo = h.tt.to_numpy(), h.latitude.to_numpy(), h.longitude.to_numpy()
        vla, vlo = (la[-1] - la[-2]) / (t[-1] - t[-2]), (lo[-1] - lo[-2]) / (t[-1] - t[-2])
        a = ahead[tid] if isinstance(ahead, dict) else ahead
        dy = np.deg2rad(g.latitude.to_numpy() - (la[-1] + vla * a)) * R
        dx = np.deg2rad(g.longitude.to_numpy() - (lo[-1] + vlo * a)) * R * np.cos(np.deg2rad(LAT0))
        moved = np.hypot(
            np.deg2rad(vla * a) * R, np.deg2rad(vlo * a) * R * np.cos(np.deg2rad(LAT0))
        )
        out.append(np.hypot(dx, dy) / moved)
    return np.array(out)


@pytest.mark.parametrize("dt,speed", [(30.0, 45.0), (1.6, 12.0), (1.6, 30.0)])
def test_seconds_ahead_on_exact_times(small, dt: float, speed: float) -> None:
    """2 fixes with sub-second times: seconds_ahead is constant velocity on the exact times (was 1-3 %
    off for 30 s trains, 55-80 % for 1.6 s movers: intervals floored to whole seconds)."""
    df = _jittered(6, 2, dt, speed, seed=1)
    ahead = dt * np.arange(1, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = small.predict(df.drop(columns="tt"), seconds_ahead=list(ahead))
    err = _cv_error(df, pred, ahead)
    assert err.shape == (6, 5)
    assert err.max() < 0.002, err.max()


def test_at_times_on_exact_times(small) -> None:
    """at_times with sub-second times asked, counted from the exact last fix."""
    df = _jittered(4, 2, 1.6, 20.0, seed=2)
    last = df.groupby("trip_id").tail(1).set_index("trip_id")
    base = pd.Timestamp("2025-03-01 12:00", tz="UTC")
    asked = {tid: [last.timestamp[tid] + pd.Timedelta(milliseconds=ms) for ms in (700, 2300, 4100)]
             for tid in last.index}  # fmt: skip
    ahead = {tid: np.array([(x - base).total_seconds() for x in v]) - last.tt[tid]
             for tid, v in asked.items()}  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = small.predict(df.drop(columns="tt"), at_times=asked)
    got = pred.groupby("trip_id").timestamp.apply(list).to_dict()
    assert all(got[tid] == asked[tid] for tid in asked)  # the exact times asked come back
    err = _cv_error(df, pred, ahead)
    assert err.max() < 0.002, err.max()


def test_exact_times_helper() -> None:
    """Whole-second input passes as it is (the same object, bit for bit); fractions are added where the
    fix has one and only there."""
    from trajlm.api_rollout import exact_times

    df = pl.DataFrame({"traj_id": ["a", "a", "b"], "t": [10, 12, 10], "lat": [0.0] * 3,
                       "lon": [0.0] * 3})  # fmt: skip
    assert exact_times(df, None) is df
    frac = pl.DataFrame({"traj_id": ["a", "a", "b"], "t": [10, 12, 10], "f": [0.25, 0.0, 0.5]})
    out = exact_times(df, frac)
    assert out["t"].dtype == pl.Float64
    assert out["t"].to_list() == [10.25, 12.0, 10.5]
    assert out.drop("t").equals(df.drop("t"))


def _turning(tid: str, lat0: float, lon0: float, pts: int = 12, dt: float = 15.0) -> pd.DataFrame:
    """A car-like track at 9 m/s every dt s turning 4 degrees a step, at (lat0, lon0)."""
    head, x, y, rows = 0.3, 0.0, 0.0, []
    t0 = pd.Timestamp("2025-03-01 12:00", tz="UTC")
    for i in range(pts):
        if i:
            head += np.deg2rad(4.0)
            x, y = x + 9.0 * dt * np.cos(head), y + 9.0 * dt * np.sin(head)
        lat = lat0 + np.rad2deg(y / R)
        lon = lon0 + np.rad2deg(x / (R * np.cos(np.deg2rad(lat0))))
        rows.append((tid, t0 + pd.Timedelta(seconds=dt * i), lat, lon))
    return pd.DataFrame(rows, columns=["trip_id", "timestamp", "latitude", "longitude"])


def test_batch_equals_alone(small) -> None:
    """Trajectories far apart in one call are predicted as each alone: each in its own plane (one plane
    for the call squashed the equator's east-west steps by cos 30 deg beside a track at 60 N)."""
    far = [("eq", 0.5, -30.0), ("n60", 60.0, 10.0), ("s45", -45.0, 170.0), ("porto", 41.15, -8.6)]
    df = pd.concat([_turning(tid, la, lo) for tid, la, lo in far], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = small.predict(df, steps=5)
        alone = pd.concat([small.predict(df[df.trip_id == tid], steps=5) for tid, *_ in far])
    b = batch.set_index(["trip_id", "step"]).sort_index()
    a = alone.set_index(["trip_id", "step"]).sort_index()
    dy = np.deg2rad(b.latitude - a.latitude) * R
    dx = np.deg2rad(b.longitude - a.longitude) * R * np.cos(np.deg2rad(b.latitude))
    assert np.hypot(dx, dy).max() < 0.05, np.hypot(dx, dy).groupby("trip_id").max()
    assert np.allclose(b.std_m, a.std_m, rtol=1e-3)


def test_one_plane_switch(small, monkeypatch) -> None:
    """PER_TRAJECTORY_FRAME = False is the one plane per call (before session 17): the equator track
    then moves with its batch."""
    import trajlm.tasks.predict as P

    monkeypatch.setattr(P, "PER_TRAJECTORY_FRAME", False)
    df = pd.concat([_turning("eq", 0.5, -30.0), _turning("n60", 60.0, 10.0)], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = small.predict(df, steps=5)
        alone = small.predict(df[df.trip_id == "eq"], steps=5)
    q = batch[batch.trip_id == "eq"].reset_index(drop=True)
    d = np.hypot(np.deg2rad(q.latitude - alone.latitude) * R,
                 np.deg2rad(q.longitude - alone.longitude) * R)  # fmt: skip
    assert d.max() > 0.1  # float32 metres thousands of km from the plane centre, and its bend
