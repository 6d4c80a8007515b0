"""A model answering the harness's ``predict_at(history, seconds)`` as ``TrajLM.predict(
seconds_ahead=...)`` does: `trajlm eval --horizon-s / --at-report-times` (api_horizon.AtTimes,
session 16) and the prediction verdict on irregular stores (session 27, irreg27:
cli_train_check, eval/report_verdict.py).

The TrajLM class is passed in: the verdict runs at the end of `trajlm train`, which
``TrajLM.fit`` calls (trajlm/api_fit.py), so this module imports nothing of trajlm.api (an
import cycle otherwise: tests/test_layering.py)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm import api_rollout


class ModelAtTimes:
    """``model`` (a TrajectoryModel) through ``lm_class(model).predict(seconds_ahead=...)``;
    ``dead_reckoning`` as ``TrajLM.dead_reckoning`` (None: api_rollout.DR_WEIGHT, read at call
    time; 0: positions only). ``path``: the weights directory the model was loaded from; its
    saved prediction verdict then answers, as ``TrajLM.from_pretrained(path).predict(
    seconds_ahead=...)`` does (`trajlm eval`'s "MODEL (val-checked: ENGINE)" row asked at
    times, irreg28); None: the model alone."""

    def __init__(self, lm_class: type, model: Any, name: str,
                 dead_reckoning: float | None = None, path: Path | None = None) -> None:  # fmt: skip
        self.lm_class, self.model, self.name, self.path = lm_class, model, name, path
        self.dead_reckoning = api_rollout.DR_WEIGHT if dead_reckoning is None else dead_reckoning

    def predict_at(self, hist: pl.DataFrame, ahead: np.ndarray) -> np.ndarray:
        """(W, m, 2) lat/lon at ``ahead`` (W, m) seconds after each trajectory's last fix."""
        lm = self.lm_class(self.model, path=self.path)
        lm.dead_reckoning = self.dead_reckoning
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # coverage notes per window: not the table's
            order = hist.group_by("traj_id", maintain_order=True).len()["traj_id"]
            if (ahead == ahead[:1]).all():  # the same horizons for every window
                asked = [float(a) for a in ahead[0]]
            else:  # each trajectory its own (eval --at-report-times: the true report times)
                asked = {v: [float(a) for a in row] for v, row in zip(order, ahead, strict=True)}
            out = lm.predict(hist, seconds_ahead=asked)
        out = out.sort("traj_id", "step")
        idx = {v: i for i, v in enumerate(order.to_list())}
        m = ahead.shape[1]
        got = np.full((len(order), m, 2), np.nan)
        rows = np.array([idx[v] for v in out["traj_id"].to_list()])
        got[rows, out["step"].to_numpy() - 1] = out.select("lat", "lon").to_numpy()
        return got


__all__ = ["ModelAtTimes"]
