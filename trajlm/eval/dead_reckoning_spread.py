"""Constant velocity's own error on a trajectory's history, and ``std_m`` read against it
(session 20, uncert20).

The model's ``std_m`` is its Gaussian head's cumulative step variance (tasks.predict), learnt on
Porto's 15-s taxis: where the coverage / backtest gates fall back to physics it still counts in
full (a clean 5-s car: 166 m at +5 s against an RMS error of 20 m; a 230 m/s aircraft at 10 s:
1.7 km against 80 m), and summed as independent steps it grows like the square root of the
horizon while the error grows faster (Porto val: 38 % of truths within 2 std_m at +300 s).

``cv_spread`` measures how far constant velocity, read from two consecutive fixes of the
history, lands from the later fixes of the same history at each asked lag; ``calibrated_std``
puts the model's ``std_m`` on that scale (constants chosen on val: docs/generalization.md
"Session 20 (uncert20)").
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.eval.dead_reckoning_reports import track_arrays

M_PER_DEG = 111_320.0
# calibrated_std's constants (chosen on Porto / GeoLife val and movers seed 2001 only)
SPREAD_SCALE = 1.2  # the backtest's RMS error, as a 1-sigma per axis (x 1 / sqrt(2) below)
SPREAD_GROWTH = 2.0  # lags beyond the history's: the error grows like (a / tau) ** this
MODEL_WEIGHT = 0.15  # geometric weight of the model's own std_m
SPREAD_FLOOR_M = 1.0  # GPS: no 1-sigma below this
SPEED_CAP = 0.7  # past the history's lags: at most this x its mean speed x a (above linear)
BASE_S = 15.0  # the second velocity base: the last fix at least this long before the origin
MIN_SPEED_FRAC = 0.02  # no spread below this share of the distance covered at the mean speed
SPEED_CHUNK_S = 10.0  # the mean speed reads the path through fixes at least this far apart
SPIKE_M, SPIKE_RATIO = 1000.0, 10.0  # a glitch fix: out and back, both legs over these


def cv_spread(df: pl.DataFrame, ahead: np.ndarray, origins: int = 64, fixes: int = 256,
              growth: float = SPREAD_GROWTH, cap: float = SPEED_CAP) -> np.ndarray:  # fmt: skip
    """Constant velocity's RMS error (metres, (B, m) like ``ahead`` seconds) on each
    trajectory's own history (``df`` canonical: traj_id, t, lat, lon sorted by traj_id, t;
    trajectories in order of first appearance): from up to ``origins`` fixes among its last
    ``fixes``, every later fix's distance from where constant velocity put it at lag tau, the
    velocity read from the fix before the origin and (GPS noise on dense fixes) from the last
    fix at least ``BASE_S`` before it: per lag the lower of the two. Per asked a: the RMS over
    the pairs with tau in [a/2, a] of the distance scaled by a / tau; past the longest lag,
    the longest lags (tau >= half of it) scaled by (a / tau) ** ``growth`` (turns the history
    has not shown), but to no more than ``cap`` x the history's mean speed x a
    (``mean_speed``) nor less than linearly; before the shortest lag, the shortest (tau <=
    twice it) scaled by a / tau. At least ``MIN_SPEED_FRAC`` x the mean speed x a. NaN for a
    trajectory with fewer than 3 fixes."""
    start, end, lat, lon, t = track_arrays(df)
    ahead = np.asarray(ahead, np.float64)
    out = np.full(ahead.shape, np.nan)
    for b, (s, e) in enumerate(zip(start, end, strict=True)):  # a loop over trajectories
        s = max(s, e - fixes + 1)
        if e - s < 2:
            continue
        y = (lat[s : e + 1] - lat[e]) * M_PER_DEG
        x = (
            ((lon[s : e + 1] - lon[e] + 180.0) % 360.0 - 180.0)
            * M_PER_DEG
            * np.cos(np.radians(lat[e]))
        )
        tt = t[s : e + 1]
        if (keep := ~_spikes(x, y)).sum() < len(tt):  # glitches say nothing of the motion
            x, y, tt = x[keep], y[keep], tt[keep]
        n = len(tt)
        if n < 3:
            continue
        o = np.unique(np.linspace(1, n - 2, min(origins, n - 2)).astype(int))
        v = mean_speed(tt, x, y)
        best = np.full(len(ahead[b]), np.inf)
        # the velocity from the fix before each origin, and (dense fixes: GPS noise) from the
        # last fix at least BASE_S before it; per lag the better of the two (as the gates pick)
        far = np.searchsorted(tt, tt[o] - BASE_S, side="right") - 1
        for k, (base, oo) in enumerate(((o - 1, o), (far[far >= 0], o[far >= 0]))):
            if len(oo) == 0 or (k and (base == oo - 1).all()):  # no other base
                continue
            step = np.maximum(tt[oo] - tt[base], 1e-3)
            vx, vy = (x[oo] - x[base]) / step, (y[oo] - y[base]) / step
            tau = tt[None, :] - tt[oo][:, None]  # (origins, fixes)
            ok = tau > 0
            err = np.hypot(x[None, :] - x[oo][:, None] - vx[:, None] * tau,
                           y[None, :] - y[oo][:, None] - vy[:, None] * tau)[ok]  # fmt: skip
            if ok.any():
                best = np.fmin(best, _at_lags(tau[ok], err, ahead[b], growth, cap * v))
        # a spotless straight history shows no error at all: a floor for the unseen turn
        best = np.fmax(best, MIN_SPEED_FRAC * v * np.where(ahead[b] > 0, ahead[b], np.nan))
        out[b] = np.where(np.isfinite(best), best, np.nan)
    return out


def _spikes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fixes that jump out and straight back (a position glitch in the history): both legs
    over ``SPIKE_M`` and ``SPIKE_RATIO`` x the median step, the fixes around them closer to
    each other than half the shorter leg. One such fix made the RMS error, and so ``std_m``,
    1,400 km at +600 s on a clean 15-s track (session 20, badin20)."""
    out = np.zeros(len(x), bool)
    if len(x) < 3:
        return out
    d = np.hypot(np.diff(x), np.diff(y))
    big = np.maximum(SPIKE_M, SPIKE_RATIO * np.median(d))
    back = np.hypot(x[2:] - x[:-2], y[2:] - y[:-2])
    out[1:-1] = (d[:-1] > big) & (d[1:] > big) & (back < 0.5 * np.minimum(d[:-1], d[1:]))
    return out


