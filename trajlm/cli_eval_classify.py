"""`trajlm eval --task classify --test-data STORE` / `--split-by source` (session 21,
clseval21): a fitted classifier scored on whole labelled trajectories, split as `trajlm finetune
--task classify` splits them (classify21's ``classify_parts``: --data's source trajectories
80/20 with the other store as test, or 80/10/10 by source trajectory), beside the majority class
and gradient boosting fitted on the same train split."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from trajlm import _cli_io as io
from trajlm._safety import UserError


def check_test_data(
    task: str, test_data: Path | None, split_by: str, holdout_by: str | None, data: Path
) -> None:
    """Refuse, in one line, --test-data where it would be ignored or meaningless."""
    if test_data is None:
        if split_by == "source" and holdout_by:
            raise UserError(f"--holdout-by {holdout_by} re-splits the store; --split-by source "
                            "splits by source trajectory: give one of them")  # fmt: skip
        return
    if task != "classify":
        raise UserError(f"--test-data is used by --task classify, not {task!r}")
    if split_by == "user_time":
        raise UserError("--test-data holds the test trajectories and --data gives train and "
                        "val by source trajectory: --split-by user_time would be ignored")  # fmt: skip
    if holdout_by:
        raise UserError(f"--holdout-by {holdout_by} re-splits --data; with --test-data the "
                        "test trajectories are that store's: give one of them")  # fmt: skip
    io.store(test_data, "--test-data")
    if Path(test_data).resolve() == Path(data).resolve():
        raise UserError(f"--test-data {test_data} is --data: the train trajectories would be "
                        "scored; give the data set's own test store")  # fmt: skip


def whole_trajectory_parts(
    df: pl.DataFrame, data: Path, split_by: str, class_map, test_data: Path | None
) -> dict[str, pl.DataFrame]:
    """train / val / test segments of whole source trajectories (ingest's gap pieces joined
    back, 3+ points), split by classify21's ``classify_parts`` as `finetune` splits them."""
    from trajlm.cli_finetune_classify import classify_parts, min_unit_points
    from trajlm.eval.classify import make_mode_segments
    from trajlm.tasks.classify_split import join_pieces

    df, joined = join_pieces(df)
    if joined:
        io.warn(f"--data {data}: {joined} gap-split pieces joined back into their source "
                "trajectories (each is classified whole, as labelled)")  # fmt: skip
    segments, _ = make_mode_segments(df, class_map, min_points=min_unit_points(True))
    opts: dict = {}
    if test_data is not None:
        opts = {"test_df": io.read_store_checked(test_data, "--test-data"), "test_data": test_data}
    return classify_parts(df, segments, "source", data, opts, class_map)


def check_classes_seen(predictors: list, models: list[Path], scored: pl.DataFrame, where: str):
    """A fitted classifier asked to score classes it never saw: one line naming them (it can
    only answer its own classes, so every such trajectory would count as wrong)."""
    from trajlm.eval.classify import segment_labels

    if not len(scored):
        raise UserError(f"{where}: no trajectory to score (too few labelled source "
                        "trajectories: a class needs 3 or more to reach train, val and test)")  # fmt: skip
    present = set(segment_labels(scored).astype(str).tolist())
    for path, p in zip(models, predictors, strict=True):
        known = set(map(str, getattr(getattr(p, "clf", None), "classes_", None) or ()))
        if known and (unseen := sorted(present - known)):
            raise UserError(
                f"--model {path}: {where} has classes {unseen} the classifier never saw (it "
                f"knows {sorted(known)}); fine-tune it on a store labelled with them, or give "
                "a --test-data store of its classes"
            )
