"""A retrieval library's windows cut and normalised a block of windows at a time (scale38).

``RetrievalIndex.train_windows`` gathered every window at once: at 300,000 windows of 13
points the gather, its index, the own-frame histories and the rotations' temporaries were
~250 MB beside the library they make, eval's peak at 6.1 M fixes (the plain kNN's history-8
cut). Every step is row by row (a window's features, heading and continuation read only its
own points), so cutting ``BLOCK_WINDOWS`` windows at a time and writing each block into the
whole arrays gives the same numbers (tests/test_scale38.py).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# windows cut at once: ~4 MB of float64 per array at 13 points a window
BLOCK_WINDOWS = 1 << 14


def rotate(p: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Rotate (N, m, 2) points by the angle with cos c, sin s (N,)."""
    c, s = c[:, None], s[:, None]
    return np.stack([c * p[..., 0] - s * p[..., 1], s * p[..., 0] + c * p[..., 1]], axis=-1)


Featurize = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


def cut_windows(
    xy: np.ndarray, starts: np.ndarray, history: int, horizon: int, featurize: Featurize
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Windows of ``history + horizon`` points of ``xy`` (n, 2) starting at ``starts`` (M,):
    shape features (``featurize`` of each history: (M, F)), c, s (M,) their last heading,
    origins (M, 2) where each history ends, and continuations (M, horizon, 2) in the
    window's frame (rotated by -heading from the origin)."""
    xy = np.asarray(xy, np.float64)
    steps = np.arange(history + horizon)
    out: tuple[np.ndarray, ...] = ()
    for first in range(0, len(starts), BLOCK_WINDOWS):
        rows = slice(first, first + BLOCK_WINDOWS)
        win = xy[starts[rows, None] + steps]  # (b, w, 2)
        shape, c, s = featurize(win[:, :history], np.full(len(win), history))
        origin = win[:, history - 1 : history]
        conts = rotate(win[:, history:] - origin, c, -s)  # (b, horizon, 2)
        block = (shape, c, s, origin[:, 0], conts)
        if not out:  # the whole arrays, shaped and typed as a block's
            out = tuple(np.empty((len(starts), *a.shape[1:]), a.dtype) for a in block)
        for whole, part in zip(out, block, strict=True):
            whole[rows] = part
    return out  # type: ignore[return-value]
