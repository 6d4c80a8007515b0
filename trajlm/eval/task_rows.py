"""The rows of each task's table in `run_eval` (eval/protocol.py): the baselines fitted on
train (tuned on val), scored with the models on test, one function per task (the horizon
table, k-step predict, recover, travel time). Moved from protocol.py's `run_eval` unchanged
(review39); each takes the dicts run_eval keeps (``extra`` for the meta, ``fits`` seconds and
``params`` per method) and adds to them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task, make_recovery_task
from trajlm.errors import TrajlmInputError
from trajlm.eval import baselines as B
from trajlm.eval.eval_progress import say
from trajlm.eval.eval_splits import make_tte_task, shift_clock
from trajlm.eval.knn_tune import tune_knn_baselines
from trajlm.eval.task_definitions import window_sizes
from trajlm.eval.task_scoring import (
    ProjectedBaseline,
    score_predict,
    score_recover,
    score_tte,
    timed_call,
)
from trajlm.eval.tuning_rule import WORDS


def need_trips(n: int, split: str, what: str) -> None:
    """One clear user error when a split has nothing the task can score."""
    if n == 0:
        raise TrajlmInputError(
            f"the {split} split has no trajectory with {what}; nothing to evaluate",
            hint="ingest more (or longer) trajectories",
        )


def check_names(names_check: Callable[[list[str]], None] | None, methods: list) -> None:
    """The table's rows named before any is scored (fix39: `--compare`'s names checked then,
    not after minutes of scoring)."""
    if names_check is not None:
        names_check([m.name for m in methods])


def evaluate_methods(methods, score, tasks: list, setting: str, n_traj: int, n_points: int, fits):
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


def horizon_rows(
    train: pl.DataFrame, test: pl.DataFrame, proj: LocalProjection, models: list,
    horizons_s: tuple[float, ...], max_gap_s: float, extra: dict,
    names_check: Callable[[list[str]], None] | None = None,
) -> list[dict]:  # fmt: skip
    """--horizon-s: every method asked at seconds after 10 min of history."""
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
    need_trips(len(ht.t_last), "test", "a window of 3+ fixes and a horizon after it")
    methods, extra["skipped"] = horizon_methods(train, test, proj)
    extra["baselines"] = [m.name for m in methods]
    methods += [m for m in models if hasattr(m, "predict_at")]
    extra["horizon_windows"] = {"n_windows": len(ht.t_last), "max_gap_s": max_gap_s,
                                "skipped": ht.skipped}  # fmt: skip
    check_names(names_check, methods)
    rows = evaluate_horizons(methods, ht, timed_call)
    return rows


def predict_rows(
    train: pl.DataFrame, val: pl.DataFrame, test: pl.DataFrame, proj: LocalProjection,
    models: list, *, k: int, history: int | None, windows: int, at_report_times: bool,
    report_extra: list, shift_s: list, extra: dict, fits: dict, params: dict,
    names_check: Callable[[list[str]], None] | None = None,
) -> list[dict]:  # fmt: skip
    """The k-step table: constant velocity, linear, the kNN pair tuned on val, the models; and
    the same trips with clocks moved (--shift)."""
    cut = window_sizes(k, history)  # n_input, min_points
    test_task = make_prediction_task(test, k=k, windows=windows, **cut)
    need_trips(len(test_task.lengths), "test",
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
    check_names(names_check, methods)
    rows = evaluate_methods(methods, score_predict, [test_task], setting, n_traj, n_pts, fits)
    extra["n_skipped_short"] = test_task.n_skipped
    for label, seconds in shift_s:  # same trips, clocks moved: a ratio to the row above
        moved = make_prediction_task(shift_clock(test, seconds), k=k, windows=windows, **cut)
        base = {r["method"]: r["metrics"] for r in rows if r["setting"] == setting}
        for r in evaluate_methods(methods, score_predict, [moved], f"{setting}, {label}", n_traj,
                           n_pts, fits):  # fmt: skip
            r["metrics"]["mae_ratio"] = r["metrics"]["mae_m"] / base[r["method"]]["mae_m"]
            rows.append(r)
    return rows


def recover_rows(
    val: pl.DataFrame, test: pl.DataFrame, proj: LocalProjection, models: list,
    seeds: tuple[int, ...], intervals_s: tuple[float, ...], extra: dict, fits: dict,
    params: dict, names_check: Callable[[list[str]], None] | None = None,
) -> list[dict]:  # fmt: skip
    """Gaps filled: random masks (one per seed) and downsampling to each interval; the spline
    flavour tuned on val."""
    rows: list[dict] = []
    spline = B.CubicSplineInterpolation("cubic")
    vt = make_recovery_task(val, "random", seed=seeds[0])
    if len(vt.t) == 0:  # no val trajectory of 3+ points: the default flavour, said so
        extra["skipped"] = [
            "spline flavour not tuned (cubic kept): the val split has no trajectory of 3+ points"
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
    need_trips(len(variants[0][0].t), "test", "3 points (a gap needs both ends)")
    variants += [[make_recovery_task(test, "downsample", interval_s=i)] for i in intervals_s]
    check_names(names_check, methods)
    for tasks in variants:
        t0 = tasks[0]
        n_traj, n_pts = t0.groups.max() + 1, (~t0.known).sum()
        if n_pts == 0:  # sampled at this interval or coarser: nothing hidden, no row
            extra.setdefault("skipped", []).append(
                f"{t0.setting}: no point hidden (every window already holds one point: "
                "the test trips are sampled this sparsely), not scored"
            )
            continue
        rows += evaluate_methods(methods, score_recover, tasks, t0.setting, n_traj, n_pts, fits)
    return rows


def tte_rows(
    train: pl.DataFrame, test: pl.DataFrame, proj: LocalProjection, models: list,
    tz: str | float | None, extra: dict, fits: dict, params: dict,
    names_check: Callable[[list[str]], None] | None = None,
) -> list[dict]:  # fmt: skip
    """Travel time origin -> destination: the regressors fitted on train, the models."""
    od = make_tte_task(test)
    need_trips(len(od), "test", "a positive duration")
    ests = [B.DistanceOverMeanSpeed(), B.LinearRegressionTTE(tz=tz),
            B.GradientBoostingTTE(tz=tz)]  # fmt: skip
    for e in ests:
        say(f"fitting {e.name} on train ({len(train):,} points)")
        fits[e.name] = timed_call(e.fit, train)[1]
    params[ests[0].name] = {"speed_mps": ests[0].speed_mps_}
    methods = [ProjectedBaseline(e, proj) for e in ests]
    extra["baselines"] = [m.name for m in methods]  # the ratios' reference rows
    methods += [m for m in models if hasattr(m, "travel_time")]
    check_names(names_check, methods)
    rows = evaluate_methods(methods, score_tte, [od], "origin-destination", len(od), len(od), fits)
    return rows
