"""Harness models answering at asked times (`trajlm eval --task predict --horizon-s`; session
16, sogcog): a loaded model through ``TrajLM.predict(seconds_ahead=...)``, with dead reckoning
mixed in where the windows carry a reported speed and course (``api_rollout.DR_WEIGHT``) and,
beside it, the same model on positions only."""

from __future__ import annotations

from pathlib import Path

from trajlm import api_rollout
from trajlm.api import TrajLM
from trajlm.api_model_times import ModelAtTimes


def _dr_weight() -> float:
    return api_rollout.DR_WEIGHT  # read at call time


class AtTimes(ModelAtTimes):
    """A harness model (``eval.protocol`` TaskModel holding ``.model``) answering at asked
    times as ``TrajLM.predict(seconds_ahead=...)`` does (``--horizon-s``); ``dead_reckoning``
    as ``TrajLM.dead_reckoning`` (0: positions only); ``path`` (the weights directory): its
    saved prediction verdict answers, as ``TrajLM.from_pretrained`` would (irreg28)."""

    def __init__(self, inner, name: str, dead_reckoning: float | None = None,
                 path: Path | None = None) -> None:  # fmt: skip
        super().__init__(TrajLM, inner.model, name, _dr_weight() if dead_reckoning is None
                         else dead_reckoning, path)  # fmt: skip


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
