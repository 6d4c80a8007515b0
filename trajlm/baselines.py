"""The baselines as scikit-learn estimators (``clone``, ``get_params``, grid search work).

    trajlm.baselines.ConstantVelocity().predict(df, steps=5)        # same layout as TrajLM
    trajlm.baselines.KNNContinuation(n_neighbors=20).fit(train).predict(df, steps=5)
    trajlm.baselines.LinearInterpolation().predict(df_with_gaps)     # same layout as recover
    trajlm.baselines.predict_at(ConstantVelocity(), df, seconds_ahead=[30, 60])  # at times
    trajlm.baselines.DeadReckoning().predict(ais_df, steps=5)  # reported SOG / COG (session 16)

Prediction and recovery baselines take any frame ``trajlm.data.coerce`` reads; the evaluation
harness calls the same objects with arrays (see trajlm/eval/baselines.py).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from trajlm._arguments import with_gap_rule
from trajlm.api_inputs import asked_ahead
from trajlm.api_rollout import MAX_STEPS, interpolate_tracks
from trajlm.api_subsec import exact_history
from trajlm.data.coerce import coerce
from trajlm.data.coerce_out import from_canonical
from trajlm.data.features import LocalProjection
from trajlm.eval.baselines import (
    ConstantVelocity,
    CubicSplineInterpolation,
    DistanceOverMeanSpeed,
    GapSwitchedInterpolation,
    GradientBoostingTTE,
    KNNContinuation,
    LinearExtrapolation,
    LinearInterpolation,
    LinearRegressionTTE,
)
from trajlm.eval.dead_reckoning import DeadReckoning

__all__ = [
    "ConstantVelocity",
    "CubicSplineInterpolation",
    "DeadReckoning",
    "DistanceOverMeanSpeed",
    "GapSwitchedInterpolation",
    "GradientBoostingTTE",
    "KNNContinuation",
    "LinearExtrapolation",
    "LinearInterpolation",
    "LinearRegressionTTE",
]  # the estimators (each the same class as trajlm.eval.baselines'); predict_at below


def predict_at(
    estimator: Any,
    data: Any,
    *,
    at_times: Any = None,
    seconds_ahead: Any = None,
    max_steps: int = MAX_STEPS,
    **columns: Any,
) -> Any:
    """A prediction baseline's positions at asked times, as ``TrajLM.predict(at_times=...)`` /
    ``predict(seconds_ahead=...)`` give the model's (session 14): the same arguments (one list
    for all, or per trajectory as a dict / frame), the same layout (traj_id, step, t, lat, lon,
    std_m in the caller's kind, names, zone and CRS) and the same NaN rule (a time before a
    trajectory's last point or beyond ``max_steps`` steps is NaN, with one warning).

    The baseline rolls out (``estimator.predict(df, steps=k)``, its steps at each trajectory's
    last sampling interval; a fitted ``horizon`` shorter than that, kNN's 5, is rolled on
    from its own predicted points, as the model's rollout is) far enough for the latest time
    asked, and each track (from the
    last observed point) is interpolated linearly in metres at the asked times, so
    ``predict_at(ConstantVelocity(), df, seconds_ahead=s)`` is the constant-velocity reference
    for ``model.predict(df, seconds_ahead=s)``.
    """
    if (at_times is None) == (seconds_ahead is None):
        raise ValueError("give one of at_times= or seconds_ahead=")
    df, layout = coerce(data, **with_gap_rule(columns))  # vehicles cut as TrajLM cuts them
    last = df.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
    ahead, asked, ids = asked_ahead(at_times, seconds_ahead, last, layout)  # units, zones
    if ids is not None:
        df = df.filter(pl.col("traj_id").is_in(ids))
        last = df.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
        order = {i: n for n, i in enumerate(ids)}
        rows = [order[i] for i in last["traj_id"].to_list()]
        ahead, asked = ahead[rows], asked[rows]
    # every fix at its exact time, about one a second back from the last one given, which the
    # times asked count from (as TrajLM.predict; session 18, subsec18). Whole seconds: df.
    df = exact_history(df, layout)
    last = df.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
    if hasattr(estimator, "predict_times"):  # answers at times itself (DeadReckoning)
        return from_canonical(estimator.predict_times(df, last, ahead, asked), layout=layout)
    dt = df.select(pl.col("t").diff().over("traj_id").alias("dt")).to_series().drop_nulls()
    dt = max(1.0, float(dt.filter(dt > 0).min())) if (dt > 0).any() else 1.0
    k = int(min(max_steps, max(1, math.ceil(np.nanmax(ahead) / dt) + 1)))
    pred = _rollout(estimator, df, k)
    projection = LocalProjection.fit(df)
    out = interpolate_tracks(pred, df, last, ahead, projection, asked, k)
    return from_canonical(out, layout=layout)


def _rollout(estimator: Any, df: pl.DataFrame, k: int) -> pl.DataFrame:
    """``estimator.predict(df, steps=k)``, in pieces of its ``horizon`` (if it has one): each
    piece's points become history for the next. Rows: traj_id, step 1..k, t, lat, lon, std_m."""
    piece = int(getattr(estimator, "horizon", None) or k)
    parts, hist, done = [], df.select("traj_id", "t", "lat", "lon"), 0
    while done < k:
        n = min(piece, k - done)
        p = estimator.predict(hist, steps=n).with_columns(pl.col("step") + done)
        parts.append(p)
        hist = pl.concat([hist, p.select(hist.columns)]).sort("traj_id", "t", maintain_order=True)
        done += n
    return pl.concat(parts).sort("traj_id", "step", maintain_order=True)