def _at_lags(tau: np.ndarray, err: np.ndarray, ahead: np.ndarray, growth: float,
             reach: float) -> np.ndarray:  # fmt: skip
    """cv_spread's per-lag RMS (module doc) of errors ``err`` at lags ``tau`` for ``ahead`` (m,)
    seconds; ``reach``: cap x the mean speed (m/s)."""
    out = np.full(len(ahead), np.nan)
    lo, hi = tau.min(), tau.max()
    for i, a in enumerate(ahead):
        if not np.isfinite(a) or a <= 0:
            continue
        if a > hi:
            sel = tau >= hi / 2
        elif a < lo:
            sel = tau <= 2 * lo
        else:
            sel = (tau >= a / 2) & (tau <= a)
            if not sel.any():  # lags in the history skip [a/2, a]: the nearest below a
                sel = tau == tau[tau <= a].max()
        out[i] = lin = float(np.sqrt(np.mean((err[sel] * a / tau[sel]) ** 2)))
        if a > hi:  # the hazard's growth, capped by the distance the mover covers
            grown = float(np.sqrt(np.mean((err[sel] * (a / tau[sel]) ** growth) ** 2)))
            out[i] = max(lin, min(grown, reach * a))
    return out


def mean_speed(t: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """Path length / time (m/s) through the fixes kept at least ``SPEED_CHUNK_S`` apart
    (walking back from the last), so that GPS noise on dense fixes does not read as speed."""
    keep = [len(t) - 1]
    for j in range(len(t) - 2, -1, -1):
        if t[keep[-1]] - t[j] >= SPEED_CHUNK_S:
            keep.append(j)
    if len(keep) < 2:
        keep = [len(t) - 1, 0]
    k = np.array(keep[::-1])
    span = t[k[-1]] - t[k[0]]
    return float(np.hypot(np.diff(x[k]), np.diff(y[k])).sum() / span) if span > 0 else 0.0


def calibrated_std(std: np.ndarray, spread: np.ndarray, weight: float = MODEL_WEIGHT,
                   scale: float = SPREAD_SCALE, floor: float = SPREAD_FLOOR_M) -> np.ndarray:  # fmt: skip
    """``std_m`` read against the history's own constant-velocity error ``spread`` (same
    shape, metres): the geometric mean std ** weight x (scale x spread / sqrt 2) ** (1 -
    weight), with the spread at least ``floor``. Where ``spread`` or ``std`` is not finite
    (a history of 1-2 fixes, a NaN position), ``std`` as it is."""
    std = np.asarray(std, np.float64)
    sp = np.maximum(scale * np.asarray(spread, np.float64) / np.sqrt(2.0), floor)
    ok = np.isfinite(sp) & np.isfinite(std) & (std > 0)
    out = std.copy()
    out[ok] = std[ok] ** weight * sp[ok] ** (1.0 - weight)
    return out
