"""Your own model's answers in `trajlm eval` (session 34, byo34): `trajlm data queries` writes the
windows eval scores, `trajlm eval --predictions FILE` scores a method's answers to them beside the
baselines (the answers' checks and playback: trajlm/eval/own_answers.py). These hooks keep
trajlm/cli_eval.py's run to a few lines: the options checked before any work, the answer rows
built from the scored split, several files' mean row after the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trajlm._safety import UserError

ANSWERS_OPTION = "--predictions"
ANSWER_TASKS = ("predict", "recover")


def scored_split_task(df: Any, split: str, windows: int) -> Any:
    """The prediction windows `trajlm eval` scores on ``split`` of the store table ``df``
    (run_eval's own split and window code)."""
    from trajlm.eval.own_answers import scored_task
    from trajlm.eval.protocol import split_tables

    return scored_task(split_tables(df)[split], windows=windows)


def query_tables(store: Path, split: str, windows: str, option: str = "STORE",
                 task: str = "predict", seeds: int = 3, horizon_s: str | None = None,
                 at_report_times: bool = False) -> tuple:  # fmt: skip
    """(inputs, asks) Polars frames of what `trajlm eval --task predict|recover [--score-on val]
    [--windows W] [--seeds N] [--horizon-s S | --at-report-times]` scores on ``store``; one line
    when the split holds nothing. A `--crs local` store's inputs are y / x metres (local37:
    the stand-in lat / lon 1.0003 were written), as its answers are read (read_answers)."""
    from trajlm.data.local_plane import as_plane_columns, store_crs

    inputs, asks = _query_tables(store, split, windows, option, task, seeds, horizon_s,
                                 at_report_times)  # fmt: skip
    if store_crs(store) == "local":
        inputs = as_plane_columns(inputs, round_mm=True)
    return inputs, asks


def _query_tables(store: Path, split: str, windows: str, option: str, task: str, seeds: int,
                  horizon_s: str | None, at_report_times: bool) -> tuple:  # fmt: skip
    from trajlm import _cli_io as io
    from trajlm.cli_eval_notes import check_windows
    from trajlm.eval.horizon import parse_horizons
    from trajlm.eval.own_answers import prediction_queries, recovery_queries, recovery_variants
    from trajlm.eval.protocol import split_tables

    io.choice(task, ANSWER_TASKS, "--task")
    io.choice(split, ("test", "val"), "--split")
    check_timed_options(task, horizon_s, at_report_times, windows)
    horizons = parse_horizons(horizon_s, task, (), 60.0)  # the windows do not read --max-gap-s
    n_windows = check_windows(windows, task, horizon_s)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise UserError(f"--seeds must be >= 1, got {seeds!r}")
    io.store(store, option)
    df = io.read_splits_checked(store, option)  # held once, the splits sliced (scale36)
    if horizons:  # eval --horizon-s's windows (eval/own_answers_times.py)
        from trajlm.eval.own_answers_times import horizon_queries, horizon_task

        task_h = horizon_task(split_tables(df)[split], horizons, 60.0)
        if len(task_h.t_last) == 0:
            raise UserError(f"{option} {store}: the {split} split has no window of 3+ fixes with "
                            f"a horizon after it (--horizon-s {horizon_s})")  # fmt: skip
        return horizon_queries(task_h)
    if task == "recover":
        inputs, asks = recovery_queries(
            *recovery_variants(split_tables(df)[split], tuple(range(seeds)))
        )
        if len(asks) == 0:
            raise UserError(f"{option} {store}: the {split} split has no trajectory of 3+ points, "
                            "so there is no gap to ask")  # fmt: skip
        return inputs, asks
    task = scored_split_task(df, split, n_windows)
    if len(task.lengths) == 0:
        raise UserError(f"{option} {store}: the {split} split has no trajectory of 7+ points, so "
                        "there is no window to ask")  # fmt: skip
    return prediction_queries(task)


def check_timed_options(task: str, horizon_s: str | None, at_report_times: bool,
                        windows: str) -> None:  # fmt: skip
    """--horizon-s / --at-report-times where eval scores them: the k-step --task predict, one
    of the two, --at-report-times with one window per trajectory (as `trajlm eval`)."""
    if (horizon_s is not None or at_report_times) and task != "predict":
        what = "--horizon-s" if horizon_s is not None else "--at-report-times"
        raise UserError(f"{what} asks prediction windows at times: it goes with --task predict, "
                        f"not {task!r}")  # fmt: skip
    if horizon_s is not None and at_report_times:
        raise UserError("--horizon-s and --at-report-times ask different windows; give one")
    if at_report_times and windows != "one":
        raise UserError(f"--windows {windows} with --at-report-times: the report-time table "
                        "scores one window per trajectory; leave one of them out")  # fmt: skip


def row_names(names: str | list[str] | None) -> list[str]:
    """--predictions-name as a list (none, one for every file, or one per file)."""
    return [names] if isinstance(names, str) else list(names or [])


def check_answer_options(
    sources: list[Any] | None, names: str | list[str] | None, task: str, asked: dict[str, Any]
) -> None:
    """--predictions with what it can be scored with (before any reading); --predictions-name
    needs --predictions, and is given once (every file: one method's runs) or once per file."""
    names = row_names(names)
    if names and not sources:
        raise UserError("--predictions-name names --predictions rows; give --predictions FILE")
    if not sources:
        return
    if task not in ANSWER_TASKS:
        raise UserError(f"{ANSWERS_OPTION} is implemented for --task predict and recover, not "
                        f"{task!r}")  # fmt: skip
    for option, value in asked.items():  # windows these answers were not written for
        if value:
            raise UserError(
                f"{ANSWERS_OPTION} with {option}: answers are scored on the windows `trajlm "
                f"data queries` writes (the store's own split, --horizon-s or "
                f"--at-report-times); leave {option} out"
            )
    if any(not isinstance(n, str) or not n.strip() for n in names):
        raise UserError("--predictions-name: give a name for the rows")
    if len(names) > 1 and len(names) != len(sources):
        raise UserError(f"--predictions-name given {len(names)} times for {len(sources)} "
                        "--predictions files: give it once (the files are one method's runs) or "
                        "once per file, in their order")  # fmt: skip
    if len(set(names)) < len(names):
        raise UserError("--predictions-name: each file's name must differ (one name for all "
                        "files makes them one method's runs, with a mean ± std row)")  # fmt: skip
    from trajlm.eval.own_answers import ANSWER_SUFFIXES

    for source in sources:
        if isinstance(source, str | Path):
            path = Path(source)
            if path.suffix.lower() not in ANSWER_SUFFIXES:
                raise UserError(f"{ANSWERS_OPTION} {path}: expected a .csv or .parquet file of "
                                "query_id, k, lat, lon")  # fmt: skip
            if not path.is_file():
                raise UserError(f"{ANSWERS_OPTION} {path}: no such file")


def answer_models(sources: list[Any], names: str | list[str] | None, df: Any, windows: int,
                  task: str = "predict", seeds: tuple[int, ...] = (0, 1, 2),
                  horizons: tuple[float, ...] = (), max_gap_s: float = 60.0,
                  local: bool = False) -> list:  # fmt: skip
    """One answer model per answer source, each checked whole against the windows (recover:
    the gaps of every mask; ``horizons``: the --horizon-s windows) of the scored split
    (``df``'s "test" rows, val already swapped in for --score-on val). ``local``: a `--crs
    local` store, whose answers are x / y metres (read_answers)."""
    import numpy as np

    from trajlm.eval.own_answers import (
        AnswerModel,
        RecoveryAnswerModel,
        answer_names,
        gap_ids,
        match_answers,
        read_answers,
        recovery_variants,
        window_ids,
    )
    from trajlm.eval.protocol import split_tables

    recovery, what = None, "window"
    if horizons:
        from trajlm.eval.own_answers_times import HorizonAnswerModel, horizon_ids, horizon_task

        timed = horizon_task(split_tables(df)["test"], horizons, max_gap_s)
        ids, k, what = horizon_ids(timed), len(timed.horizons), "horizon window"
    elif task == "recover":
        recovery = recovery_variants(split_tables(df)["test"], seeds)
        both = [gap_ids(n, t, recovery[0]) for n, t in recovery[1]]
        ids = [q for got, _ in both for q in got]
        k = np.concatenate([n for _, n in both]) if both else np.zeros(0, np.int64)
        what = "gap query"
    else:
        prediction = scored_split_task(df, "test", windows)
        ids, k = window_ids(prediction), prediction.target_t.shape[1]
    models = []
    for i, (source, row) in enumerate(
        zip(sources, answer_names(sources, row_names(names)), strict=True)
    ):
        label = (f"{ANSWERS_OPTION} {source}" if isinstance(source, str | Path)
                 else f"answers[{i}]")  # fmt: skip
        answers = read_answers(source, label, local)
        match_answers(answers, ids, k, label, what)  # refused whole before any fitting
        if horizons:
            models.append(HorizonAnswerModel(answers, row, label))
        else:
            models.append(AnswerModel(answers, row, label) if recovery is None
                          else RecoveryAnswerModel(answers, row, label, recovery))  # fmt: skip
    return models


def add_answer_rows(result: Any, models: list, names: str | list[str] | None) -> None:
    """Several answer files under one name (a method's seeds): one "NAME (mean ± std over N
    files)" row; files named one each are different methods, a row each."""
    from trajlm.eval.report import aggregate_runs

    if not models:
        return
    names = row_names(names)
    # which rows are answers, and from where (the JSON's record; the notes' wording)
    result.meta["predictions"] = {m.name: m.label.removeprefix(f"{ANSWERS_OPTION} ")
                                  for m in models}  # fmt: skip
    if len(models) > 1 and len(names) <= 1:
        label = f"{names[0] if names else 'answers'} (mean ± std over {len(models)} files)"
        aggregate_runs(result, [m.name for m in models], label)
        result.meta["predictions"][label] = "their mean"
