"""A logistic stacker over gradient boosting's and the fine-tuned model's out-of-fold outputs
(session 24, classify24; issue 15, docs/status.md open item 5).

classify23 fed GB's out-of-fold (OOF) probabilities into the hybrid head as features (a miss).
Here neither learner sees the other: K fold fits of GB and of the model on train (the model
via ``ModelClassifier``, val only for its own best-epoch choice) give every train segment GB
probabilities and model log-probabilities from fits that never saw it; a class-balanced,
L2-regularised logistic regression on ``[GB probs, model log-probs]`` is fitted on those train
rows, its C chosen on val. On val / test GB answers refitted on all of train (cheap; the GB a
folder answers with) and the model as the mean of its K fold fits (no (K+1)-th fine-tune). ``combiner="average"`` answers
instead with ``w * p_gb + (1 - w) * p_model``, w on val (classify22's pair, fold-averaged).

Folds (``folds=``): "source" (stratified, grouped by source trajectory, as
``oof_probabilities``), "user" (grouped by ``user_id``) or "user_time" (each user's segments
cut in time blocks, mirroring the user_time split; trajlm.eval.grouped_cv). A segment's own
rows are never in the fit part of the fold that scores it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.segments import segment_labels
from trajlm.eval.classify_gb import FeatureGBClassifier
from trajlm.eval.classify_gb_cv import segment_groups

FOLDS = ("source", "user", "user_time")
C_GRID = (0.01, 0.1, 1.0, 10.0)


def stack_folds(
    segments: pl.DataFrame, n_splits: int = 3, folds: str = "source", seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``n_splits`` (fit rows, scored rows) index pairs over the sorted segment ids; every row
    is scored exactly once and no group is on both sides of its fold."""
    from trajlm.eval.grouped_cv import grouped_folds, segment_users, user_time_folds

    if folds not in FOLDS:
        raise ValueError(f"folds must be one of {FOLDS}, got {folds!r}")
    y = segment_labels(segments)
    if folds == "user_time":
        return user_time_folds(segments, n_splits)
    if folds == "user":
        return grouped_folds(segment_users(segments)[1], n_splits)
    from sklearn.model_selection import StratifiedGroupKFold

    groups = segment_groups(segments)
    if len(set(groups)) < n_splits:
        raise ValueError(f"{len(set(groups))} train trajectories cannot fill {n_splits} folds")
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(y)), y, groups))


def _rows(segments: pl.DataFrame, idx: np.ndarray) -> pl.DataFrame:
    ids = segments["traj_id"].unique().sort()
    return segments.filter(pl.col("traj_id").is_in(ids.gather(idx).implode()))


def _columns(p: np.ndarray, have: Any, classes: np.ndarray, fill: float) -> np.ndarray:
    """``p``'s columns (classes ``have``) placed in ``classes`` order; a class the fold's fit
    part lacked gets ``fill``."""
    out = np.full((len(p), len(classes)), fill)
    out[:, np.searchsorted(classes, np.asarray(have).astype(str))] = p
    return out


