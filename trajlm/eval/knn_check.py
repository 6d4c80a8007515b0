"""A trained next-point model beside kNN continuation on val, at the end of `trajlm train`
(session 23, heldout23).

`trajlm train` already says where the kept model is worse than constant velocity on val
(session 20, ``Trainer.physics_check``). On held-out data the strongest baseline is usually
kNN continuation fitted on the store's own train split (heldout20: none of eight held-out sets
below kNN; heldout23: a fishing fleet's model 1.9x kNN on test while 0.88x constant velocity on
val): before this check a user learnt that only from `trajlm eval`, and the Python API answered
with the model without a word.

``knn_check`` scores plain kNN continuation (its default settings: 10 neighbours, 5-point
histories, median; fitted on the train split only, so no val trip is in its own index) and
linear extrapolation over the last 3 points on the same val trips the run's model selection
read, takes the better of the two on val, and compares per-trip 5-step MAE with a paired
bootstrap. The verdict rule is the one `trajlm eval` prints (eval/verdict.py): "worse" when the
95 % interval of model / kNN lies above 1, "better" below 1, else "level". The result goes into
the run summary (``train_summary.json``), where ``TrajLM.predict`` reads it (api_knn_note.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import PredictionTask, make_prediction_task
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.compare import paired_bootstrap_ratio
from trajlm.eval.few_trips import best_on_windows
from trajlm.eval.report_times import scored_at_words
from trajlm.eval.report_verdict import (
    STEP_ENGINES,
    asked_times,
    report_time_scores,
    steps_engine_at_times,
)
from trajlm.eval.scaled_knn_engine import scaled_candidate
from trajlm.eval.small_val import acts, rule_line, shrink_to_defaults
from trajlm.model.rollout import ModelPredictor

MIN_TRIPS = 3  # fewer val trips: no interval worth a verdict (said as such)


TIME_AWARE = ("constant velocity [time]", "linear-3 [time, fit]")  # given the target times


def _projected(est: Any, train: pl.DataFrame, task: PredictionTask) -> np.ndarray:
    proj = LocalProjection.fit(train)
    est.projection_ = proj  # the plane it answered in (the prediction verdict saves it)
    est.fit(train, proj) if isinstance(est, B.KNNContinuation) else est.fit(train)
    return baseline_answer(est, proj, task)


def baseline_answer(est: Any, proj: LocalProjection, task: PredictionTask) -> np.ndarray:
    """A fitted baseline's (N, k, 2) lat/lon on ``task`` (the [time] ones read target_t)."""
    k, t0 = task.target_t.shape[1], task.hist_t[:, :1]
    xy = est.predict(task.xy(proj), task.lengths, k, task.hist_t - t0, task.target_t - t0)
    return np.stack(proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)


def candidates(train: pl.DataFrame, task: PredictionTask, timings: dict | None = None) -> dict:
    """The verdict's baselines, fitted on ``train`` (pvbase24): linear-3, the two that are given
    the target times (the harness's constant velocity [time] and linear-3 [time, fit]), kNN
    continuation with its neighbours / history tuned on ``task`` (val) as `trajlm eval` does
    (protocol.tune_knn) and the place-aware kNN tuned there too (place_knn.tune_place_knn;
    heldout24: the strongest test baseline on skiers and a regatta). ``timings`` receives
    each one's fit + tuning seconds."""
    from trajlm.eval.knn_tune import tune_knn_baselines

    proj = LocalProjection.fit(train)
    ests: dict[str, Any] = {}
    for est in (B.LinearExtrapolation(3), B.ConstantVelocity(use_time=True),
                B.LinearExtrapolation(3, "fit", True)):  # fmt: skip
        ests[est.name] = est.fit(train)
    for tuned in tune_knn_baselines(train, task, proj):  # one projection of train (scale38)
        ests[tuned.estimator.name] = tuned.estimator
        if timings is not None:
            timings[tuned.estimator.name] = round(tuned.seconds, 2)
    for est in ests.values():
        est.projection_ = proj  # the plane it answered in (the prediction verdict saves it)
    return ests


