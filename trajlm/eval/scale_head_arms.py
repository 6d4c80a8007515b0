"""The scale head's next arms (session 27, geowalk27, issue 15).

geostop26's scale head (``stop_head.fit_scale_head``) regresses each query's MAE-optimal shrink
of kNN's continuation with one head for every regime and a loss in units of shrink. These are
its variants, each answering last + s x kNN's continuation (or a rotated one):

- per-regime heads (``fit_regime_heads`` / ``predict_regime``): walkers and the others fitted
  apart; a regime without a head (or too few rows) keeps kNN (shrink 1);
- the loss in metres (``mae_weight``): a query's error grows like |s - s*| x its continuation's
  length, so an L1 fit of s weighted by that length minimises the answer's MAE, not the shrink's;
- a quantile loss (``fit_shrink_head(quantile=q)``);
- a 2-D correction (``optimal_scale_turn`` / ``turn_points``): along-track scale and a heading
  offset, read with two signed features (``signed_turn_features``) since the 16 history
  features only see |turn|;
- hour of day (``hour_features``): sin / cos of the last fix's hour, for the clock-shift check.

Array conventions as ``trajlm.eval.walkers``; cont / target (N, k, 2) metres relative to or
beside the last fix (N, 2).
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from trajlm.eval.stop_head import head_params
from trajlm.eval.walkers import step_speeds

ANGLE_GRID = np.deg2rad(np.arange(-60.0, 61.0, 5.0))  # a 5-step path rarely bends further
SCALE_GRID_2D = np.linspace(0.0, 1.5, 31)
MIN_REGIME_ROWS = 50  # fewer rows than this cannot fit a 15-leaf tree with 40 rows a leaf


def fit_shrink_head(features: np.ndarray, shrink: np.ndarray, seed: int = 0,
                    quantile: float | None = None, weight: np.ndarray | None = None):  # fmt: skip
    """A regressor of the shrink: absolute-error loss (``quantile`` None) or the q-quantile,
    rows weighted by ``weight`` (None: equal)."""
    if quantile is not None and not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile must lie in (0, 1); got {quantile}")
    loss = {"loss": "absolute_error"} if quantile is None else {"loss": "quantile",
                                                                "quantile": quantile}  # fmt: skip
    head = HistGradientBoostingRegressor(**loss, **head_params(seed))
    return head.fit(features, shrink, sample_weight=weight)


def mae_weight(cont: np.ndarray, floor_m: float = 1.0) -> np.ndarray:
    """(N,) the continuation's mean step-point distance from the last fix (m, at least
    ``floor_m``): the slope of a query's error in its shrink."""
    return np.maximum(np.linalg.norm(np.asarray(cont), axis=-1).mean(1), floor_m)


def fit_regime_heads(features: np.ndarray, shrink: np.ndarray, walker: np.ndarray,
                     seed: int = 0, regimes: tuple[bool, ...] = (True, False)) -> dict:  # fmt: skip
    """{regime: head} fitted on that regime's rows only (True = walkers); a regime with fewer
    than ``MIN_REGIME_ROWS`` rows gets no head."""
    walker = np.asarray(walker, bool)
    return {r: fit_shrink_head(features[walker == r], shrink[walker == r], seed)
            for r in regimes if (walker == r).sum() >= MIN_REGIME_ROWS}  # fmt: skip


def predict_regime(heads: dict, features: np.ndarray, walker: np.ndarray) -> np.ndarray:
    """(N,) each row's shrink from its regime's head; 1 (kNN unchanged) where none."""
    walker = np.asarray(walker, bool)
    out = np.ones(len(features))
    for regime, head in heads.items():
        m = walker == regime
        if m.any():
            out[m] = head.predict(features[m])
    return out


def _rotate(cont: np.ndarray, angle: np.ndarray | float) -> np.ndarray:
    """cont (..., 2) turned counter-clockwise by angle (broadcast against cont[..., 0])."""
    c, s = np.cos(angle), np.sin(angle)
    x, y = cont[..., 0], cont[..., 1]
    return np.stack([c * x - s * y, s * x + c * y], -1)


