"""Harness models answering at asked times (`trajlm eval --task predict --horizon-s`; session
16, sogcog): a loaded model through ``TrajLM.predict(seconds_ahead=...)``, with dead reckoning
mixed in where the windows carry a reported speed and course (``api_rollout.DR_WEIGHT``) and,
beside it, the same model on positions only. ``lm_class`` (trajlm.api.TrajLM) is passed in by
the callers: TrajLM.evaluate runs `trajlm eval`'s code, so importing trajlm.api here would be
an import cycle (tests/test_layering.py; apieval28)."""

from __future__ import annotations

from pathlib import Path

from trajlm import api_rollout
from trajlm.api_model_times import ModelAtTimes


def _dr_weight() -> float:
    return api_rollout.DR_WEIGHT  # read at call time


class AtTimes(ModelAtTimes):
    """A harness model (``eval.protocol`` TaskModel holding ``.model``) answering at asked
    times as ``TrajLM.predict(seconds_ahead=...)`` does (``--horizon-s``); ``dead_reckoning``
    as ``TrajLM.dead_reckoning`` (0: positions only); ``path`` (the weights directory): its
    saved prediction verdict answers, as ``TrajLM.from_pretrained`` would (irreg28)."""

    def __init__(self, inner, name: str, dead_reckoning: float | None = None,
                 path: Path | None = None, *, lm_class: type | None) -> None:  # fmt: skip
        if lm_class is None:  # a caller below trajlm.api has none of its own to pass
            raise ValueError("answering at asked times needs lm_class=trajlm.TrajLM")
        super().__init__(lm_class, inner.model, name, _dr_weight() if dead_reckoning is None
                         else dead_reckoning, path)  # fmt: skip


def at_times_models(predictors: list, motion: bool = True, *, lm_class: type | None) -> list:
    """The predictors holding a model as ``AtTimes``; with ``motion`` each also once as
    "<name> (positions only)" (dead reckoning off). Others are kept as they are."""
    out = []
    for p in predictors:
        if getattr(p, "model", None) is None:
            out.append(p)
            continue
        out.append(AtTimes(p, p.name, lm_class=lm_class))
        if motion and _dr_weight():
            out.append(AtTimes(p, f"{p.name} (positions only)", 0.0, lm_class=lm_class))
    return out
