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

from trajlm.cli_eval_classify import check_classes_seen, check_test_data, whole_trajectory_parts
from trajlm.cli_eval_models import (
    build_predictors,
    check_save_verdict,
    knn_settings_notes,
    save_verdicts,
    val_checked_predict_rows,
    val_checked_rows,
    warn_selector_library,
)
from trajlm.cli_eval_notes import (
    canonical_task,
    check_horizons,
    check_network,
    check_scored_split,
    check_unused_options,
    check_windows,
    horizon_models,
    more_windows,
    print_run_notes,
    report_times_note,
    split_description,
    warn_coverage,
    worse_than_cv,
)
from trajlm.cli_eval_seeds import add_seed_rows, later_row_heads
from trajlm.cli_eval_seeds import recipe_key as recipe_key  # imported from here by older code
from trajlm.errors import EvalNoteWarning, TrajlmInputError, WorseThanBaselineWarning
from trajlm.eval.classify_notes import (
    CLASSES,
    class_map_for,
    resolved_classes,
    source_format,
    too_few_classes,
)
from trajlm.eval.few_scored import FewScoredWarning
from trajlm.eval.horizon import parse_horizons
from trajlm.eval.predict_windows import windows_definition
from trajlm.eval.protocol import TASKS, parse_shift, run_eval
from trajlm.eval.report import EvalResult
from trajlm.eval.task_definitions import TASK_DEFINITIONS, predict_definition
from trajlm.eval.verdict import verdicts

ALL_TASKS = (*TASKS, "classify", "similarity")


def _resplit(df, by: str):
    """The store's table with its `split` column replaced by the hold-out rule `by`."""
    from trajlm._safety import UserError
    from trajlm.data.splits import holdout_index

    try:
        idx = holdout_index(df.drop("split"), by).select("traj_id", "split")
    except ValueError as e:
        raise UserError(f"--holdout-by {by}: {e}") from None
    return df.drop("split").join(idx, on="traj_id", how="left", maintain_order="left")


WHOLE_DEFINITION = (
    "task: whole labelled source trajectories (ingest's gap pieces joined, >= 3 points); "
    "--data's split 80/20 (train / val) by source trajectory, stratified by class, with "
    "--test-data as test, else 80/10/10 (--split-by source); the classes of --classes"
)
MIN_SCORED = 10  # fewer scored trajectories than this: the table gets a caution


def check_window_sizes(
    task: str, steps: int | None, history: int | None, horizon_s: str | None, predictions: object
) -> None:
    """--steps / --history: the k-step predict table's own options (one line otherwise)."""
    from trajlm._safety import UserError

    given = [n for n, v in (("--steps", steps), ("--history", history)) if v is not None]
    if not given:
        return
    if task != "predict":
        raise UserError(f"{' / '.join(given)} size the --task predict windows, not {task!r}")
    if horizon_s:
        raise UserError(f"{' / '.join(given)} size the k-step table; --horizon-s scores seconds "
                        "after 10 min of history instead: leave one of them out")  # fmt: skip
    if predictions:
        raise UserError(f"{' / '.join(given)} with --predictions: the answers are to `trajlm "
                        "data queries`' windows (5 steps after 20 points); leave them out")  # fmt: skip