def turn_points(last: np.ndarray, cont: np.ndarray, scale: np.ndarray,
                angle: np.ndarray) -> np.ndarray:  # fmt: skip
    """(N, k, 2): last + scale x cont rotated by angle (radians, counter-clockwise), per row."""
    cont = np.asarray(cont, np.float64)
    turned = _rotate(cont, np.asarray(angle, np.float64)[:, None])
    return np.asarray(last)[:, None] + np.asarray(scale, np.float64)[:, None, None] * turned


def optimal_scale_turn(last: np.ndarray, cont: np.ndarray, target: np.ndarray,
                       scales: np.ndarray = SCALE_GRID_2D,
                       angles: np.ndarray = ANGLE_GRID) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(N,), (N,): per query the (scale, angle) on the grid with the least mean distance of
    ``turn_points`` to target; ties go to the smallest |angle| (then the grid's first scale)."""
    resid = np.asarray(target, np.float64) - np.asarray(last, np.float64)[:, None]
    order = np.argsort(np.abs(angles), kind="stable")  # the straight answer wins ties
    best = np.full(len(resid), np.inf)
    s_best, a_best = np.ones(len(resid)), np.zeros(len(resid))
    for a in angles[order]:
        turned = _rotate(np.asarray(cont, np.float64), a)
        err = np.linalg.norm(resid[None] - scales[:, None, None, None] * turned[None], axis=-1)
        err = err.mean(-1)  # (scales, N)
        i = err.argmin(0)
        e = err[i, np.arange(len(resid))]
        better = e < best - 1e-9
        best[better], s_best[better], a_best[better] = e[better], scales[i[better]], a
    return s_best, a_best


def signed_turn_features(xy: np.ndarray, t: np.ndarray, lengths: np.ndarray,
                         knn: np.ndarray, m: int = 3) -> np.ndarray:  # fmt: skip
    """(N, 2): the mean signed heading change (rad, counter-clockwise > 0) over the last ``m``
    pairs of moving steps, and kNN's signed heading offset (its 5th point's bearing from the
    last fix minus the last moving step's heading); 0 where undefined."""
    xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
    _, real = step_speeds(xy, t, lengths)  # validates the shapes and lengths
    d = np.diff(xy, axis=1)
    moving = real & (np.linalg.norm(d, axis=-1) > 1.0)  # GPS jitter has no heading
    head = np.arctan2(d[..., 1], d[..., 0])
    turn = np.angle(np.exp(1j * np.diff(head, axis=1)))
    both = moving[:, 1:] & moving[:, :-1]
    # the last m turns that sit between two moving steps
    rank = np.cumsum(both[:, ::-1], 1)[:, ::-1]
    recent = both & (rank <= m)
    signed = np.where(recent.any(1), (turn * recent).sum(1) / np.maximum(recent.sum(1), 1), 0.0)
    rows = np.arange(len(xy))
    idx = np.where(moving, np.arange(d.shape[1])[None], -1).max(1)
    has = idx >= 0
    last_head = head[rows, np.maximum(idx, 0)]
    last = xy[rows, lengths - 1]
    go = np.asarray(knn, np.float64)[:, -1] - last
    knn_head = np.arctan2(go[:, 1], go[:, 0])
    ok = has & (np.linalg.norm(go, axis=-1) > 1.0)
    offset = np.where(ok, np.angle(np.exp(1j * (knn_head - last_head))), 0.0)
    return np.column_stack([signed, offset])


def hour_features(t_last: np.ndarray, shift_s: float = 0.0) -> np.ndarray:
    """(N, 2): sin and cos of the hour of day of the last fix (Unix seconds, clocks moved by
    ``shift_s``): a circle, so 23 h sits beside 0 h."""
    angle = 2 * np.pi * (((np.asarray(t_last, np.float64) + shift_s) / 3600.0) % 24.0) / 24.0
    return np.column_stack([np.sin(angle), np.cos(angle)])
