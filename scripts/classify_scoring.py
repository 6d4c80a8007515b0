"""Val + test scoring of classifiers over seeds: one copy for scripts/classify22_measure.py,
classify23_measure.py and classify24_measure.py (they each held this block until session 24).

    sc = Scorer(train, val, test, classes)
    gb = sc.run("GB features", FeatureGBClassifier(random_state=seed))
    sc.score("engine", ValChoice([gb, model]).fit(train, val), t0)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np


class Scorer:
    """Each method's val accuracy, test accuracy / macro-F1, fit seconds and test hits (0/100 per
    test segment, one array per seed, for the paired bootstrap CI) in ``res`` / ``hits``."""

    def __init__(self, train: Any, val: Any, test: Any, classes: list[str]) -> None:
        self.train, self.val, self.test, self.classes = train, val, test, classes
        self.res: dict[str, dict[str, list[float]]] = {}
        self.hits: dict[str, list[np.ndarray]] = {}

    def score(self, method: str, clf: Any, t0: float) -> Any:
        """Score a fitted ``clf`` on val and test (``t0``: when its fit began)."""
        from trajlm.eval.classify import classification_metrics, segment_labels

        r = self.res.setdefault(method, {"val_acc": [], "acc": [], "f1": [], "fit_s": []})
        r["fit_s"].append(time.perf_counter() - t0)
        for split, seg in (("val", self.val), ("test", self.test)):
            pred = np.asarray(clf.classify(seg)).astype(str)
            m, _ = classification_metrics(pred, segment_labels(seg), self.classes)
            if split == "val":
                r["val_acc"].append(m["accuracy_pct"])
            else:
                r["acc"].append(m["accuracy_pct"])
                r["f1"].append(m["macro_f1_pct"])
                self.hits.setdefault(method, []).append((pred == segment_labels(seg)) * 100.0)
        return clf

    def run(self, method: str, clf: Any) -> Any:
        """Fit ``clf`` on train (val for its own choices), then ``score`` it."""
        t0 = time.perf_counter()
        clf.fit(self.train, self.val)
        return self.score(method, clf, t0)

    def last(self) -> dict[str, tuple[float, float]]:
        """{method: (val accuracy, test accuracy)} of the latest seed, for a progress line."""
        return {
            k: (round(v["val_acc"][-1], 1), round(v["acc"][-1], 1)) for k, v in self.res.items()
        }
