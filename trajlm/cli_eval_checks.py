"""`trajlm eval`'s options, every one checked before any work (task, split, classes, windows,
horizons, shifts, network, store, outputs): `run_eval_command`'s first step, moved from
cli_eval.py unchanged (review39); ALL_TASKS and check_window_sizes importable from there as
before.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from trajlm.cli_eval_classify import check_test_data
from trajlm.cli_eval_models import check_save_verdict
from trajlm.cli_eval_notes import (
    canonical_task,
    check_horizons,
    check_network,
    check_unused_options,
    check_windows,
)
from trajlm.eval.classify_notes import CLASSES
from trajlm.eval.horizon import parse_horizons
from trajlm.eval.protocol import TASKS, parse_shift

ALL_TASKS = (*TASKS, "classify", "similarity")


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


class CheckedEval(NamedTuple):
    """What the checks settle: the task's own name, --compare's pairs, the windows per trip,
    the horizons, the network spec, whether classify scores whole trajectories, the --out."""

    task: str
    compare: list | None
    n_windows: int
    horizons: list | None
    spec: str | None
    whole: bool
    out: Path | None


def check_eval_options(
    task: str, data: Path, models: list[Path] | None, seeds: int, out: Path | None, *,
    split_by: str, overwrite: bool, shifts: list[str] | None, holdout_by: str | None,
    context: str | None, network: Path | str | None, score_on: str, classes: str,
    horizon_s: str | None, max_gap_s: float, test_data: Path | None, save_verdict: bool,
    at_report_times: bool, windows: str, predictions: list | None,
    predictions_name: str | list[str] | None, compare: list | None, steps: int | None,
    history: int | None,
) -> CheckedEval:  # fmt: skip
    """Every option of `trajlm eval` checked, one line each (a UserError), before any loading."""
    from trajlm import _cli_io as io
    from trajlm._safety import UserError
    from trajlm.cli_eval_answers import check_answer_options

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
    from trajlm.eval.row_pairs import check_pair_specs

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
    return CheckedEval(task, compare, n_windows, horizons, spec, whole, out)
