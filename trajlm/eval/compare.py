"""Paired comparison of two methods on the same trajectories (issue 15's quality claims).

A claim "A beats B" is made on per-trajectory errors of both methods on the same split: the
mean difference and a paired bootstrap 95 % interval (trajectories resampled with
replacement, the same draw for both methods, so what the two share cancels out).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

# Resampled items held at once (one block of rows of the (n_boot, N) index, and the errors it
# gathers): ~4 MB per array, so eval's peak no longer grows with n_boot x N (scale37; 2^21
# items held ~50 MB at 14,520 trips, 2^19 ~13 MB and no slower: scale38).
BLOCK_ITEMS = 1 << 19


def resample_blocks(n_items: int, n_boot: int, seed: int) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, (rows, n_items) int64 block) over the rows of the bootstrap's resample index,
    ``default_rng(seed).integers(0, n_items, size=(n_boot, n_items))``, drawn from the one
    Generator block after block: NumPy's stream gives the same numbers chunked by rows as drawn
    whole (tests/test_scale37.py fails if that changes), so each resample, a row, is the same
    and is reduced as before: the intervals are the same to the bit."""
    rng = np.random.default_rng(seed)
    rows = max(1, BLOCK_ITEMS // max(n_items, 1))
    for start in range(0, n_boot, rows):
        yield start, rng.integers(0, n_items, size=(min(rows, n_boot - start), n_items))


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
    means = np.empty(n_boot)  # each resample's mean: a row of resampled items, block by block
    wd = w * d
    for start, idx in resample_blocks(len(d), n_boot, seed):
        rows = slice(start, start + len(idx))
        if weights is None:  # the unweighted mean as before (bit for bit)
            means[rows] = d[idx].mean(1)
        else:
            means[rows] = wd[idx].sum(1) / w[idx].sum(1)
    if weights is None:
        diff, base = d.mean(), b.mean()
    else:
        diff, base = wd.sum() / w.sum(), (w * b).sum() / w.sum()
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
    r = np.empty(n_boot)  # each resample's ratio: a row of resampled items, block by block
    with np.errstate(invalid="ignore", divide="ignore"):  # a zero baseline: inf / NaN, kept
        for start, idx in resample_blocks(len(a), n_boot, seed):
            r[start : start + len(idx)] = a[idx].mean(1) / b[idx].mean(1)
        ratio = a.mean() / b.mean()
    tail = 100 * (1 - level) / 2
    lo, hi = np.nanpercentile(r, [tail, 100 - tail]) if np.isfinite(r).any() else (np.nan,) * 2
    return {"ratio": float(ratio), "lo": float(lo), "hi": float(hi), "n": int(len(a))}