def _n_sources(data: Path) -> int:
    """How many sources the store merges (a corpus: corpus.json; any other store: 1)."""
    from trajlm.data.corpus import is_corpus, load_corpus

    return len(load_corpus(data).get("sources", [])) if is_corpus(data) else 1


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
    from trajlm._safety import UserError
    from trajlm._threads import apply_threads
    from trajlm.cli_eval_answers import add_answer_rows, answer_models, check_answer_options
    from trajlm.cli_eval_columns import eval_columns
    from trajlm.data.store import load_manifest, store_zone
    from trajlm.eval.eval_progress import say

    task = canonical_task(task)  # travel_time -> tte, modes -> classify (the README's names)
    io.choice(task, ALL_TASKS, "--task")
    io.choice(split_by, ("time", "user_time", "source"), "--split-by")
    io.choice(score_on, ("test", "val"), "--score-on")
    io.choice(classes, CLASSES, "--classes")
    if classes != "auto" and task != "classify":
        raise UserError(f"--classes is used by --task classify, not {task!r}")
    if context is not None:
        io.choice(context, ("full", "motion", "auto"), "--context")
    check_unused_options(task, split_by=split_by, max_gap_s=max_gap_s, horizon_s=horizon_s,
                         context=context, models=models,
                         at_report_times=at_report_times)  # fmt: skip
    if seeds < 1:
        raise UserError(f"--seeds must be >= 1, got {seeds}")
    from trajlm.eval.row_pairs import check_names_before_scoring, check_pair_specs, compare_rows

    compare = check_pair_specs(compare)  # the syntax now; the names once the table exists
    check_answer_options(predictions, predictions_name, task,
                         {"--shift": shifts, "--holdout-by": holdout_by})  # fmt: skip
    if shifts and task != "predict":
        raise UserError(f"--shift is implemented for --task predict, not {task!r}")
    check_horizons(horizon_s)
    check_window_sizes(task, steps, history, horizon_s=horizon_s, predictions=predictions)
    n_windows = check_windows(windows, task, horizon_s)  # eval/predict_windows.py
    if at_report_times and n_windows > 1:  # report_times.py asks one window's report times
        raise UserError(
            f"--windows {windows} with --at-report-times: the report-time table scores one window per trajectory; leave one of them out"
        )
    if save_verdict:  # session 22: the val verdict saved beside the weights (eval/val_verdict)
        check_save_verdict(task, models, score_on, holdout_by)
    horizons = parse_horizons(horizon_s, task, shifts, max_gap_s)  # eval/horizon.py
    for spec in shifts or ():
        try:
            parse_shift(spec)
        except ValueError as e:
            raise UserError(str(e)) from None
    spec = check_network(network, task)  # a file or synthetic:seed=S,n=N, before any loading
    io.store(data, "--data")
    check_test_data(task, test_data, split_by, holdout_by, data)  # before any loading
    whole = task == "classify" and (test_data is not None or split_by == "source")
    out = Path(out) if out is not None else None
    if out is not None:  # X.json (+ X.md), or a folder for eval_<task>.json/.md
        js = out if out.suffix == ".json" else out / f"eval_{task}.json"
        if out.suffix != ".json" and out.is_file():
            raise UserError(f"--out {out} is a file; give X.json or a folder")
        files = {"--out": js, "--out (markdown beside it)": js.with_suffix(".md")}
        road_file = [Path(spec)] if spec and not spec.startswith("synthetic:") else []
        tests = [Path(test_data)] if test_data is not None else []
        answer_files = [Path(p) for p in predictions or [] if isinstance(p, str | Path)]
        io.outputs(files, [data, *(models or []), *road_file, *tests, *answer_files], overwrite)
    roads, graph = [], None  # the shortest-path baseline, when a road network is given
    if spec is not None:
        from trajlm.roads import ShortestPathRecovery
        from trajlm.roads.anchor import network_from_spec

        graph = network_from_spec(spec)
        roads = [ShortestPathRecovery(graph)]
    predictors = build_predictors(task, models, context, graph, fallback=fallback)
    say(f"reading --data {data}")
    rule_asked = holdout_by or load_manifest(data).get("split_by")
    columns = eval_columns(data, task, models, rule_asked, at_report_times, predictions)
    if task in ("classify", "similarity") or holdout_by:  # the whole table, re-cut or grouped
        df = io.read_store_checked(data, "--data", columns=columns)  # the columns: scale35
    else:  # split by split, held once: split_tables slices it (scale36)
        df = io.read_splits_checked(data, "--data", columns=columns)
    if task == "classify" and "label" not in df.columns:
        raise UserError(f"--data {data}: no `label` column; classify needs e.g. a GeoLife store")
    if task == "classify" and split_by == "user_time":
        from trajlm.eval.classify_notes import user_split_problem

        if problem := user_split_problem(df.columns, f"--data {data}"):
            raise UserError(problem)
    class_map = None
    if task == "classify":  # one class left is no task: refuse, saying what to do
        from trajlm.eval.classify import make_mode_segments

        classes, said = resolved_classes(classes, df, source_format(data))
        if said:
            console.print(said)
        class_map = class_map_for(classes, df)
        few = 3 if whole else 10  # whole labelled trajectories count from 3 points
        if problem := too_few_classes(df, make_mode_segments(df, class_map, few)[0], classes,
                                      f"--data {data}"):  # fmt: skip
            raise UserError(problem)
    parts = None
    if whole:  # whole source trajectories, split as `finetune --task classify` splits them
        parts = whole_trajectory_parts(df, data, split_by, class_map, test_data)
        where = (f"--test-data {test_data}" if test_data is not None and score_on == "test"
                 else f"--data {data}'s {score_on} split")  # fmt: skip
        check_classes_seen(predictors, models or [], parts[score_on], where)
    if holdout_by:
        df = _resplit(df, holdout_by)
    rule = split_description(df, holdout_by or load_manifest(data).get("split_by"),
                             store_zone(data))  # fmt: skip
    if not whole:  # an empty one named by its option
        check_scored_split(df, holdout_by, score_on, data)
    if (
        score_on == "val" and not whole
    ):  # val is scored, test stands in for val (baselines tune on it)
        import polars as pl

        swap = {"val": "test", "test": "val"}
        df = df.with_columns(pl.col("split").replace_strict(swap, default=pl.col("split")))
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
    if task not in ("classify", "similarity"):
        warn_selector_library(predictors, df, console)
    add_seed_rows(result, models or [], predictors, console)
    add_answer_rows(result, answers, predictions_name)  # several files: their mean row
    if task == "predict" and _n_sources(data) > 1:  # a corpus: each source's rows too
        from trajlm.eval.by_source import add_source_rows

        add_source_rows(result)
    result.meta["store"] = str(data)
    if store_crs(data) == "local" and "projection" in result.meta:  # the stand-in's degrees
        from trajlm.data.local_plane import local_bbox  # beside x / y metres (local37)

        c = result.meta["projection"]
        box = local_bbox({"min_lat": c["lat0"], "max_lat": c["lat0"], "min_lon": c["lon0"],
                          "max_lon": c["lon0"]})  # fmt: skip
        result.meta["crs"] = "local"
        c |= {"x_m": box["min_x_m"], "y_m": box["min_y_m"]}
    if task != "classify":  # classify: the segment split it used (--split-by), set above
        result.meta["split_by"] = holdout_by or manifest.get("split_by", "time")
    result.meta["scored_split"] = score_on
    if rule and task != "classify":  # the table's title names a hold-out (protocol.md)
        result.meta["split_description"] = rule
    definition = "predict_horizon" if horizons else task
    if task == "predict" and at_report_times:
        definition = "predict_report_times"
    result.meta["task_definition"] = TASK_DEFINITIONS[definition]
    if definition == "predict" and (steps or history):  # --steps / --history (newuser37)
        result.meta["task_definition"] = predict_definition(steps or 5, history)
    if whole:  # classify21's unit: the labelled source trajectory, split as finetune splits
        result.meta["task_definition"] = WHOLE_DEFINITION
    if n_windows > 1:  # --windows: every window of a trip, not PROTOCOL's one
        result.meta["task_definition"] = windows_definition(n_windows, steps or 5, history)
    result.meta["models"] = [str(p) for p in models or []]
    judged = [p.name for p in predictors] + [a.name for a in answers]  # not --network's
    result.meta["verdict"] = verdicts(result, judged)  # the sentence under the table (+ JSON)
    refused = None  # a --compare name not in the table: said after the table is kept
    try:  # any two rows, paired (outside35)
        if compare:
            result.meta["comparisons"] = compare_rows(result, compare)
    except TrajlmInputError as e:
        refused = e
    console.print(result.to_markdown(), markup=False, highlight=False, soft_wrap=True)  # pasteable
    if task not in ("classify", "similarity"):  # a table from a handful of trips: say so
        n = df.filter(df["split"] == "test")["traj_id"].n_unique() if "split" in df.columns else 0
        result.meta["n_scored_trajectories"] = n
        if n < MIN_SCORED:
            more = more_windows(df) if task == "predict" and n_windows == 1 else ""
            io.warn(f"numbers from {n} {score_on} trajector{'y' if n == 1 else 'ies'} of "
                    f"--data {data}: no reliable CI (fewer than {MIN_SCORED}); one trip can swing the "
                    f"table, so read it as a smoke test, not a comparison{more}",
                    category=FewScoredWarning)  # fmt: skip
        few = {r["source"]: r["n_trajectories"] for r in result.meta.get("by_source", [])
               if r["n_trajectories"] < MIN_SCORED}  # fmt: skip
        if few and n >= MIN_SCORED:
            counts = ", ".join(f"{s}: {k}" for s, k in few.items())
            io.warn(f"by source: few scored trajectories ({counts}; fewer than {MIN_SCORED}): "
                    "read those rows as a smoke test", category=FewScoredWarning)  # fmt: skip
        for line in worse_than_cv(result):  # "the model loses here"
            io.warn(line, category=WorseThanBaselineWarning)
    if save_verdict:  # on the store's own train / val (test is never read for it)
        kept = io.read_splits_checked(data, "--data", columns, ("train", "val"))  # scale36
        save_verdicts(task, models or [], kept, data, console)
    if out is not None:
        if out.suffix == ".json":
            out.write_text(result.to_json() + "\n")
            out.with_suffix(".md").write_text(result.to_markdown() + "\n")
        else:
            result.save(out)
        console.print(f"wrote {out}", markup=False, highlight=False)
    if refused is not None:  # minutes of scoring printed and written, then the one line
        refused.result = result  # the table, for Python's callers (report_frame.keep_table)
        raise refused
    return result
