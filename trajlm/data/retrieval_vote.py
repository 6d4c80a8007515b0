"""How a retrieval index's neighbours vote: their continuations combined step by step by the
coordinate-wise median, the mean or the geometric median (``AGGREGATES``), the median by
blocks of query rows so that eval's peak stays bounded (data/retrieval.py's queries).

Moved from data/retrieval.py unchanged (review39); importable from there as before.
"""

from __future__ import annotations

import numpy as np

AGGREGATES = ("median", "mean", "geomedian")  # appended only: saved indexes store the position


def spatial_median(points: np.ndarray, iters: int = 1000, tol_m: float = 1e-3) -> np.ndarray:
    """Geometric (spatial) median of (..., n, 2) points -> (..., 2), by Weiszfeld's iteration
    from the coordinate-wise median. It minimises the mean Euclidean distance to the points, the
    ADE's own loss, and turns with the frame; the coordinate-wise median minimises a Manhattan
    loss that depends on the frame's axes (stork30: with half the neighbours staying and half
    flying off, it answered half-way, km from both)."""
    z = np.median(points, -2)
    for _ in range(iters):
        d = np.linalg.norm(points - z[..., None, :], axis=-1)
        w = 1.0 / np.maximum(d, 1e-6)  # a point on the estimate: weight capped, no division by 0
        new = (w[..., None] * points).sum(-2) / w.sum(-1)[..., None]
        done = np.abs(new - z).max() < tol_m if new.size else True
        z = new
        if done:
            break
    return z


def aggregate_continuations(conts: np.ndarray, aggregate: str) -> np.ndarray:
    """(Q, n_nb, k, 2) neighbour continuations -> (Q, k, 2), per step, by ``aggregate``."""
    if aggregate == "median":
        return np.median(conts, 1)
    if aggregate == "geomedian":
        return spatial_median(np.moveaxis(conts, 1, -2))
    return conts.mean(1)


# gathered neighbour values held at once by ``median_of_neighbours`` (~16 MB of float64)
GATHER_ITEMS = 1 << 21


def median_of_neighbours(continuations: np.ndarray, nb: np.ndarray, k: int) -> np.ndarray:
    """``aggregate_continuations(continuations[nb, :k], "median")`` ((Q, k, 2) from a library's
    (M, horizon, 2) continuations and (Q, n_nb) neighbour indices), gathered a block of rows at
    a time: each median value is its own row's, so the same numbers (tests/test_scale37.py),
    without the whole (Q, n_nb, k, 2) gather and its sorted copy (scale37: at 80 neighbours
    of 14,519 val trips, the place-aware tuning's, eval's peak at 6.1 M fixes)."""
    step = max(1, GATHER_ITEMS // max(1, nb.shape[1] * k * 2))
    if len(nb) <= step:
        return aggregate_continuations(continuations[nb, :k], "median")
    return np.concatenate([np.median(continuations[nb[i : i + step], :k], 1)
                           for i in range(0, len(nb), step)])  # fmt: skip
