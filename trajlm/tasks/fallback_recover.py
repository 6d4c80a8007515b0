"""The call check of the guarded bridge (session 21, tasks21): never worse than interpolation.

The guard (recover_guard.apply_guard) sets each trajectory's gate and fallback interpolation
from a backtest on its own known points. Its choices are made on that same backtest, so the
backtest cannot say whether the guarded answer beats plain interpolation: on held-out data the
default path lost to Akima with a CI above 1 (AIS random 50 %: +12.6 %; a 1-s cyclists feed
every 60-120 s: +5-7 %; docs/recovery.md "Session 21 (tasks21)").

``call_check`` measures it without that bias, by cross-fitting: the scored backtest points of
each trajectory are split in two alternating halves; the guard is fitted on one half (its gates,
picks, shrinkage and pooled no-evidence rule, exactly as ``apply_guard`` does) and its answer
is read on the other, then the other way round. The pooled error of that out-of-half answer is
set beside the pooled errors of Akima, PCHIP and linear interpolation on the same points (no
choice is fitted for those, so they need no cross-fit). When the guarded answer is not below
the better interpolation, the whole call is answered by that interpolation and the recoverer
says so in one line (``FallbackWarning``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.errors import warn_at_caller
from trajlm.objectives.spline import spline_per_trajectory
from trajlm.tasks.recover_guard import apply_guard
from trajlm.tasks.recover_interp import akima_xy, linear_xy

CHECKS = ("off", "call", "length")  # BridgeRecoverer(check=...): none, the cross-fit above, or
# the cross-fit per gap length (fallback_length.py, session 29)
INTERPS = ("akima", "pchip", "linear")  # the harness's baselines (its spline flavour on val)


class FallbackWarning(UserWarning):
    """A recoverer answered with a baseline because its model did worse on the call's own
    backtest (one line: what was compared, the errors, what was returned)."""


def pchip_xy(xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The PCHIP spline per trajectory (the harness's flavour where val picks it), linear where
    undefined (known rows as given)."""
    out = linear_xy(xy, t, known, groups)
    sp = spline_per_trajectory(xy, t, known, groups, "pchip")
    ok = ~np.asarray(known, bool) & np.isfinite(sp).all(1)
    out[ok] = sp[ok]
    return out


def interpolate(kind: str, xy: np.ndarray, t: np.ndarray, known: np.ndarray,
                groups: np.ndarray) -> np.ndarray:  # fmt: skip
    """One of ``INTERPS`` through the known rows, in metres."""
    return {"akima": akima_xy, "pchip": pchip_xy, "linear": linear_xy}[kind](xy, t, known, groups)


def halves(scored: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(P,) int8: 0 / 1 alternating over each trajectory's scored rows (the 1st, 3rd, ...
    scored point of a trajectory in half 0), -1 on rows not scored."""
    scored = np.asarray(scored, bool)
    rows = np.flatnonzero(scored)
    out = np.full(len(scored), -1, np.int8)
    if not len(rows):
        return out
    g = np.asarray(groups)[rows]
    first = np.r_[True, g[1:] != g[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(rows)), 0))
    out[rows] = (np.arange(len(rows)) - start) % 2
    return out


def cross_fit_estimate(
    rec: Any, errs: dict, xs: np.ndarray, ts: np.ndarray, k2: np.ndarray, gs: np.ndarray,
    scored: np.ndarray, spans: bool,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(P, 2) metres: the guard fitted on one half of the backtest's scored points, read on the
    other (both ways round); and the scored rows it was read on. Leaves ``rec.last_*`` as
    found."""
    half = halves(scored, gs)
    est = np.array(errs["bridge"], np.float64, copy=True)
    saved = {k: getattr(rec, k, None) for k in ("last_pick", "last_errors")}
    try:
        for h in (0, 1):
            fit_on = half == h
            read = half == 1 - h
            if not read.any():
                continue
            res, _ = apply_guard(rec, errs["bridge"], xs, ts, k2, gs, errs, xs, gs, fit_on, spans)
            est[read] = res[read]
    finally:
        for k, v in saved.items():
            setattr(rec, k, v)
    return est, np.flatnonzero(half >= 0)


