"""The evaluation harness's method adapters and per-task scoring (split out of
trajlm/eval/protocol.py, which re-exports them): ``TaskModel`` (what the harness calls),
``ProjectedBaseline`` (a metre-space baseline behind it), and the scores of one method on one task,
each with its per-trajectory errors for the paired ratios (ratios.py)."""

from __future__ import annotations

import time
from typing import Any, Protocol

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import PredictionTask, RecoveryTask
from trajlm.eval import metrics as M

# ------------------------------------------------------------------------ method adapters


class TaskModel(Protocol):
    """What the harness calls; each of the three methods is optional (checked with hasattr).

    ``predict_next(task: PredictionTask) -> (N, k, 2)`` lat/lon degrees;
    ``recover(task: RecoveryTask) -> (P, 2)`` lat/lon of every point (hidden ones predicted);
    ``travel_time(od: pl.DataFrame) -> (N,)`` seconds, ``od`` as from ``make_tte_task``.
    """

    name: str


class ProjectedBaseline:
    """Exposes a metre-space baseline through the lat/lon ``TaskModel`` interface."""

    def __init__(self, est: Any, proj: LocalProjection, k: int = 5) -> None:
        self.est, self.proj, self.k, self.name = est, proj, k, est.name

    def _latlon(self, xy: np.ndarray) -> np.ndarray:
        return np.stack(self.proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)

    def predict_next(self, task: PredictionTask) -> np.ndarray:
        t0 = task.hist_t[:, :1]  # relative seconds keep float64 precision
        args = (task.lengths, task.target_t.shape[1], task.hist_t - t0, task.target_t - t0)
        return self._latlon(self.est.predict(task.xy(self.proj), *args))

    def recover(self, task: RecoveryTask) -> np.ndarray:
        return self._latlon(self.est.predict(task.t, task.xy(self.proj), task.known, task.groups))

    def travel_time(self, od: pl.DataFrame) -> np.ndarray:
        return self.est.predict(od)


# ----------------------------------------------------------------------------- scoring


def timed_call(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def recovery_errors(pred_latlon: np.ndarray, task: RecoveryTask) -> np.ndarray:
    hidden = ~task.known
    return M.point_errors(pred_latlon[hidden], task.latlon[hidden])


def score_predict(m: Any, task: PredictionTask) -> dict[str, float]:
    err = M.point_errors(m.predict_next(task), task.target_latlon)
    # per trajectory (the mean of its windows' k steps) and its window count: the paired
    # ratios to the baselines resample trajectories, never windows of one trip (ratios.py)
    _, owner = task.owners()
    n = np.bincount(owner)
    per = np.bincount(owner, err.mean(1), minlength=len(n)) / np.maximum(n, 1)
    return {**M.distance_metrics(err), "fde_m": M.mae(err[:, -1]), "_per_traj": per,
            "_traj_n": n}  # fmt: skip


def score_recover(m: Any, task: RecoveryTask) -> dict[str, float]:
    err = recovery_errors(m.recover(task), task)
    # per trajectory (its hidden points' mean; NaN without one): the paired ratios (ratios.py)
    g, n = task.groups[~task.known], int(task.groups.max()) + 1 if len(task.groups) else 0
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.bincount(g, err, minlength=n) / np.bincount(g, minlength=n)
    return {**M.distance_metrics(err), "_per_traj": per}


def score_tte(m: Any, od: pl.DataFrame) -> dict[str, float]:
    pred, true = m.travel_time(od), od["duration_s"].to_numpy()
    per = np.abs(np.asarray(pred, np.float64) - true)  # seconds per trip: the paired ratios
    return {**M.regression_metrics(pred, true), "_per_traj": per}
