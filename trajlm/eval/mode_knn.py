"""The travel mode inferred from a history, as a key for kNN's neighbours (geo35, issue 15;
docs/candidates.md "Session 35 (geo35)").

kNN continuation pools walkers, cyclists, buses and cars: its neighbours match the last five
fixes' shape, not what moves. Here a gradient-boosted classifier, fitted on a store's TRAIN
labels only, reads a class posterior from the last ``WINDOW`` fixes of any history (the query's
own, or the library window's), and the neighbours are re-weighted by how well the two
posteriors agree (``affinity``, used as ``map_arms.map_knn``'s scores).

GeoLife's shared extract has no ``walk`` label: unlabelled points (median 1.45 m/s, mostly
walking) form the class ``none``; run / boat / airplane are too rare to fit and are dropped.

Array conventions as ``trajlm.eval.walkers``: xy (N, T, 2) metres right-padded, t (N, T)
seconds, lengths (N,); per-point arrays (n, ...) sorted by (trajectory key, time).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from trajlm.eval.stop_head import head_params, mean_turn
from trajlm.eval.walkers import step_speeds

MODE_CLASSES = ("none", "bike", "bus", "car", "rail")
_CLASS_OF = {"bike": 1, "bus": 2, "car": 3, "taxi": 3, "train": 4, "subway": 4}
WINDOW = 20  # fixes: ~5 min at GeoLife's 15-s store sampling, the protocol query's history
V_STOP = 0.5  # m/s
MOTION_FEATURES = (
    "speed_p10", "speed_p50", "speed_p90", "speed_max", "accel_p50", "accel_p90", "stop_share",
    "turn_mean", "interval_s", "straightness", "n_steps",
)  # fmt: skip


def mode_class(labels: Any) -> np.ndarray:
    """(n,) class index into ``MODE_CLASSES`` of raw labels: None -> 0 (``none``), car and taxi
    one class, train and subway one class; other labels (run, boat, airplane) -> -1 (not fitted)."""
    return np.array([0 if lab is None else _CLASS_OF.get(str(lab).lower(), -1) for lab in labels],
                    np.int64)  # fmt: skip


def last_window(xy: np.ndarray, t: np.ndarray, lengths: np.ndarray,
                window: int = WINDOW) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """The last ``window`` fixes of each right-padded history, left-aligned (xy, t, lengths)."""
    xy, t, lengths = np.asarray(xy, np.float64), np.asarray(t, np.float64), np.asarray(lengths)
    n_keep = np.minimum(lengths, window)
    idx = np.clip((lengths - n_keep)[:, None] + np.arange(window)[None, :], 0, xy.shape[1] - 1)
    rows = np.arange(len(xy))[:, None]
    return xy[rows, idx], t[rows, idx], n_keep


def point_windows(xy: np.ndarray, t: np.ndarray, keys: np.ndarray,
                  window: int = WINDOW) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """For every point of per-point arrays sorted by (key, t): the up to ``window`` fixes of its
    own trajectory ending at it, left-aligned (xy (n, window, 2), t (n, window), lengths (n,))."""
    keys = np.asarray(keys)
    n = len(keys)
    new = np.r_[True, keys[1:] != keys[:-1]] if n else np.zeros(0, bool)
    first = np.maximum.accumulate(np.where(new, np.arange(n), 0))  # each point's trajectory start
    start = np.maximum(first, np.arange(n) - window + 1)
    lengths = np.arange(n) - start + 1
    idx = np.minimum(start[:, None] + np.arange(window)[None, :], np.arange(n)[:, None])
    return np.asarray(xy, np.float64)[idx], np.asarray(t, np.float64)[idx], lengths


def motion_features(xy: np.ndarray, t: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """(N, len(MOTION_FEATURES)) from the history alone (no clock time, no asked times): what
    separates a walk from a bus or a car (speed spread, acceleration, stops, turning)."""
    xy, t = np.asarray(xy, np.float64), np.asarray(t, np.float64)
    if xy.shape[1] < 3:  # a width of 1-2 has no acceleration: pad with repeats
        pad = 3 - xy.shape[1]
        xy = np.concatenate([xy, np.repeat(xy[:, -1:], pad, 1)], 1)
        t = np.concatenate([t, np.repeat(t[:, -1:], pad, 1)], 1)
    speed, real = step_speeds(xy, t, lengths)
    any_step = real.any(1)
    z = np.where(any_step[:, None], speed, 0.0)
    pct = np.nan_to_num(np.nanpercentile(z, [10, 50, 90, 100], 1))
    mid = 0.5 * (t[:, 1:] + t[:, :-1])
    both = real[:, 1:] & real[:, :-1]
    acc = np.abs(np.diff(speed, axis=1)) / np.maximum(np.diff(mid, axis=1), 1e-6)
    acc = np.where(both, acc, np.nan)
    apct = np.nan_to_num(np.nanpercentile(np.where(both.any(1)[:, None], acc, 0.0), [50, 90], 1))
    stop = ((np.nan_to_num(speed, nan=np.inf) < V_STOP) & real).sum(1) / np.maximum(real.sum(1), 1)
    d = np.diff(xy, axis=1)
    turn_mean = mean_turn(xy, real)
    dt = np.where(real, np.diff(t, axis=1), np.nan)
    interval = np.nan_to_num(np.nanmedian(np.where(any_step[:, None], dt, 1.0), 1), nan=1.0)
    path = (np.linalg.norm(d, axis=-1) * real).sum(1)
    rows = np.arange(len(xy))
    chord = np.linalg.norm(xy[rows, np.asarray(lengths) - 1] - xy[:, 0], axis=-1)
    return np.column_stack([*pct, *apct, stop, turn_mean, interval,
                            chord / np.maximum(path, 1e-6), real.sum(1)])  # fmt: skip


def fit_mode_classifier(features: np.ndarray, classes: np.ndarray, seed: int = 0) -> Any:
    """A class posterior over ``MODE_CLASSES`` (geostop26's fixed boosting settings; the seed
    draws the features per split); rows with class -1 are left out."""
    keep = np.asarray(classes) >= 0
    if len(np.unique(np.asarray(classes)[keep])) < 2:
        raise ValueError("the mode classifier needs rows of at least two classes")
    return HistGradientBoostingClassifier(**head_params(seed)).fit(features[keep], classes[keep])


def posterior(classifier: Any, features: np.ndarray) -> np.ndarray:
    """(N, len(MODE_CLASSES)): the classifier's probabilities, 0 for a class it never saw."""
    out = np.zeros((len(features), len(MODE_CLASSES)))
    out[:, classifier.classes_] = classifier.predict_proba(features)
    return out


