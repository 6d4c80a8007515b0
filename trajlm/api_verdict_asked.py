"""``TrajLM.predict(at_times= / seconds_ahead=)`` answered by the run's prediction verdict
(session 25, smallval25; the verdict: trajlm/eval/predict_verdict.py).

Session 24 let the time-aware engines (constant velocity [time], linear-3 [time, fit]) answer
asked times natively (``api_predict_verdict.time_aware_asked``), but a kNN continuation,
place-aware kNN or linear-3 verdict left asked times to the model. Here those engines answer
them too: the engine's next points fall at the times its ``steps=k`` answer gives them (the
history's last interval, as ``frames.predict_canonical``), the track from the last fix through
them is interpolated linearly (in metres) at the asked times, as the model's own rollout is
(api_rollout.py). What the engine cannot answer goes elsewhere, said once per loaded run: an
asked time past kNN's stored continuation (5 steps: since session 30 the engine of lowest
val error that reaches that far answers those times, kNN the rest, eval/verdict_reach.py; where
that engine is the model, it answers the whole trajectory, as it did before whatever val said) and trajectories far from the train split (the model: another
place).
linear-3 extrapolates as far as asked (up to the model's own ``MAX_STEPS``). A time before a
trajectory's last fix gives NaN, as it does from the model.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.api_predict_verdict import (
    asked_rows,
    far_trajectories,
    predict_verdict_module,
    say_once,
    time_aware_asked,
)
from trajlm.api_rollout import nan_message
from trajlm.data.features import LocalProjection
from trajlm.eval.frames import predict_canonical


def _engine_asked(api: Any, v: dict, full: pl.DataFrame, last_t: pl.DataFrame, req: np.ndarray,
                  valid: np.ndarray | None) -> tuple[pl.DataFrame, np.ndarray]:  # fmt: skip
    """(the steps engine's rows for every trajectory of ``last_t``, per trajectory: True where
    an asked time lies past the engine's reach)."""
    if v["engine"] in predict_verdict_module().KNN_FAMILY:
        if getattr(api, "_verdict_knn", None) is None:
            api._verdict_knn = predict_verdict_module().load_index(Path(api.path), v)
        index, proj = api._verdict_knn
        horizon = int(index.horizon)
    else:  # linear-3: no train windows, its own plane
        index, proj, horizon = None, LocalProjection.fit(full), None
    # loaded here, not at import: report_verdict pulls in scikit-learn (newuser24's fast load)
    from trajlm.eval.report_verdict import StepsAtAskedTimes

    est = StepsAtAskedTimes(v["engine"], index, horizon)
    out = predict_canonical(est, full, proj, req.shape[1], keys=True, ahead=req)
    asked = np.ones(req.shape, bool) if valid is None else np.asarray(valid, bool)
    lat = out["lat"].to_numpy().reshape(req.shape)
    ahead = np.asarray(req, np.float64)
    past = (np.isnan(lat) & asked & (ahead > 0)).any(axis=1)
    if (before := asked & (ahead < 0) & ~past[:, None]).any():  # NaN, said as the model says it
        zeros = np.zeros(len(ahead))
        warnings.warn(nan_message(last_t["traj_id"].to_list(), ahead, zeros, zeros, before),
                      stacklevel=5)  # fmt: skip
    return asked_rows(out, full, last_t, req, valid, v["engine"]), past


def verdict_asked(api: Any, v: dict | None, full: pl.DataFrame, last_t: pl.DataFrame,
                  req: np.ndarray, valid: np.ndarray | None, radii: Any,
                  said: Any = repr) -> tuple:  # fmt: skip
    """(the verdict engine's rows at the asked times or None, and the model's share: full,
    last_t, req, valid of the trajectories it answers; None when it answers none). ``said``
    writes a trajectory id in the caller's words (api_checks.id_said)."""
    from trajlm.api_predict_verdict import has_spread

    wants_radii = radii is not None and radii is not False
    if v is None or v["engine"] == "model" or (wants_radii and not has_spread(v)):
        return None, (full, last_t, req, valid)
    if v["engine"] in (
        *predict_verdict_module().TIME_AWARE,
        predict_verdict_module().DR,
    ):  # given the target times: every trajectory (pvbase24)
        return time_aware_asked(v, full, last_t, req, valid), None
    ids = last_t["traj_id"]
    far = ids.is_in(far_trajectories(v, full).implode()).to_numpy()
    if far.any():
        say_once(api, f"{int(far.sum())} trajectories end over {predict_verdict_module().FAR_KM:.0f} km from the "
                      f"train split's area (e.g. {said(ids.filter(pl.Series(far))[0])}): the model "
                      f"answers them, not the val verdict's {v['engine']}")  # fmt: skip
    mine = ~far
    base = None
    if mine.any():
        sub = _share(full, last_t, req, valid, mine)
        base, past = _engine_asked(api, v, *sub)
        if (
            past.any() and v["engine"] not in predict_verdict_module().KNN_FAMILY
        ):  # linear-3 past its 256 steps
            first = sub[1]["traj_id"].filter(pl.Series(past))[0]
            from trajlm.eval.report_verdict import MAX_LINEAR_STEPS

            say_once(api, f"asked times past {v['engine']}'s {MAX_LINEAR_STEPS} steps "
                          f"(e.g. {said(first)}): the model answers those trajectories, not the val "
                          "verdict's engine; the engine column says so")  # fmt: skip
            gone = sub[1]["traj_id"].filter(pl.Series(past))
            base = base.filter(~pl.col("traj_id").is_in(gone.implode()))
            mine[np.flatnonzero(mine)[past]] = False
        elif past.any():  # leftover30: past kNN's steps, the reaching engine of lowest val error
            from trajlm.eval.verdict_reach import reach_line, reach_verdict

            gone = sub[1]["traj_id"].filter(pl.Series(past))
            say_once(api, reach_line(v, "an asked time", said(gone[0])))
            alt = reach_verdict(v)
            if alt["engine"] == "model":  # the model rolls the whole trajectory out, as before
                base = base.filter(~pl.col("traj_id").is_in(gone.implode()))
                mine[np.flatnonzero(mine)[past]] = False
            else:
                later = _share(*sub, past)
                more = (time_aware_asked(alt, *later) if alt["engine"] in predict_verdict_module().TIME_AWARE
                        else _engine_asked(api, alt, *later)[0])  # fmt: skip
                base = past_rows(base, more)
    rest = ~mine
    return base, (_share(full, last_t, req, valid, rest) if rest.any() else None)


def past_rows(base: pl.DataFrame, more: pl.DataFrame) -> pl.DataFrame:
    """``base`` (a steps engine's rows, NaN past its reach) with ``more``'s row (the reaching
    engine's, same traj_id and step) wherever ``base`` has no position."""
    more = more.select("traj_id", "step", *[pl.col(c).alias(f"_more_{c}")
                                            for c in ("lat", "lon", "engine")])  # fmt: skip
    out = base.join(more, on=["traj_id", "step"], how="left", maintain_order="left")
    take = pl.col("lat").is_nan() & pl.col("_more_lat").is_not_null()
    return out.with_columns(
        [
            pl.when(take).then(pl.col(f"_more_{c}")).otherwise(pl.col(c)).alias(c)
            for c in ("lat", "lon", "engine")
        ]  # fmt: skip
    ).drop("_more_lat", "_more_lon", "_more_engine")


def _share(full: pl.DataFrame, last_t: pl.DataFrame, req: np.ndarray, valid: np.ndarray | None,
           keep: np.ndarray) -> tuple:  # fmt: skip
    """full, last_t, req, valid of the trajectories ``keep`` (in last_t's order)."""
    ids = last_t["traj_id"].filter(pl.Series(keep))
    return (full.filter(pl.col("traj_id").is_in(ids.implode())), last_t.filter(pl.Series(keep)),
            req[keep], None if valid is None else np.asarray(valid)[keep])  # fmt: skip


__all__ = ["past_rows", "verdict_asked"]
