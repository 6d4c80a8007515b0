"""`trajlm eval`'s result once scored: the rows added (seeds' means, answer files' means, a
corpus's sources), the meta that describes the table (store, split, task definition, verdict),
the cautions said after it (few scored trips, worse than constant velocity) and the files
written. `run_eval_command`'s last steps, moved from cli_eval.py unchanged (review39);
WHOLE_DEFINITION and MIN_SCORED importable from there as before.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from trajlm.cli_eval_notes import more_windows, worse_than_cv
from trajlm.cli_eval_seeds import add_seed_rows
from trajlm.errors import WorseThanBaselineWarning
from trajlm.eval.few_scored import FewScoredWarning
from trajlm.eval.predict_windows import windows_definition
from trajlm.eval.report import EvalResult
from trajlm.eval.task_definitions import TASK_DEFINITIONS, predict_definition
from trajlm.eval.verdict import verdicts

WHOLE_DEFINITION = (
    "task: whole labelled source trajectories (ingest's gap pieces joined, >= 3 points); "
    "--data's split 80/20 (train / val) by source trajectory, stratified by class, with "
    "--test-data as test, else 80/10/10 (--split-by source); the classes of --classes"
)
MIN_SCORED = 10  # fewer scored trajectories than this: the table gets a caution


def n_sources(data: Path) -> int:
    """How many sources the store merges (a corpus: corpus.json; any other store: 1)."""
    from trajlm.data.corpus import is_corpus, load_corpus

    return len(load_corpus(data).get("sources", [])) if is_corpus(data) else 1


def describe_result(
    result: EvalResult, task: str, data: Path, models: list[Path] | None, predictors: list,
    answers: list, *, predictions_name: str | list[str] | None, manifest: dict,
    holdout_by: str | None, score_on: str, rule: str | None, horizons: list | None,
    at_report_times: bool, steps: int | None, history: int | None, whole: bool,
    n_windows: int, console: Console,
) -> None:  # fmt: skip
    """The rows added to the scored table and its meta (what the table is, its verdict)."""
    from trajlm.cli_eval_answers import add_answer_rows
    from trajlm.data.local_plane import store_crs

    add_seed_rows(result, models or [], predictors, console)
    add_answer_rows(result, answers, predictions_name)  # several files: their mean row
    if task == "predict" and n_sources(data) > 1:  # a corpus: each source's rows too
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


def warn_few_scored(
    result: EvalResult, task: str, df, data: Path, score_on: str, n_windows: int
) -> None:
    """A table from a handful of trips, or a source row from few, said so; and where the
    model loses to constant velocity."""
    from trajlm import _cli_io as io

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


def write_eval_out(result: EvalResult, out: Path | None, console: Console) -> None:
    """--out X.json (+ X.md beside it), or a folder's eval_<task>.json / .md."""
    if out is not None:
        if out.suffix == ".json":
            out.write_text(result.to_json() + "\n")
            out.with_suffix(".md").write_text(result.to_markdown() + "\n")
        else:
            result.save(out)
        console.print(f"wrote {out}", markup=False, highlight=False)
