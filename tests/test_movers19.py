"""Session 19 (movers19): a glitched last fix on a position-only table (docs/generalization.md
"Session 19 (movers19)"). predict18 dropped a last fix that the trajectory's reported speed
calls a glitch; without a reported speed nothing was judged and the rollout started from the
glitch. ``api_glitch.implied_glitched_last`` judges it by the history's own speeds."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

SMALL = Path("trajlm/checkpoints/trajlm-small/model.safetensors")
needs_small = pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")
M = 111_320.0


def _track(n: int, dt: float, v: float, seed: int, heading: float = 0.7, noise: float = 3.0):
    """A mover at v m/s fixed every dt s (GPS noise), as a pandas frame, and its true path."""
    rng = np.random.default_rng(seed)
    s = v * dt * np.arange(n)
    x, y = s * np.cos(heading), s * np.sin(heading)
    lat0, lon0 = 41.15, -8.61
    t = pd.Timestamp("2026-03-02 08:00", tz="UTC") + pd.to_timedelta(dt * np.arange(n), unit="s")
    df = pd.DataFrame(
        {
            "id": "a",
            "time": t,
            "lat": lat0 + (y + rng.normal(0, noise, n)) / M,
            "lon": lon0 + (x + rng.normal(0, noise, n)) / (M * np.cos(np.radians(lat0))),
        }
    )
    return df, lat0, lon0


def _canon(df: pd.DataFrame) -> pl.DataFrame:
    out = pl.from_pandas(df.rename(columns={"id": "traj_id"}))
    return out.with_columns(t=pl.col("time").dt.epoch("s")).select("traj_id", "t", "lat", "lon")


def _moved(df: pd.DataFrame, metres: float, angle: float = 2.0) -> pd.DataFrame:
    out = df.copy()
    i = out.index[-1]
    out.loc[i, "lat"] += metres * np.sin(angle) / M
    out.loc[i, "lon"] += metres * np.cos(angle) / (M * np.cos(np.radians(41.15)))
    return out


def test_a_glitched_last_fix_is_judged_by_the_tracks_own_speeds():
    """300 m off at 1-5 s fixes of a 5-12 m/s mover: a glitch; the clean track, a start from
    rest, a stop, a U-turn and a fix after a 20-min gap are not."""
    from trajlm.api_glitch import implied_glitched_last

    for dt, v in ((1.0, 5.0), (5.0, 12.0)):
        df, _, _ = _track(12, dt, v, seed=1)
        assert implied_glitched_last(_canon(df)).tolist() == [False]
        assert implied_glitched_last(_canon(_moved(df, 300.0))).tolist() == [True]
    # a car standing still for 10 s, then 15 s at 3 m/s^2 from rest (338 m): no glitch
    still, _, _ = _track(6, 2.0, 0.0, seed=2)
    start = still.iloc[[-1]].copy()
    start["time"] += pd.Timedelta(seconds=15)
    start["lat"] += 0.5 * 3.0 * 15**2 / M
    assert implied_glitched_last(_canon(pd.concat([still, start]))).tolist() == [False]
    # a U-turn and a stop at the last fix only shorten the step
    df, _, _ = _track(10, 5.0, 12.0, seed=3)
    back = df.copy()
    back.loc[back.index[-1], ["lat", "lon"]] = back.iloc[-3][["lat", "lon"]].to_numpy()
    assert implied_glitched_last(_canon(back)).tolist() == [False]
    # after a 20-min gap anything could have happened: not judged
    gap = _moved(df, 5_000.0)
    gap.loc[gap.index[-1], "time"] += pd.Timedelta(minutes=20)
    assert implied_glitched_last(_canon(gap)).tolist() == [False]
    # too little history to know the track's speed (2 fixes, then the glitch): not judged
    assert implied_glitched_last(_canon(_moved(df.iloc[:3], 2_000.0))).tolist() == [False]


def test_several_trajectories_are_judged_each_on_its_own():
    from trajlm.api_glitch import implied_glitched_last

    a, _, _ = _track(8, 2.0, 10.0, seed=4)
    b, _, _ = _track(8, 2.0, 10.0, seed=5)
    c, _, _ = _track(1, 2.0, 10.0, seed=6)
    both = pd.concat([_moved(a, 400.0), b.assign(id="b"), c.assign(id="c")])
    assert implied_glitched_last(_canon(both)).tolist() == [True, False, False]
    assert implied_glitched_last(_canon(both.iloc[:0])).tolist() == []


@needs_small
@pytest.mark.parametrize("ask", ["seconds_ahead", "steps"])
def test_the_rollout_does_not_start_from_a_glitched_last_fix_of_positions(ask):
    """A car at 12 m/s fixed every 5 s with its last fix 300 m off: the rollout started from
    the glitch and stayed ~300 m off; now it starts from the fix before, one warning says so."""
    import trajlm

    lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    full, lat0, _ = _track(17, 5.0, 12.0, seed=7, noise=1.0)
    hist, truth = _moved(full.iloc[:12], 300.0), full.iloc[12:]
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        if ask == "steps":
            out = lm.predict(hist, steps=5)
        else:
            out = lm.predict(hist, seconds_ahead=[5, 10, 15, 20, 25])
    dy = (out.lat.to_numpy() - truth.lat.to_numpy()) * M
    dx = (out.lon.to_numpy() - truth.lon.to_numpy()) * M * np.cos(np.radians(lat0))
    assert np.hypot(dx, dy).max() < 60, np.hypot(dx, dy)
    lines = [str(w.message) for w in said if "position glitch" in str(w.message)]
    assert len(lines) == 1 and "own earlier speeds" in lines[0], lines
    assert list(out.time) == list(truth.time)


# ------------------------------------------- sub-second feeds: the history by horizon (item 3)
def _feed(hz: int, seed: int = 0):
    """A 12 m/s car turning 0.02 rad/s fixed at hz for 30.9 s (no noise), and its truth."""
    t0 = 1_700_000_000.0
    head0, turn = 0.4 + seed, 0.02

    def at(t):
        s = np.asarray(t, float) - t0
        h = head0 + turn * s
        x = 12 / turn * (np.sin(h) - np.sin(head0))
        y = -12 / turn * (np.cos(h) - np.cos(head0))
        return 41.15 + y / M, -8.61 + x / (M * np.cos(np.radians(41.15)))

    t = np.round(t0 + np.arange(0, 30.9 + 1e-9, 1 / hz), 3)
    lat, lon = at(t)
    return pl.DataFrame({"traj_id": "d", "t": t, "lat": lat, "lon": lon}), at


@needs_small
@pytest.mark.parametrize("hz", [2, 10])
def test_seconds_ahead_on_a_subsecond_feed_reads_one_fix_a_second(hz):
    """Asked 0.5-5 s ahead, the history was thinned to the 15-s training step and the answers
    lay on the line to the rollout's first point 15 s out (1.05 / 2.1 / 4.4 / 12.1 m off at
    0.5 / 1 / 2 / 5 s on this turn); read one fix a second, 0.09 / 0.24 / 0.72 / 3.6 m."""
    import trajlm

    lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    df, at = _feed(hz)
    ahead = [0.5, 1.0, 2.0, 5.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = lm.predict(df, seconds_ahead=ahead)
    tl, tn = at(df["t"][-1] + np.array(ahead))
    err = np.hypot((out["lat"].to_numpy() - tl) * M, (out["lon"].to_numpy() - tn) * M * 0.753)
    assert (err < [0.3, 0.6, 1.5, 6.0]).all(), err
    np.testing.assert_allclose(out["t"].to_numpy(), df["t"][-1] + np.array(ahead), atol=1e-6)


@needs_small
def test_long_horizons_and_whole_second_feeds_read_the_thinned_history_as_before():
    """A horizon past the training step keeps the thinned history (minutes ahead: session 15),
    so does a 1 Hz feed of whole seconds: their answers are those of ``lm._history``."""
    import trajlm
    import trajlm.api_at_times as A

    lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    sub, _ = _feed(10)
    whole = sub.filter((pl.col("t") % 1) == 0).with_columns(traj_id=pl.lit("w"))
    asks = {"d": [60.0, 120.0], "w": [1.0, 2.0]}  # a mixed call splits (session 20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        new = [lm.predict(f, seconds_ahead=asks[i]) for i, f in (("d", sub), ("w", whole))]
        keep = A.history_by_horizon
        A.history_by_horizon = lambda lm, df, ahead, layout: lm._history(df)
        try:
            old = [lm.predict(f, seconds_ahead=asks[i]) for i, f in (("d", sub), ("w", whole))]
        finally:
            A.history_by_horizon = keep
    for a, b in zip(new, old, strict=True):
        assert a.equals(b)


# ------------------------------------------------------ the 3-fix window / CV tie (item 1)
def test_a_three_fix_tie_falls_back_to_constant_velocity_not_to_rounding():
    """Over 3 fixes the window and constant velocity predict the history alike (the window over
    its first step is that step), and float32 rounding, which moves with the plane's centre,
    picked either (session 17: one iceberg's rollout moved 56 km). On 300 random 3-fix
    histories rounding picked the window for 9; a tie is constant velocity's now."""
    import sys

    import torch

    sys.path.insert(0, str(Path(__file__).parent))
    from test_base_window import _line
    from test_robust import model

    from trajlm.model import backtest

    m = model(backtest_gate=8.0, backtest_fallback_window=2)
    g = torch.Generator().manual_seed(0)
    n = 300
    batch = _line(n=3)
    batch = {
        "pos": torch.cumsum(torch.randn(n, 3, 2, generator=g) * 40.0, 1)
        + torch.randn(n, 1, 2, generator=g) * 300,
        "t": torch.cumsum(torch.rand(n, 3, generator=g) * 20 + 1, 1),
        "t0": batch["t0"].expand(n),
        "mask": batch["mask"].expand(n, 3),
    }
    feats = m.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
    last = batch["mask"].sum(1) - 1
    own = feats[torch.arange(n), last][:, backtest.DELTA]
    windows = {}
    for margin in (backtest.WINDOW_MARGIN, 0.0):  # 0.0: the rule before session 19
        keep, backtest.WINDOW_MARGIN = backtest.WINDOW_MARGIN, margin
        try:
            fb = backtest.fallback_step(m, feats, batch["mask"], last)
        finally:
            backtest.WINDOW_MARGIN = keep
        windows[margin] = int((fb != own).any(-1).sum())
    assert windows[backtest.WINDOW_MARGIN] == 0 and windows[0.0] >= 1, windows
