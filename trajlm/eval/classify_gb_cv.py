"""A fair gradient-boosting baseline on small labelled sets, and a val-checked choice (classify22).

``FeatureGBClassifier``'s fixed ``min_samples_leaf=20`` cannot split off a class of fewer than
~20 train trajectories (a 72-trajectory set got one class everywhere; MAT animals: 56 train
trajectories over 3 classes). ``TunedGBClassifier`` chooses ``min_samples_leaf`` and
``max_depth`` by stratified K-fold CV on the train split alone, grouped by source trajectory
(``source_traj_id`` when the store has it: pieces of one trajectory stay on one side), so the
baseline a model is compared with is as strong as the train data allows. Val and test are not
read.

``ValChoice`` fits several classifiers and keeps the one with the best val accuracy (ties: the
earlier one, so list the baseline first): a user gets the model only where it beat the
baseline on val, and ``choice_`` / ``val_scores_`` say what was kept and why.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.segments import segment_labels
from trajlm.eval.classify import FeatureGBClassifier

# (min_samples_leaf, max_depth): the default (20, None) is one of them
GB_GRID: tuple[tuple[int, int | None], ...] = tuple(
    (leaf, depth) for leaf in (20, 10, 5, 2) for depth in (None, 3)
)


def segment_groups(segments: pl.DataFrame) -> np.ndarray:
    """The source trajectory of each segment (sorted segment-id order): ``source_traj_id``
    when present (gap pieces of one trajectory), else the segment's own id."""
    if "source_traj_id" not in segments.columns:
        return segments["traj_id"].unique().sort().cast(pl.Utf8).to_numpy().astype(str)
    g = segments.group_by("traj_id").agg(pl.col("source_traj_id").first()).sort("traj_id")
    return g["source_traj_id"].cast(pl.Utf8).to_numpy().astype(str)


class TunedGBClassifier(FeatureGBClassifier):
    """``FeatureGBClassifier`` whose ``min_samples_leaf`` / ``max_depth`` are chosen from
    ``grid`` by grouped, stratified ``n_splits``-fold CV accuracy on train (ties: the earlier
    grid entry, i.e. the default first). After ``fit``: ``cv_`` (each setting's CV accuracy %)
    and ``chosen_``. With fewer than 2 trajectories in some class it keeps the default."""

    def __init__(
        self,
        grid: tuple[tuple[int, int | None], ...] = GB_GRID,
        n_splits: int = 5,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.grid, self.n_splits = tuple(grid), n_splits

    @property
    def name(self) -> str:
        if len(self.grid) < 2:  # nothing to choose: the fixed baseline under its own name
            return super().name
        return super().name.replace("GB features", "GB features [CV-tuned]", 1)

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> TunedGBClassifier:
        """Choose the setting by grouped CV on ``train``, then refit on all of it."""
        from sklearn.model_selection import StratifiedGroupKFold

        X, self.feature_names_ = self.features(train)
        y, groups = segment_labels(train), segment_groups(train)
        _, counts = np.unique(y, return_counts=True)
        k = int(min(self.n_splits, counts.min()))
        self.cv_: dict[str, float] = {}
        self.chosen_ = (self.min_samples_leaf, self.max_depth)
        if k >= 2 and len(self.grid) > 1:
            cv = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=self.random_state)
            folds = list(cv.split(X, y, groups))
            best = None
            for leaf, depth in self.grid:
                self.min_samples_leaf, self.max_depth = leaf, depth
                hits = 0
                for fit_idx, score_idx in folds:
                    m = self._new_gb().fit(X[fit_idx], y[fit_idx])
                    hits += int((m.predict(X[score_idx]) == y[score_idx]).sum())
                acc = 100.0 * hits / len(y)
                self.cv_[f"min_samples_leaf={leaf}, max_depth={depth}"] = round(acc, 1)
                if best is None or acc > best[0]:
                    best = (acc, (leaf, depth))
            self.chosen_ = best[1]
        self.min_samples_leaf, self.max_depth = self.chosen_
        return self.fit_arrays(X, y)


class ValChoice:
    """Fit each candidate on train (val for its own early stopping), keep the best on val.

    ``candidates``: classifiers with ``fit(train, val)`` / ``classify`` (``predict_proba``
    passed through when the kept one has it); the first wins ties, so put the baseline first.
    After ``fit``: ``choice_`` (the kept one's name), ``val_scores_`` ({name: val accuracy %}).
    Without val segments the first candidate is kept (said in ``choice_reason_``).
    """

    def __init__(self, candidates: list[Any], name: str = "val-checked choice") -> None:
        if not candidates:
            raise ValueError("ValChoice needs at least one candidate")
        self.candidates, self.name = list(candidates), name

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> ValChoice:
        for c in self.candidates:
            if not hasattr(c, "classes_"):
                c.fit(train, val)
        self.val_scores_: dict[str, float] = {}
        if val is None or not len(val):
            self.kept_, self.choice_reason_ = self.candidates[0], "no val segments"
        else:
            y = segment_labels(val)
            for c in self.candidates:
                self.val_scores_[c.name] = float(np.mean(np.asarray(c.classify(val)) == y) * 100)
            self.kept_ = max(self.candidates, key=lambda c: self.val_scores_[c.name])
            self.choice_reason_ = "best val accuracy"
        self.choice_ = self.kept_.name
        self.classes_ = np.asarray([str(c) for c in self.kept_.classes_])
        return self

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return np.asarray(self.kept_.classify(segments)).astype(str)

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        return self.kept_.predict_proba(segments)
