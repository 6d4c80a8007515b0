"""The interpolations recovery falls back on (split from recover_bridge.py, session 19): linear
and Akima in metres per trajectory, and the choice between them around each gap.

``gap_pick`` (session 19, recover19): in a dense feed the guard picked Akima or linear once per
trajectory, from one or two backtest spans cycled over the whole track (docs/recovery.md
"Session 17 (recdense3)": that pick, not the bridge, put 20-minute gaps on straight transits
+11.5 m over linear). Here each gap is judged on the known fixes AROUND IT: the known points of
a window as long as the gap just before it (and one just after it) are hidden, both
interpolations fill them from the points left, and the one with the smaller error there fills
the gap. A straight stretch next to the gap says linear; a turn next to it says Akima.
"""

from __future__ import annotations

import numpy as np

from trajlm.objectives.spline import linear_between, spline_per_trajectory


def neighbours(known: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(prev, next): the index of the nearest known row at or before / at or after each row in
    its own trajectory, -1 where there is none (rows sorted by trajectory, then time)."""
    known, groups = np.asarray(known, bool), np.asarray(groups)

    def fill(kn: np.ndarray, gr: np.ndarray) -> np.ndarray:
        seg = np.cumsum(np.r_[True, gr[1:] != gr[:-1]]) - 1
        prev = np.maximum.accumulate(np.where(kn, np.arange(len(kn)), -1))
        return np.where((prev >= 0) & (seg[np.maximum(prev, 0)] == seg), prev, -1)

    prev = fill(known, groups)
    rev = fill(known[::-1], groups[::-1])
    nxt = np.where(rev >= 0, len(known) - 1 - rev, -1)[::-1]
    return prev, nxt


def linear_xy(xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Linear interpolation in time between known neighbours; the nearest known point where
    only one side has one (known rows as given)."""
    prev, nxt = neighbours(known, groups)
    p, q = np.where(prev >= 0, prev, nxt), np.where(nxt >= 0, nxt, prev)
    out = linear_between(xy, t, p, q)
    out[known] = xy[known]
    return out


def akima_xy(xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The Akima spline per trajectory (as the harness's baseline), linear where undefined."""
    out = linear_xy(xy, t, known, groups)
    sp = spline_per_trajectory(xy, t, known, groups, "akima")
    ok = ~known & np.isfinite(sp).all(1)
    out[ok] = sp[ok]
    return out


def window_errors(
    xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray
) -> list[tuple[int, int, int, float, float]]:
    """Per interior gap of duration D between known rows p and n: (trajectory, first hidden
    row, n, summed Akima error, summed linear error) over the known points strictly inside
    (t_p - D, t_p) and (t_n, t_n + D), each window hidden in turn (the real gaps stay hidden)
    and filled by both interpolations from the points left. Gaps without such points: none.
    ``xy``: metres (hidden rows' values unused)."""
    known = np.asarray(known, bool)
    groups = np.asarray(groups)
    t = np.asarray(t, np.float64)
    prev, nxt = neighbours(known, groups)
    out = []
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        kn, tt, x = known[lo:hi], t[lo:hi], xy[lo:hi]
        g = np.zeros(hi - lo, np.int64)
        hid = np.flatnonzero(~kn)
        for s in hid[np.r_[True, np.diff(hid) > 1]] if len(hid) else []:
            p, n = prev[lo + s] - lo, nxt[lo + s] - lo
            if p < 0 or n < 0:
                continue
            d = tt[n] - tt[p]
            err = np.zeros(2)  # akima, linear
            for a, b in ((tt[p] - d, tt[p]), (tt[n], tt[n] + d)):
                win = kn & (tt > a) & (tt < b)
                k2 = kn & ~win
                if not win.any() or k2.sum() < 2:
                    continue
                for c, fn in enumerate((akima_xy, linear_xy)):
                    est = fn(x, tt, k2, g)
                    err[c] += np.linalg.norm(est[win] - x[win], axis=1).sum()
            if err.any():
                out.append(
                    (int(groups[lo]), lo + int(s), lo + int(n), float(err[0]), float(err[1]))
                )
    return out


def gap_pick(xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(P,) int8 per row: 1 where Akima fills the row's gap, 0 where linear does (the smaller
    summed error in the windows around the gap, window_errors; a tie goes to linear, the
    simpler one), -1 where the gap has no such evidence (and on known rows)."""
    out = np.full(len(known), -1, np.int8)
    for _, a, b, ea, el in window_errors(xy, t, known, groups):
        out[a:b] = int(ea < el)
    return out


def around_errors(
    xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray, n_groups: int
) -> np.ndarray:
    """(n_groups, 2): per trajectory, the Akima and linear errors summed over the windows
    around all of its gaps (window_errors)."""
    out = np.zeros((n_groups, 2))
    for g, _, _, ea, el in window_errors(xy, t, known, groups):
        out[g] += (ea, el)
    return out


def akima_wide_xy(
    xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray, frac: float = 0.25
) -> np.ndarray:
    """Akima whose end slopes are read over a baseline matched to the gaps: per trajectory,
    knots are the known rows next to a gap (its anchors) and the other known rows thinned to
    >= ``frac`` x the trajectory's median gap duration apart; Akima through those knots. On a
    2-10 s feed with metres of noise the plain Akima's slopes come from two fixes seconds apart
    (session 19). Trajectories without an interior gap: plain Akima's rows."""
    known = np.asarray(known, bool)
    groups = np.asarray(groups)
    t = np.asarray(t, np.float64)
    knots = known.copy()
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        kn, tt = known[lo:hi], t[lo:hi]
        idx = np.flatnonzero(kn)
        inner = np.flatnonzero(np.diff(idx) > 1)
        if not len(inner):
            continue
        step = frac * float(np.median(tt[idx[inner + 1]] - tt[idx[inner]]))
        anchor = np.zeros(hi - lo, bool)
        anchor[idx[inner]] = anchor[idx[inner + 1]] = True
        anchor[idx[0]] = anchor[idx[-1]] = True
        keep, last = np.zeros(hi - lo, bool), -np.inf
        for i in idx:
            if anchor[i] or tt[i] - last >= step:
                keep[i], last = True, tt[i]
        knots[lo:hi] = keep
    out = akima_xy(xy, t, knots, groups)
    out[known] = xy[known]
    return out
