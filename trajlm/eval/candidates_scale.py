"""The scale head's shrunk kNN path as one more selector candidate (session 26, geosel26).

geostop26's scale head (``trajlm.eval.stop_head.fit_scale_head``) regresses each query's
MAE-optimal shrink of kNN's continuation from history features; alone it is 5.6 % below kNN on
GeoLife val. Here its answer joins the candidate set, so the selector chooses per query between
kNN, the shrunk path and the rest:

- ``scale_features``: the head's features of a built ``CandidateSet`` (kNN = its base column);
- ``crossfit_shrink``: out-of-fold predicted shrinks for TRAIN windows (folds grouped by
  trajectory), so the selector never learns from a head that saw the window's own target;
- ``add_scale_candidate``: appends base x shrink as a column (features derived from the base's,
  plus a one-hot "scaled" flag) and the shrink as a query feature. An untrained selector still
  answers with the base column, bit for bit.

The head is fitted on train windows only; val / test queries get a head fitted on all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from trajlm.eval.candidates import KINDS, CandidateSet
from trajlm.eval.candidates_time import derived_features
from trajlm.eval.stop_head import fit_scale_head, history_features, optimal_shrink


def scale_features(
    cs: CandidateSet, xy: np.ndarray, hist_t: np.ndarray, lengths: np.ndarray,
    target_t: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """(N, len(stop_head.FEATURES)) of histories xy (N, T, 2) metres, their times hist_t
    (N, T) and asked times target_t (N, k), with ``cs``'s base column as kNN's answer."""
    if not len(xy) == len(hist_t) == len(target_t) == len(cs.cands):
        raise ValueError(
            f"scale_features: {len(cs.cands)} queries in the candidate set, {len(xy)} histories, "
            f"{len(hist_t)} hist_t rows, {len(target_t)} target_t rows"
        )
    knn = cs.points(cs.cands[:, cs.base])
    return history_features(xy, hist_t, lengths, target_t, knn)


def shrink_labels(cs: CandidateSet, target: np.ndarray) -> np.ndarray:
    """(N,) each query's MAE-optimal shrink of the base continuation (targets (N, k, 2))."""
    return optimal_shrink(cs.last, cs.cands[:, cs.base], target)


def crossfit_shrink(
    features: np.ndarray, shrink: np.ndarray, groups: np.ndarray, n_folds: int = 5,
    seed: int = 0,
) -> np.ndarray:  # fmt: skip
    """(N,) out-of-fold predicted shrinks: trajectories split into ``n_folds`` folds, each
    fold's rows answered by a head fitted on the other folds."""
    _, trip = np.unique(np.asarray(groups), return_inverse=True)
    n_trips = trip.max() + 1 if len(trip) else 0
    if n_trips < n_folds:
        raise ValueError(f"crossfit_shrink: {n_trips} trajectories for {n_folds} folds")
    fold = np.random.default_rng(seed).permutation(n_trips)[trip] % n_folds
    out = np.empty(len(shrink))
    for f in range(n_folds):
        held = fold == f
        out[held] = fit_scale_head(features[~held], shrink[~held], seed).predict(features[held])
    return out


def add_scale_candidate(
    cs: CandidateSet, xy: np.ndarray, lengths: np.ndarray, shrink: np.ndarray,
    n_kinds: int = len(KINDS),
) -> CandidateSet:  # fmt: skip
    """``cs`` plus the base continuation scaled by ``shrink`` (N,) as its last column, a
    "scaled" flag feature (1 only there) and the shrink as the last query feature."""
    n, C = cs.cands.shape[:2]
    shrink = np.asarray(shrink, np.float64)
    if shrink.shape != (n,):
        raise ValueError(f"add_scale_candidate: shrink {shrink.shape}, expected ({n},)")
    new = cs.cands[:, cs.base : cs.base + 1] * shrink[:, None, None, None]
    cols = np.array([cs.base])
    f_new = derived_features(cs, xy, lengths, new, cols, n_kinds)
    flag = np.concatenate([np.zeros((n, C, 1)), np.ones((n, 1, 1))], axis=1)
    cand_feats = np.concatenate([np.concatenate([cs.cand_feats, f_new], axis=1), flag], axis=-1)
    return replace(
        cs,
        cands=np.concatenate([cs.cands, new], axis=1),
        kind=np.concatenate([cs.kind, cs.kind[cols]]),
        cand_feats=cand_feats,
        query_feats=np.concatenate([cs.query_feats, shrink[:, None]], axis=1),
        source=np.concatenate([cs.source, np.full((n, 1), -1, np.int64)], axis=1),
    )


def fit_scale_column(
    train_cs: CandidateSet, xy: np.ndarray, lengths: np.ndarray, hist_t: np.ndarray,
    target_t: np.ndarray, target: np.ndarray, n_kinds: int = len(KINDS), seed: int = 0,
) -> tuple[CandidateSet, Callable[..., CandidateSet]]:  # fmt: skip
    """Fit the scale head on TRAIN windows (xy, lengths, hist_t, target_t, target (N, k, 2)).
    Returns the train set with its cross-fitted (out-of-fold) column and ``scaled(cs, xy,
    lengths, hist_t, target_t)``, which adds the column from a head fitted on all of train."""
    if train_cs.split != "train":
        raise ValueError(
            f"fit_scale_column: a train candidate set expected, got {train_cs.split!r}"
        )
    feats = scale_features(train_cs, xy, hist_t, lengths, target_t)
    label = shrink_labels(train_cs, target)
    oof = crossfit_shrink(feats, label, train_cs.groups, seed=seed)
    head = fit_scale_head(feats, label, seed)

    def scaled(cs, xy, lengths, hist_t, target_t) -> CandidateSet:
        shrink = head.predict(scale_features(cs, xy, hist_t, lengths, target_t))
        return add_scale_candidate(cs, xy, lengths, shrink, n_kinds)

    return add_scale_candidate(train_cs, xy, lengths, oof, n_kinds), scaled
