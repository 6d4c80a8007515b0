"""Travel time that is never worse than its baselines on val (session 21, tasks21).

A new user's multi-task model on a held-out store can lose to gradient boosting (AIS, 400
steps: 1.18x GB's MAE on test, CI 1.02-1.37; docs/travel-time.md "Session 21 (tasks21)").
``ValCheckedTTE`` scores the model and the protocol's baselines (distance / mean speed, linear
regression, gradient boosting, fitted on train) on the store's val split and answers with the
one of lowest val MAE, saying which in one line (``choice_line``). Choose on val, test once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.eval.protocol import make_tte_task
from trajlm.eval.tte_baselines import (
    DistanceOverMeanSpeed,
    GradientBoostingTTE,
    LinearRegressionTTE,
)


class ValCheckedTTE:
    """``TaskModel.travel_time`` of whichever of ``model`` and the baselines had the lowest
    MAE on ``val`` (baselines fitted on ``train``)."""

    def __init__(self, model: Any, name: str | None = None, tz: str | float | None = None) -> None:
        self.model = model
        self.tz = tz  # the regressors' clock (the store's zone; None: UTC; newuser28)
        self.name = name or f"{getattr(model, 'name', 'trajlm')} (val-checked)"
        self.chosen_: str | None = None
        self.val_mae_s_: dict[str, float] = {}

    def fit(self, train: pl.DataFrame, val: pl.DataFrame) -> ValCheckedTTE:
        od = make_tte_task(val)
        if not len(od):
            raise ValueError("the val split has no trip of positive duration to check on")
        y = od["duration_s"].to_numpy().astype(np.float64)
        self.candidates_: dict[str, Any] = {"model": self.model}
        for est in (DistanceOverMeanSpeed(), LinearRegressionTTE(tz=self.tz),
                    GradientBoostingTTE(tz=self.tz)):  # fmt: skip
            self.candidates_[est.name] = est.fit(train)
        for key, m in self.candidates_.items():
            pred = m.travel_time(od) if key == "model" else m.predict(od)
            self.val_mae_s_[key] = float(np.mean(np.abs(np.asarray(pred, np.float64) - y)))
        # ties keep the model (it is listed first)
        self.chosen_ = min(self.val_mae_s_, key=self.val_mae_s_.get)
        return self

    def travel_time(self, od: pl.DataFrame) -> np.ndarray:
        if self.chosen_ is None:
            raise ValueError("call fit(train, val) first")
        m = self.candidates_[self.chosen_]
        return np.asarray(m.travel_time(od) if self.chosen_ == "model" else m.predict(od))

    def choice_line(self) -> str:
        """One line: what answers and why (val MAE in minutes)."""
        v = {k: f"{s / 60:.2f}" for k, s in self.val_mae_s_.items()}
        if self.chosen_ == "model":
            return f"{self.name}: the model answers (val MAE {v['model']} min, best of {v})"
        return (f"{self.name}: {self.chosen_} answers: the model's val MAE {v['model']} min is "
                f"above its {v[self.chosen_]} min (val MAE by candidate, min: {v})")  # fmt: skip


__all__ = ["ValCheckedTTE"]
