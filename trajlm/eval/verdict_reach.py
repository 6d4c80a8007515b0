"""Who answers past the verdict engine's steps (session 30, leftover30; the verdict:
eval/predict_verdict.py).

A kNN-family verdict engine (kNN continuation, place-aware kNN, kNN scaled [time]) stores 5
steps of continuation per train window; a call asking further (``steps=10``, 60 s ahead of
10-s rides: newuser28 #19, newuser29 #9) was handed to the model, though the model had lost to
that engine on val, with one line that did not say so.

**Rule** (fixed before reading any answer; no test read): past the engine's steps the engine of
lowest val 5-step ADE among those that reach any horizon answers the steps / asked times past
the engine's reach (the engine answers up to it): the model, linear-3, constant velocity
[time] or linear-3 [time, fit] (whichever the verdict scored; a verdict saved before session 24
scored only the model and linear-3). It is the same val table the verdict chose from,
restricted to the engines that can answer the call. Where the model is lowest it answers the
whole trajectory (its rollout), as before, and the line now says it lost on val. Rolling kNN
forward on its own answers was not built: no val number says how good it would be.
"""

from __future__ import annotations

import math
from typing import Any

from trajlm.eval.predict_verdict import KNN_FAMILY, REACHING, reach_engine


def reach_verdict(v: dict[str, Any]) -> dict[str, Any]:
    """``v`` with the reaching engine as its engine (see ``reach_engine``)."""
    return {**v, "engine": reach_engine(v)}


def reach_line(v: dict[str, Any], why: str, example: str = "") -> str:
    """One line: ``why`` (e.g. "steps=10") is past the verdict engine's steps, who answers
    there and what val showed for the engines that reach that far."""
    alt, val, engine = reach_engine(v), v.get("val_ade_m") or {}, v["engine"]
    reach = (v.get("knn") or {}).get("horizon", 5)
    said = {e: float(val[e]) for e in (engine, *REACHING) if isinstance(val.get(e), int | float)}
    said = {e: x for e, x in said.items() if math.isfinite(x)}  # "nanx its error" (badin30)
    mae = ", ".join(f"{e} {x:.1f}" for e, x in said.items())
    eg = f" (e.g. {example})" if example else ""
    if alt != "model":
        who = f"{engine} answers up to them and {alt} after, the lowest val error of the engines that reach further"
    else:
        who = "the model answers those trajectories whole, the lowest val error of the engines that reach that far"
        if said.get(engine, 0) > 0 and "model" in said:
            who += f", though it lost to {engine} on val ({said['model'] / said[engine]:.2f}x its error)"
    return f"{why}{eg} is past {engine}'s {reach} steps: {who} (val 5-step ADE, m: {mae}); the engine column says so"


def past_reach(v: dict[str, Any] | None, k: int) -> bool:
    """True where ``v``'s engine stores fewer steps than ``k`` (a kNN-family engine)."""
    if v is None or v.get("engine") not in KNN_FAMILY:
        return False
    return k > int((v.get("knn") or {}).get("horizon", 5))


__all__ = ["REACHING", "past_reach", "reach_engine", "reach_line", "reach_verdict"]
