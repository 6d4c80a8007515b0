"""A post-hoc gate and a heading correction for 5-step answers (session 28, geogate28, issue 15).

geowalk27 found two leads on GeoLife: (1) geostop26's shrink applied to the candidate
selector's answer (gate G) helps even though it was fitted on kNN's path, and (2) a per-query
best heading offset would cut the error far more than the best shrink alone, though a boosted
heading head did not learn it. This module holds the pieces both need, for any answer (N, k, 2):

- ``gate_features``: ``stop_head.history_features`` with the answer in kNN's place (its 5-step
  displacement) plus kNN's own 5-step displacement (how far the answer departs from kNN);
- ``shrink_answer``: last + s x (answer - last), the gate's answer for a shrink s;
- ``rotate_answer`` / ``fit_heading`` / ``heading_angle``: the answer turned about the last fix
  by theta = a x recent signed turn + b x the answer's signed heading offset from the last
  moving step (``scale_head_arms.signed_turn_features``), (a, b) chosen on a grid by the least
  mean error of the turned answers: two numbers, the cheapest decisive form of a learned heading;
- ``oracle_angle``: the per-query best angle (reads the target: a bound).

Array conventions as ``trajlm.eval.walkers``: metres, xy (N, T, 2) right-padded, t (N, T) s.
"""

from __future__ import annotations

import numpy as np

from trajlm.eval.scale_head_arms import ANGLE_GRID, optimal_scale_turn, turn_points
from trajlm.eval.stop_head import history_features

A_GRID = np.arange(-4.0, 4.01, 0.5)  # x the recent turn (rad / step): up to 4 steps of turning
B_GRID = np.arange(-1.0, 1.01, 0.125)  # x the answer's own offset: undo it (-1) .. double it (1)


def gate_features(xy: np.ndarray, t: np.ndarray, lengths: np.ndarray, asked_t: np.ndarray,
                  answer: np.ndarray, knn: np.ndarray) -> np.ndarray:  # fmt: skip
    """(N, 17): the 16 history features read with ``answer`` in kNN's place, and kNN's own
    5-step displacement from the last fix."""
    xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
    last = xy[np.arange(len(xy)), lengths - 1]
    knn_disp = np.linalg.norm(np.asarray(knn, np.float64)[:, -1] - last, axis=-1)
    return np.column_stack([history_features(xy, t, lengths, asked_t, answer), knn_disp])


def shrink_answer(last: np.ndarray, answer: np.ndarray, shrink: np.ndarray) -> np.ndarray:
    """(N, k, 2): last + shrink x (answer - last), one shrink per row."""
    last = np.asarray(last, np.float64)
    return last[:, None] + np.asarray(shrink, np.float64)[:, None, None] * (answer - last[:, None])


def rotate_answer(last: np.ndarray, answer: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """(N, k, 2): the answer turned about the last fix by theta (rad, counter-clockwise)."""
    last = np.asarray(last, np.float64)
    cont = np.asarray(answer, np.float64) - last[:, None]
    return turn_points(last, cont, np.ones(len(last)), np.asarray(theta, np.float64))


def heading_angle(inputs: np.ndarray, a: float, b: float) -> np.ndarray:
    """(N,) theta = a x turn + b x offset; inputs (N, 2) = (recent signed turn, answer's offset)."""
    inputs = np.asarray(inputs, np.float64)
    return a * inputs[:, 0] + b * inputs[:, 1]


def fit_heading(last: np.ndarray, answer: np.ndarray, target: np.ndarray, inputs: np.ndarray,
                a_grid: np.ndarray = A_GRID, b_grid: np.ndarray = B_GRID) -> tuple[float, float]:  # fmt: skip
    """(a, b) on the grid with the least mean distance of the turned answers to target
    (ties: the smallest |a| + |b|, so no signal keeps the answer unturned)."""
    if len(last) == 0:
        return 0.0, 0.0
    pairs = sorted(((a, b) for a in a_grid for b in b_grid), key=lambda p: abs(p[0]) + abs(p[1]))
    best, got = np.inf, (0.0, 0.0)
    for a, b in pairs:
        turned = rotate_answer(last, answer, heading_angle(inputs, a, b))
        err = float(np.linalg.norm(turned - target, axis=-1).mean())
        if err < best - 1e-9:
            best, got = err, (float(a), float(b))
    return got


def oracle_angle(last: np.ndarray, answer: np.ndarray, target: np.ndarray,
                 angles: np.ndarray = ANGLE_GRID) -> np.ndarray:  # fmt: skip
    """(N,) per query the angle on the grid that brings the turned answer closest to target
    (reads the target: a bound, not an arm)."""
    last = np.asarray(last, np.float64)
    cont = np.asarray(answer, np.float64) - last[:, None]
    return optimal_scale_turn(last, cont, target, np.array([1.0]), angles)[1]
