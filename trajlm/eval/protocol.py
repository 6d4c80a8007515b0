"""The evaluation protocol (PROTOCOL.md): the harness (task construction: eval_splits.py,
data/protocol_tasks.py; the tuned kNN: knn_tune.py; model adapters: model/rollout.py).

``run_eval(df, task)`` takes a canonical table with a ``split`` column, fits every baseline on
train (tuning knobs on val), evaluates on test and returns an ``EvalResult`` (Markdown + JSON).
Methods are compared in lat/lon with haversine metres; each method projects on its own.

Models plug in as ``TaskModel`` objects; ``ModelPredictor`` wraps a ``TrajectoryModel``.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from trajlm.data.features import LocalProjection

# moved below (the trainer's model selection uses them); re-exported for old callers
from trajlm.data.protocol_tasks import (  # noqa: F401
    PredictionTask,
    RecoveryTask,
    make_prediction_task,
    make_recovery_task,
)
from trajlm.eval.eval_models import as_task_models, check_run_args

# what the harness scores on, and the tuned kNN: split out (review36), importable here as before
from trajlm.eval.eval_splits import (  # noqa: F401
    MAX_SHIFT_S,
    make_tte_task,
    parse_shift,
    shift_clock,
    split_tables,
)
from trajlm.eval.few_scored import warn_few_scored
from trajlm.eval.knn_tune import tune_knn, tune_knn_baselines  # noqa: F401 (tune_knn: re-exported)
from trajlm.eval.place_knn import PlaceKNNContinuation, tune_place_knn  # noqa: F401 (re-exported)
from trajlm.eval.predict_windows import parse_windows
from trajlm.eval.ratios import add_ratios
from trajlm.eval.report import EvalResult, git_commit, split_meta
from trajlm.eval.task_rows import horizon_rows, predict_rows, recover_rows, tte_rows
from trajlm.eval.task_scoring import (  # noqa: F401  (TaskModel, ProjectedBaseline: re-exported)
    ProjectedBaseline,
    TaskModel,
    recovery_errors,
    score_predict,
    score_recover,
    score_tte,
    timed_call,
)
from trajlm.eval.verdict import verdicts
from trajlm.model.rollout import ModelPredictor, model_params  # noqa: F401

TASKS = ("predict", "recover", "tte")

_split = split_tables  # its earlier name: scripts and tests of past sessions import it


# each task's rows, and the scoring of methods into rows (_need_trips, _evaluate): moved to
# eval/task_rows.py (review39)


def run_eval(
    df: pl.DataFrame,
    task: str,
    models: tuple[TaskModel, ...] = (),
    seeds: tuple[int, ...] = (0, 1, 2),
    out: str | None = None,
    k: int = 5,
    intervals_s: tuple[float, ...] = (60.0, 120.0, 240.0),
    verbose: bool = True,
    shifts: tuple[str, ...] = (),
    horizons_s: tuple[float, ...] = (),
    max_gap_s: float = 60.0,
    at_report_times: bool = False,
    windows: int | str = 1,
    tz: str | float | None = None,
    history: int | None = None,
    names_check: Callable[[list[str]], None] | None = None,
) -> EvalResult:
    """Fit the baselines on train (tune on val), evaluate them and ``models`` on test.

    ``task`` is "predict", "recover" or "tte". Randomness (the recovery mask) is repeated over
    ``seeds`` and reported as mean and std; deterministic rows have std None.
    ``at_report_times`` (predict, k steps): models with ``predict_at`` and dead reckoning
    (where the table reports speed / course) answer at the k true report times
    (eval/report_times.py); the setting reads "k=5, at report times". ``windows``
    (predict): windows scored per test trajectory, 1 / "one" (PROTOCOL), "all" or N
    (eval/predict_windows.py); the CIs resample trajectories either way. ``tz`` (tte): the
    clock the regressors read hour / weekday on (the store's zone; None: UTC). ``history``
    (predict, newuser37): exactly this many fixes in before each cut (trips shorter than
    history + k skipped), the pedestrian benchmarks' 8 in / 12 out; None: PROTOCOL's 20 (or
    all but the last k when shorter). ``names_check`` (the CLI's `--compare`, fix39) is called
    with the table's row names before any row is scored. Writes
    ``<out>/eval_<task>.json`` and ``.md`` when ``out`` is given.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    windows = parse_windows(windows)
    if windows > 1 and (task != "predict" or horizons_s):
        raise ValueError("windows is implemented for task 'predict' without horizons_s")
    if shifts and task != "predict":
        raise ValueError(f"--shift is implemented for --task predict, not {task!r}")
    if not isinstance(df, pl.DataFrame):  # pandas / GeoPandas / MovingPandas / a LazyFrame
        from trajlm.data.coerce import to_canonical

        df = to_canonical(df)
    shift_s = [parse_shift(spec) for spec in shifts]
    check_run_args(task, k, seeds, out)
    if history is not None and (task != "predict" or horizons_s):
        raise ValueError("history is implemented for the k-step --task predict")
    if at_report_times and (task != "predict" or horizons_s):
        raise ValueError("at_report_times is implemented for the k-step --task predict")
    if at_report_times and windows > 1:  # report_times.py asks one window's report times
        raise ValueError("at_report_times scores one window per trajectory: use windows=1")
    parts = split_tables(df)
    extra: dict = {}
    report_extra: list = []  # dead reckoning [time] asked at the report times
    if at_report_times:  # before as_task_models: a model answering at times keeps predict_at
        from trajlm.eval.report_times import report_time_methods

        report_extra, models, notes = report_time_methods(list(models), parts["test"])
        extra["at_report_times"] = True
        if notes:
            extra["skipped"] = notes
    models = as_task_models(models, task, bool(horizons_s))  # TrajLM in, no silent drop
    train, val, test = parts["train"], parts["val"], parts["test"]
    warn_few_scored(
        test, task == "predict" and windows == 1 and not horizons_s
    )  # said from Python too (the CLI ignores it: its own line names --data)
    proj = LocalProjection.fit(train)
    fits: dict[str, float] = {}
    params: dict[str, dict] = {}

    if horizons_s and (task != "predict" or shifts):
        raise ValueError("horizons_s is implemented for --task predict without --shift")
    if horizons_s:
        rows = horizon_rows(train, test, proj, models, horizons_s, max_gap_s, extra,
                            names_check=names_check)  # fmt: skip
    elif task == "predict":
        rows = predict_rows(
            train, val, test, proj, models, k=k, history=history, windows=windows,
            at_report_times=at_report_times, report_extra=report_extra, shift_s=shift_s,
            extra=extra, fits=fits, params=params, names_check=names_check,
        )  # fmt: skip
    elif task == "recover":
        rows = recover_rows(val, test, proj, models, seeds, intervals_s, extra, fits, params,
                            names_check=names_check)  # fmt: skip
    else:  # tte
        rows = tte_rows(train, test, proj, models, tz, extra, fits, params,
                        names_check=names_check)  # fmt: skip

    for m in models:
        n = sum(p.numel() for p in model_params(getattr(m, "model", m)))
        params.setdefault(m.name, {}).update({"n_params": n} if n else {})
    for r in rows:
        r["params"] = params.get(r["method"], {})
    meta = {
        **split_meta(parts),
        "projection": {"lat0": proj.lat0, "lon0": proj.lon0},
        # the recovery mask's seeds; predict and tte draw nothing (a model's spread comes from
        # repeating --model with runs of several training seeds), so they name none
        "seeds": list(seeds) if task == "recover" else [],
        "git_commit": git_commit(),
        **extra,
    }
    result = EvalResult(task, rows, meta)
    # each row / constant velocity (predict) and / the strongest baseline, paired 95 % CI
    add_ratios(result)
    if models:  # the sentence per model, in Python as in the CLI (docs/protocol.md)
        result.meta["verdict_models"] = [m.name for m in models]
        result.meta["verdict"] = verdicts(result, result.meta["verdict_models"])
    if out is not None:
        result.save(out)
    if verbose:
        print(result.to_markdown())
    return result
