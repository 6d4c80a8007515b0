"""Learned stop / go heads for 5-step prediction (session 26, geostop26, issue 15).

walk25 found GeoLife's large kNN errors come from queries whose future holds a stop or a mode
change, and that no closed-form lever reads that from the history. These heads learn it with
gradient boosting on history-only features (``history_features``), fitted on train windows:

- stop head (``fit_stop_head``): P(stopped over the horizon), stopped := the last asked point lies
  within ``STOP_RADIUS_M`` of the last fix; the answer is the per-step spatial median of the
  neighbours' continuations and the stay point weighted p (``walkers.stop_mixture_points``): the
  point of least expected distance under "pauses with p, goes on like its neighbours with 1 - p".
- scale head (``fit_scale_head``): the query's MAE-optimal shrink of kNN's continuation
  (``optimal_shrink``), regressed with an absolute-error loss.
- ranker (``fit_ranker`` / ``rank_choice``): per candidate, its error minus kNN's; the lowest
  predicted one answers when it beats kNN by more than a margin.

Array conventions as ``trajlm.eval.walkers``: xy (N, T, 2) metres right-padded, t (N, T) seconds,
lengths (N,), asked_t (N, k); candidate points (N, k, 2) metres.
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from trajlm.eval.walkers import interval_ratio, recent_velocity, step_speeds

STOP_RADIUS_M = (
    20.0  # a walker at 15-s fixes covers ~100 m in 5 steps; a stop stays within GPS noise
)
V_STOP = 0.3  # m/s: slower steps count as standing (walkers.dwell_fraction's threshold)
SHRINK_GRID = np.linspace(0.0, 1.5, 31)
FEATURES = (
    "speed_p10", "speed_p50", "speed_p90", "speed_last", "speed_recent", "recent_over_median",
    "dwell_share", "turn_mean", "since_stop_s", "interval_s", "asked_dt_s", "asked_ratio",
    "knn_disp_m", "cv_disp_m", "straightness", "n_points",
)  # fmt: skip


def mean_turn(xy: np.ndarray, real: np.ndarray) -> np.ndarray:
    """(N,) mean |heading change| (rad) between consecutive moving steps of each history (real
    steps over 1 m: GPS jitter has no heading); 0 when fewer than two steps move."""
    d = np.diff(xy, axis=1)
    moving = real & (np.linalg.norm(d, axis=-1) > 1.0)
    head = np.arctan2(d[..., 1], d[..., 0])
    turn = np.abs(np.angle(np.exp(1j * np.diff(head, axis=1))))
    both = moving[:, 1:] & moving[:, :-1]
    return np.where(both.any(1), (turn * both).sum(1) / np.maximum(both.sum(1), 1), 0.0)


def history_features(xy: np.ndarray, t: np.ndarray, lengths: np.ndarray, asked_t: np.ndarray,
                     knn: np.ndarray) -> np.ndarray:  # fmt: skip
    """(N, len(FEATURES)) from the history, the asked times and kNN's answer (N, k, 2) alone:
    no target and no clock time (hour-of-day would need a clock-shift check)."""
    xy, t, lengths = np.asarray(xy, np.float64), np.asarray(t, np.float64), np.asarray(lengths)
    if xy.shape[1] < 2:  # badin27: one-point histories only (IndexError): a padded repeat
        xy, t = np.repeat(xy, 2, axis=1), np.repeat(t, 2, axis=1)
    speed, real = step_speeds(xy, t, lengths)
    rows = np.arange(len(xy))
    any_step = real.any(1)
    pct = np.nan_to_num(np.nanpercentile(np.where(any_step[:, None], speed, 0.0), [10, 50, 90], 1))
    last_idx = lengths - 1
    last_speed = np.nan_to_num(speed[rows, np.maximum(last_idx - 1, 0)])
    recent = np.linalg.norm(recent_velocity(xy, t, lengths, 4), axis=-1)
    slow = (np.nan_to_num(speed, nan=np.inf) < V_STOP) & real
    dwell = slow.sum(1) / np.maximum(real.sum(1), 1)
    d = np.diff(xy, axis=1)
    turn_mean = mean_turn(xy, real)
    # seconds since the end of the last slow step (the whole history's span when none)
    t_last, t_first = t[rows, last_idx], t[:, 0]
    step_end = np.where(slow, t[:, 1:], -np.inf).max(1)
    since = np.where(np.isfinite(step_end), t_last - step_end, t_last - t_first)
    dt_hist = np.where(real, np.diff(t, axis=1), np.nan)
    interval = np.nan_to_num(np.nanmedian(np.where(any_step[:, None], dt_hist, 1.0), 1), nan=1.0)
    asked = np.maximum(np.asarray(asked_t, np.float64)[:, -1] - t_last, 0.0)
    last = xy[rows, last_idx]
    knn_disp = np.linalg.norm(np.asarray(knn)[:, -1] - last, axis=-1)
    path = (np.linalg.norm(d, axis=-1) * real).sum(1)
    straight = np.linalg.norm(last - xy[:, 0], axis=-1) / np.maximum(path, 1e-6)
    return np.column_stack([
        pct[0], pct[1], pct[2], last_speed, recent, recent / np.maximum(pct[1], 0.1), dwell,
        turn_mean, since, interval, asked, interval_ratio(t, lengths, asked_t)[:, -1], knn_disp,
        last_speed * asked, straight, lengths,
    ])  # fmt: skip


def timeless(features: np.ndarray, k: int = 5) -> np.ndarray:
    """``history_features`` as if no asked time were given (the kth fix k median intervals on):
    for callers without asked times, and to measure what the asked times add."""
    f, col = np.array(features, np.float64), FEATURES.index
    f[:, col("asked_dt_s")] = k * f[:, col("interval_s")]
    f[:, col("asked_ratio")] = 1.0
    f[:, col("cv_disp_m")] = f[:, col("speed_last")] * f[:, col("asked_dt_s")]
    return f


def stopped_label(
    last: np.ndarray, target: np.ndarray, radius: float = STOP_RADIUS_M
) -> np.ndarray:
    """(N,) bool: the last target (N, k, 2) lies within ``radius`` metres of the last fix (N, 2)."""
    return np.linalg.norm(np.asarray(target)[:, -1] - np.asarray(last), axis=-1) < radius


def optimal_shrink(last: np.ndarray, cont: np.ndarray, target: np.ndarray,
                   grid: np.ndarray = SHRINK_GRID) -> np.ndarray:  # fmt: skip
    """(N,) per query, the factor s on the grid with the least mean distance of last + s x cont
    to target over the k steps (cont, target (N, k, 2)); the scale head's target."""
    resid = np.asarray(target) - np.asarray(last)[:, None]
    err = np.linalg.norm(resid[None] - grid[:, None, None, None] * np.asarray(cont)[None], axis=-1)
    return grid[err.mean(-1).argmin(0)]


