"""Which gradient boosting a classifier is held against, chosen on val (session 23, gbchoice23).

``TunedGBClassifier`` picks ``min_samples_leaf`` / ``max_depth`` by grouped CV on train. On a
chronological split (GeoLife by time) and on hurricanes that CV choice scored below the default
setting on test (classify22 / classify23): train CV does not carry over to a later period.
``ValPickedGB`` decides before any test number is read: it fits the default GB and the CV-tuned
one on train and keeps the tuned one only when it is reliably above the default on val (the
split meant for model selection; ``ValChoice``'s rule: the paired bootstrap 95 % CI over val
trajectories of tuned minus default lies above 0). Ties, differences inside the CI and no val
keep the default. ``choice_`` says which and why (the CLI writes it into the folder).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.eval.classify_gb import FeatureGBClassifier
from trajlm.eval.classify_gb_cv import GB_GRID, TUNE_MAX_SEGMENTS, TunedGBClassifier, ValChoice


class ValPickedGB:
    """The default ``FeatureGBClassifier`` unless the CV-tuned one is reliably above it on val.

    ``tune``: fit the CV-tuned candidate (default: when train has at most TUNE_MAX_SEGMENTS
    segments; above that the CV costs minutes and only the default is fitted). After ``fit``:
    ``kept_`` (the fitted GB that answers), ``name`` (its name), ``model_`` (its scikit-learn
    estimator), ``classes_``, ``choice_`` (one line: which GB and why), ``val_scores_`` and
    ``val_ci_`` (as ``ValChoice``), ``tuned_`` (the CV-tuned candidate, when fitted).
    ``grid`` and ``kwargs`` (e.g. ``max_iter``) go to both candidates. Put it first in
    ``ValChoice([ValPickedGB(), model])`` to hold a model against the GB `trajlm finetune
    --task classify` saves.
    """

    def __init__(
        self,
        random_state: int = 0,
        tune: bool | None = None,
        grid: tuple[tuple[int, int | None], ...] = GB_GRID,
        **kwargs: Any,
    ) -> None:
        self.random_state, self.tune, self.grid, self.kwargs = random_state, tune, grid, kwargs

    @property
    def name(self) -> str:
        return self.kept_.name if hasattr(self, "kept_") else "GB features [val-picked]"

    @property
    def model_(self) -> Any:
        return self.kept_.model_

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> ValPickedGB:
        default = FeatureGBClassifier(random_state=self.random_state, **self.kwargs).fit(train)
        tune = self.tune
        if tune is None:
            tune = train["traj_id"].n_unique() <= TUNE_MAX_SEGMENTS
        self.val_scores_: dict[str, float] = {}
        self.val_ci_: dict[str, tuple[float, float]] = {}
        if not tune:
            self.kept_ = default
            self.choice_ = (f"{default.name} (default settings; over {TUNE_MAX_SEGMENTS:,} train "
                            "segments no CV-tuned candidate)")  # fmt: skip
        else:
            tuned = TunedGBClassifier(self.grid, random_state=self.random_state, **self.kwargs)
            self.tuned_ = tuned = tuned.fit(train)
            if tuned.chosen_ == (default.min_samples_leaf, default.max_depth):
                self.kept_ = default  # the CV chose the default setting: one and the same GB
                self.choice_ = f"{default.name} (default settings; train CV chose them too)"
            else:
                pick = ValChoice([default, tuned]).fit(train, val)
                self.kept_, self.val_scores_, self.val_ci_ = (
                    pick.kept_,
                    pick.val_scores_,
                    pick.val_ci_,
                )
                self.choice_ = self._line(default, tuned, val)
        self.classes_ = np.asarray([str(c) for c in self.kept_.classes_])
        return self

    def _line(self, default: Any, tuned: Any, val: pl.DataFrame | None) -> str:
        leaf, depth = tuned.chosen_
        if val is None or not len(val):
            return (f"{default.name} (default settings; no val to check the CV-tuned "
                    f"min_samples_leaf={leaf}, max_depth={depth} on)")  # fmt: skip
        s, (lo, hi) = self.val_scores_, self.val_ci_[tuned.name]
        cmp = (f"on val {tuned.name} (min_samples_leaf={leaf}, max_depth={depth}) "
               f"{s[tuned.name]:.1f} % vs default {s[default.name]:.1f} %, 95 % CI of the "
               f"difference {lo:+.1f} to {hi:+.1f}")  # fmt: skip
        if self.kept_ is tuned:
            return f"{tuned.name}: reliably above the default; {cmp}"
        return (
            f"{default.name} (default settings): the CV-tuned one is not reliably above it; {cmp}"
        )

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return np.asarray(self.kept_.classify(segments)).astype(str)

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        return self.kept_.predict_proba(segments)
