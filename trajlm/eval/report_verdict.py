"""The prediction verdict asked at the val trips' true report times on irregular stores
(session 27, irreg27; the verdict: eval/knn_check.py, eval/predict_verdict.py).

The verdict scores the kept model and the baselines on val and hands ``TrajLM.predict`` to the
winner. On a feed that reports every 1-30 min (AIS ships) its 5-step question mostly scores a
guess of *when* each next report comes: the model's step rollout and the step engines
(linear-3, kNN continuation, place-aware kNN) guess it, while the [time] engines (constant
velocity [time], linear-3 [time, fit], dead reckoning [time]) are given the times (irreg26: the
model 5,780-6,252 m on ships val in steps, 1,242-3,294 m asked at the report times). Users of
such feeds ask positions at times (``TrajLM.predict(at_times= / seconds_ahead=)``, `trajlm
predict --at`, HTTP ``at_times``), and the verdict's engine answers those too.

**Rule** (``irregular_spread``, set here): a store is irregular where its *train* split's
``report_times.interval_spread`` (p90 / p10 of the positive intervals between consecutive
fixes of each trajectory) is over ``report_times.IRREGULAR_SPREAD`` (4; the threshold irreg25
chose between every store measured: regular 1.0-3.1, irregular 7.5-15). The train split, not
val: it holds the most intervals (val may hold 3 trips) and it is the feed the model learnt.
On such a store every engine is scored as an asked-times call would answer it, at the val
trips' true report times: the model through ``predict_at`` (as ``TrajLM.predict(
seconds_ahead=...)``: ``api_horizon.AtTimes``, built by the caller, which sits above this
layer), the step engines through ``StepsAtAskedTimes`` (their steps at the history's last
interval, interpolated at the asked times: the code ``api_verdict_asked`` answers with), and
where a step engine cannot reach an asked time the model's answer for that trajectory (as the
API hands it over); the [time] engines already are. The verdict's rule and candidates are
unchanged; the check says ``val_scored_at`` and keeps the model's step ADE beside it. Regular
stores, and callers that pass no ``at_times``, are scored in steps as before, bit for bit.

Session 28 (irreg28): ``AskedTimes`` answers every read the verdict makes of an engine's val
error on such a store, so fewtrip27's windows of a few val trips and smallval25's
tuned-or-default kNN (below 10 val trips) are read at the report times too, as the first
windows are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import PredictionTask
from trajlm.eval import metrics as M
from trajlm.eval.report_times import (
    IRREGULAR_SPREAD,
    SCORED_AT,
    AtReportTimes,
    interval_spread,
)

MAX_LINEAR_STEPS = 256  # as api_rollout.MAX_STEPS: the model's rollout reaches no further
# the engines the API answers asked times with through StepsAtAskedTimes (api_verdict_asked);
# the others ([time] engines) are given the target times in the k-step check already
STEP_ENGINES = ("linear-3", "kNN continuation", "kNN continuation (place-aware)")


def irregular_spread(train: pl.DataFrame) -> float | None:
    """The train split's interval spread where it is over IRREGULAR_SPREAD (the store is
    irregular: the verdict asks at report times), else None."""
    spread = interval_spread(train)
    return float(spread) if spread > IRREGULAR_SPREAD else None


class StepsAtAskedTimes:
    """A steps engine (kNN, place-aware kNN, linear-3) at asked times: its next points at the
    history's last interval, interpolated linearly (metres) from the last fix; NaN before the
    last fix and past the engine's last point (``horizon`` steps: kNN's stored continuation;
    None: as far as asked, up to MAX_LINEAR_STEPS). ``TrajLM.predict``'s asked-times path
    answers with it (api_verdict_asked.py) and the verdict scores it (``report_time_scores``)."""

    def __init__(self, engine: str, index: Any, horizon: int | None) -> None:
        self.engine, self.index, self.horizon = engine, index, horizon
        self.display_name = engine  # the line on single-point trajectories names it

    def predict(self, xy: np.ndarray, lengths: np.ndarray, k: int, t: np.ndarray,
                t_future: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
        from trajlm.data.retrieval import last_point
        from trajlm.eval.predict_verdict import baseline_xy

        rows = np.arange(len(lengths))
        last = t[rows, lengths - 1].astype(np.float64)
        prev = t[rows, np.maximum(lengths - 2, 0)].astype(np.float64)
        dt = np.maximum(np.where(lengths > 1, last - prev, 1.0), 1.0)
        ahead = np.asarray(t_future, np.float64) - last[:, None]
        reach = np.nanmax(ahead / dt[:, None]) if np.isfinite(ahead).any() else 1.0
        h = self.horizon or int(min(MAX_LINEAR_STEPS, max(1, math.ceil(reach))))
        grid = dt[:, None] * np.arange(1, h + 1)
        pts = baseline_xy(self.engine, self.index, xy, lengths, h, t, last[:, None] + grid, keys)
        track = np.concatenate([last_point(xy, lengths)[:, None], pts], axis=1)
        at = np.concatenate([np.zeros((len(dt), 1)), grid], axis=1)
        out = np.full((*ahead.shape, 2), np.nan)
        for b in rows:
            for d in (0, 1):
                out[b, :, d] = np.interp(ahead[b], at[b], track[b, :, d], left=np.nan,
                                         right=np.nan)  # fmt: skip
        return out


def steps_engine_at_times(name: str, est: Any, task: PredictionTask) -> np.ndarray:
    """(N, k, 2) lat/lon: a fitted step baseline of the verdict (``knn_check.candidates``)
    asked for the positions at ``task``'s target times, as the API answers asked times with
    it (NaN past its reach)."""
    from trajlm.data.retrieval import traj_keys

    index = getattr(est, "index_", None)
    engine = StepsAtAskedTimes(name, index, int(est.horizon) if index is not None else None)
    proj, t0 = est.projection_, task.hist_t[:, :1]
    xy = engine.predict(task.xy(proj), task.lengths, task.target_t.shape[1], task.hist_t - t0,
                        task.target_t - t0, traj_keys(np.asarray(task.traj_ids)))  # fmt: skip
    return np.stack(proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)


class AskedTimes:
    """The verdict's engines on an irregular store, as an asked-times call answers them: the
    model through ``at_times.predict_at`` (``TrajLM.predict(seconds_ahead=...)``) and the step
    engines through ``steps_engine_at_times``, a trajectory past a step engine's reach taking
    the model's answer (as the API hands it over). One object serves every place the verdict
    reads an engine's val error (the first windows, smallval25's tuned-or-default kNN,
    fewtrip27's windows of a few val trips, the spread), so they all score the same question
    (irreg28). ``table``: the val split the tasks are cut from."""

    def __init__(self, at_times: Any, table: pl.DataFrame, spread: float) -> None:
        self.at_times, self.table, self.spread = at_times, table, spread
        self._model: dict[int, tuple[PredictionTask, np.ndarray]] = {}

    def model(self, task: PredictionTask) -> np.ndarray:
        """(N, k, 2) lat/lon: the model asked at ``task``'s target times (once per task)."""
        got = self._model.get(id(task))
        if got is None or got[0] is not task:
            got = (task, AtReportTimes(self.at_times, self.table).predict_next(task))
            self._model[id(task)] = got
        return got[1]

    def engine(self, name: str, est: Any, task: PredictionTask) -> tuple[np.ndarray, np.ndarray]:
        """(the step engine's (N, k, 2) lat/lon at ``task``'s target times, the model's answer
        where it could not reach them; per trajectory: True where the model answered)."""
        pred = steps_engine_at_times(name, est, task)
        past = np.isnan(pred).any(axis=(1, 2))  # the API hands these trajectories to the model
        pred[past] = self.model(task)[past]
        return pred, past


