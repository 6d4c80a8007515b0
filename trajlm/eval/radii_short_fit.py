"""Short-history multipliers of the radii (session 30, uncert30): fitted from val answers
(``fit_short``); a radii file's entry is read and applied by eval/radii_short.py (its module doc
says the form) and ``RadiiBins.factor``. Apart from radii_short.py because the fit needs
radii_bins.conformal_quantile and radii_bins reads radii_short (an import cycle)."""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.eval.motion_state import MULT_SPAN
from trajlm.eval.radii_bins import conformal_quantile


def fit_short(
    r: Any, w: Any, groups: Any, fixes: Any, levels: tuple[int, ...], caps: tuple[int, ...] = (1, 2, 3),
    min_n: int = 100, min_groups: int = 2, widen_only: bool = False,
) -> dict[int, dict[int, float]]:  # fmt: skip
    """{cap: {level: multiplier}} from val answers: ``r`` = {level: err / radius without a
    short multiplier}, ``w`` weights (sources equal), ``groups`` sources, ``fixes`` each answer's
    history length. Bin ``cap`` holds the answers of more fixes than the cap before it, up to
    ``cap``; a bin with too few answers or sources takes the quantile pooled over all the
    bins; ``widen_only``: a multiplier under 1 is 1. Multipliers are clipped to MULT_SPAN."""
    w, g = np.asarray(w, np.float64), np.asarray(groups)
    n = np.asarray(fixes, np.float64)
    edges = [0, *sorted(caps)]
    every = (n >= 1) & (n <= edges[-1])
    out = {}
    for lo, cap in zip(edges[:-1], edges[1:], strict=True):
        m = (n > lo) & (n <= cap)
        if m.sum() < min_n or len(set(g[m].tolist())) < min_groups:
            m = every
        one = {}
        for lv in levels:
            rr = np.asarray(r[lv], np.float64)
            ok = m & np.isfinite(rr) & np.isfinite(w)
            q = conformal_quantile(rr[ok], w[ok], lv / 100)
            q = max(q, 1.0) if widen_only else q
            one[lv] = float(min(max(q, MULT_SPAN[0]), MULT_SPAN[1]))
        out[cap] = one
    return out


__all__ = ["fit_short"]
