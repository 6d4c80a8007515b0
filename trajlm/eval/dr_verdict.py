"""Dead reckoning among the prediction verdict's engines where the store reports speed and
course (session 25, drverdict25; the verdict: eval/predict_verdict.py).

irreg25 measured on irregular AIS-like ships that dead reckoning from the reported speed over
ground and course (eval/dead_reckoning.py) beat the verdict's engine on val (344 m vs linear-3
[time, fit]'s 461 m) and on test (0.61x), yet the verdict did not hold it. Here, when the train
split *and* the val table carry a reported speed and course (``has_motion``), "dead reckoning
[time]" is scored beside the other candidates on the same val windows, asked for the positions
at the k targets' true times (as the [time] baselines are given them), and the verdict's rule
picks among them as before. Stores without the columns: the candidates are as they were.

Answering (api_predict_verdict.py): a query with speed / course columns is dead-reckoned, at
the history's median interval for ``steps=k`` (as the other [time] engines) or at the asked
times; a query without them cannot be, and ``fallback_engine`` answers instead (said once): the
lowest val ADE among the engines that read nothing but positions and saved nothing (linear-3,
constant velocity [time], linear-3 [time, fit]), or the model where its val ADE was lower still.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import PredictionTask
from trajlm.eval import metrics as M
from trajlm.eval.dead_reckoning import DeadReckoning, dead_reckon, has_motion

DR = DeadReckoning.name  # "dead reckoning [time]"
POSITION_ONLY = ("linear-3", "constant velocity [time]", "linear-3 [time, fit]")


def dr_val_errors(
    train: pl.DataFrame, val: pl.DataFrame | None, task: PredictionTask, per_step: bool = False
) -> np.ndarray | None:
    """Per val window: dead reckoning's mean error (m) over the k targets (``per_step``: each
    target's, (N, k)), asked at their true times from each history's reports; None where the
    train split or ``val`` (the table ``task`` was built from) has no reported speed and
    course."""
    if val is None or not has_motion(train) or not has_motion(val) or len(task.lengths) == 0:
        return None
    from trajlm.eval.horizon import DeadReckoningAt
    from trajlm.eval.report_times import AtReportTimes

    pred = AtReportTimes(DeadReckoningAt(), val).predict_next(task)
    err = M.point_errors(pred, task.target_latlon)
    return err if per_step else err.mean(1)


def fallback_engine(v: dict[str, Any], with_model: bool = True) -> str:
    """What answers a dead-reckoning verdict's query that has no speed / course columns: the
    position-only baseline with the lowest val ADE, or the model where its val ADE is lower
    (``with_model``)."""
    mae = v.get("val_ade_m", {})
    have = [e for e in POSITION_ONLY if isinstance(mae.get(e), int | float)]
    best = min(have, key=lambda e: mae[e]) if have else "linear-3"
    model = mae.get("model") if with_model else None
    return "model" if isinstance(model, int | float) and model < mae.get(best, np.inf) else best


def no_motion_line(v: dict[str, Any]) -> str:
    """The line said when a dead-reckoning verdict meets a query without speed / course."""
    return (f"the query has no reported speed and course columns (sog_kn / sog_mps, cog_deg): "
            f"{fallback_engine(v)} answers, not the val verdict's {DR}; the engine column "
            "says so")  # fmt: skip


def fallback_verdict(v: dict[str, Any]) -> dict[str, Any]:
    """The verdict as its fallback engine answers it."""
    return {**v, "engine": fallback_engine(v)}


class DRValChecked:
    """``trajlm eval``'s "MODEL (val-checked: dead reckoning [time])" row. ``table``: the split
    the harness scores (test), with its columns; where it reports speed and course, dead
    reckoning answers the k-step table at the k targets' true times (as the [time] baselines
    are given them, and as the verdict scored it on val: ``dr_val_errors``) and asked times
    (``--at-report-times`` / ``--horizon-s``); else the fallback engine answers and the row's
    name says so (before session 26 the k-step row fell back silently: fewval26)."""

    def __init__(self, model_predictor: Any, verdict: dict[str, Any],
                 table: pl.DataFrame | None = None) -> None:  # fmt: skip
        from trajlm.eval.predict_verdict import ValCheckedPredictor

        self.inner = ValCheckedPredictor(model_predictor, fallback_verdict(verdict))
        self.verdict = verdict
        self.table = table if table is not None and has_motion(table) else None
        why = ("" if self.table is not None else
               "; the table holds positions only" if table is None else
               "; no speed / course in the scored split")  # fmt: skip
        fell = f": {self.inner.verdict['engine']} answers" if why else ""
        self.name = f"{model_predictor.name} (val-checked: {DR}{why}{fell})"

    def predict_next(self, task: PredictionTask) -> np.ndarray:
        if self.table is None:
            return self.inner.predict_next(task)
        from trajlm.eval.horizon import DeadReckoningAt
        from trajlm.eval.report_times import AtReportTimes

        return AtReportTimes(DeadReckoningAt(), self.table).predict_next(task)

    def predict_at(self, hist: pl.DataFrame, ahead: np.ndarray) -> np.ndarray:
        if has_motion(hist):
            lat, lon, _ = dead_reckon(hist, ahead)
            return np.stack([lat, lon], -1)
        from trajlm.data.features import LocalProjection
        from trajlm.eval import baselines as B
        from trajlm.eval.horizon import BaselineAtTimes

        engine = self.inner.verdict["engine"]
        if engine == "model" and hasattr(self.inner.model, "predict_at"):
            return self.inner.model.predict_at(hist, ahead)
        engine = engine if engine != "model" else fallback_engine(self.verdict, with_model=False)
        est = {"linear-3": B.LinearExtrapolation(3), POSITION_ONLY[1]: B.ConstantVelocity(use_time=True),
               POSITION_ONLY[2]: B.LinearExtrapolation(3, "fit", True)}[engine]  # fmt: skip
        return BaselineAtTimes(est, LocalProjection.fit(hist)).predict_at(hist, ahead)


def median_ahead(df: pl.DataFrame, k: int) -> np.ndarray:
    """(B, k) seconds after each trajectory's last fix: k steps of its median positive
    interval (1 s with one fix), trajectories in order of first appearance."""
    med = (
        df.group_by("traj_id", maintain_order=True)
        .agg(pl.col("t").diff().filter(pl.col("t").diff() > 0).median().alias("dt"))["dt"]
        .fill_null(1.0)
        .to_numpy()
        .astype(np.float64)
    )
    return np.maximum(med, 1.0)[:, None] * np.arange(1, k + 1)


def dr_rows(df: pl.DataFrame, ahead: np.ndarray) -> pl.DataFrame:
    """Canonical rows (traj_id, step, t, lat, lon, std_m NaN) of dead reckoning at ``ahead``
    (B, m) seconds after each trajectory's last fix (``df`` canonical, sorted by traj_id, t);
    trajectories without a usable report continue at constant velocity in time, said in a
    warning (``dead_reckon``)."""
    df = df.sort("traj_id", "t", maintain_order=True)
    last = df.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
    lat, lon, has = dead_reckon(df, ahead)
    if (~has).any():  # as DeadReckoning.predict_times says it
        from trajlm.errors import warn_at_caller

        warn_at_caller(f"{int((~has).sum())} of {len(has)} trajectories have no usable reported "
                       "speed and course: constant velocity in time (last two fixes) for them")  # fmt: skip
    B, m = ahead.shape
    t = last["t"].to_numpy()[:, None].astype(np.float64) + np.nan_to_num(ahead)
    return pl.DataFrame({
        "traj_id": np.repeat(np.array(last["traj_id"].to_list(), dtype=object), m).tolist(),
        "step": np.tile(np.arange(1, m + 1), B), "t": np.rint(t).astype(np.int64).reshape(-1),
        "lat": lat.reshape(-1), "lon": lon.reshape(-1), "std_m": np.full(B * m, np.nan),
    })  # fmt: skip


__all__ = ["DR", "DRValChecked", "POSITION_ONLY", "dr_rows", "dr_val_errors", "fallback_engine",
           "fallback_verdict", "median_ahead", "no_motion_line"]  # fmt: skip
