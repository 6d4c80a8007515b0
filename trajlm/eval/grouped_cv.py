"""User-grouped K-fold cross-validation for choosing features and models (issue 15, session 9).

One 126-segment val split misled the transport-mode work both ways (docs/modes.md): one segment
is 0.8 points. Pooling train + val and scoring every segment once out of fold, with no user on
both sides of a fold (sklearn GroupKFold by ``user_id``), ranks candidates on ~1,100 segments
instead. Repeats reshuffle which users share a fold. Val then only confirms; test is not read.

    ids, users = segment_users(pool)
    folds = grouped_folds(users, n_splits=5, repeats=2)
    res = cv_accuracy(X, y, folds, lambda: FeatureGBClassifier(lit=("stops",)))

Rows follow the sorted segment ids, as ``segment_features`` / ``segment_labels``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl


def segment_users(
    segments: pl.DataFrame, group_col: str = "user_id"
) -> tuple[np.ndarray, np.ndarray]:
    """``(segment ids, group of each)`` in sorted segment-id order."""
    if group_col not in segments.columns:
        raise ValueError(f"grouped CV needs a {group_col!r} column per point")
    g = segments.group_by("traj_id").agg(pl.col(group_col).first()).sort("traj_id")
    return g["traj_id"].to_numpy(), g[group_col].cast(pl.Utf8).to_numpy().astype(str)


def grouped_folds(
    groups: np.ndarray, n_splits: int = 5, repeats: int = 1, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``repeats x n_splits`` (fit rows, score rows) index pairs; a group is never on both sides.

    Repeat 0 is sklearn's deterministic GroupKFold (balanced fold sizes); later repeats shuffle
    the groups (``seed + r``). Every row is scored exactly once per repeat.
    """
    from sklearn.model_selection import GroupKFold

    groups = np.asarray(groups)
    if len(np.unique(groups)) < n_splits:
        raise ValueError(f"{len(np.unique(groups))} groups cannot fill {n_splits} folds")
    folds = []
    for r in range(repeats):
        kf = (
            GroupKFold(n_splits)
            if r == 0
            else GroupKFold(n_splits, shuffle=True, random_state=seed + r)
        )
        folds += list(kf.split(np.zeros(len(groups)), groups=groups))
    for fit, score in folds:  # the guarantee the whole module rests on
        assert not set(groups[fit]) & set(groups[score]), "a group on both sides of a fold"
    return folds


def _by_user_in_time(segments: pl.DataFrame, group_col: str, what: str) -> pl.DataFrame:
    """One row per segment (``row``: its index in sorted segment-id order; ``u``: its user;
    ``t0``: its start), sorted by user, then start time."""
    if group_col not in segments.columns:
        raise ValueError(f"{what}: segments need a {group_col!r} column per point")
    return (
        segments.group_by("traj_id")
        .agg(pl.col("t").min().alias("t0"), pl.col(group_col).first().alias("u"))
        .sort("traj_id")
        .with_row_index("row")
        .sort(["u", "t0", "traj_id"])
    )


def user_time_folds(
    segments: pl.DataFrame, n_splits: int = 5, group_col: str = "user_id"
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds that mirror the ``user_time`` split: each user's segments in start-time order are cut
    into ``n_splits`` contiguous blocks and fold k scores block k of every user.

    The user_time test holds *known* users' latest segments, which user-grouped folds (all new
    users) do not resemble: on GeoLife one user holds 40 % of the segments, so a user-grouped
    fold can score mostly one unseen user. Here a (user, block) is never on both sides.
    """
    g = (
        _by_user_in_time(segments, group_col, "time-blocked CV")
        .with_columns(
            (pl.int_range(pl.len()).over("u") * n_splits // pl.len().over("u")).alias("b")
        )
        .sort("row")
    )
    block = g["b"].to_numpy()
    return [(np.flatnonzero(block != k), np.flatnonzero(block == k)) for k in range(n_splits)]


def cv_accuracy(
    X: np.ndarray, y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]],
    make: Callable[[], Any],
) -> dict:  # fmt: skip
    """Out-of-fold accuracy of ``make()`` (an object with ``fit_arrays`` / ``proba_arrays``).

    Returns ``{"accuracy", "macro_f1", "fold_acc" (list), "correct" ((repeats, N) 0/1), "proba"
    ((repeats, N, K), classes sorted)}``; ``accuracy`` is the mean over repeats of the pooled
    out-of-fold accuracy, so paired comparisons of two candidates can use ``correct``.
    """
    from sklearn.metrics import f1_score

    y = np.asarray(y).astype(str)
    classes = np.unique(y)
    n_rep = max(1, len(folds) // max(1, _n_splits(folds, len(y))))
    proba = np.full((n_rep, len(y), len(classes)), np.nan)
    fold_acc = []
    for k, (fit, score) in enumerate(folds):
        m = make().fit_arrays(X[fit], y[fit])
        p = np.zeros((len(score), len(classes)))
        p[:, np.searchsorted(classes, m.classes_.astype(str))] = m.proba_arrays(X[score])
        proba[k * n_rep // len(folds), score] = p
        fold_acc.append(float((classes[p.argmax(1)] == y[score]).mean()))
    pred = classes[proba.argmax(2)]
    correct = (pred == y[None, :]).astype(float)
    f1 = [f1_score(y, p, labels=classes, average="macro", zero_division=0) for p in pred]
    return {"accuracy": float(correct.mean()), "macro_f1": float(np.mean(f1)),
            "fold_acc": fold_acc, "correct": correct, "proba": proba}  # fmt: skip


def _n_splits(folds: list[tuple[np.ndarray, np.ndarray]], n: int) -> int:
    """Folds per repeat: how many folds it takes until every one of the n rows is scored."""
    seen = np.zeros(n, bool)
    for k, (_, score) in enumerate(folds):
        seen[score] = True
        if seen.all():
            return k + 1
    raise ValueError("the folds do not score every row")


def forward_folds(
    segments: pl.DataFrame,
    origins: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8),
    horizon: float = 0.1,
    skip: float = 0.1,
    group_col: str = "user_id",
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Forward-chaining pseudo-tests shaped like the ``user_time`` test (session 10).

    Each user's segments in start-time order get a rank share q = rank / n; fold o fits on
    q < o, skips [o, o + skip) (the val block between train and test: unlabelled, a sequence
    filter may chain through it) and scores [o + skip, o + skip + horizon), with the cut points
    of ``split_segments`` (rank < floor(n * share)). Returns ``(fit, skipped, score)`` row-index
    triples in sorted segment-id order; a row is scored at most once when the origins are
    ``horizon`` apart, and every fit row of a user precedes every scored row of that user.
    """
    g = (
        _by_user_in_time(segments, group_col, "forward folds")
        .with_columns(pl.int_range(pl.len()).over("u").alias("r"), pl.len().over("u").alias("n"))
        .sort("row")
    )
    r, n = g["r"].to_numpy(), g["n"].to_numpy()

    def before(share: float) -> np.ndarray:
        return r < np.floor(n * share + 1e-9)

    return [
        (np.flatnonzero(before(o)), np.flatnonzero(before(o + skip) & ~before(o)),
         np.flatnonzero(before(o + skip + horizon) & ~before(o + skip)))
        for o in origins
    ]  # fmt: skip
