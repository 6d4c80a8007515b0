"""Paired comparison of two methods on the same trajectories (issue 15's quality claims).

A claim "A beats B" is made on per-trajectory errors of both methods on the same split: the
mean difference and a paired bootstrap 95 % interval (trajectories resampled with
replacement, the same draw for both methods, so what the two share cancels out).
"""

from __future__ import annotations

import numpy as np


def paired_bootstrap_ci(
    a: np.ndarray,
    b: np.ndarray,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    *,
    weights: np.ndarray | None = None,
) -> dict[str, float]:
    """Mean of a - b (N,) per-item errors and its paired bootstrap interval.

    Returns diff (mean a - b), lo, hi (the ``level`` percentile interval), rel (diff / mean b)
    and n. A negative interval that excludes 0 means a is reliably lower (better) than b.
    ``weights`` (N,): each item's count of scored windows, as ``paired_bootstrap_ratio``'s (a
    and b each item's mean over them): the pooled means' difference, sum(w (a - b)) / sum(w),
    with the items (trajectories), not their windows, resampled (outside35).
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape or a.ndim != 1 or len(a) == 0:
        raise ValueError(f"need two equal-length 1-D arrays, got {a.shape} and {b.shape}")
    w = np.ones_like(a) if weights is None else np.asarray(weights, np.float64)
    if w.shape != a.shape:
        raise ValueError(f"weights {w.shape} do not match the items {a.shape}")
    d = a - b
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(d), size=(n_boot, len(d)))  # (n_boot, N) resampled items
    if weights is None:  # the unweighted mean as before (bit for bit)
        means, diff, base = d[idx].mean(1), d.mean(), b.mean()
    else:
        means = (w * d)[idx].sum(1) / w[idx].sum(1)
        diff, base = (w * d).sum() / w.sum(), (w * b).sum() / w.sum()
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(means, [tail, 100 - tail])
    return {"diff": float(diff), "lo": float(lo), "hi": float(hi),
            "rel": float(diff / base), "n": int(len(d))}  # fmt: skip


def paired_bootstrap_ratio(
    a: np.ndarray,
    b: np.ndarray,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    weights: np.ndarray | None = None,
) -> dict[str, float]:
    """mean(a) / mean(b) of (N,) per-item errors and its paired bootstrap interval (the same
    resampled items for both, as ``paired_bootstrap_ci``): ratio, lo, hi, n. An interval
    below 1 means a is reliably lower (better) than b. ``weights`` (N,): each item's count of
    scored windows (a and b are then each item's mean over them): the ratio is the pooled one,
    sum(w a) / sum(w b), and the items (trajectories), not their windows, are resampled."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape or a.ndim != 1 or len(a) == 0:
        raise ValueError(f"need two equal-length 1-D arrays, got {a.shape} and {b.shape}")
    if weights is not None:
        w = np.asarray(weights, np.float64)
        if w.shape != a.shape:
            raise ValueError(f"weights {w.shape} do not match the items {a.shape}")
        a, b = a * w, b * w  # sums over windows: their means below divide alike
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(n_boot, len(a)))
    with np.errstate(invalid="ignore", divide="ignore"):  # a zero baseline: inf / NaN, kept
        r = a[idx].mean(1) / b[idx].mean(1)
        ratio = a.mean() / b.mean()
    tail = 100 * (1 - level) / 2
    lo, hi = np.nanpercentile(r, [tail, 100 - tail]) if np.isfinite(r).any() else (np.nan,) * 2
    return {"ratio": float(ratio), "lo": float(lo), "hi": float(hi), "n": int(len(a))}
