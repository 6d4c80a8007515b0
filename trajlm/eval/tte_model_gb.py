"""Gradient boosting that reads a trained model's travel time as one more feature (issue 15,
session 28; docs/travel-time.md).

The residual heads of sessions 6-9 correct a GB base with a *linear* function of the model's
log duration; under the chronological splits a learned slope extrapolates (session 7's hour,
session 8's drift). Here the trees get the model's log duration beside the protocol's features
(distance, origin, destination, hour, weekday) and decide where it helps; trees stay flat
outside the range train saw. The default loss is ``absolute_error``: MAE is minimised by the
conditional median, not by the geometric mean that squared error on log seconds fits.

Only the protocol's query is read (the model is asked about the O-D pair and departure time).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import median_lon
from trajlm.errors import UserError
from trajlm.eval import baselines as B
from trajlm.eval.tte_residual import checked_od

GB_LOSSES = ("absolute_error", "squared_error")


class ModelFeatureGB(B.GradientBoostingTTE):
    """``GradientBoostingTTE``'s trees (same features and settings) plus ``log model(od)``.

    ``model``: anything with ``travel_time(od) -> seconds`` (e.g.
    ``trajlm.tasks.travel_time.ModelTravelTime``). ``loss``: ``"absolute_error"`` (default) or
    ``"squared_error"`` (the protocol's GB loss). ``fit(train_df)`` / ``predict(od) -> seconds``.
    """

    name = "gradient boosting + model feature"

    def __init__(self, model: Any = None, loss: str = "absolute_error", max_iter: int = 200,
                 learning_rate: float = 0.05, log_target: bool = True,
                 random_state: int = 0) -> None:  # fmt: skip
        super().__init__(max_iter, learning_rate, log_target, random_state)
        self.model, self.loss = model, loss

    def _make(self):
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(
            loss=self.loss, max_iter=self.max_iter, learning_rate=self.learning_rate,
            random_state=self.random_state,
        )  # fmt: skip

    def _x(self, od: pl.DataFrame) -> np.ndarray:
        model_s = np.maximum(np.asarray(self.model.travel_time(od), np.float64), 1.0)
        if model_s.shape != (len(od),) or not np.isfinite(model_s).all():
            raise UserError(f"{self.name}: the model gave {model_s.shape} durations (non-finite "
                            f"or wrong length) for {len(od)} trips")  # fmt: skip
        return np.c_[B.tte_matrix(od, self.lon0_), np.log(model_s)]

    def fit(self, train_df: pl.DataFrame, **columns: Any) -> ModelFeatureGB:
        if self.model is None or not hasattr(self.model, "travel_time"):
            raise UserError(f"{self.name}: model= needs an object with travel_time(od)",
                            hint="e.g. trajlm.tasks.travel_time.ModelTravelTime(model)")  # fmt: skip
        if self.loss not in GB_LOSSES:
            raise UserError(f"loss={self.loss!r}: expected one of {', '.join(GB_LOSSES)}")
        od = checked_od(train_df, need_duration=True)
        if not od["duration_s"].dtype.is_numeric():  # text was a polars ComputeError (badin28)
            raise UserError(f"{self.name}: duration_s must be seconds (numbers), got "
                            f"{od['duration_s'].dtype}")  # fmt: skip
        # NaN compares above every number in polars: NaN / inf durations were scikit-learn's
        # "Input y contains NaN" (badin28); trips without a positive duration are left out
        od = od.filter(pl.col("duration_s").is_finite() & (pl.col("duration_s") > 0))
        if not len(od):
            raise UserError(f"{self.name}: no train trip has a positive, finite duration_s")
        self.lon0_ = median_lon(np.r_[od["o_lon"].to_numpy(), od["d_lon"].to_numpy()])
        y = od["duration_s"].to_numpy().astype(np.float64)
        x = self._x(od)
        with B.few_threads(len(od)):
            self.model_ = self._make().fit(x, np.log(y) if self.log_target else y)
        return self

    def predict(self, od: pl.DataFrame, **columns: Any) -> np.ndarray:
        """(N,) seconds."""
        if not hasattr(self, "model_"):
            raise UserError(f"{self.name}: call fit(train_df) before predict")
        od = checked_od(od, need_duration=False)
        x = self._x(od)
        with B.few_threads(len(od)):
            y = self.model_.predict(x)
        return np.exp(y) if self.log_target else np.maximum(y, 1.0)
