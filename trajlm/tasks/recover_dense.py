"""Recovery in DENSE feeds with a causal checkpoint (Session 17, recdense2).

AIS under way reports every 2-10 s and raw GeoLife logs every second, while trajlm-small was
trained on Porto's 15-s steps. Fed such known points, the bridge's rollouts (recover_bridge.py)
read steps dominated by GPS noise and take hundreds of tiny steps: 10-minute gaps in the
Gibraltar AIS day came out ~10 times worse than the straight line. Two pieces, used by
``BridgeRecoverer``:

1. ``thin_side``: each side's history is thinned to the model's training step (walking away
   from the gap's anchor, every point at least ``dt`` s from the one kept before it), as
   ``predict(at_times=...)`` thins dense histories (api_rollout.thin_history). A history whose
   median step is not below ``dt`` is left as it is (15-s Porto: bit for bit).
2. ``span_mask``: the guard's backtest hides spans of the trajectory's own known points AS LONG
   AS its real gaps (the old backtest hides every other known point: 2-s "gaps" in a 2-s feed,
   where every method is right and the gate says nothing about 10-minute gaps).
"""

from __future__ import annotations

from typing import Any

import numpy as np

THIN_RULES = ("train",)  # thin_dt: "train" (the model's median training step), a number, or 0
BACKTESTS = ("alternate", "spans", "auto")  # the guard's mask; auto: spans in a dense call
# the guard's evidence in a span backtest (min_scored, shrink_k count it): scored points, or
# spans (the points of one span are one correlated piece of evidence)
EVIDENCE = ("points", "spans")
MAX_SPREAD = 1.5  # a backtest span may end at most this factor past its target duration


def train_step(model: Any) -> float:
    """The median time step the model was trained on (``config.coverage["dt_s"]["p50"]``,
    seconds), 0.0 for a checkpoint without recorded coverage."""
    cov = getattr(getattr(model, "config", None), "coverage", None) or {}
    return float(((cov.get("dt_s") or {}).get("p50")) or 0.0)


def resolve_thin(thin_dt: Any, model: Any) -> float:
    """``thin_dt`` as seconds: "train" -> the model's training step, a number >= 0 as is
    (0: no thinning)."""
    if thin_dt == "train":
        return train_step(model)
    if isinstance(thin_dt, str) or thin_dt is None or not float(thin_dt) >= 0:
        raise ValueError(f"thin_dt must be 'train' or a number of seconds >= 0, got {thin_dt!r}")
    return float(thin_dt)


def thin_side(times: np.ndarray, j: int, lo: int, hi: int, step: int, dt: float,
              cap: int) -> np.ndarray:  # fmt: skip
    """Indices (into ``times``) of one side's history, the anchor ``j`` first, walking in
    direction ``step`` (-1: back to ``lo``; +1: on to ``hi - 1``); ``times`` sorted within
    [lo, hi). At most ``cap`` points. Thinned to >= ``dt`` s apart when the unthinned history's
    median step is below ``dt``; else the ``cap`` nearest points as they are."""
    plain = np.arange(j, max(lo - 1, j - cap), -1) if step < 0 else np.arange(j, min(hi, j + cap))
    if dt <= 0 or len(plain) < 2 or not np.median(np.abs(np.diff(times[plain]))) < dt:
        return plain
    seg = times[lo:hi]
    out, cur = [j], j
    while len(out) < cap:
        if step < 0:
            nxt = lo + int(np.searchsorted(seg, times[cur] - dt, side="right")) - 1
            if nxt < lo:
                break
        else:
            nxt = lo + int(np.searchsorted(seg, times[cur] + dt, side="left"))
            if nxt >= hi:
                break
        out.append(nxt)
        cur = nxt
    return np.asarray(out)


