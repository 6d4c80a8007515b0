"""The guard of the bridge (split from recover_bridge.py, session 19): from a backtest on a
trajectory's own known points, how far to trust the bridge and which interpolation to fall back
on (recover_bridge's module docstring, item 4; the options are BridgeRecoverer's).

``pick="gap"`` (session 19, recover19; dense calls only): the fallback interpolation is chosen
per gap from the known points around it (recover_interp.gap_pick) instead of once per
trajectory; a gap without such evidence keeps the trajectory's pick. ``pick="around"``: once
per trajectory, from the span backtest's errors plus those of the windows around all of its
gaps (more evidence than one or two spans). Both measured on the val sea and not adopted
(docs/recovery.md "Session 19 (recover19)").

``knots="pick"`` with ``wide_margin`` m (session 19, dense19): the wide Akima is a third
candidate only where its backtest error is below (1 - m) x the better of Akima / linear. With
three candidates scored on a few noisy backtest spans the smallest error wins by luck as well
as by merit (the losing wide picks on held-out buses / cars and raw 1-s GeoLife had won their
backtests mostly by 0.4-8 %); a margin asks the evidence to be clear. ``wide_every``: also
below in every backtest span (tried: it threw away the ships' gains). docs/recovery.md
"Session 19 (dense19)".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.tasks.recover_interp import akima_wide_xy, akima_xy, around_errors, gap_pick, linear_xy

PICKS = ("trajectory", "gap", "around")  # the fallback interpolation's choice (docstring)


def guard_mask(known: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """known with every other interior known point of each trajectory hidden (the 2nd, 4th,
    ... known point; a trajectory's first and last known points stay)."""
    known = np.asarray(known, bool)
    idx = np.flatnonzero(known)
    g = groups[idx]
    first = np.r_[True, g[1:] != g[:-1]]
    lastk = np.r_[g[1:] != g[:-1], True]
    ordinal = np.arange(len(idx)) - np.maximum.accumulate(np.where(first, np.arange(len(idx)), 0))
    hide = (ordinal % 2 == 1) & ~lastk
    out = known.copy()
    out[idx[hide]] = False
    return out


def wins_every_span(
    errs: dict, xs: np.ndarray, gs: np.ndarray, scored: np.ndarray, use_akima: np.ndarray,
    margin: float, G: int,
) -> np.ndarray:  # fmt: skip
    """(G,) bool: the wide Akima's mean error below (1 - margin) x the picked interpolation's
    in every backtest span of the trajectory (a run of scored rows)."""
    opens = scored & ~np.r_[False, scored[:-1] & (gs[1:] == gs[:-1])]
    sid = np.cumsum(opens) - 1
    rows = np.flatnonzero(scored)
    d = {k: np.linalg.norm(errs[k][rows] - xs[rows], axis=1) for k in ("akima", "linear",
                                                                      "akima_wide")}  # fmt: skip
    other = np.where(use_akima[gs[rows]], d["akima"], d["linear"])
    k = sid[rows]
    lose = np.bincount(k, other * (1.0 - margin) - d["akima_wide"]) <= 0  # per span
    span_g = gs[rows][np.r_[True, k[1:] != k[:-1]]]
    return np.bincount(span_g[lose], minlength=G) == 0


def shrink(rec: Any, rho: np.ndarray, n: np.ndarray, rho_pool: float) -> np.ndarray:
    """Each trajectory's ratio shrunk toward the prior by n / (n + k) in log space."""
    prior = rho_pool
    if rec.shrink_rule == "logmean":
        ev = n >= rec.min_scored
        lr = np.log(np.maximum(rho[ev], 1e-9))
        prior = float(np.exp(np.average(lr, weights=n[ev]))) if ev.any() else rho_pool
    lam = n / (n + rec.shrink_k)
    out = rho**lam * prior ** (1.0 - lam)
    return np.minimum(out, rho) if rec.shrink_rule == "down" else out


def apply_guard(
    rec: Any, out: np.ndarray, xy: np.ndarray, t: np.ndarray, known: np.ndarray,
    groups: np.ndarray, errs: dict, xs: np.ndarray, gs: np.ndarray, scored: np.ndarray,
    spans: bool,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(recovered metres, per-trajectory gate g): interp + g (bridge - interp), from the
    backtest's estimates ``errs`` ({"bridge", "akima", "linear"}: (len(xs), 2)) of the known
    points ``xs`` (trajectories ``gs``) at the rows ``scored``; ``rec``: the recoverer's
    options (min_scored, no_evidence(_rule), fallback, shrink_k / shrink_rule, evidence,
    guard_power, pick, knots / wide_margin / wide_every). Sets ``rec.last_pick`` (0 linear,
    1 Akima, 2 wide Akima per trajectory) and ``rec.last_errors`` (the backtest's means)."""
    G = int(groups.max()) + 1
    npts = np.bincount(gs[scored], minlength=G).astype(float)
    n = npts  # the evidence: scored points, or (evidence "spans") backtest spans
    if spans and rec.evidence == "spans":  # points of one span are one piece of evidence
        opens = scored & ~np.r_[False, scored[:-1] & (gs[1:] == gs[:-1])]
        n = np.bincount(gs[opens], minlength=G).astype(float)
    e, pool = {}, {}
    for key, v in errs.items():
        d = np.linalg.norm(v[scored] - xs[scored], axis=1)
        e[key] = np.bincount(gs[scored], d, minlength=G) / np.maximum(npts, 1)
        pool[key] = float(d.mean()) if len(d) else 0.0  # the call's pooled track record
    use_akima = e["akima"] <= e["linear"]  # ties and no evidence: Akima
    if spans and rec.pick == "around":  # + the windows around every gap of the trajectory
        tot = around_errors(xy, t, known, groups, G)
        tot += np.stack([e["akima"], e["linear"]], 1) * npts[:, None]
        use_akima = np.where(tot.any(1), tot[:, 0] <= tot[:, 1], use_akima)
    if rec.fallback != "best":
        use_akima = np.full(G, rec.fallback == "akima")
    weak = n < rec.min_scored
    # pooled: only from a pool of >= min_scored points (a lone short trip keeps no_evidence)
    has_pool = int(scored.sum()) >= rec.min_scored
    pooled = rec.no_evidence_rule == "pooled" and has_pool
    pool_akima = pool["akima"] <= pool["linear"] if rec.fallback == "best" else (
        rec.fallback == "akima")  # fmt: skip
    if pooled:  # no evidence: the pooled interpolation choice (as "best" picks it)
        use_akima = np.where(weak, pool_akima, use_akima)
    wide = None  # knots "pick": per trajectory, the wide Akima where its backtest beats both
    if spans and rec.knots == "pick" and "akima_wide" in errs and rec.fallback == "best":
        d = np.linalg.norm(errs["akima_wide"][scored] - xs[scored], axis=1)
        e["akima_wide"] = np.bincount(gs[scored], d, minlength=G) / np.maximum(npts, 1)
        best = np.minimum(e["akima"], e["linear"])
        wide = (e["akima_wide"] < (1.0 - rec.wide_margin) * best) & ~weak
        if rec.wide_every:  # and below the picked one in every backtest span
            wide &= wins_every_span(errs, xs, gs, scored, use_akima, rec.wide_margin, G)
        use_akima = use_akima | wide
    # which interpolation each trajectory falls back on: 0 linear, 1 Akima, 2 wide Akima
    rec.last_pick = use_akima.astype(np.int8) + (wide if wide is not None else 0)
    rec.last_errors = e  # the backtest's mean error per trajectory, by candidate
    row_akima = use_akima[groups]
    if spans and rec.pick == "gap" and rec.fallback == "best":  # per gap, from around it
        local = gap_pick(xy, t, known, groups)
        row_akima = np.where(local >= 0, local == 1, row_akima)
    akima = akima_wide_xy if spans and rec.knots == "wide" else akima_xy
    interp = np.where(row_akima[:, None], akima(xy, t, known, groups),
                      linear_xy(xy, t, known, groups))  # fmt: skip
    e_i = np.where(use_akima, e["akima"], e["linear"])
    if wide is not None and wide.any():
        interp = np.where(wide[groups][:, None], akima_wide_xy(xy, t, known, groups), interp)
        e_i = np.where(wide, e["akima_wide"], e_i)
    e_p = pool["akima"] if pool_akima else pool["linear"]
    rho_pool = e_p / max(pool["bridge"], 1e-9)
    rho = e_i / np.maximum(e["bridge"], 1e-9)
    if rec.shrink_k > 0 and has_pool:  # empirical Bayes: n / (n + k) of its own ratio
        rho = shrink(rec, rho, n, rho_pool)
    g = np.minimum(1.0, rho**rec.guard_power)
    ne = rec.no_evidence
    if pooled:
        ne = min(1.0, rho_pool**rec.guard_power)
    g = np.where(n >= rec.min_scored, g, ne)
    return interp + g[groups][:, None] * (out - interp), g
