"""Classifier ensembles: the mean of seed replicates, and a val-weighted pair (issue 15)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.segments import segment_labels


class MeanEnsemble:
    """The mean of several classifiers' probabilities (e.g. one model's seed replicates).

    ``fit`` fits only the members not fitted yet, so replicates scored alone are reused.
    """

    def __init__(self, members: list[Any], name: str) -> None:
        self.members, self.name = list(members), name

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> MeanEnsemble:
        for m in self.members:
            if not hasattr(m, "classes_"):
                m.fit(train, val)
        self.classes_ = np.asarray([str(c) for c in self.members[0].classes_])
        return self

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        return np.mean([m.predict_proba(segments) for m in self.members], axis=0)

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(segments).argmax(1)].astype(str)


class ProbabilityEnsemble:
    """``w * p_a + (1 - w) * p_b`` of two classifiers with ``predict_proba`` (issue 15).

    ``fit(train, val)`` fits each member that is not fitted yet (a member already fitted, e.g.
    the same model object scored alone just before, is reused as is), then picks ``w`` on a
    0.05 grid by val accuracy (ties: lower val log-loss, then the larger w). Without val, w = 0.5.
    Members must share their sorted classes.
    """

    def __init__(self, a: Any, b: Any, name: str | None = None) -> None:
        self.a, self.b = a, b
        self.name = name or f"ensemble [{a.name} + {b.name}]"

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> ProbabilityEnsemble:
        for m in (self.a, self.b):
            if not hasattr(m, "classes_"):
                m.fit(train, val)
        ca, cb = [str(c) for c in self.a.classes_], [str(c) for c in self.b.classes_]
        if ca != cb:
            raise ValueError(f"ensemble members disagree on classes: {ca} vs {cb}")
        self.classes_ = np.asarray(ca)
        self.weight_, self.val_curve_ = 0.5, []
        if val is None or len(val) == 0:
            return self
        pa, pb, y = self.a.predict_proba(val), self.b.predict_proba(val), segment_labels(val)
        yi = np.searchsorted(self.classes_, y)
        best = None
        for w in np.round(np.arange(0.0, 1.0001, 0.05), 2):
            p = w * pa + (1 - w) * pb
            acc = float(np.mean(p.argmax(1) == yi) * 100.0)
            nll = float(-np.mean(np.log(np.clip(p[np.arange(len(yi)), yi], 1e-12, None))))
            self.val_curve_.append({"w": float(w), "val_acc": acc, "val_nll": nll})
            key = (acc, -nll, w)
            if best is None or key > best[0]:
                best = (key, float(w))
        self.weight_ = best[1]
        return self

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        w = self.weight_
        return w * self.a.predict_proba(segments) + (1 - w) * self.b.predict_proba(segments)

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(segments).argmax(1)].astype(str)
