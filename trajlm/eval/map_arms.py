"""Two ways a movement map (``trajlm.data.move_map.MoveMap``) can correct a 5-step prediction
(geo30, issue 15; docs/candidates.md "Session 30 (geo30)"):

- ``map_knn``: kNN continuation's neighbours re-weighted by the map score of each neighbour's
  path at the query's place (kNN matches the history's shape in its own frame, so it cannot
  know which way the streets at this place go; the map can);
- ``map_turn``: an answer turned about the last fix to the angle whose path the map scores
  best, less a penalty per radian turned (``lam``; ``np.inf``: never turn).

``choose_on_rows`` picks a parameter from a grid by the mean error on rows the caller says are
fair (for GeoLife: train folds, each scored with a map that holds none of its trips).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from trajlm.data.move_map import MoveMap
from trajlm.data.retrieval import heading, rotate
from trajlm.eval.heading_head import rotate_answer

TURN_GRID_DEG = np.arange(-45, 46, 5)


def weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Median over axis 1 of ``values`` (N, n, ...) with ``weights`` (N, n), per remaining
    element; equal weights give ``np.median`` (the middle pair's mean for an even n)."""
    v = np.moveaxis(np.asarray(values, np.float64), 1, -1)  # (N, ..., n)
    w = np.asarray(weights, np.float64)
    w = w / w.sum(1, keepdims=True)
    w = np.broadcast_to(w.reshape(len(w), *([1] * (v.ndim - 2)), w.shape[1]), v.shape)
    order = np.argsort(v, -1)
    vs, ws = np.take_along_axis(v, order, -1), np.take_along_axis(w, order, -1)
    cum = np.cumsum(ws, -1)
    tol = 1e-9
    lo = np.argmax(cum >= 0.5 - tol, -1)[..., None]  # first value reaching half the weight
    hi = np.argmax(cum > 0.5 + tol, -1)[..., None]  # first value past it (a tie: the next)
    return 0.5 * (np.take_along_axis(vs, lo, -1) + np.take_along_axis(vs, hi, -1))[..., 0]


def neighbour_scores(move_map: MoveMap, last: np.ndarray, conts: np.ndarray) -> np.ndarray:
    """(N, n) the map score of each neighbour's path placed at the query (conts (N, n, k, 2)
    metres from ``last`` (N, 2))."""
    last = np.asarray(last, np.float64)
    paths = last[:, None, None] + conts
    return move_map.path_score(np.broadcast_to(last[:, None], paths[..., 0, :].shape), paths)


def heading_frame(hist_xy: np.ndarray, lengths: np.ndarray,
                  history: int = 5) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(cos, sin) of each query's heading frame, as ``RetrievalIndex.features`` reads it from
    the last ``history`` points: kNN's median is taken per coordinate in that frame."""
    rows = np.arange(len(hist_xy))[:, None]
    idx = np.asarray(lengths)[:, None] - history + np.arange(history)[None, :]
    return heading(np.asarray(hist_xy, np.float64)[rows, idx], np.full(len(hist_xy), history))


def map_knn(scores: np.ndarray, last: np.ndarray, conts: np.ndarray, tau: float,
            frame: tuple[np.ndarray, np.ndarray]) -> np.ndarray:  # fmt: skip
    """(N, k, 2) the neighbours' weighted median path, weights exp(tau (score - max score)),
    the median per coordinate in the query's heading ``frame`` (``heading_frame``); tau = 0 is
    kNN continuation's own answer."""
    c, s = frame
    n, nb, k, _ = conts.shape
    own = rotate(conts.reshape(n, nb * k, 2), c, -s).reshape(n, nb, k, 2)
    w = np.exp(tau * (scores - scores.max(1, keepdims=True)))
    return np.asarray(last, np.float64)[:, None] + rotate(weighted_median(own, w), c, s)


def map_turn(move_map: MoveMap, last: np.ndarray, answer: np.ndarray, lam: float,
             angles_deg: Sequence[float] = TURN_GRID_DEG) -> np.ndarray:  # fmt: skip
    """(N, k, 2) each answer turned to argmax over the angles of map score - lam x |angle|
    (radians; ties: the smaller turn); lam = inf returns the answer."""
    answer = np.asarray(answer, np.float64)
    if not np.isfinite(lam):
        return answer.copy()
    theta = np.deg2rad(np.asarray(angles_deg, np.float64))
    theta = theta[np.argsort(np.abs(theta), kind="stable")]  # argmax keeps the first: smallest
    gain = np.stack([
        move_map.path_score(last, rotate_answer(last, answer, np.full(len(answer), a)))
        - lam * abs(a) for a in theta], 1)  # fmt: skip
    return rotate_answer(last, answer, theta[np.argmax(gain, 1)])


def choose_on_rows(grid: Sequence[float], error: Callable[[float], float]) -> tuple[float, dict]:
    """(the grid value with the lowest error, {value: error}); ties: the earlier value."""
    got = {float(g): float(error(g)) for g in grid}
    return min(got, key=got.__getitem__), got  # min keeps the first of equal errors


__all__ = ["TURN_GRID_DEG", "choose_on_rows", "heading_frame", "map_knn", "map_turn", "neighbour_scores",
           "weighted_median"]  # fmt: skip
