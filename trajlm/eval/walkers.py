"""Walker-specific 5-step predictors (session 25, issue 15): damped velocity, stop-aware damping.

On GeoLife's test split most trips are pedestrians sampled every ~15 s (geo24). At those speeds
GPS noise is a large share of each step, walkers pause, and constant velocity over-shoots: the
answer that minimises the expected *distance* (MAE) is a shrunk displacement, not the mean one.
These predictors are closed form:

- ``recent_velocity``: the displacement over the last ``m`` steps over their time (m/s): a
  smoothed heading and speed, not the last (noisy) step.
- ``damped_points``: last point + alpha_j x velocity x asked dt_j, one factor per horizon step
  (alpha fitted on train queries by ``fit_step_factors``; 1 = constant velocity [time]).
- ``dwell_fraction``: the share of the history's steps slower than ``v_stop``; stop-aware
  damping fits one alpha per step and per dwell bin (walkers who paused often, pause again).
- ``is_walker``: the regime is read from the history only (median step speed < 2.5 m/s).

Array conventions: xy (N, T, 2) metres right-padded by repeating the last point, t (N, T) Unix
seconds padded the same way, lengths (N,) real points, asked_t (N, k) the target timestamps.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.retrieval import RetrievalIndex, rotate

WALKER_SPEED_MPS = 2.5  # a brisk walk is ~2 m/s; a bike or car in traffic is faster
DWELL_BINS = (0.1, 0.3)  # dwell-fraction edges: moving / some stops / mostly standing


def step_speeds(
    xy: np.ndarray, t: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-step speed (N, T-1) m/s, NaN for padding or dt <= 0, and a real-step mask."""
    xy, t, lengths = np.asarray(xy, np.float64), np.asarray(t, np.float64), np.asarray(lengths)
    if xy.ndim != 3 or xy.shape[-1] != 2 or t.shape != xy.shape[:2] or len(lengths) != len(xy):
        raise ValueError(f"need xy (N, T, 2), t (N, T), lengths (N,); got {xy.shape}, "
                         f"{t.shape}, {lengths.shape}")  # fmt: skip
    _check_lengths(lengths, xy.shape[1])
    dist = np.linalg.norm(np.diff(xy, axis=1), axis=-1)
    dt = np.diff(t, axis=1)
    real = (np.arange(xy.shape[1] - 1)[None, :] < (lengths[:, None] - 1)) & (dt > 0)
    speed = np.where(real, dist / np.where(dt > 0, dt, 1.0), np.nan)
    return speed, real


def _check_lengths(lengths: np.ndarray, width: int) -> None:
    """badin25: a length 0 read the row's last pad (index -1) and one past the width read
    padding as fixes, silently; every history holds 1..T real points."""
    if len(lengths) and (lengths.min() < 1 or lengths.max() > width):
        raise ValueError(f"lengths must be 1..{width} (the padded width); got "
                         f"{int(lengths.min())}..{int(lengths.max())}")  # fmt: skip


