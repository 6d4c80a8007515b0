"""A fair gradient-boosting baseline on small labelled sets, and a val-checked choice (classify22).

``FeatureGBClassifier``'s fixed ``min_samples_leaf=20`` cannot split off a class of fewer than
~20 train trajectories (a 72-trajectory set got one class everywhere; MAT animals: 56 train
trajectories over 3 classes). ``TunedGBClassifier`` chooses ``min_samples_leaf`` and
``max_depth`` by stratified K-fold CV on the train split alone, grouped by source trajectory
(``source_traj_id`` when the store has it: pieces of one trajectory stay on one side), so the
baseline a model is compared with is as strong as the train data allows. Val and test are not
read.

``ValChoice`` fits several classifiers and keeps the first (the baseline) unless another is
reliably better on val (``rule="reliable"``, the default: the paired bootstrap 95 % CI of its
val accuracy minus the baseline's, over val trajectories, lies above 0; one val trajectory
of 13 is 7.7 points) or simply better (``rule="best"``); ``choice_`` / ``val_scores_`` say what
was kept and why. A user gets the model only where val shows it beats the baseline.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.segments import segment_labels
from trajlm.errors import TrajlmInputError
from trajlm.eval.classify_gb import FeatureGBClassifier, two_classes

TUNE_MAX_SEGMENTS = 2000  # more train segments: the fixed defaults (the CV would cost minutes)
# (min_samples_leaf, max_depth): the default (20, None) is one of them
GB_GRID: tuple[tuple[int, int | None], ...] = tuple(
    (leaf, depth) for leaf in (20, 10, 5, 2) for depth in (None, 3)
)


def _whole(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool) and x >= 1


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
        grid = tuple(grid)
        for entry in grid:
            leaf, depth = entry if isinstance(entry, tuple | list) and len(entry) == 2 else (0, 0)
            if not _whole(leaf) or (depth is not None and not _whole(depth)):
                raise TrajlmInputError(
                    f"grid: each entry is (min_samples_leaf >= 1, max_depth None or >= 1), "
                    f"got {entry!r}",
                    field="grid",
                )
        if not _whole(n_splits) or n_splits < 2:
            raise TrajlmInputError(f"n_splits must be a whole number >= 2, got {n_splits!r}",
                                   field="n_splits")  # fmt: skip
        self.grid, self.n_splits = grid, n_splits

    @property
    def name(self) -> str:
        if len(self.grid) < 2:  # nothing to choose: the fixed baseline under its own name
            return super().name
        return super().name.replace("GB features", "GB features [CV-tuned]", 1)

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> TunedGBClassifier:
        """Choose the setting by grouped CV on ``train``, then refit on all of it."""
        from sklearn.model_selection import StratifiedGroupKFold

        y, groups = segment_labels(train), segment_groups(train)
        classes = two_classes(y)
        X, self.feature_names_ = self.features(train)
        # folds are grouped by source trajectory: a class's trajectories (not its segments, a
        # trajectory's gap pieces being one group) bound K (badin22: 1 trajectory cut in 3)
        k = int(min(self.n_splits, min(len(set(groups[y == c])) for c in classes)))
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
    """Fit each candidate on train (val for its own early stopping), keep one by val.

    ``candidates``: classifiers with ``fit(train, val)`` / ``classify`` (``predict_proba``
    passed through when the kept one has it); put the baseline first. ``rule="reliable"``:
    another candidate replaces the first only when the paired bootstrap 95 % CI of its val
    accuracy minus the first's is above 0 (among those, the best val accuracy); ``"best"``:
    the best val accuracy (ties: the earlier). After ``fit``: ``choice_`` (the kept one's
    name), ``choice_reason_``, ``val_scores_`` ({name: val accuracy %}), ``val_ci_`` ({name:
    (lo, hi) of its val accuracy minus the first's, points}). Without val: the first.
    ``ValChoice([ValPickedGB(), model])`` (trajlm.eval.classify_gb_choice) holds a model
    against the GB `finetune --task classify` saves (default unless the CV-tuned one is
    reliably above it on val; gbchoice23).
    """

    def __init__(
        self, candidates: list[Any], name: str = "val-checked choice", rule: str = "reliable"
    ) -> None:
        if not candidates:
            raise ValueError("ValChoice needs at least one candidate")
        if rule not in ("reliable", "best"):
            raise ValueError(f'rule must be "reliable" or "best", got {rule!r}')
        self.candidates, self.name, self.rule = list(candidates), name, rule

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> ValChoice:
        from trajlm.eval.compare import paired_bootstrap_ci

        for c in self.candidates:
            if not hasattr(c, "classes_"):
                c.fit(train, val)
        self.val_scores_: dict[str, float] = {}
        self.val_ci_: dict[str, tuple[float, float]] = {}
        self.kept_, self.choice_reason_ = self.candidates[0], "no val segments: the first"
        if val is not None and len(val):
            y = segment_labels(val)
            hits = {c.name: (np.asarray(c.classify(val)).astype(str) == y) * 100.0
                    for c in self.candidates}  # fmt: skip
            base = self.candidates[0]
            for c in self.candidates:
                self.val_scores_[c.name] = float(hits[c.name].mean())
                ci = paired_bootstrap_ci(hits[c.name], hits[base.name])
                self.val_ci_[c.name] = (round(ci["lo"], 1), round(ci["hi"], 1))
            ok = [
                c for c in self.candidates[1:] if self.rule == "best" or self.val_ci_[c.name][0] > 0
            ]
            self.kept_ = max([base, *ok], key=lambda c: self.val_scores_[c.name])
            self.choice_reason_ = (
                "best val accuracy" if self.rule == "best"
                else "reliably above the first on val" if self.kept_ is not base
                else "no candidate reliably above the first on val"
            )  # fmt: skip
        self.choice_ = self.kept_.name
        self.classes_ = np.asarray([str(c) for c in self.kept_.classes_])
        return self

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return np.asarray(self.kept_.classify(segments)).astype(str)

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        return self.kept_.predict_proba(segments)