def crossfit_posteriors(features: np.ndarray, classes: np.ndarray, groups: np.ndarray,
                        seed: int = 0) -> tuple[np.ndarray, dict]:  # fmt: skip
    """(n, C) each group's rows answered by a classifier fitted on the other groups' rows, and
    {group: that classifier} (for queries of that group)."""
    groups = np.asarray(groups)
    out, fitted = np.zeros((len(features), len(MODE_CLASSES))), {}
    for g in np.unique(groups):
        m = groups == g
        fitted[g] = fit_mode_classifier(features[~m], classes[~m], seed)
        out[m] = posterior(fitted[g], features[m])
    return out, fitted


def affinity(p_query: np.ndarray, p_neighbours: np.ndarray, floor: float = 1e-6) -> np.ndarray:
    """(N, n) log of the chance that query (N, C) and neighbour (N, n, C) share a class under
    their posteriors: weights (p_q . p_i)^tau are exp(tau x affinity)."""
    agree = np.einsum("nc,nkc->nk", np.asarray(p_query), np.asarray(p_neighbours))
    return np.log(np.maximum(agree, floor))


def window_ends(keys: np.ndarray, history: int, horizon: int) -> np.ndarray:
    """(M,) the per-point index where each retrieval window's history ends, in
    ``RetrievalIndex.train_windows``' order when it kept every window (no ``max_windows`` draw)."""
    keys = np.asarray(keys, np.int64)
    n, w = len(keys), history + horizon
    new = np.r_[True, keys[1:] != keys[:-1]] if n else np.zeros(0, bool)
    start = np.flatnonzero(new)
    last_of = np.repeat(np.append(start[1:], n) - 1, np.diff(np.append(start, n)))
    return np.flatnonzero(np.arange(n) + w - 1 <= last_of) + history - 1


def neighbour_windows(
    index: Any, xy: np.ndarray, lengths: np.ndarray, n_neighbors: int
) -> np.ndarray:
    """(N, n) library window indices of each query's nearest windows, the same search as
    ``walkers.neighbour_continuations`` (-1 for histories shorter than the index's history)."""
    xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
    out = np.full((len(xy), n_neighbors), -1, np.int64)
    found = lengths >= index.history
    if found.any():
        feats, _, _ = index.features(xy[found], lengths[found])
        out[found] = index.neighbours(feats, n_neighbors, None)[1]
    return out


__all__ = ["MODE_CLASSES", "MOTION_FEATURES", "WINDOW", "affinity", "crossfit_posteriors",
           "fit_mode_classifier", "last_window", "mode_class", "motion_features",
           "neighbour_windows", "point_windows", "posterior", "window_ends"]  # fmt: skip