def head_params(seed: int) -> dict:
    """Fixed a priori (prereg): small trees, many rows per leaf; max_features seeds the fit."""
    return {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15,
            "min_samples_leaf": 40, "l2_regularization": 1.0, "max_features": 0.8,
            "random_state": seed}  # fmt: skip


def fit_stop_head(features: np.ndarray, stopped: np.ndarray, seed: int = 0):
    """A classifier of P(stopped over the horizon) (``predict_proba(x)[:, 1]``)."""
    if len(np.unique(stopped)) < 2:
        raise ValueError("the stop head needs both stopped and moving rows to fit")
    return HistGradientBoostingClassifier(**head_params(seed)).fit(features, stopped)


def fit_scale_head(features: np.ndarray, shrink: np.ndarray, seed: int = 0):
    """A regressor of the MAE-optimal shrink of kNN's continuation (absolute-error loss)."""
    return HistGradientBoostingRegressor(loss="absolute_error", **head_params(seed)).fit(
        features, shrink
    )


def candidate_errors(
    candidates: dict[str, np.ndarray], target: np.ndarray
) -> dict[str, np.ndarray]:
    """(N,) mean distance over the k steps of each candidate (N, k, 2) to target."""
    return {n: np.linalg.norm(p - target, axis=-1).mean(1) for n, p in candidates.items()}


def fit_ranker(features: np.ndarray, errors: dict[str, np.ndarray], base: str = "kNN",
               seed: int = 0) -> dict:  # fmt: skip
    """Per non-base candidate, a regressor of its error minus the base's (absolute-error loss:
    the median regret, robust to the heavy tail)."""
    if base not in errors:
        raise ValueError(f"base candidate {base!r} not among {sorted(errors)}")
    return {n: HistGradientBoostingRegressor(loss="absolute_error", **head_params(seed)).fit(
                features, e - errors[base]) for n, e in errors.items() if n != base}  # fmt: skip


def rank_choice(ranker: dict, features: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """(N,) object array: the candidate predicted lowest, or "" (the base) unless it beats the
    base by more than ``margin`` metres."""
    names = list(ranker)
    pred = np.column_stack([ranker[n].predict(features) for n in names])
    best = pred.argmin(1)
    return np.where(pred[np.arange(len(pred)), best] < -margin, np.array(names, object)[best], "")


def choose_points(
    candidates: dict[str, np.ndarray], choice: np.ndarray, base: str = "kNN"
) -> np.ndarray:
    """(N, k, 2): each row from the candidate ``choice`` names ("" -> the base)."""
    out = candidates[base].copy()
    for name, pts in candidates.items():
        m = choice == name
        out[m] = pts[m]
    return out
