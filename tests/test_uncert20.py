"""std_m read against the history's own constant-velocity error (session 20, uncert20;
trajlm/eval/dead_reckoning_spread.py, api_rollout.with_calibrated_std)."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

from trajlm import api_rollout
from trajlm.eval.dead_reckoning_spread import calibrated_std, cv_spread

M = 111_320.0
IN2 = 1 - np.exp(-2.0)  # a 2-D Gaussian with per-axis sigma std_m: 86.5 % within 2 std_m


def _track(tid: str, n: int, dt: float, v: float, noise: float, rng, turn: float = 0.0,
           grid: float = 0.0, lat0: float = 35.68) -> pl.DataFrame:  # fmt: skip
    """A mover at v m/s every dt s, heading drifting by `turn` rad a step and turning 90 deg
    with chance `grid`, with GPS noise (m)."""
    head, x, y = rng.uniform(0, 2 * np.pi), [0.0], [0.0]
    for _ in range(n - 1):
        head += rng.normal(0, turn) + (rng.random() < grid) * rng.choice([-1, 1]) * np.pi / 2
        x.append(x[-1] + v * dt * np.cos(head))
        y.append(y[-1] + v * dt * np.sin(head))
    x, y = np.array(x) + rng.normal(0, noise, n), np.array(y) + rng.normal(0, noise, n)
    return pl.DataFrame({"traj_id": tid, "t": 1.7e9 + np.arange(n) * dt,
                         "lat": lat0 + y / M, "lon": 139.76 + x / (M * np.cos(np.radians(lat0)))})  # fmt: skip


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def test_clean_straight_car_has_a_small_std_at_short_horizons(small, monkeypatch):
    """A straight 12 m/s car fixed every 5 s with 3 m of GPS noise: std_m at +5 s was 166-178 m
    (status.md "Open" 6: 361 m on movers19's car), ten times its error; now it is on the
    scale of the noise."""
    df = _track("car", 20, 5.0, 12.0, 3.0, np.random.default_rng(1))
    ahead = _quiet(lambda: small.predict(df, seconds_ahead=[1, 5]))
    steps = _quiet(lambda: small.predict(df, steps=1))
    assert ahead["std_m"][1] < 30.0 and steps["std_m"][0] < 30.0, (ahead, steps)
    assert ahead["std_m"][0] < ahead["std_m"][1]  # it grows with the horizon
    monkeypatch.setattr(api_rollout, "CALIBRATE_STD", False)  # the model's own std_m
    raw = _quiet(lambda: small.predict(df, seconds_ahead=[1, 5]))
    # the model's own std_m is several times the calibrated one (166-178 m in session 20 on another
    # CPU; 98.9 m on an AMD EPYC with the same weights in session 31)
    assert raw["std_m"][1] > max(60.0, 3 * ahead["std_m"][1]), (raw, ahead)


def test_positions_are_unchanged_only_std_m_moves(small, monkeypatch):
    """Per query the same lat / lon with and without the calibration (steps and asked times,
    trajectories of 1, 2 and 20 fixes in one table); 1-2 fix histories keep the model's std_m."""
    rng = np.random.default_rng(2)
    df = pl.concat([_track("a", 20, 5.0, 12.0, 4.0, rng, 0.05, 0.05),
                    _track("b", 20, 15.0, 8.0, 5.0, rng, 0.1, 0.1),
                    _track("two", 2, 10.0, 5.0, 0.0, rng), _track("one", 1, 10.0, 5.0, 0.0, rng)])  # fmt: skip
    calls = (lambda: small.predict(df, steps=3),
             lambda: small.predict(df, seconds_ahead=[2, 30, 300]))  # fmt: skip
    new = [_quiet(c) for c in calls]
    monkeypatch.setattr(api_rollout, "CALIBRATE_STD", False)
    old = [_quiet(c) for c in calls]
    for a, b in zip(new, old, strict=True):
        assert a.select("traj_id", "step", "t").equals(b.select("traj_id", "step", "t"))
        for c in ("lat", "lon"):
            np.testing.assert_array_equal(a[c].to_numpy(), b[c].to_numpy())
        short = a["traj_id"].is_in(["one", "two"]).to_numpy()
        np.testing.assert_array_equal(a["std_m"].to_numpy()[short], b["std_m"].to_numpy()[short])
        assert not np.allclose(a["std_m"].to_numpy()[~short], b["std_m"].to_numpy()[~short])


@pytest.mark.parametrize("seed", [7])
def test_coverage_on_generated_movers_is_within_a_band(small, seed):
    """Cars at 5 s and bikes at 5 s (turning, on a grid, GPS noise), 40 tracks each, a seed no
    constant was chosen on: the share of truths within 2 std_m over steps 1-5 and +5..60 s is
    within 80-95 % (86.5 % for a 2-D Gaussian; before: 97-100 %, std_m 3-8x the RMS error at
    +5 s) and within 1 std_m under 85 %."""
    rng = np.random.default_rng(seed)
    tracks = [_track(f"car{i}", 40, 5.0, 12.0, 4.0, rng, 0.03, 0.03) for i in range(40)]
    tracks += [_track(f"bike{i}", 40, 5.0, 5.0, 4.0, rng, 0.05, 0.04) for i in range(40)]
    df = pl.concat(tracks)
    hist = df.filter(pl.int_range(pl.len()).over("traj_id") < 20)
    truth = df.filter(pl.int_range(pl.len()).over("traj_id") >= 20)
    ahead = [5.0, 15.0, 30.0, 60.0]
    st = _quiet(lambda: small.predict(hist, steps=5))
    at = _quiet(lambda: small.predict(hist, seconds_ahead=ahead))
    k = st.join(truth.with_columns(step=pl.int_range(1, pl.len() + 1).over("traj_id")),
                on=["traj_id", "step"], suffix="_true")  # fmt: skip
    at_true = at.with_columns(t=pl.col("t").cast(pl.Float64)).join(
        truth, on=["traj_id", "t"], suffix="_true")  # fmt: skip
    both = pl.concat([k.select("lat", "lon", "lat_true", "lon_true", "std_m"),
                      at_true.select("lat", "lon", "lat_true", "lon_true", "std_m")])  # fmt: skip
    err = np.hypot((both["lat"] - both["lat_true"]).to_numpy() * M,
                   (both["lon"] - both["lon_true"]).to_numpy() * M * np.cos(np.radians(35.68)))  # fmt: skip
    std = both["std_m"].to_numpy()
    assert len(err) >= 80 * 5 + 80 * 4 - 5
    in2, in1 = float(np.mean(err <= 2 * std)), float(np.mean(err <= std))
    assert 0.80 <= in2 <= 0.95 and in1 < 0.85, (in1, in2, IN2)


def test_cv_spread_reads_the_noise_and_the_growth():
    """A straight track with 5 m of noise at 10 s: constant velocity's error at +10 s is a
    few times the noise; it grows with the lag; beyond the history at least linearly; 1-2
    fixes: NaN (the model's std_m is kept)."""
    rng = np.random.default_rng(0)
    df = pl.concat([_track("a", 60, 10.0, 10.0, 5.0, rng), _track("b", 2, 10.0, 10.0, 0.0, rng)])
    s = cv_spread(df, np.array([[10.0, 60.0, 300.0, 6000.0], [10.0, 60.0, 300.0, 6000.0]]))
    assert 5.0 < s[0, 0] < 40.0 and s[0, 0] < s[0, 1] < s[0, 2] < s[0, 3]
    assert s[0, 3] >= s[0, 2] * 6000 / 590 * 0.5  # past the 590-s history: ~linear at least
    assert np.isnan(s[1]).all()
    out = calibrated_std(np.array([100.0, 100.0, np.nan]), np.array([10.0, np.nan, 10.0]))
    assert 10.0 < out[0] < 100.0 and out[1] == 100.0 and np.isnan(out[2])


def test_spotless_straight_history_keeps_a_floor_that_grows():
    """No error at all on the history (a simulator's line): the spread still grows with the
    distance covered (2 % of it), not 0."""
    df = _track("a", 20, 5.0, 12.0, 0.0, np.random.default_rng(3))
    s = cv_spread(df, np.array([[5.0, 600.0]]))
    assert s[0, 1] == pytest.approx(0.02 * 12.0 * 600.0, rel=0.05)
    assert s[0, 0] < s[0, 1]