def knn_check(model: Any, train: pl.DataFrame, task: PredictionTask,
              fitted: dict | None = None, val: pl.DataFrame | None = None,
              spread_from: pl.DataFrame | None = None,
              at_times: Any = None) -> dict[str, Any]:  # fmt: skip
    """The kept model's per-trip 5-step MAE on `task` (val) beside the best on val of the
    verdict's baselines (``candidates``: linear-3, constant velocity [time], linear-3 [time, fit],
    kNN continuation and place-aware kNN, both tuned on val as `trajlm eval` tunes them), their
    ratio with a paired bootstrap 95 % interval and the verdict (better / level / worse); on
    fewer than small_val.MIN_VAL_TRIPS val trips a tuned kNN keeps its tuned settings only where
    val shows them better than its defaults (smallval25; said in ``val_small_rule``) and the
    best baseline is the one best over up to 5 windows of each trip of ``spread_from``
    (eval/few_trips.py, fewtrip27); {} when
    the train split has no window for kNN or val fewer than ``MIN_TRIPS`` scored trips.
    ``fitted`` (a dict) receives the baselines as scored (the prediction verdict saves kNN's
    windows: eval/predict_verdict.py). ``val``: the table ``task`` was built from; where it and
    the train split report speed and course, dead reckoning [time] is a candidate too
    (drverdict25, eval/dr_verdict.py). ``spread_from`` (the val split): each engine's error
    spread is read on every window of its trips (eval/engine_spread.py), else on ``task``.
    ``at_times`` (the model answering ``predict_at`` as ``TrajLM.predict(seconds_ahead=)``):
    on an irregular store the model and the step engines are scored at the val trips' true
    report times instead of in steps (irreg27, eval/report_verdict.py), the small-val rule's
    reads included (irreg28)."""
    from trajlm.eval.dr_verdict import DR, dr_val_errors

    n = len(task.lengths)
    if n == 0 or train.height == 0:
        return {}
    truth = task.target_latlon
    err_m = M.point_errors(ModelPredictor(model).predict_next(task), truth).mean(1)
    timings: dict[str, float] = {}
    ests = candidates(train, task, timings)

    # an irregular store: every read of an engine's val error asks it at the report times
    asked = asked_times(at_times, train, val if val is not None else spread_from)

    def answer(est: Any, t: PredictionTask) -> np.ndarray:
        """(N, k, 2) lat/lon: ``est`` on ``t`` as the verdict scores it (irreg28: the small-val
        rule's reads too, so they agree with the first windows' at report times)."""
        if asked is not None and est.name in STEP_ENGINES:
            return asked.engine(est.name, est, t)[0]
        return baseline_answer(est, est.projection_, t)

    def per_trip(est: Any) -> np.ndarray:
        return M.point_errors(answer(est, task), truth).mean(1)

    small = None
    if acts(n):  # a few val trips: tuned kNN settings must show themselves (smallval25)
        small = rule_line(n, shrink_to_defaults(ests, train, ests["linear-3"].projection_,
                                                per_trip))  # fmt: skip
    steps = {name: M.point_errors(baseline_answer(est, est.projection_, task), truth)
             for name, est in ests.items()}  # fmt: skip
    if (dr := dr_val_errors(train, val, task, per_step=True)) is not None:
        steps[DR] = dr
    at_rt = report_time_scores(asked, task, ests, err_m)
    if at_rt is not None:  # an irregular store: every engine as it answers asked times
        err_m, steps = at_rt.model.mean(1), {**steps, **at_rt.steps}
    errs = {name: e.mean(1) for name, e in steps.items()}
    if fitted is not None:
        fitted.update(ests)
    ok = np.isfinite(err_m) & np.all([np.isfinite(e) for e in errs.values()], axis=0)
    if ok.sum() < MIN_TRIPS:
        return {}
    best = min(errs, key=lambda name: errs[name][ok].mean())
    if small and (few := best_on_windows(answer, ests, list(errs), train, val, spread_from,
                                         task)):  # fmt: skip
        best, small = few[0], f"{small}; {few[1]}"  # more windows of the few trips (fewtrip27)
    err_k = errs[best]
    if not err_k[ok].mean() > 0:
        return {}
    r = paired_bootstrap_ratio(err_m[ok], err_k[ok])
    verdict = "worse" if r["lo"] > 1 else "better" if r["hi"] < 1 else "level"
    # scaleengine27: kNN shrunk by a scale head fitted on train, the challenger of the choice
    scaled = scaled_candidate(train, task, ests, steps, lambda est: baseline_answer(est, est.projection_, task),
                              err_m if verdict == "better" else err_k, ok,
                              "model" if verdict == "better" else best)  # fmt: skip
    if fitted is not None:
        fitted.update(ests)
    return {
        "val_ade_knn_m": float(errs["kNN continuation"][ok].mean()),
        "val_ade_linear3_m": float(errs["linear-3"][ok].mean()),
        "val_ade_baselines_m": {name: float(e[ok].mean()) for name, e in errs.items()},
        "val_baseline_fit_s": timings,
        "val_best_baseline": best,
        "val_ade_best_baseline_m": float(err_k[ok].mean()),
        "val_ade_model_m": float(err_m[ok].mean()),
        "val_ade_vs_best_baseline": float(r["ratio"]),
        "val_ade_vs_best_baseline_ci": [float(r["lo"]), float(r["hi"])],
        "val_vs_best_baseline": verdict,
        "val_baseline_trips": int(ok.sum()),
    } | scaled | ({"val_small_rule": small} if small else {}) | (at_rt.fields if at_rt else {}) \
        | _spreads(task, steps, ests, train, val, spread_from, at_rt is not None)  # fmt: skip