class LogitStackClassifier:
    """Logistic regression over [GB OOF probabilities, model OOF log-probabilities].

    ``make_model(seed)``: a new unfitted ``ModelClassifier`` (the fine-tune recipe);
    ``gb``: the GB settings (default ``FeatureGBClassifier(random_state=seed)``);
    ``n_splits`` fold fits of each; ``folds``: see the module doc; ``combiner``: "logistic"
    or "average". After ``fit``: ``classes_``, ``oof_`` (train's stacked rows), ``gb_`` (GB on
    all of train), ``gbs_`` / ``models_`` (the fold fits), ``folds_``, ``C_``,
    ``weight_`` (the average's GB weight), ``val_scores_`` ({combiner: val accuracy %}).
    """

    def __init__(
        self,
        make_model: Callable[[int], Any],
        gb: FeatureGBClassifier | None = None,
        n_splits: int = 3,
        folds: str = "source",
        combiner: str = "logistic",
        seed: int = 0,
        name: str | None = None,
    ) -> None:
        if folds not in FOLDS:
            raise ValueError(f"folds must be one of {FOLDS}, got {folds!r}")
        if combiner not in ("logistic", "average"):
            raise ValueError(f'combiner must be "logistic" or "average", got {combiner!r}')
        if n_splits < 2:
            raise ValueError(f"n_splits must be >= 2, got {n_splits}")
        self.make_model, self.gb, self.n_splits = make_model, gb, n_splits
        self.folds, self.combiner, self.seed = folds, combiner, seed
        self.name = name or f"stack [{combiner}: GB + model, {n_splits}-fold OOF]"

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> LogitStackClassifier:
        train = train.sort(["traj_id", "t"])
        y = segment_labels(train)
        self.classes_ = np.unique(y).astype(str)
        gb = self.gb if self.gb is not None else FeatureGBClassifier(random_state=self.seed)
        self.folds_ = stack_folds(train, self.n_splits, self.folds, self.seed)
        K = len(self.classes_)
        P, L = np.full((len(y), K), np.nan), np.full((len(y), K), np.nan)
        self.gbs_, self.models_ = [], []
        for k, (fit_idx, out_idx) in enumerate(self.folds_):
            part, out = _rows(train, fit_idx), _rows(train, out_idx)
            g = copy.deepcopy(gb).fit(part)
            P[out_idx] = _columns(g.predict_proba(out), g.classes_, self.classes_, 0.0)
            m = self.make_model(self.seed * 100 + k).fit(part, val)
            lp = np.log(np.clip(m.predict_proba(out), 1e-9, None))
            L[out_idx] = _columns(lp, m.classes_, self.classes_, np.log(1e-9))
            self.gbs_.append(g)
            self.models_.append(m)
        assert not np.isnan(P).any() and not np.isnan(L).any(), "a train row left unscored"
        self.gb_ = copy.deepcopy(gb).fit(train)
        self.oof_ = np.hstack([P, L])
        self._fit_combiners(self.oof_, y, val)
        return self

    def _fit_combiners(self, Z: np.ndarray, y: np.ndarray, val: pl.DataFrame | None) -> None:
        from sklearn.linear_model import LogisticRegression

        # a column that barely varies on the OOF rows (e.g. the fold GBs of a tiny train split
        # all answering one class) must not be blown up on val / test, where GB is refitted on
        # all of train and varies: without the floor MAT animals' test fell to 21.9 %
        self.mean_, self.scale_ = Z.mean(0), np.maximum(Z.std(0), 0.05)
        zs = (Z - self.mean_) / self.scale_
        fits = {C: LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(zs, y)
                for C in C_GRID}  # fmt: skip
        self.C_, self.weight_, self.val_scores_ = 1.0, 0.5, {}
        if val is None or len(val) == 0:
            self.lr_ = fits[self.C_]
            return
        yv = segment_labels(val)
        Zv = self._stacked(val)
        acc = {C: float(np.mean(self._lr_classify(f, Zv) == yv)) for C, f in fits.items()}
        self.C_ = max(C_GRID, key=lambda C: (acc[C], -C))  # ties: the more regularised
        self.lr_ = fits[self.C_]
        pg, pm = self._parts(Zv)
        w_acc = {float(w): float(np.mean(self.classes_[(w * pg + (1 - w) * pm).argmax(1)] == yv))
                 for w in np.round(np.arange(0.0, 1.0001, 0.05), 2)}  # fmt: skip
        self.weight_ = max(w_acc, key=lambda w: (w_acc[w], w))  # ties: more GB
        self.val_scores_ = {
            "logistic": acc[self.C_] * 100.0,
            "average": w_acc[self.weight_] * 100.0,
        }

    def _stacked(self, segments: pl.DataFrame) -> np.ndarray:
        """[GB probs (fitted on all of train), mean model log-probs of the K fold fits], rows
        in sorted id order."""
        segments = segments.sort(["traj_id", "t"])
        P = _columns(self.gb_.predict_proba(segments), self.gb_.classes_, self.classes_, 0.0)
        L = np.mean([_columns(np.log(np.clip(m.predict_proba(segments), 1e-9, None)),
                              m.classes_, self.classes_, np.log(1e-9))
                     for m in self.models_], axis=0)  # fmt: skip
        return np.hstack([P, L])

    def _parts(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        K = len(self.classes_)
        pm = np.exp(Z[:, K:] - Z[:, K:].max(1, keepdims=True))
        return Z[:, :K], pm / pm.sum(1, keepdims=True)

    def _lr_classify(self, lr: Any, Z: np.ndarray) -> np.ndarray:
        return np.asarray(lr.predict((Z - self.mean_) / self.scale_)).astype(str)

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        """(N, K) probabilities, columns in ``classes_`` order, rows in sorted segment-id order."""
        Z = self._stacked(segments)
        if self.combiner == "average":
            pg, pm = self._parts(Z)
            return self.weight_ * pg + (1 - self.weight_) * pm
        p = self.lr_.predict_proba((Z - self.mean_) / self.scale_)
        return _columns(p, self.lr_.classes_, self.classes_, 0.0)

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(segments).argmax(1)].astype(str)

    def with_combiner(self, combiner: str, name: str | None = None) -> LogitStackClassifier:
        """The same fitted folds answering with the other combiner (no refit)."""
        other = copy.copy(self)
        other.combiner = combiner
        other.name = name or self.name.replace(self.combiner, combiner)
        return other