def asked_times(
    at_times: Any, train: pl.DataFrame, table: pl.DataFrame | None
) -> AskedTimes | None:
    """``AskedTimes`` where the store is irregular (``irregular_spread`` of ``train``) and
    ``at_times`` (an object answering ``predict_at(history, seconds)`` as ``TrajLM.predict(
    seconds_ahead=...)`` does) and ``table`` (the val split) are given; None otherwise (the
    verdict scores steps, as before)."""
    if at_times is None or table is None or table.height == 0:
        return None
    spread = irregular_spread(train)
    return None if spread is None else AskedTimes(at_times, table, spread)


@dataclass
class ReportTimeScores:
    """Per-step errors (N, k metres) at the val trips' report times: the model's and each
    step engine's (the model's answer where the engine could not reach an asked time), with
    what the check saves beside them."""

    model: np.ndarray
    steps: dict[str, np.ndarray]
    fields: dict[str, Any] = field(default_factory=dict)


def report_time_scores(asked: AskedTimes | None, task: PredictionTask, ests: dict[str, Any],
                       model_steps_ade: np.ndarray) -> ReportTimeScores | None:  # fmt: skip
    """The verdict's at-report-times errors on ``task`` (val, first windows) where ``asked``
    (``asked_times``: the store is irregular) is given; None otherwise (the check scores
    steps, as before). ``model_steps_ade``: the model's per-trip 5-step ADE, kept in the
    check for the record."""
    if asked is None or len(task.lengths) == 0:
        return None
    truth = task.target_latlon
    model_err = M.point_errors(asked.model(task), truth)
    steps, handed = {}, {}
    for name, est in ests.items():
        if name not in STEP_ENGINES:  # given the target times already: their rows stand
            continue
        pred, past = asked.engine(name, est, task)
        steps[name] = M.point_errors(pred, truth)
        handed[name] = int(past.sum())
    ok = np.isfinite(model_steps_ade)
    fields = {
        "val_scored_at": SCORED_AT,
        "val_interval_spread": round(asked.spread, 2),
        "val_ade_model_steps_m": float(model_steps_ade[ok].mean()) if ok.any() else None,
        "val_handed_to_model": handed,
    }
    return ReportTimeScores(model_err, steps, fields)


__all__ = ["AskedTimes", "ReportTimeScores", "StepsAtAskedTimes", "asked_times",
           "irregular_spread", "report_time_scores", "steps_engine_at_times"]  # fmt: skip
