"""Recovery's model-or-interpolation choice made per gap length (session 29, recover29).

The call check (fallback_recover.py) decides once per call whether the guarded bridge or an
interpolation answers every gap. Its cross-fitted backtest already holds, for each scored fix,
the guarded answer (fitted on the other half) and the interpolation's; binned by the length of
the backtest gap each fix sat in (fallback_gap.gap_bins: octaves of seconds between the known
anchors) it says at which gap lengths the model helps on this call. ``BridgeRecoverer(check=
"length")`` answers each real gap by its own length's bin: the guarded bridge where its mean
error in that bin is below the interpolation's, the interpolation where it is not. A bin with
fewer than MIN_POINTS scored fixes borrows the nearest bin within BORROW octave(s); a gap in
no such bin (or with a known point on one side only) keeps the call's decision. Nothing is
read from the run's saved files: trajlm-small ships no val verdict, and a verdict measured on
val cannot be scored on val. Measured in docs/recovery.md "Session 29 (recover29)".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.errors import warn_at_caller
from trajlm.tasks.fallback_gap import (
    MIN_POINTS,
    borrowed,
    fallback_answer,
    gap_bins,
    gap_seconds,
)
from trajlm.tasks.fallback_recover import INTERPS, FallbackWarning, interpolate


def model_wins_by_bin(
    est: np.ndarray, interp: np.ndarray, xs: np.ndarray, rows: np.ndarray, bins: np.ndarray
) -> dict[int, bool]:
    """{bin: whether the guarded answer's mean error is below the interpolation's} over the
    backtest's scored ``rows`` (``bins``: each row's gap bin, -1 none); bins with fewer than
    MIN_POINTS scored rows borrow (fallback_gap.borrowed)."""
    scored_bins = bins[rows]
    e_model = np.linalg.norm(est[rows] - xs[rows], axis=1)
    e_interp = np.linalg.norm(interp[rows] - xs[rows], axis=1)
    own = {}
    for gap_bin in np.unique(scored_bins[scored_bins >= 0]):
        sel = scored_bins == gap_bin
        if sel.sum() >= MIN_POINTS:
            own[int(gap_bin)] = bool(e_model[sel].mean() < e_interp[sel].mean())
    return borrowed(own)


def model_rows(
    wins: dict[int, bool], call_model: bool, t: np.ndarray, known: np.ndarray, groups: np.ndarray
) -> np.ndarray:
    """(P,) bool: the hidden rows the model answers (by their gap's bin; ``call_model``, the
    call's own decision, where their bin has no evidence)."""
    bins = gap_bins(gap_seconds(t, known, groups))
    use = np.full(len(bins), call_model)
    for b, w in wins.items():
        use[bins == b] = w
    return use & ~np.asarray(known, bool)


def bin_words(bins: list[int]) -> str:
    """ "16-31 s, 64-127 s": the gap lengths of octave bins."""
    return ", ".join(f"{2**b if b else 0}-{2 ** (b + 1) - 1} s" for b in sorted(bins))


def length_answer(
    rec: Any, res: np.ndarray, estimate: tuple[np.ndarray, np.ndarray], errs: dict,
    backtest: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray,
) -> np.ndarray | None:  # fmt: skip
    """A call's answer with the model or the interpolation chosen per gap length (module
    docstring). ``rec``: the BridgeRecoverer (its ``last_check`` / ``last_fallback`` set by the
    call check; ``last_fallback`` is updated to what answered); ``res``: the guarded answer;
    ``estimate``: cross_fit_estimate's; ``errs`` / ``backtest`` (xs, ts, k2, gs): the guard's
    backtest. One FallbackWarning line where an interpolation answers any gap. None where
    every gap takes the call's own decision (the caller answers as check "call" does)."""
    xs, ts, k2, gs = backtest
    check = rec.last_check
    kind = rec.last_fallback or min(INTERPS, key=lambda k: check[k])
    interp = errs[kind] if kind in errs else interpolate(kind, xs, ts, k2, gs)
    wins = model_wins_by_bin(
        estimate[0], interp, xs, estimate[1], gap_bins(gap_seconds(ts, k2, gs))
    )
    use = model_rows(wins, rec.last_fallback is None, t, known, groups)
    hidden = ~np.asarray(known, bool)
    n_model, n_interp = int(use.sum()), int((hidden & ~use).sum())
    if (n_interp == 0) == (rec.last_fallback is None) and (n_model == 0) == (
        rec.last_fallback is not None
    ):
        return None  # the call's own decision in every gap: answered as check "call"
    if not n_interp:
        rec.last_fallback = None
        return res
    fb, name, words = fallback_answer(kind, rec._table(), rec.gap_rule, xy, t, known, groups)
    what = words or f"{kind} interpolation"
    if not n_model:
        rec.last_fallback = name
        how = f"{what} for every gap of this call" if words is None else what
        said = f"the model's recovery was not below {kind} interpolation at any gap length"
    else:
        named = (
            name.split(": ", 1)[1] if name.startswith("by gap length: ") else f"{name} {n_interp}"
        )
        rec.last_fallback = f"by gap length: model {n_model}, {named}"
        worse = sorted(b for b, w in wins.items() if not w)
        said = (f"the model's recovery was not below {kind} interpolation on gaps of "
                f"{bin_words(worse)}" if worse else
                f"the model's recovery was not below {kind} interpolation on the whole call")  # fmt: skip
        how = f"the model's answer for {n_model} fixes and {what} for {n_interp}"
    warn_at_caller(  # the caller's line however deep the call (review29: was stacklevel=5)
        f"{rec._said}: on this call's own known points (a backtest of {check['n']} hidden fixes) "
        f"{said}: returning {how} (BridgeRecoverer(check='off') keeps the model's answer)",
        FallbackWarning,
    )
    return np.where(use[:, None], res, fb)


__all__ = ["bin_words", "length_answer", "model_rows", "model_wins_by_bin"]
