"""The PROTOCOL.md mode baseline: gradient boosting on hand-made segment features (moved out of
eval/classify.py in session 22 so that eval/classify_gb_cv.py can subclass it without a cycle;
re-exported there)."""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.motion_features import segment_features
from trajlm.data.segments import segment_labels
from trajlm.errors import TrajlmInputError


def two_classes(y: np.ndarray) -> np.ndarray:
    """The classes of train labels ``y``; fewer than 2 is one line (badin22: a one-class train
    split fitted a model that answers that class, with no word)."""
    classes = np.unique(y)
    if len(classes) < 2:
        names = ", ".join(map(str, classes)) or "no labelled segment"
        raise TrajlmInputError(
            f"train holds {len(classes)} class(es) ({names}): a classifier needs at least 2",
            field="label",
        )
    return classes


class FeatureGBClassifier:
    """HistGradientBoostingClassifier on ``segment_features`` (the PROTOCOL.md baseline)."""

    def __init__(
        self,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        l2_regularization: float = 1.0,
        class_weight: str | None = None,
        random_state: int = 0,
        lit: tuple[str, ...] = (),
        max_features: float = 1.0,
        n_avg: int = 1,
        max_depth: int | None = None,
        user_prior: bool = False,
        min_samples_leaf: int = 20,
    ) -> None:
        self.max_iter, self.learning_rate = max_iter, learning_rate
        self.max_leaf_nodes, self.l2_regularization = max_leaf_nodes, l2_regularization
        self.class_weight, self.random_state = class_weight, random_state
        # session 9 (opt-in): literature feature groups beside the 30 (motion_features_lit),
        # a per-split feature share (makes seeds differ) and n_avg seeds' probabilities averaged
        self.lit, self.max_features, self.n_avg = tuple(lit), max_features, n_avg
        self.max_depth, self.min_samples_leaf = max_depth, min_samples_leaf
        # a known user's train mode mix (trajlm.eval.user_prior), out of fold on train rows
        self.user_prior = user_prior

    @property
    def name(self) -> str:
        extra = f" + lit[{'+'.join(self.lit)}]" if self.lit else ""
        extra += " + user prior" if self.user_prior else ""
        return "GB features" + extra + (" [balanced]" if self.class_weight == "balanced" else "")

    def features(self, segments: pl.DataFrame) -> tuple[np.ndarray, list[str]]:
        """``(X, names)``: the 30 segment features, then the chosen literature groups."""
        X, names = segment_features(segments)
        if not self.lit:
            return X, names
        from trajlm.data.motion_features_lit import lit_features

        L, lnames = lit_features(segments, self.lit)
        return np.hstack([X, L]), names + lnames

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> FeatureGBClassifier:
        """Fit on train segments (``label`` column); ``val`` is unused (fixed settings)."""
        y = segment_labels(train)
        two_classes(y)
        X, self.feature_names_ = self.features(train)
        if self.user_prior:
            from trajlm.eval.user_prior import UserPrior

            self.prior_ = UserPrior(seed=self.random_state)
            X = np.hstack([X, self.prior_.fit_transform(_users(train), y)])
        return self.fit_arrays(X, y)

    def fit_arrays(self, X: np.ndarray, y: np.ndarray) -> FeatureGBClassifier:
        """Fit on precomputed ``features`` rows (the grouped CV computes them once)."""
        self.models_ = [self._new_gb(self.random_state + k).fit(X, y) for k in range(self.n_avg)]
        self.model_ = self.models_[0]
        self.classes_ = self.model_.classes_
        return self

    def proba_arrays(self, X: np.ndarray) -> np.ndarray:
        """(N, K) probabilities of precomputed feature rows, averaged over the n_avg seeds."""
        return np.mean([m.predict_proba(X) for m in self.models_], axis=0)

    def _new_gb(self, random_state: int | None = None):
        """An unfitted HistGradientBoostingClassifier with this object's settings."""
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            max_features=self.max_features,
            class_weight=self.class_weight,
            early_stopping=False,
            random_state=self.random_state if random_state is None else random_state,
        )

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(segments).argmax(1)].astype(str)

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        """(N, K) class probabilities, columns in ``classes_`` order (sorted)."""
        X = self.features(segments)[0]
        if self.user_prior:
            X = np.hstack([X, self.prior_.transform(_users(segments))])
        return self.proba_arrays(X)


def _users(segments: pl.DataFrame) -> np.ndarray:
    """``user_id`` of each segment in sorted segment-id order (the user prior's key)."""
    from trajlm.eval.grouped_cv import segment_users

    return segment_users(segments)[1]
