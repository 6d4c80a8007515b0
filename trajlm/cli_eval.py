"""`trajlm eval`: the PROTOCOL.md harness on a store, optionally with trained models.

Several `--model` runs (e.g. the same config trained with 3 seeds) are evaluated side by side
and summarised in one extra row each recipe: cli_eval_seeds.py. What each --model path is
scored as: cli_eval_models.py; what is said beside the table: cli_eval_notes.py; the verdict
under it: eval/verdict.py; the columns read: cli_eval_columns.py; your own answers:
cli_eval_answers.py; --compare's pairs: eval/row_pairs.py.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from rich.console import Console

from trajlm.cli_eval_checks import ALL_TASKS as ALL_TASKS  # importable from here as before
from trajlm.cli_eval_checks import check_eval_options
from trajlm.cli_eval_checks import check_window_sizes as check_window_sizes
from trajlm.cli_eval_models import (
    build_predictors,
    knn_settings_notes,
    save_verdicts,
    val_checked_predict_rows,
    val_checked_rows,
    warn_selector_library,
)
from trajlm.cli_eval_notes import (
    horizon_models,
    print_run_notes,
    report_times_note,
    warn_coverage,
)
from trajlm.cli_eval_result import MIN_SCORED as MIN_SCORED  # importable from here as before
from trajlm.cli_eval_result import WHOLE_DEFINITION as WHOLE_DEFINITION
from trajlm.cli_eval_result import describe_result, warn_few_scored, write_eval_out
from trajlm.cli_eval_seeds import later_row_heads
from trajlm.cli_eval_seeds import recipe_key as recipe_key  # imported from here by older code
from trajlm.cli_eval_table import read_eval_table
from trajlm.errors import EvalNoteWarning, TrajlmInputError
from trajlm.eval.few_scored import FewScoredWarning
from trajlm.eval.protocol import run_eval
from trajlm.eval.report import EvalResult
from trajlm.eval.row_pairs import check_names_before_scoring


def run_eval_command(
    task: str,
    data: Path,
    models: list[Path] | None,
    seeds: int,
    out: Path | None,
    console: Console,
    split_by: str = "time",
    overwrite: bool = False,
    threads: int | None = None,
    shifts: list[str] | None = None,
    holdout_by: str | None = None,
    context: str | None = None,
    network: Path | str | None = None,
    score_on: str = "test",
    classes: str = "auto",
    horizon_s: str | None = None,
    max_gap_s: float = 60.0,
    test_data: Path | None = None,
    fallback: bool = True,
    save_verdict: bool = False,
    at_report_times: bool = False,
    windows: str = "one",
    lm_class: type | None = None,
    predictions: list | None = None,
    predictions_name: str | list[str] | None = None,
    compare: list | None = None,
    steps: int | None = None,
    history: int | None = None,
) -> EvalResult:
    """`trajlm eval`: every input is checked (task, store, models, outputs) before any work.

    With ``--out X.json`` the markdown table goes to ``X.md`` too; neither may be an input,
    and existing ones are replaced only with ``overwrite``. classify: ``test_data`` (a data
    set's own test store) or ``split_by="source"`` score whole source trajectories
    (cli_eval_classify.py, session 21). ``lm_class``: trajlm.api.TrajLM (its callers pass it:
    TrajLM.evaluate runs this, so importing trajlm.api here would be a cycle), for the models
    answering at asked times (--horizon-s, --at-report-times). ``predictions``: answer files
    (or frames) of your own method to `trajlm data queries`' windows, a row each (named
    ``predictions_name``; cli_eval_answers.py, session 34). ``compare``: pairs of the table's
    rows ("A,B" or (A, B)), each given its paired difference and CI (eval/row_pairs.py).
    ``steps`` / ``history`` (predict): k points out, exactly N in (newuser37)."""
    from trajlm import _cli_io as io
    from trajlm._threads import apply_threads
    from trajlm.cli_eval_answers import answer_models
    from trajlm.data.store import load_manifest
    from trajlm.eval.row_pairs import compare_rows

    task, compare, n_windows, horizons, spec, whole, out = check_eval_options(
        task, data, models, seeds, out, split_by=split_by, overwrite=overwrite, shifts=shifts,
        holdout_by=holdout_by, context=context, network=network, score_on=score_on,
        classes=classes, horizon_s=horizon_s, max_gap_s=max_gap_s, test_data=test_data,
        save_verdict=save_verdict, at_report_times=at_report_times, windows=windows,
        predictions=predictions, predictions_name=predictions_name, compare=compare,
        steps=steps, history=history,
    )  # fmt: skip
    roads, graph = [], None  # the shortest-path baseline, when a road network is given
    if spec is not None:
        from trajlm.roads import ShortestPathRecovery
        from trajlm.roads.anchor import network_from_spec

        graph = network_from_spec(spec)
        roads = [ShortestPathRecovery(graph)]
    predictors = build_predictors(task, models, context, graph, fallback=fallback)
    df, columns, class_map, parts, rule = read_eval_table(
        task, data, models, predictors, holdout_by=holdout_by, at_report_times=at_report_times,
        predictions=predictions, split_by=split_by, score_on=score_on, classes=classes,
        test_data=test_data, whole=whole, console=console,
    )  # fmt: skip
    from trajlm.data.local_plane import store_crs

    answers = (answer_models(predictions, predictions_name, df, n_windows, task,
                             tuple(range(seeds)), horizons, max_gap_s,
                             local=store_crs(data) == "local")
               if predictions else [])  # fmt: skip
    n_params = max((p.model.num_params() for p in predictors if hasattr(p, "model")), default=0)
    apply_threads(threads, n_params or None)
    manifest = load_manifest(data)
    if task not in ("classify", "similarity"):
        warn_coverage(predictors, df, holdout_by or manifest.get("split_by", "time"), console)
    report = manifest.get("drop_report") or {}
    console.print(
        f"store {data}: {manifest['n_trajectories']:,} trajectories, {manifest['n_points']:,} "
        f"points; dropped at ingest: {report.get('dropped', {})}",
        markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip
    result = score_table(
        task, df, data, models, predictors, seeds=seeds, class_map=class_map, parts=parts,
        score_on=score_on, whole=whole, test_data=test_data, split_by=split_by,
        horizons=horizons, at_report_times=at_report_times, lm_class=lm_class,
        fallback=fallback, n_windows=n_windows, answers=answers, roads=roads, shifts=shifts,
        max_gap_s=max_gap_s, steps=steps, history=history, compare=compare,
        predictions_name=predictions_name, console=console,
    )  # fmt: skip
    if task not in ("classify", "similarity"):
        warn_selector_library(predictors, df, console)
    describe_result(
        result, task, data, models, predictors, answers, predictions_name=predictions_name,
        manifest=manifest, holdout_by=holdout_by, score_on=score_on, rule=rule,
        horizons=horizons, at_report_times=at_report_times, steps=steps, history=history,
        whole=whole, n_windows=n_windows, console=console,
    )  # fmt: skip
    refused = None  # a --compare name not in the table: said after the table is kept
    try:  # any two rows, paired (outside35)
        if compare:
            result.meta["comparisons"] = compare_rows(result, compare)
    except TrajlmInputError as e:
        refused = e
    console.print(result.to_markdown(), markup=False, highlight=False, soft_wrap=True)  # pasteable
    if task not in ("classify", "similarity"):  # a table from a handful of trips: say so
        warn_few_scored(result, task, df, data, score_on, n_windows)
    if save_verdict:  # on the store's own train / val (test is never read for it)
        kept = io.read_splits_checked(data, "--data", columns, ("train", "val"))  # scale36
        save_verdicts(task, models or [], kept, data, console)
    write_eval_out(result, out, console)
    if refused is not None:  # minutes of scoring printed and written, then the one line
        refused.result = result  # the table, for Python's callers (report_frame.keep_table)
        raise refused
    return result


def score_table(
    task: str, df, data: Path, models: list[Path] | None, predictors: list, *, seeds: int,
    class_map, parts, score_on: str, whole: bool, test_data: Path | None, split_by: str,
    horizons: list | None, at_report_times: bool, lm_class: type | None, fallback: bool,
    n_windows: int, answers: list, roads: list, shifts: list[str] | None, max_gap_s: float,
    steps: int | None, history: int | None, console: Console, compare: list | None = None,
    predictions_name: str | None = None,
) -> EvalResult:  # fmt: skip
    """The task's table: classify, similarity, or the predict family's (run_eval) with the
    models' val-checked rows, and the notes said beside it."""
    from trajlm import _cli_io as io
    from trajlm.data.store import store_zone
    from trajlm.eval.eval_progress import say

    if task == "classify":
        from trajlm.eval.classify import run_classify_eval
        from trajlm.eval.classify_notes import dropped_line

        rule = "source, test = --test-data" if test_data is not None else split_by
        result = run_classify_eval(df, models=tuple(predictors), seeds=tuple(range(seeds)),
                                   split_by=rule, verbose=False, class_map=class_map,
                                   parts=parts, score_on=score_on if whole else "test")  # fmt: skip
        if whole:
            sizes = result.meta["split_sizes"]
            console.print("whole source trajectories: " + ", ".join(
                f"{k} {v['n_trajectories']}" for k, v in sizes.items()) + (
                f" (test: --test-data {test_data})" if test_data is not None else ""),
                markup=False, highlight=False, soft_wrap=True)  # fmt: skip
            if test_data is not None:
                result.meta["test_data"] = str(test_data)
        else:
            console.print(
                f"segments: {result.meta.get('segment_report')}", markup=False, soft_wrap=True
            )
        if line := dropped_line(result.meta.get("dropped_classes") or {}):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    elif task == "similarity":
        from trajlm.eval.similarity import run_similarity_eval

        result = run_similarity_eval(df, models=tuple(predictors), verbose=False)
    else:
        # --horizon-s / --at-report-times: the models answer at times
        scored = horizon_models(predictors, df, horizons or at_report_times, lm_class)
        if task == "tte" and fallback:  # session 22: "MODEL (val-checked: ENGINE)" rows
            scored = [*scored, *val_checked_rows(predictors, df, store_zone(data))]
        if task == "predict" and fallback:  # session 24: the run's saved prediction verdict
            say("the models' val-checked rows (each run's saved prediction verdict)")
            one = df.filter(df["split"] == "test") if n_windows == 1 else None
            scored = [*scored, *val_checked_predict_rows(predictors, models, one,
                                                         bool(horizons or at_report_times),
                                                         lm_class)]  # fmt: skip
        heads = later_row_heads(scored, answers, predictions_name)  # rows made after scoring
        early = (
            (lambda names: check_names_before_scoring(compare, names, heads)) if compare else None
        )
        with warnings.catch_warnings():  # run_eval's few-trips line: said below, naming --data
            warnings.simplefilter("ignore", FewScoredWarning)
            result = run_eval(df, task, models=(*scored, *answers, *roads), seeds=tuple(range(seeds)),
                              verbose=False, shifts=tuple(shifts or ()), horizons_s=horizons,
                              max_gap_s=max_gap_s, at_report_times=at_report_times,
                              windows=n_windows, tz=store_zone(data), k=steps or 5,
                              history=history, names_check=early)  # fmt: skip
        print_run_notes(result, console)
        for line in knn_settings_notes(scored, result):  # one engine, two settings (api29)
            io.tell(line, EvalNoteWarning, console)
        if task == "predict" and not horizons:  # irregular reports: which question was asked
            report_times_note(result, df, at_report_times, console)
    return result