def _spreads(task: PredictionTask, steps: dict[str, np.ndarray], ests: dict, train: pl.DataFrame,
             val: pl.DataFrame | None, spread_from: pl.DataFrame | None,
             at_times: bool = False) -> dict[str, Any]:  # fmt: skip
    """{"val_spread": {engine: its spread on val}} (eval/engine_spread.py, uncert26): what
    gives a baseline's answers a ``std_m`` and radii when the verdict hands them to it; read
    on every window of ``spread_from``'s trips (up to engine_spread.WINDOWS each) when given;
    ``at_times``: the step engines answer at the windows' target times (irreg27)."""
    from trajlm.eval.dr_verdict import DR, dr_val_errors
    from trajlm.eval.engine_spread import WINDOWS, fit_spread, task_scale

    if spread_from is not None and spread_from.height:
        task = make_prediction_task(spread_from, windows=WINDOWS)
        truth = task.target_latlon

        def answer(name: str, est: Any) -> np.ndarray:
            if at_times and name in STEP_ENGINES:  # NaN past its reach: the model answers there
                return steps_engine_at_times(name, est, task)
            return baseline_answer(est, est.projection_, task)

        steps = {name: M.point_errors(answer(name, est), truth) for name, est in ests.items()}
        if (dr := dr_val_errors(train, val, task, per_step=True)) is not None:
            steps[DR] = dr
    scale = task_scale(task)
    out = {name: fit_spread(e, scale) for name, e in steps.items()}
    out = {name: s for name, s in out.items() if s is not None}
    return {"val_spread": out} if out else {}


def knn_line(check: dict[str, Any], data: Path | str, run: Path | str = "RUN") -> str | None:
    """One line for the user when the kept model is not better than the best baseline on val
    (None when it is, or when there was nothing to compare). It names the run and, beside the
    CLI, ``evaluate`` (newuser29: `TrajLM.fit` without ``store=`` named a temporary store that
    is gone when the notebook reads the line, and `--model RUN` though the run is known)."""
    if not check or check.get("val_vs_best_baseline") == "better":
        return None
    from trajlm.eval.predict_verdict import val_words

    lo, hi = check["val_ade_vs_best_baseline_ci"]
    words = val_words(check["val_ade_vs_best_baseline"], lo, hi, check["val_best_baseline"],
                      check["val_baseline_trips"])  # fmt: skip
    from trajlm.data.store_label import eval_command

    command = eval_command(data, f" --task predict --model {run}")  # a frame's store: PATH
    return (
        f"the kept model is not better than the best baseline on val: {words}; 5-step ADE"
        f"{scored_at_words(check)} {check['val_ade_model_m']:.1f} m vs {check['val_ade_best_baseline_m']:.1f} m; {command} "
        "(Python: `model.evaluate(data, task='predict')`) scores it beside "
        "every baseline on test, and `trajlm train-selector` "
        "answers with kNN where its network does not beat it on val (docs/candidates.md)"
    )


def val_task_of(data: Path | str, max_traj: int | None = None) -> PredictionTask:
    """PROTOCOL's prediction task on the store's val split (its first `max_traj` trips, as the
    Trainer's model selection reads them)."""
    from trajlm.data.store import read_store

    val = read_store(data, split="val").drop("split", strict=False)
    if max_traj is not None:
        keep = val["traj_id"].unique(maintain_order=True).head(max_traj)
        val = val.filter(pl.col("traj_id").is_in(keep.implode()))
    return make_prediction_task(val)
