"""Harness models answering at asked times (`trajlm eval --task predict --horizon-s`; session
16, sogcog): a loaded model through ``TrajLM.predict(seconds_ahead=...)``, with dead reckoning
mixed in where the windows carry a reported speed and course (``api_rollout.DR_WEIGHT``) and,
beside it, the same model on positions only."""

from __future__ import annotations

import warnings

import numpy as np

from trajlm import api_rollout
from trajlm.api import TrajLM


def _dr_weight() -> float:
    return api_rollout.DR_WEIGHT  # read at call time


class AtTimes:
    """A harness model (``eval.protocol`` TaskModel holding ``.model``) answering at asked
    times as ``TrajLM.predict(seconds_ahead=...)`` does (``--horizon-s``); ``dead_reckoning``
    as ``TrajLM.dead_reckoning`` (0: positions only)."""

    def __init__(self, inner, name: str, dead_reckoning: float | None = None) -> None:
        self.model, self.name = inner.model, name
        self.dead_reckoning = _dr_weight() if dead_reckoning is None else dead_reckoning

    def predict_at(self, hist, ahead):  # (pl.DataFrame, (W, m) seconds) -> (W, m, 2) lat/lon
        lm = TrajLM(self.model)
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


def at_times_models(predictors: list, motion: bool = True) -> list:
    """The predictors holding a model as ``AtTimes``; with ``motion`` each also once as
    "<name> (positions only)" (dead reckoning off). Others are kept as they are."""
    out = []
    for p in predictors:
        if getattr(p, "model", None) is None:
            out.append(p)
            continue
        out.append(AtTimes(p, p.name))
        if motion and _dr_weight():
            out.append(AtTimes(p, f"{p.name} (positions only)", 0.0))
    return out
