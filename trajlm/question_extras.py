"""What ``trajlm.ask`` answers beside a query plan's own run: the note on where the matched trips
started and ended (a place filter matches any point), and a ``predict`` plan's positions from a
trained model (out of questions.py, review37)."""

from __future__ import annotations

import os
from typing import Any

import polars as pl

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.query import Answer


def started_there(
    plan: QueryPlan, points: pl.DataFrame, trips_utc: pl.DataFrame, trips: pl.DataFrame
) -> str:
    """A place filter matches any point of a trip; a question about where trips started
    or ended gets how many of the matched trips did (session 15, set 13: "how many trips
    started within 300 m of X" counted 76 trips passing by, none starting there)."""
    from trajlm.data.geometry import haversine_m
    from trajlm.llm.query import select_trips

    trips = trips_utc if plan._zone in (None, "UTC") else trips
    chosen = select_trips(plan, points, trips).select("traj_id")
    lat, lon, radius = plan.center()
    ends = points.sort("t").group_by("traj_id").agg(
        pl.col("lat").first().alias("a0"), pl.col("lon").first().alias("o0"),
        pl.col("lat").last().alias("a1"), pl.col("lon").last().alias("o1"),
    ).join(chosen, on="traj_id", how="semi")  # fmt: skip
    near = [int(ends.select((haversine_m(pl.col(a), pl.col(o), pl.lit(lat), pl.lit(lon)) <= radius).sum()).item())
            for a, o in (("a0", "o0"), ("a1", "o1"))]  # fmt: skip
    return (f"a place matches trips with any point within {radius:g} m of it: of these {len(ends)}, "
            f"{near[0]} started and {near[1]} ended there (ask 'started within {radius:g} m of "
            f"{lat:.4f},{lon:.4f}' for where trips start, 'ended ...' for where they end)")  # fmt: skip


def trip_history(plan: QueryPlan, points: pl.DataFrame, model: Any) -> pl.DataFrame:
    """The asked trip's points for a ``predict`` plan; a refusal when it is not in the data or
    no model was given."""
    history = points.filter(pl.col("traj_id") == plan.trip).select("traj_id", "t", "lat", "lon")
    if len(history) == 0:
        raise CannotAnswer(f"no trip {plan.trip!r} in this data")
    if model is None:
        raise CannotAnswer("predicting needs a trained model (--model RUN, or model=)")
    return history


def ready_model(model: Any) -> Any:
    """``model`` as something with ``predict``: a run's path loaded, a bare TrajectoryModel
    wrapped in ``TrajLM`` (the caller keeps it, so it loads once)."""
    if isinstance(model, str | os.PathLike):
        from trajlm.api import TrajLM

        model = TrajLM.from_pretrained(model)
    elif not hasattr(model, "predict") and hasattr(model, "generate"):
        from trajlm.api import TrajLM  # a bare TrajectoryModel: the API wraps it

        model = TrajLM(model)
    return model


def predicted_answer(plan: QueryPlan, history: pl.DataFrame, model: Any, plane: bool) -> Answer:
    """The next ``plan.minutes`` minutes (default 5) of the trip, one position a minute."""
    minutes = int(round(plan.minutes or 5))
    ahead = [60.0 * (i + 1) for i in range(max(minutes, 1))]
    pred = model.predict(history, seconds_ahead=ahead)
    pred = pl.DataFrame(pred) if not isinstance(pred, pl.DataFrame) else pred
    if plane:  # x / y metres, not the stand-in 1 N 1 E (local36)
        from trajlm.data.local_plane import as_plane_columns

        pred = as_plane_columns(pred, round_mm=True)
    return Answer(plan, table=pred)
