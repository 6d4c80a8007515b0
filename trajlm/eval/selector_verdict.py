"""The val check of a candidate selector (session 22, select22; docs/candidates.md).

A selector fitted on a user's store may predict worse than the plain kNN it starts from
(session 21: 1-s cyclists 1.10x kNN). At the end of the fit, ``val_verdict`` scores three
engines on the store's val split, PROTOCOL's prediction task (one window per trip, as test),
with the pools built on the train split only (a val trip is never in its own index):

- ``selector``: the network over the retrieved candidates;
- ``knn``: plain kNN continuation (the shape pool, its val-tuned neighbour count);
- ``place_knn``: place-aware kNN (the place pool, its val-tuned settings).

Rule ("guarded", pre-registered before any number was read): the better kNN on val answers
unless the selector's val MAE is lower AND the paired-bootstrap 95 % upper bound of
MAE(selector) / MAE(better kNN) over val trips is under 1: the network, early-stopped on these
trips' windows, is the most optimistic of the three on val, so it must show evidence. The
verdict (engine, the three val MAEs, the ratio and its interval, the rule) is saved in the
selector's config.json; predictions then come from that engine, and every answer names it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.errors import UserError
from trajlm.eval.compare import paired_bootstrap_ratio
from trajlm.eval.metrics import point_errors

ENGINES = ("selector", "knn", "place_knn")
LABELS = {"selector": "candidate selector", "knn": "plain kNN continuation",
          "place_knn": "place-aware kNN"}  # fmt: skip
RULE = ("guarded: the better kNN on val unless the selector's val MAE is lower with the paired "
        "bootstrap 95 % upper bound of selector / better kNN under 1")  # fmt: skip
OPTED_OUT = "opted out (--no-val-check): the selector answers unchecked"
OLD_RUN = ("{path}: fitted before the val check (session 22): the candidate selector answers "
           "unchecked, maybe worse than plain kNN; refit it (trajlm train-selector) to answer "
           "with the val winner")  # fmt: skip


def check_engine(engine: str, what: str = "engine") -> str:
    """`engine` if it is one of ``ENGINES`` or "auto" (the saved verdict), else one UserError."""
    if engine not in (*ENGINES, "auto"):
        raise UserError(f"{what} must be one of auto, {', '.join(ENGINES)}; got {engine!r}")
    return engine


def check_saved_verdict(verdict: Any, where: str) -> dict | None:
    """A selector folder's saved ``verdict`` (config.json) as written by the fit, or one
    UserError line naming ``where`` and the field (a hand-edited engine would otherwise label
    the network's answers with a name that did not answer: badin22). None: fitted before it."""
    if verdict is None:
        return None
    bad = None
    if not isinstance(verdict, dict):
        bad = f"verdict: expected an object, got {type(verdict).__name__}"
    elif verdict.get("engine") not in ENGINES:
        bad = f"verdict.engine: one of {', '.join(ENGINES)}, got {verdict.get('engine')!r}"
    elif "val_mae_m" in verdict or verdict["engine"] != "selector":
        mae, r = verdict.get("val_mae_m"), verdict.get("selector_over_best_knn")
        num = (int, float)
        if not (isinstance(mae, dict) and all(isinstance(mae.get(e), num) for e in ENGINES)):
            bad = f"verdict.val_mae_m: a number per engine ({', '.join(ENGINES)})"
        elif not (
            isinstance(r, dict) and all(isinstance(r.get(k), num) for k in ("ratio", "lo", "hi"))
        ):
            bad = "verdict.selector_over_best_knn: numbers ratio, lo, hi"
        elif verdict.get("best_knn") not in ("knn", "place_knn"):
            bad = f"verdict.best_knn: knn or place_knn, got {verdict.get('best_knn')!r}"
        elif not isinstance(verdict.get("n_val_trips"), int):
            bad = "verdict.n_val_trips: a whole number"
    if bad:
        raise UserError(f"{where}: {bad}; refit the selector (trajlm train-selector)")
    return verdict


def engine_errors(sel: Any, task: Any) -> dict[str, np.ndarray]:
    """Per-trip mean point errors (N,) metres of every engine of a fitted selector on a
    ``PredictionTask`` (its ``predict_next(task, engine=...)``)."""
    return {e: point_errors(sel.predict_next(task, engine=e), task.target_latlon).mean(1)
            for e in ENGINES}  # fmt: skip


def decide(errors: dict[str, np.ndarray], rule: str = "guarded") -> dict:
    """The verdict from per-trip val errors of the three engines (see the module docstring);
    ``rule="argmin"``: the lowest val MAE, no evidence asked (reported beside, not used)."""
    mae = {e: float(np.mean(errors[e])) for e in ENGINES}
    best_knn = "knn" if mae["knn"] <= mae["place_knn"] else "place_knn"
    r = paired_bootstrap_ratio(errors["selector"], errors[best_knn])
    if rule == "argmin":
        engine = min(ENGINES, key=lambda e: mae[e])
    else:
        engine = "selector" if mae["selector"] < mae[best_knn] and r["hi"] < 1 else best_knn
    return {"engine": engine, "rule": RULE if rule == "guarded" else "argmin of val MAE",
            "val_mae_m": mae, "best_knn": best_knn, "n_val_trips": int(len(errors["knn"])),
            "selector_over_best_knn": {"ratio": r["ratio"], "lo": r["lo"], "hi": r["hi"]}}  # fmt: skip


def val_verdict(sel: Any, val_task: Any) -> dict:
    """The guarded verdict of a fitted selector on its store's val ``PredictionTask``."""
    return decide(engine_errors(sel, val_task))


def verdict_line(verdict: dict | None) -> str:
    """One line naming the engine that answers and why (train-selector's table, docs)."""
    if not verdict:
        return "no val check saved: the candidate selector answers"
    if verdict.get("engine") == "selector" and "val_mae_m" not in verdict:
        return OPTED_OUT
    mae, r = verdict["val_mae_m"], verdict["selector_over_best_knn"]
    return (
        f"{LABELS[verdict['engine']]} answers (val MAE: selector {mae['selector']:,.1f} m, "
        f"kNN {mae['knn']:,.1f} m, place-aware kNN {mae['place_knn']:,.1f} m; selector / "
        f"{LABELS[verdict['best_knn']]} {r['ratio']:.3f}, 95 % CI {r['lo']:.3f}-"
        f"{r['hi']:.3f}, {verdict['n_val_trips']} val trips)"
    )


__all__ = ["ENGINES", "LABELS", "check_engine", "check_saved_verdict", "decide", "engine_errors", "val_verdict",
           "verdict_line"]  # fmt: skip
