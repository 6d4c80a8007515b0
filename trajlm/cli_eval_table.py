"""`trajlm eval`'s table: the store read with the columns the task needs, checked for the task
(a label column, classes enough, whole labelled trajectories), re-split by --holdout-by and
with val scored in test's place for --score-on val. `run_eval_command`'s reading step, moved
from cli_eval.py unchanged (review39).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from trajlm.cli_eval_classify import check_classes_seen, whole_trajectory_parts
from trajlm.cli_eval_notes import check_scored_split, split_description
from trajlm.eval.classify_notes import (
    class_map_for,
    resolved_classes,
    source_format,
    too_few_classes,
)


def resplit_by_holdout(df, by: str):
    """The store's table with its `split` column replaced by the hold-out rule `by`."""
    from trajlm._safety import UserError
    from trajlm.data.splits import holdout_index

    try:
        idx = holdout_index(df.drop("split"), by).select("traj_id", "split")
    except ValueError as e:
        raise UserError(f"--holdout-by {by}: {e}") from None
    return df.drop("split").join(idx, on="traj_id", how="left", maintain_order="left")


def read_eval_table(
    task: str, data: Path, models: list[Path] | None, predictors: list, *,
    holdout_by: str | None, at_report_times: bool, predictions: list | None, split_by: str,
    score_on: str, classes: str, test_data: Path | None, whole: bool, console: Console,
) -> tuple:  # fmt: skip
    """The store's table for the task: (df, the columns read, class_map, the whole
    trajectories' parts, the split rule's description); refusals are one line each."""
    from trajlm import _cli_io as io
    from trajlm._safety import UserError
    from trajlm.cli_eval_columns import eval_columns
    from trajlm.data.store import load_manifest, store_zone
    from trajlm.eval.eval_progress import say

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
        df = resplit_by_holdout(df, holdout_by)
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
    return df, columns, class_map, parts, rule