def cross_fit_errors(
    rec: Any, errs: dict, xs: np.ndarray, ts: np.ndarray, k2: np.ndarray, gs: np.ndarray,
    scored: np.ndarray, spans: bool, estimate: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, float]:  # fmt: skip
    """Pooled mean error (m) over the backtest's scored points of: the guard fitted on the other
    half ("guarded"), Akima and linear. ``errs``/``xs``/``ts``/``k2``/``gs``/``scored``/
    ``spans``: the backtest of ``BridgeRecoverer._guard``; ``estimate``: cross_fit_estimate's
    answer where the caller already has it. Leaves ``rec.last_*`` as found."""
    est, rows = estimate or cross_fit_estimate(rec, errs, xs, ts, k2, gs, scored, spans)

    def pooled(p: np.ndarray) -> float:
        return float(np.linalg.norm(p[rows] - xs[rows], axis=1).mean()) if len(rows) else 0.0

    out = {"guarded": pooled(est), "n": int(len(rows))}
    for kind in INTERPS:  # the guard's own Akima / linear, PCHIP here
        out[kind] = pooled(errs[kind] if kind in errs else interpolate(kind, xs, ts, k2, gs))
    return out


def call_fallback(errors: dict[str, float], min_scored: int) -> str | None:
    """ "akima" / "pchip" / "linear": the interpolation that answers the call instead of the guarded
    bridge (not below it on the cross-fit), or None (keep the guarded answer; also with fewer
    than ``min_scored`` scored points: no evidence either way)."""
    if errors["n"] < max(2, min_scored):
        return None
    best = min(INTERPS, key=lambda k: errors[k])  # ties: the first of INTERPS
    return best if errors["guarded"] >= errors[best] else None


def say_fallback(name: str, errors: dict[str, float], kind: str, words: str | None = None) -> None:
    """The one line: what was compared and what the call returns (``words``: the answer in
    words where a saved table picked it, fallback_gap.fallback_answer)."""
    best = min(INTERPS, key=lambda k: errors[k])  # what the model was compared with
    warn_at_caller(
        f"{name}: on this call's own known points (a backtest of {errors['n']} hidden fixes) "
        f"the model's recovery was not below {best} interpolation ({errors['guarded']:.1f} m vs "
        f"{errors[best]:.1f} m): returning "
        f"{words or kind + ' interpolation for every gap of this call'} "
        "(BridgeRecoverer(check='off') keeps the model's answer)",
        FallbackWarning,
    )


def verdict_fallback(verdict: dict, errors: dict[str, float], rule: str = "whether") -> str | None:
    """The interpolation answering a call smaller than the run's val verdict, or None (the
    model answers). The verdict decides whether the model answers; ``rule="whether"``: the
    call's own backtest picks which interpolation (no choice is fitted for those, so that
    pick is fair even on few points); ``"engine"``: the verdict's interpolation."""
    kind = verdict["engine"]
    if kind == "model":
        return None
    if rule == "engine" or errors.get("n", 0) < 2:
        return kind
    return min(INTERPS, key=lambda k: errors[k])  # ties: the first of INTERPS


def say_verdict(
    name: str, errors: dict[str, float], verdict: dict, kind: str, words: str | None = None
) -> None:
    """The one line when the run's saved val verdict answers a call too small to judge itself
    (session 22, tte22: trajlm/eval/val_verdict.py)."""
    v = verdict.get("val_mae_m", {})
    won = verdict["engine"]
    how = (
        words
        or f"{kind} interpolation (the best on this call's backtest) for every gap of this call"
    )
    said = (
        f" ({v[won]:.1f} m vs the model's {v['model']:.1f} m)" if "model" in v and won in v else ""
    )
    warn_at_caller(
        f"{name}: this call's own backtest ({errors['n']} hidden fixes) is smaller than the run's "
        f"val check ({verdict['n_hidden']}), where interpolation beat the model{said}: "
        f"returning {how} (fallback=False keeps the model's answer)",
        FallbackWarning,
    )


__all__ = ["CHECKS", "FallbackWarning", "call_fallback", "cross_fit_errors", "cross_fit_estimate",
           "halves", "interpolate", "pchip_xy", "say_fallback", "say_verdict",
           "verdict_fallback"]  # fmt: skip
