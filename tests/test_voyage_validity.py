"""Session 16 (voyage): check_validity on dense (2-s) reports is noise-aware and keeps real
violations; vessels' speeds are said in knots too."""

from __future__ import annotations

import numpy as np
import polars as pl

import trajlm

LAT0, LON0, T0 = 36.0, -5.4, 1_781_500_000
M_LAT = 1 / 111_195.0
M_LON = M_LAT / np.cos(np.radians(LAT0))


def fast_ferry(n: int = 1800, v: float = 15.0, dt: int = 2, seed: int = 0) -> pl.DataFrame:
    """A 29-kn craft reporting every 2 s with 5 m of GPS noise per axis (what a Class A
    transponder's fixes show), north along a meridian."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) * v * dt + rng.normal(0, 5.0, n)
    x = rng.normal(0, 5.0, n)
    return pl.DataFrame({"traj_id": "ferry", "t": T0 + np.arange(n) * dt,
                         "lat": LAT0 + y * M_LAT, "lon": LON0 + x * M_LON})  # fmt: skip


def test_fast_ferry_2s_reports_are_valid():
    out = trajlm.check_validity(fast_ferry(), mode="vessel")
    bad = 1.0 - out["valid"].mean()
    # 760ba5a: over 0.7 (1,304 of the 1,800 points flagged acceleration)
    assert bad < 0.005, out["reason_code"].value_counts()


def test_real_jump_and_sustained_speeding_are_still_flagged_at_2s():
    df = fast_ferry(n=600)
    lat = df["lat"].to_numpy().copy()
    lat[300] += 400 * M_LAT  # one bad fix 400 m off, 2 s after the last
    out = trajlm.check_validity(df.with_columns(lat=pl.Series(lat)), mode="vessel")
    code = out["reason_code"].to_list()
    assert code[300] == "speed", code[295:305]
    assert "kn" in out["reason"][300] and "limit of 26.0 m/s (50.5 kn)" in out["reason"][300]
    assert sum(c != "ok" for c in code) <= 4  # the jump (and at most its neighbours)
    # a 'vessel' at 35 m/s (68 kn) for a minute: every one of those reports fails speed
    fast = fast_ferry(n=600, v=35.0)
    codes = trajlm.check_validity(fast, mode="vessel")["reason_code"].to_list()
    assert sum(c == "speed" for c in codes) > 0.9 * len(codes)


def test_a_real_acceleration_at_2s_is_flagged():
    """0 -> 20 m/s in 6 s (3.3 m/s^2) between cruising stretches: a vessel cannot."""
    n, dt = 300, 2
    v = np.where(np.arange(n) < 150, 5.0, 25.0)
    v[150:153] = [10.0, 15.0, 20.0]
    y = np.cumsum(v * dt)
    df = pl.DataFrame({"traj_id": "a", "t": T0 + np.arange(n) * dt, "lat": LAT0 + y * M_LAT,
                       "lon": LON0})  # fmt: skip
    codes = trajlm.check_validity(df, mode="vessel")["reason_code"].to_list()
    assert "acceleration" in codes[148:158]


def test_sparse_sampling_unchanged():
    """At 10-s steps the checks read as before: no baseline changes the value said."""
    x = np.r_[0, 14, 28, 78, 92]  # 50 m in 10 s = 5 m/s, over walk's 3
    df = pl.DataFrame({"traj_id": "a", "t": T0 + np.arange(5) * 10, "lat": LAT0,
                       "lon": LON0 + x * M_LON})  # fmt: skip
    out = trajlm.check_validity(df, mode="walk")
    assert out["reason_code"].to_list() == ["ok", "ok", "ok", "speed", "ok"]
    assert abs(out["score"][3] - 3.0 / 5.0) < 0.02
    assert "kn" not in out["reason"][3]  # knots for vessels only