def thin_sides(times: np.ndarray, js: np.ndarray, lo: np.ndarray, hi: np.ndarray, step: int,
               dt: float, cap: int) -> list[np.ndarray]:  # fmt: skip
    """``[thin_side(times, j, lo, hi, step, dt, cap) for each side]``, equal index for index,
    computed for all sides at once (speed24: on 1-s tracks a recover call thins ~2 sides per
    gap, tens of thousands, and the loop of medians and searchsorted was ~18 % of the call).
    ``js`` (S,) anchors, ``lo`` / ``hi`` (S,) each anchor's run [lo, hi) in ``times``."""
    js, lo, hi = (np.asarray(a, np.int64) for a in (js, lo, hi))
    if len(js) == 0:
        return []
    times = np.asarray(times)
    # the unthinned history: the cap nearest points walking in `step` from the anchor
    n_plain = np.minimum(js - lo + 1, cap) if step < 0 else np.minimum(hi - js, cap)
    offs = np.arange(cap, dtype=np.int64)
    plain = js[:, None] + step * offs[None, :]  # (S, cap), valid where offs < n_plain
    valid = offs[None, :] < n_plain[:, None]
    out = [plain[s, : n_plain[s]] for s in range(len(js))]
    if dt <= 0 or cap < 2:  # no step to thin by (thin_side: fewer than 2 points as they are)
        return out
    # each history's median step, as np.median of |diff| over its first n_plain points
    tp = times[np.where(valid, plain, js[:, None])].astype(np.float64)
    d = np.abs(np.diff(tp, axis=1))  # (S, cap - 1), valid where offs + 1 < n_plain
    m = n_plain - 1
    d = np.sort(np.where(offs[None, : cap - 1] < m[:, None], d, np.inf), axis=1)
    rows = np.arange(len(js))
    mid_hi = d[rows, np.maximum(m, 1) // 2]
    mid_lo = d[rows, np.maximum(m - 1, 0) // 2]
    med = np.where(m % 2 == 1, mid_hi, np.mean(np.stack([mid_lo, mid_hi]), axis=0))
    thin = (m >= 1) & (med < dt)
    # the walk: every point's next one >= dt away inside its run, then chains of pointers
    idx = np.flatnonzero(thin)
    if len(idx) == 0:
        return out
    bounds = np.unique(np.concatenate([lo[idx], hi[idx]]))
    nxt = np.full(len(times), -1, np.int64)
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):  # runs do not overlap
        seg = times[a:b]
        if step < 0:
            k = a + np.searchsorted(seg, seg - dt, side="right") - 1
            nxt[a:b] = np.where(k >= a, k, -1)
        else:
            k = a + np.searchsorted(seg, seg + dt, side="left")
            nxt[a:b] = np.where(k < b, k, -1)
    chain = np.full((len(idx), cap), -1, np.int64)
    cur = js[idx]
    chain[:, 0] = cur
    for c in range(1, cap):
        cur = np.where(cur >= 0, nxt[np.maximum(cur, 0)], -1)
        if (cur < 0).all():
            break
        chain[:, c] = cur
    lengths = (chain >= 0).sum(1)
    for s, row, n in zip(idx.tolist(), chain, lengths.tolist(), strict=True):
        out[s] = row[:n]
    return out


def known_steps(t: np.ndarray, known: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The time steps between consecutive known points of the same trajectory."""
    idx = np.flatnonzero(known)
    same = groups[idx][1:] == groups[idx][:-1]
    return np.diff(np.asarray(t, np.float64)[idx])[same]


def is_dense(t: np.ndarray, known: np.ndarray, groups: np.ndarray, dt: float) -> bool:
    """Whether the call's known points are sampled denser than ``dt`` (median step)."""
    st = known_steps(t, known, groups)
    return bool(dt > 0 and len(st) and np.median(st) < dt)


def gap_spans(t: np.ndarray, known: np.ndarray, groups: np.ndarray) -> dict[int, list[float]]:
    """Per trajectory: the durations (s) of its interior gaps (known point to known point
    across hidden rows), in order."""
    t = np.asarray(t, np.float64)
    idx = np.flatnonzero(known)
    out: dict[int, list[float]] = {}
    for a, b in zip(idx[:-1], idx[1:], strict=True):
        if b > a + 1 and groups[a] == groups[b]:
            out.setdefault(int(groups[a]), []).append(float(t[b] - t[a]))
    return out


def span_mask(t: np.ndarray, groups: np.ndarray, spans: dict[int, list[float]]) -> np.ndarray:
    """A backtest mask over one trajectory table (every row known): per trajectory, spans as
    long as its real gaps (``spans[g]``, cycled) hidden, each after half a span of kept
    history and ending on a kept point at most ``MAX_SPREAD`` times the span after its start
    (a span that would straddle a long step is skipped). True = kept."""
    t = np.asarray(t, np.float64)
    keep = np.ones(len(t), bool)
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        durs = spans.get(int(groups[lo]), [])
        if not durs:
            continue
        seg, k, c = t[lo:hi], 0, 0
        while c < hi - lo - 2:
            d = durs[k % len(durs)]
            a = int(np.searchsorted(seg, seg[c] + d / 2, side="left"))
            if a >= len(seg) - 1:
                break
            n = int(np.searchsorted(seg, seg[a] + d, side="left"))
            if n >= len(seg):
                break
            if n > a + 1 and seg[n] - seg[a] <= MAX_SPREAD * d:
                keep[lo + a + 1 : lo + n] = False
                k, c = k + 1, n
            else:
                c = a + 1
    return keep
