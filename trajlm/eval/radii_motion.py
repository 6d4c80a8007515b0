"""Motion-state multipliers of the radii (session 28, uncert28): fitted from val answers
(``fit_motion``); a radii file's entry is read by eval/motion_state.read_motion and applied by
``RadiiBins.factor`` (eval/radii_bins.py's module doc, eval/motion_state.py for the states)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from trajlm.eval.radii_bins import RadiiBins, conformal_quantile


def fit_motion(
    bins: RadiiBins, r: Any, w: Any, groups: Any, ahead: Any, speed: Any, std: Any,
    interval: Any, state: Any, states: tuple[str, ...] = ("stopped", "starting"),
    widen_only: bool = True, levels: tuple[int, ...] | None = None, fast: str = "no",
) -> RadiiBins:  # fmt: skip
    """``bins`` with motion-state multipliers (module doc) from val answers: ``r`` = err /
    std_m, ``w`` weights, ``groups`` sources, the rest as ``factor`` reads them. A state with
    fewer than ``min_n`` answers or ``min_groups`` sources gets none; ``widen_only``: a
    multiplier under 1 is 1; ``levels``: the levels refitted (others 1). ``fast``: "no" (one
    set for every answer), "only" (a set for 1-2 s movers' answers only) or "split" (both: the
    regular set fitted on the other answers)."""
    r, w = np.asarray(r, np.float64), np.asarray(w, np.float64)
    st, g = np.asarray(state, dtype=object), np.asarray(groups)
    dt = np.asarray(interval, np.float64)
    quick = np.isfinite(dt) & (dt > 0) & (dt <= bins.fast_interval_s)
    use = np.isfinite(r) & np.isfinite(w)
    plain = replace(bins, motion=None, motion_fast=None)
    f = {lv: plain.factor(lv, ahead, speed, std, None, interval) for lv in bins.levels}

    def fitted(sel: np.ndarray) -> dict | None:
        motion = {}
        for name in states:
            m = sel & (st == name)
            if m.sum() < bins.min_n or len(set(g[m].tolist())) < bins.min_groups:
                continue
            one = {}
            for lv in bins.levels:
                q = conformal_quantile(r[m] / f[lv][m], w[m], lv / 100) \
                    if lv in (levels or bins.levels) else 1.0  # fmt: skip
                one[lv] = max(q, 1.0) if widen_only else q
            motion[name] = one
        return motion or None

    regular = None if fast == "only" else fitted(use & ~quick if fast == "split" else use)
    return replace(bins, motion=regular, motion_fast=fitted(use & quick) if fast != "no" else None)


__all__ = ["fit_motion"]
