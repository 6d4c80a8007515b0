"""The evaluation protocol (PROTOCOL.md): the harness (task construction: eval_splits.py,
data/protocol_tasks.py; the tuned kNN: knn_tune.py; model adapters: model/rollout.py).

``run_eval(df, task)`` takes a canonical table with a ``split`` column, fits every baseline on
train (tuning knobs on val), evaluates on test and returns an ``EvalResult`` (Markdown + JSON).
Methods are compared in lat/lon with haversine metres; each method projects on its own.

Models plug in as ``TaskModel`` objects; ``ModelPredictor`` wraps a ``TrajectoryModel``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection

# moved below (the trainer's model selection uses them); re-exported for old callers
from trajlm.data.protocol_tasks import (  # noqa: F401
    PredictionTask,
    RecoveryTask,
    make_prediction_task,
    make_recovery_task,
)
from trajlm.errors import TrajlmInputError
from trajlm.eval import baselines as B
from trajlm.eval.eval_models import as_task_models, check_run_args
from trajlm.eval.eval_progress import say

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
from trajlm.eval.task_definitions import window_sizes
from trajlm.eval.task_scoring import (  # noqa: F401  (TaskModel, ProjectedBaseline: re-exported)
    ProjectedBaseline,
    TaskModel,
    recovery_errors,
    score_predict,
    score_recover,
    score_tte,
    timed_call,
)
from trajlm.eval.tuning_rule import WORDS
from trajlm.eval.verdict import verdicts
from trajlm.model.rollout import ModelPredictor, model_params  # noqa: F401

TASKS = ("predict", "recover", "tte")

_split = split_tables  # its earlier name: scripts and tests of past sessions import it


def _need_trips(n: int, split: str, what: str) -> None:
    """One clear user error when a split has nothing the task can score."""
    if n == 0:
        raise TrajlmInputError(
            f"the {split} split has no trajectory with {what}; nothing to evaluate",
            hint="ingest more (or longer) trajectories",
        )


def _check_names(names_check: Callable[[list[str]], None] | None, methods: list) -> None:
    """The table's rows named before any is scored (fix39: `--compare`'s names checked then,
    not after minutes of scoring)."""
    if names_check is not None:
        names_check([m.name for m in methods])


def _evaluate(methods, score, tasks: list, setting: str, n_traj: int, n_points: int, fits):
    """Score every method on every task variant (one per seed); rows of mean and std."""
    rows = []
    for m in methods:
        say(f"scoring {m.name}, {setting}")  # off a terminal, when the CLI asks (scale33)
        runs, times = zip(*(timed_call(score, m, tk) for tk in tasks), strict=True)
        per = [r.pop("_per_traj") for r in runs if "_per_traj" in r]
        counts = [r.pop("_traj_n") for r in runs if "_traj_n" in r]
        mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
        std = {k: float(np.std([r[k] for r in runs])) for k in runs[0]} if len(runs) > 1 else None
        rows.append(
            {"setting": setting, "method": m.name, "metrics": mean, "std": std,
             "n_trajectories": int(n_traj), "n_points": int(n_points),
             "fit_s": fits.get(m.name, 0.0), "predict_s": float(np.mean(times))}
        )  # fmt: skip
        if per:  # kept out of the JSON (report.EvalResult.to_dict)
            rows[-1]["_per_traj"] = np.mean(per, 0)
            if hasattr(tasks[0], "traj_ids"):  # prediction: whose errors (eval/by_source.py)
                rows[-1]["_traj_ids"] = tasks[0].owners()[0]
        if counts:  # prediction: windows per trajectory (the ratios' weights)
            rows[-1]["_traj_n"] = counts[0]
    return rows


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
    all but the last k when shorter). Writes
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
    rows: list[dict] = []

    if horizons_s and (task != "predict" or shifts):
        raise ValueError("horizons_s is implemented for --task predict without --shift")
    if horizons_s:
        from trajlm.eval.horizon import (
            HISTORY_S,
            evaluate_horizons,
            horizon_methods,
            make_horizon_task,
        )

        ht = make_horizon_task(test, tuple(horizons_s), max_gap_s=max_gap_s)
        span = test.group_by("traj_id").agg((pl.col("t").max() - pl.col("t").min()).alias("d"))
        longest = float(span["d"].max() or 0)
        need = HISTORY_S + min(horizons_s)  # a window's history, then its shortest horizon
        if len(ht.t_last) == 0 and longest < need:  # trips too short, not too sparse (cliuser18)
            raise TrajlmInputError(
                f"--horizon-s: every window has {HISTORY_S:g} s of history and a horizon after "
                f"it ({need:g} s at least); the longest test trajectory lasts {longest:g} s, so "
                "there is nothing to score",
                hint="score the k-step table (leave --horizon-s out) or ingest longer trips",
            )
        _need_trips(len(ht.t_last), "test", "a window of 3+ fixes and a horizon after it")
        methods, extra["skipped"] = horizon_methods(train, test, proj)
        extra["baselines"] = [m.name for m in methods]
        methods += [m for m in models if hasattr(m, "predict_at")]
        extra["horizon_windows"] = {"n_windows": len(ht.t_last), "max_gap_s": max_gap_s,
                                    "skipped": ht.skipped}  # fmt: skip
        _check_names(names_check, methods)
        rows = evaluate_horizons(methods, ht, timed_call)
    elif task == "predict":
        cut = window_sizes(k, history)  # n_input, min_points
        test_task = make_prediction_task(test, k=k, windows=windows, **cut)
        _need_trips(len(test_task.lengths), "test",
                    f"{cut['min_points']} points to predict {k} from")  # fmt: skip
        ests = [B.ConstantVelocity(), B.LinearExtrapolation(3)]
        # PROTOCOL.md's reference definitions (use the targets' true timestamps)
        ests += [B.ConstantVelocity(use_time=True), B.LinearExtrapolation(3, "fit", True)]
        val_task = make_prediction_task(val, k=k, **cut)
        if len(val_task.lengths) == 0:  # nothing to tune kNN on: skipped, and said so
            extra.setdefault("skipped", []).extend(
                [
                    f"kNN baselines: the val split has no trajectory of {cut['min_points']}+ points "
                    "to tune them on"
                ]
            )
        else:
            say(f"tuning the kNN baselines on val ({len(val_task.lengths):,} trajectories; "
                f"train: {len(train):,} points)")  # fmt: skip
            # the plain kNN, then the place-aware one (docs/candidates.md): where the road at
            # this place decides the next move it can beat plain kNN, so it is a baseline a
            # model must face too; from one projection of the train points (scale38)
            plain, placed = tune_knn_baselines(train, val_task, proj, say)
            knn, scores = plain.estimator, plain.scores
            fits[knn.name] = plain.seconds
            params[knn.name] = {"n_neighbors": knn.n_neighbors, "history": knn.history,
                                "n_windows": knn.n_windows_, "val_ade_m": scores,
                                "tuning": knn.tuning_.to_dict()}  # fmt: skip
            ests.append(knn)
            place, pscores = placed.estimator, placed.scores
            fits[place.name] = placed.seconds
            params[place.name] = {"n_neighbors": place.n_neighbors, "w_place": place.w_place,
                                  "w_heading": place.w_heading, "history": place.history,
                                  "val_ade_m": pscores, "tuning": place.tuning_.to_dict()}  # fmt: skip
            ests.append(place)
            # which settings and which rule chose them (knn30): printed under the table
            extra["knn_settings"] = [f"{e.name}: {e.tuning_.words()}" for e in (knn, place)]
            extra["knn_rule"] = f"kNN settings chosen on val, keeping {WORDS[knn.tuning_.rule]}"
        methods = [ProjectedBaseline(e, proj) for e in ests] + report_extra
        extra["baselines"] = [m.name for m in methods]  # the ratios' reference rows
        methods += [m for m in models if hasattr(m, "predict_next")]
        n_traj, n_pts = len(test_task.owners()[0]), test_task.target_t.size
        if windows > 1:  # how many windows the table holds (the task line says how cut)
            extra["prediction_windows"] = {"per_trajectory": windows,
                                           "n_windows": int(test_task.target_t.shape[0])}  # fmt: skip
        setting = f"k={k}, at report times" if at_report_times else f"k={k}"
        _check_names(names_check, methods)
        rows = _evaluate(methods, score_predict, [test_task], setting, n_traj, n_pts, fits)
        extra["n_skipped_short"] = test_task.n_skipped
        for label, seconds in shift_s:  # same trips, clocks moved: a ratio to the row above
            moved = make_prediction_task(shift_clock(test, seconds), k=k, windows=windows, **cut)
            base = {r["method"]: r["metrics"] for r in rows if r["setting"] == setting}
            for r in _evaluate(methods, score_predict, [moved], f"{setting}, {label}", n_traj,
                               n_pts, fits):  # fmt: skip
                r["metrics"]["mae_ratio"] = r["metrics"]["mae_m"] / base[r["method"]]["mae_m"]
                rows.append(r)

    elif task == "recover":
        spline = B.CubicSplineInterpolation("cubic")
        vt = make_recovery_task(val, "random", seed=seeds[0])
        if len(vt.t) == 0:  # no val trajectory of 3+ points: the default flavour, said so
            extra["skipped"] = [
                "spline flavour not tuned (cubic kept): the val split has no trajectory of "
                "3+ points"
            ]
        else:  # pick the spline flavour on val (random mask, first seed)
            val_mae = {
                kind: score_recover(ProjectedBaseline(B.CubicSplineInterpolation(kind), proj), vt)[
                    "mae_m"
                ]
                for kind in ("cubic", "pchip", "akima")
            }
            spline = B.CubicSplineInterpolation(min(val_mae, key=val_mae.get))
            params[spline.name] = {"kind": spline.kind, "val_mae_m": val_mae}
        methods = [ProjectedBaseline(e.fit(), proj) for e in (B.LinearInterpolation(), spline)]
        extra["baselines"] = [m.name for m in methods]  # the ratios' reference rows
        methods += [m for m in models if hasattr(m, "recover")]
        variants = [[make_recovery_task(test, "random", seed=s) for s in seeds]]
        _need_trips(len(variants[0][0].t), "test", "3 points (a gap needs both ends)")
        variants += [[make_recovery_task(test, "downsample", interval_s=i)] for i in intervals_s]
        _check_names(names_check, methods)
        for tasks in variants:
            t0 = tasks[0]
            n_traj, n_pts = t0.groups.max() + 1, (~t0.known).sum()
            if n_pts == 0:  # sampled at this interval or coarser: nothing hidden, no row
                extra.setdefault("skipped", []).append(
                    f"{t0.setting}: no point hidden (every window already holds one point: "
                    "the test trips are sampled this sparsely), not scored"
                )
                continue
            rows += _evaluate(methods, score_recover, tasks, t0.setting, n_traj, n_pts, fits)

    else:  # tte
        od = make_tte_task(test)
        _need_trips(len(od), "test", "a positive duration")
        ests = [B.DistanceOverMeanSpeed(), B.LinearRegressionTTE(tz=tz),
                B.GradientBoostingTTE(tz=tz)]  # fmt: skip
        for e in ests:
            say(f"fitting {e.name} on train ({len(train):,} points)")
            fits[e.name] = timed_call(e.fit, train)[1]
        params[ests[0].name] = {"speed_mps": ests[0].speed_mps_}
        methods = [ProjectedBaseline(e, proj) for e in ests]
        extra["baselines"] = [m.name for m in methods]  # the ratios' reference rows
        methods += [m for m in models if hasattr(m, "travel_time")]
        _check_names(names_check, methods)
        rows = _evaluate(methods, score_tte, [od], "origin-destination", len(od), len(od), fits)

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
