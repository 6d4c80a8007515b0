"""`trajlm eval`: the command's options (out of trajlm/cli.py, session 22, split22); the run
itself is trajlm/cli_eval.py's ``run_eval_command``. Heavy imports happen inside the command so
`trajlm --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import CLASSES_HELP, OVERWRITE_HELP, THREADS_HELP, console
from trajlm.eval.predict_windows import WINDOWS_HELP


def evaluate(
    task: str = typer.Option(..., "--task", help="predict | recover | tte | classify | similarity"),
    data: Path = typer.Option(..., "--data", help="Store directory."),
    model: list[Path] = typer.Option(
        None, "--model", help="Run directory of a trained model (repeat for several seeds)."
    ),
    seeds: int | None = typer.Option(
        None,
        min=1,
        help="Number of seeds for the random recovery mask (recover; default 3; predict and "
        "tte are deterministic: repeat --model with runs of several training seeds for a spread).",
        show_default=False,
    ),
    out: Path = typer.Option(None, "--out", help="Write results JSON here (and .md beside it)."),
    split_by: str = typer.Option(
        "time",
        help="classify: time (PROTOCOL), user_time (80/10/10 within each user) or source "
        "(whole source trajectories, stratified by class, 80/10/10).",
    ),
    test_data: Path = typer.Option(
        None,
        "--test-data",
        help="classify: a store of its own test trajectories (a data set's test file), scored "
        "whole; --data gives the baselines' train split (80 % by source trajectory).",
    ),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    threads: int = typer.Option(None, min=1, help=THREADS_HELP),
    shift: list[str] = typer.Option(
        None, "--shift", help="predict: also score with clocks moved, e.g. clock=+8h, weekday=+1."
    ),
    holdout_by: str = typer.Option(
        None, "--holdout-by", help="Re-split: hour | hour=H | user (train on the same split)."
    ),
    context: str = typer.Option(None, help="Models' context: full | motion | auto."),
    score_on: str = typer.Option(
        "test",
        "--score-on",
        help="test, or val: score on the val split (val and test swap roles), to choose a "
        "recipe without reading test.",
    ),
    network: Path = typer.Option(
        None,
        "--network",
        help="recover: also score shortest-path interpolation on this road "
        "network (.osm.pbf, .geojson, .parquet; docs/roads.md).",
    ),
    classes: str = typer.Option("auto", "--classes", help=CLASSES_HELP),
    horizon_s: str = typer.Option(
        None,
        "--horizon-s",
        help="predict: score at these seconds after each window's last "
        "fix, e.g. 60,300,600 (windows of 10 min history; docs/data.md, session 16).",
    ),
    max_gap_s: float = typer.Option(
        60.0,
        "--max-gap-s",
        help="--horizon-s: truth interpolated between fixes at most this far apart.",
    ),
    at_report_times: bool = typer.Option(
        False,
        "--at-report-times",
        help="predict (k steps): every method that can answer at a time (the models, the "
        "[time] baselines, dead reckoning where the store reports speed / course) is asked for "
        "the position at the true times of the next k reports, not to guess when they come "
        "(irregular feeds, e.g. AIS every 1-30 min; session 25).",
    ),
    fallback: bool = typer.Option(
        True,
        "--fallback/--no-fallback",
        help="tte: also score each model val-checked (the engine of lowest val MAE, model or "
        "baseline, answers test); recover: a run's saved val verdict used (docs/recovery.md, "
        "Session 22); predict: beside a run `trajlm train` saved a prediction verdict with, "
        "its val winner's row (session 24). --no-fallback: the models alone.",
    ),
    windows: str = typer.Option("one", "--windows", help=WINDOWS_HELP),
    steps: int = typer.Option(
        None,
        "-k",
        "--steps",
        "--pred-len",
        min=1,
        help="predict: points out after each cut (default 5, PROTOCOL's k; --pred-len, the "
        "pedestrian benchmarks' name); their 12 at 0.4 s are about 5 at a store's 1-s steps.",
    ),
    history: int = typer.Option(
        None,
        "--history",
        "--obs-len",
        min=1,
        help="predict: exactly this many points in before each cut, trips shorter than "
        "history + steps skipped (default: PROTOCOL's first 20, or all but the last k; "
        "--obs-len, the pedestrian benchmarks' name); their 8 in at 0.4 s are about 3 at 1-s "
        "steps.",
    ),
    predictions: list[Path] = typer.Option(
        None,
        "--predictions",
        help="predict: your own method's answers (CSV / Parquet: query_id, k, lat, lon) to the "
        "windows `trajlm data queries` wrote, scored beside the baselines (repeat for several "
        "seeds' files: a mean ± std row too; docs/protocol.md, session 34).",
    ),
    predictions_name: list[str] = typer.Option(
        None,
        "--predictions-name",
        help="The --predictions rows' name: once (the files are one method's runs: a row each "
        "and their mean ± std) or once per file (different methods; default: answers).",
    ),
    compare: list[str] = typer.Option(
        None,
        "--compare",
        help='Two rows of the table, "A,B" (method names as printed: baselines, --model '
        "runs, --predictions rows): their paired difference A - B and ratio A / B with "
        "bootstrap 95 % CIs over the same trajectories (repeat for more pairs; session 35).",
    ),
    save_verdict: bool = typer.Option(
        False,
        "--save-verdict",
        help="tte / recover: save each --model's val verdict (which engine wins on the store's "
        "val split) beside its weights, for TrajLM.travel_time / recover and serve.",
    ),
) -> None:
    """Run the PROTOCOL.md evaluation: every baseline (and the model) on the test split.

    Tasks: predict, recover, tte, classify (GeoLife modes), similarity (odd/even self-search).
    """
    from trajlm.api import TrajLM
    from trajlm.cli_eval import run_eval_command
    from trajlm.cli_eval_notes import canonical_task

    task = canonical_task(task)  # travel_time -> tte, modes -> classify
    if seeds is not None and seeds > 1 and task in ("predict", "tte"):
        io.warn(f"--seeds {seeds} has no effect on --task {task} (deterministic: one row per "
                "--model); repeat --model with runs of several training seeds for a spread")  # fmt: skip
    from trajlm.eval.eval_progress import plain_lines

    seeds = 3 if seeds is None else seeds
    with plain_lines():  # off a terminal: `eval: STEP (T s)` lines (scale33)
        run_eval_command(task, data, model, seeds, out, console, split_by=split_by,
                         overwrite=overwrite, threads=threads, shifts=shift,
                         holdout_by=holdout_by, context=context, network=network,
                         score_on=score_on, classes=classes, horizon_s=horizon_s,
                         max_gap_s=max_gap_s, test_data=test_data, fallback=fallback,
                         save_verdict=save_verdict, at_report_times=at_report_times,
                         windows=windows, lm_class=TrajLM, predictions=predictions,
                         predictions_name=predictions_name, compare=compare, steps=steps,
                         history=history)  # fmt: skip


__all__ = ["evaluate"]
