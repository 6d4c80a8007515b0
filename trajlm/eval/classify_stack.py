"""Gradient boosting's out-of-fold probabilities stacked into the hybrid head (session 23,
classify23; issue 15 lever 5).

``StackedHybridClassifier`` is ``ModelClassifier`` (the hybrid head: segment features beside
the pooled embedding) whose feature vector also holds gradient boosting's class probabilities:
on train, out-of-fold (grouped, stratified K-fold on the train split alone, groups = source
trajectory, as ``TunedGBClassifier``'s CV), so the head learns how far to trust GB on segments
GB did not see; on val / test, a GB refitted on all of train. Val and test are never used to
fit GB. Lives in eval (it needs ``FeatureGBClassifier``; imports point data -> ... -> eval).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.segments import segment_labels
from trajlm.eval.classify_gb import FeatureGBClassifier
from trajlm.eval.classify_gb_cv import segment_groups
from trajlm.tasks.classify import ModelClassifier


def oof_probabilities(
    gb: FeatureGBClassifier, train: pl.DataFrame, n_splits: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """``(P, classes)``: (N, K) out-of-fold class probabilities of ``gb``'s settings on the
    train segments (sorted id order), K-fold grouped by source trajectory and stratified by
    class (K = min(n_splits, fewest trajectories of a class), at least 2), columns in sorted
    class order. A class missing from a fold's fit part gets probability 0 there."""
    from sklearn.model_selection import StratifiedGroupKFold

    from trajlm.eval.classify_gb import two_classes

    y, groups = segment_labels(train), segment_groups(train)
    classes = two_classes(y)
    X = gb.features(train)[0]
    k = int(min(n_splits, min(len(set(groups[y == c])) for c in classes)))
    if k < 2:
        raise ValueError(
            "stacking needs at least 2 train trajectories of every class (out-of-fold "
            f"probabilities), got {min(len(set(groups[y == c])) for c in classes)}"
        )
    P = np.zeros((len(y), len(classes)))
    cv = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=gb.random_state)
    for fit_idx, out_idx in cv.split(X, y, groups):
        m = gb._new_gb().fit(X[fit_idx], y[fit_idx])
        cols = np.searchsorted(classes, m.classes_)
        P[np.ix_(out_idx, cols)] = m.predict_proba(X[out_idx])
    return P, classes


class StackedHybridClassifier(ModelClassifier):
    """The hybrid head with GB's probabilities as K more features (out of fold on train).

    ``gb``: the unfitted GB whose settings are stacked (default ``FeatureGBClassifier(
    random_state=seed)``); every other argument is ``ModelClassifier``'s (``features`` must stay
    True). After ``fit``: ``gb_`` (fitted on all of train), ``oof_`` (train's out-of-fold
    probabilities). Saving is not supported (an experiment row; the CLI saves the model or GB).
    """

    def __init__(self, *args: Any, gb: FeatureGBClassifier | None = None, **kwargs: Any) -> None:
        if kwargs.get("features", True) is not True:
            raise ValueError("StackedHybridClassifier needs features=True (the hybrid head)")
        super().__init__(*args, **kwargs)
        self.gb = gb
        self.name = kwargs.get("name") or "hybrid + GB out-of-fold probabilities (stacked)"

    def fit(self, train: Any, val: Any = None, label_col: str = "label", **columns: Any):
        from trajlm.tasks.classify_labels import drop_unlabelled, labelled
        from trajlm.tasks.task_frames import task_frame

        frame = labelled(task_frame(train, "train", **columns), label_col, "train")
        frame = drop_unlabelled(frame, "train", label_col).sort(["traj_id", "t"])
        gb = self.gb if self.gb is not None else FeatureGBClassifier(random_state=self.seed)
        self.oof_, self.stack_classes_ = oof_probabilities(gb, frame)
        self.gb_ = gb.fit(frame)
        self._oof_ids = frame["traj_id"].unique().sort()
        return super().fit(frame, val)

    def _segment_features(self, segments: pl.DataFrame) -> np.ndarray:
        X = super()._segment_features(segments)
        ids = segments["traj_id"].unique().sort()
        oof_ids = getattr(self, "_oof_ids", None)
        if oof_ids is not None and len(ids) == len(oof_ids) and ids.equals(oof_ids):
            P = self.oof_  # the train segments themselves: out of fold
        else:
            P = self.gb_.proba_arrays(self.gb_.features(segments)[0])
        return np.concatenate([X, P], axis=1)

    def save(self, directory: Any, overwrite: bool = False) -> int:
        raise ValueError("saving a stacked classifier is not supported (docs/finetune.md, "
                         "Session 23): `trajlm finetune --task classify` saves the model or GB")  # fmt: skip
