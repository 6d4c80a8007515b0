"""Gradient boosting on motion + route-affinity features (issue 15, session 8).

``RouteGBClassifier`` is ``FeatureGBClassifier`` (PROTOCOL.md task 4's baseline: 30 motion
features per segment) with the route-affinity features of ``trajlm.data.route_affinity``
appended: where a segment runs relative to the train segments of each class. The affinity index
is built in ``fit`` from the train segments only; the leak guard (a segment never sees itself
nor the same user's segments within ``exclude_gap_s``) applies to train and test rows alike.
"""

from __future__ import annotations

import copy

import numpy as np
import polars as pl

from trajlm.data.motion_features import segment_features
from trajlm.data.route_affinity import RouteAffinity
from trajlm.data.segments import segment_labels
from trajlm.eval.classify import FeatureGBClassifier


def motion_route_features(
    segments: pl.DataFrame, route: RouteAffinity
) -> tuple[np.ndarray, list[str]]:
    """[30 motion features ; route-affinity features] per segment, sorted segment-id order."""
    X, names = segment_features(segments)
    R, rnames = route.transform(segments)
    return np.concatenate([X, R], axis=1), names + rnames


class RouteGBClassifier(FeatureGBClassifier):
    """``FeatureGBClassifier`` on motion + route-affinity features ("GB + route features").

    ``route``: an unfitted ``RouteAffinity`` (its settings; copied and fitted on train in
    ``fit``), default ``RouteAffinity()``. Other arguments: as ``FeatureGBClassifier``.
    """

    def __init__(self, route: RouteAffinity | None = None, **gb: object) -> None:
        super().__init__(**gb)  # type: ignore[arg-type]
        self.route = route if route is not None else RouteAffinity()

    @property
    def name(self) -> str:
        return "GB + route features" + (" [balanced]" if self.class_weight == "balanced" else "")

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> RouteGBClassifier:
        """Index the train segments, then fit GB on their (leave-out) features; val unused."""
        self.route_ = copy.deepcopy(self.route).fit(train)
        X, self.feature_names_ = motion_route_features(train, self.route_)
        self.model_ = self._new_gb().fit(X, segment_labels(train))
        self.classes_ = self.model_.classes_
        return self

    def _X(self, segments: pl.DataFrame) -> np.ndarray:
        if not hasattr(self, "route_"):
            raise ValueError("RouteGBClassifier: call fit(train) first")
        return motion_route_features(segments, self.route_)[0]

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return self.model_.predict(self._X(segments)).astype(str)

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        """(N, K) class probabilities, columns in ``classes_`` order (sorted)."""
        return self.model_.predict_proba(self._X(segments))


class RouteVoteClassifier:
    """The route-affinity kNN vote alone: the distance-weighted labels of the ``k`` nearest
    train segments by shape+place (leak-guarded), smoothed by ``alpha`` toward uniform. A
    retrieval member for ``ProbabilityEnsemble`` (e.g. with GB, ``w`` on val)."""

    name = "route kNN vote"

    def __init__(self, route: RouteAffinity | None = None, alpha: float = 0.05) -> None:
        self.route, self.alpha = (route if route is not None else RouteAffinity()), alpha

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> RouteVoteClassifier:
        self.route_ = copy.deepcopy(self.route).fit(train)
        self.classes_ = np.asarray(self.route_.classes_)
        return self

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        """(N, K) smoothed vote shares, columns in ``classes_`` order (sorted)."""
        X, names = self.route_.transform(segments)
        cols = [names.index(f"route_knn_{c}") for c in self.classes_]
        p = X[:, cols] + self.alpha
        return p / p.sum(1, keepdims=True)

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(segments).argmax(1)].astype(str)