def history_speed(xy: np.ndarray, t: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """(N,) median step speed of each history (m/s); 0 where no step has dt > 0."""
    speed, real = step_speeds(xy, t, lengths)
    med = np.nanmedian(np.where(real.any(1)[:, None], speed, 0.0), axis=1)
    return np.nan_to_num(med)


def is_walker(xy: np.ndarray, t: np.ndarray, lengths: np.ndarray,
              threshold: float = WALKER_SPEED_MPS) -> np.ndarray:  # fmt: skip
    """(N,) bool: the history's median step speed is below ``threshold`` m/s."""
    return history_speed(xy, t, lengths) < threshold


def dwell_fraction(xy: np.ndarray, t: np.ndarray, lengths: np.ndarray,
                   v_stop: float = 0.3) -> np.ndarray:  # fmt: skip
    """(N,) share of the history's real steps slower than ``v_stop`` m/s (0 with no step)."""
    speed, real = step_speeds(xy, t, lengths)
    slow = (np.nan_to_num(speed, nan=np.inf) < v_stop) & real
    return slow.sum(1) / np.maximum(real.sum(1), 1)


def dwell_bin(fraction: np.ndarray, edges: tuple[float, ...] = DWELL_BINS) -> np.ndarray:
    """(N,) int bin of each dwell fraction (0 .. len(edges))."""
    return np.searchsorted(np.asarray(edges), np.asarray(fraction), side="right")


def recent_velocity(xy: np.ndarray, t: np.ndarray, lengths: np.ndarray, m: int = 4) -> np.ndarray:
    """(N, 2) m/s: displacement over the last ``m`` steps (fewer if shorter) over their time;
    0 where that time is not positive."""
    xy, t, lengths = np.asarray(xy, np.float64), np.asarray(t, np.float64), np.asarray(lengths)
    if isinstance(m, bool) or int(m) != m or m < 1:  # badin25: m=-2 was an IndexError, 0 a 0
        raise ValueError(f"m (steps back) must be a whole number >= 1, got {m!r}")
    _check_lengths(lengths, xy.shape[1])
    rows = np.arange(len(xy))
    last, back = lengths - 1, np.maximum(lengths - 1 - m, 0)
    dt = t[rows, last] - t[rows, back]
    disp = xy[rows, last] - xy[rows, back]
    return np.where((dt > 0)[:, None], disp / np.where(dt > 0, dt, 1.0)[:, None], 0.0)


def asked_dt(t: np.ndarray, lengths: np.ndarray, asked_t: np.ndarray) -> np.ndarray:
    """(N, k) seconds from each history's last fix to the asked timestamps (floored at 0)."""
    last_t = np.asarray(t, np.float64)[np.arange(len(t)), np.asarray(lengths) - 1]
    return np.maximum(np.asarray(asked_t, np.float64) - last_t[:, None], 0.0)


def damped_points(last: np.ndarray, velocity: np.ndarray, dt: np.ndarray,
                  alpha: np.ndarray) -> np.ndarray:  # fmt: skip
    """(N, k, 2): last + alpha x velocity x dt; alpha (k,) per step or (N, k) per row."""
    alpha = np.broadcast_to(np.asarray(alpha, np.float64), dt.shape)
    return last[:, None, :] + (alpha * dt)[..., None] * velocity[:, None, :]


def fit_step_factors(last: np.ndarray, cont: np.ndarray, target: np.ndarray,
                     grid: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """(k,) factor per step minimising the mean distance of last + f x cont_j to target_j;
    cont and target (N, k, 2) metres. Grid search: the L1 optimum has no closed form."""
    grid = np.linspace(0.0, 1.5, 61) if grid is None else np.asarray(grid, np.float64)
    if len(last) == 0:
        return np.ones(cont.shape[1])
    resid = target - last[:, None, :]  # (N, k, 2)
    err = np.linalg.norm(resid[None] - grid[:, None, None, None] * cont[None], axis=-1)
    return grid[err.mean(1).argmin(0)]


def fit_binned_factors(last: np.ndarray, cont: np.ndarray, target: np.ndarray,
                       bins: np.ndarray, n_bins: int, min_rows: int = 30) -> np.ndarray:  # fmt: skip
    """(n_bins, k) step factors fitted per bin; a bin with < ``min_rows`` rows takes the pooled
    factors (no bin is fitted on a handful of trips)."""
    pooled = fit_step_factors(last, cont, target)
    out = np.tile(pooled, (n_bins, 1))
    for b in range(n_bins):
        m = bins == b
        if m.sum() >= min_rows:
            out[b] = fit_step_factors(last[m], cont[m], target[m])
    return out


def interval_ratio(t: np.ndarray, lengths: np.ndarray, asked_t: np.ndarray,
                   clip: tuple[float, float] = (0.2, 20.0)) -> np.ndarray:  # fmt: skip
    """(N, k) asked dt_j over j median history intervals: 1 on a steady track, > 1 when the
    asked times lie past a gap (the kNN continuation moves j steps of the history's clock)."""
    dt_hist = np.diff(np.asarray(t, np.float64), axis=1)
    real = (np.arange(dt_hist.shape[1])[None, :] < (np.asarray(lengths)[:, None] - 1)) & (
        dt_hist > 0
    )
    med = np.nanmedian(np.where(real, dt_hist, np.nan), axis=1) if real.any() else np.ones(len(t))
    med = np.where(np.isfinite(med) & (med > 0), med, 1.0)
    k = np.asarray(asked_t).shape[1]
    ratio = asked_dt(t, lengths, asked_t) / (med[:, None] * np.arange(1, k + 1)[None, :])
    return np.clip(ratio, *clip)


def fit_timed_factors(last: np.ndarray, cont: np.ndarray, target: np.ndarray, ratio: np.ndarray,
                      gammas: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25)
                      ) -> tuple[float, np.ndarray]:  # fmt: skip
    """(gamma, beta (k,)): last + beta_j x ratio_j**gamma x cont_j with the least mean distance
    to target; gamma = 0 is the untimed shrunk continuation, 1 scales it by the asked time."""
    best = (np.inf, 0.0, np.ones(cont.shape[1]))
    for g in gammas:
        scaled = cont * (ratio**g)[..., None]
        beta = fit_step_factors(last, scaled, target)
        pred = last[:, None] + beta[None, :, None] * scaled
        err = float(np.linalg.norm(pred - target, axis=-1).mean()) if len(last) else 0.0
        if err < best[0]:
            best = (err, g, beta)
    return best[1], best[2]


def timed_points(last: np.ndarray, cont: np.ndarray, ratio: np.ndarray, gamma: float,
                 beta: np.ndarray) -> np.ndarray:  # fmt: skip
    """(N, k, 2): last + beta_j x ratio_j**gamma x cont_j (cont: a continuation, e.g. kNN's)."""
    return last[:, None] + (np.asarray(beta)[None, :] * ratio**gamma)[..., None] * cont


def weighted_spatial_median(points: np.ndarray, weights: np.ndarray, iters: int = 100,
                            eps: float = 1e-6) -> np.ndarray:  # fmt: skip
    """(..., 2) weighted geometric median of points (..., M, 2) with weights (..., M) by
    Weiszfeld's iteration: the point with the least expected distance, which is what MAE
    asks for (the coordinate-wise median and the mean are not)."""
    points, weights = np.asarray(points, np.float64), np.asarray(weights, np.float64)
    w = weights / np.maximum(weights.sum(-1, keepdims=True), 1e-12)
    est = (w[..., None] * points).sum(-2)
    for _ in range(iters):
        d = np.maximum(np.linalg.norm(points - est[..., None, :], axis=-1), eps)
        inv = w / d
        est = (inv[..., None] * points).sum(-2) / inv.sum(-1)[..., None]
    return est


def neighbour_continuations(index: RetrievalIndex, xy: np.ndarray, lengths: np.ndarray,
                            n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Each query's ``n_neighbors`` nearest library continuations in its own frame
    (N, n_neighbors, horizon, 2) metres from its last point, and whether it was answered
    (N,) (histories shorter than the index's history get zeros)."""
    xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
    found = lengths >= index.history
    out = np.zeros((len(xy), n_neighbors, index.horizon, 2))
    if found.any():
        feats, c, s = index.features(xy[found], lengths[found])
        _, nb = index.neighbours(feats, n_neighbors, None)
        conts = index.continuations_[nb]  # (Q, n, k, 2) in the canonical frame
        q, n, k, _ = conts.shape
        out[found] = rotate(conts.reshape(q, n * k, 2), c, s).reshape(q, n, k, 2)
    return out, found


def stop_mixture_points(last: np.ndarray, conts: np.ndarray, p_stay: np.ndarray) -> np.ndarray:
    """(N, k, 2): per step, the spatial median of the neighbours' continuations (each weight
    (1 - p) / n) and the stay point (weight p): "pauses or goes on like its neighbours"."""
    n_rows, n, k, _ = conts.shape
    pts = np.concatenate([conts, np.zeros((n_rows, 1, k, 2))], 1).transpose(0, 2, 1, 3)
    p = np.clip(np.asarray(p_stay, np.float64), 0.0, 1.0)[:, None, None]
    w = np.concatenate([np.broadcast_to((1 - p) / n, (n_rows, k, n)),
                        np.broadcast_to(p, (n_rows, k, 1))], -1)  # fmt: skip
    return last[:, None] + weighted_spatial_median(pts, w)


def time_blocks(train: pl.DataFrame, blocks: int, column: str = "_b") -> pl.DataFrame:
    """``train`` with ``column``: each trajectory's time-ordered block, 0 .. blocks - 1, by its
    first fix (ties by id): rolling-origin folds fit on blocks < b and score block b, so no fold
    reads its own future (walk25, geostop26)."""
    starts = train.group_by("traj_id").agg(pl.col("t").min()).sort(["t", "traj_id"])
    block_of = dict(zip(starts["traj_id"].to_list(),
                        np.arange(len(starts)) * blocks // len(starts), strict=True))  # fmt: skip
    return train.with_columns(
        pl.col("traj_id").replace_strict(block_of, return_dtype=pl.Int64).alias(column)
    )
