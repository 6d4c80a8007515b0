"""`trajlm finetune`: adapt a pretrained model to next-point prediction (full / selective /
LoRA), a masked task (recover, tte), GeoLife modes (classify) or similarity search."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import CLASSES_HELP, THREADS_HELP, console
from trajlm._cli_io import fail as _fail
from trajlm.cli_verdict import NO_VAL_CHECK_HELP, say_plain, val_check_run

FINETUNE_TASKS = ("predict", "recover", "tte", "classify", "similarity")
SPLITS_BY = ("time", "user_time", "source")


def _refuse_ignored(
    task: str, mode: str, steps: int, epochs: int, n_last: int, lora_r: int,
    fraction: float, n_points: int | None, score_test: bool,
) -> None:  # fmt: skip
    """One line for an option this task or mode would ignore (session 19: `--task classify
    --steps 50` trained 260 steps and `--mode full --lora-r 4` ran without a word)."""
    stepped = task in ("predict", "recover", "tte")
    ignored = {
        "--steps": (steps != 500 and not stepped, f"--task {task} trains --epochs, not --steps"),
        "--epochs": (epochs != 10 and stepped, f"--task {task} trains --steps, not --epochs"),
        "--lora-r": (lora_r != 8 and mode != "lora", f"it is used by --mode lora, not {mode!r}"),
        "--n-last": (
            n_last != 1 and mode != "selective",
            f"it is used by --mode selective, not {mode!r}",
        ),
        "--fraction": (fraction != 1.0 and task != "predict", "it is used by --task predict"),
        "--score-test": (
            score_test and task not in ("predict", "classify"),
            "it is used by --task predict / classify",
        ),
        "--n-points": (
            n_points is not None and stepped,
            "it is used by --task classify / similarity",
        ),
    }
    for flag, (bad, why) in ignored.items():
        if bad:
            _fail(f"{flag} would be ignored: {why}")


def finetune(
    model: Path = typer.Option(..., "--model", help="Pretrained run directory."),
    task: str = typer.Option(
        "predict", "--task", help="predict | recover | tte | classify | similarity"
    ),
    data: Path = typer.Option(..., "--data", help="Store to adapt on."),
    out: Path = typer.Option(..., "--out", help="Output run / adapter directory."),
    mode: str = typer.Option("full", help="full | selective | lora (every task)."),
    steps: int = typer.Option(500, min=1, help="Fine-tuning steps (predict, recover, tte)."),
    epochs: int = typer.Option(
        10, min=1, help="Passes over the train split (classify, similarity)."
    ),
    n_last: int = typer.Option(1, min=1, help="selective: train the last N blocks (+ heads)."),
    lora_r: int = typer.Option(8, min=1, help="LoRA rank."),
    fraction: float = typer.Option(1.0, help="predict: use this fraction of the train split."),
    n_points: int = typer.Option(
        None,
        min=2,
        help="similarity: points per (thinned) trajectory (default 32); classify: thin each "
        "segment to N points, read whole (default: 64-point windows; docs' recipe 64).",
    ),
    split_by: str = typer.Option(
        "time",
        help="classify: time (PROTOCOL), user_time, or source (whole source trajectories, "
        "stratified by class, 80/10/10: stores read with one --time-origin).",
    ),
    batch_size: str = typer.Option(
        "auto",
        "--batch-size",
        help="classify: trajectories per optimizer step, or auto (32, smaller on small sets: "
        "about 8 steps an epoch).",
    ),
    test_data: Path = typer.Option(
        None,
        "--test-data",
        help="classify: a store of its own test trajectories (a data set's test file); "
        "--data then gives train and val (80/20 by source trajectory, stratified).",
    ),
    overwrite: bool = typer.Option(False, help="Replace an existing --out of the same task."),
    lr: float = typer.Option(
        None, "--lr", help="classify, similarity: peak learning rate (default 1e-3 both)."
    ),
    head: str = typer.Option("mlp", "--head", help="classify: mlp | linear (the head)."),
    class_weight: str = typer.Option(
        "none", "--class-weight", help="classify: none | balanced (inverse train frequency)."
    ),
    resume: bool = typer.Option(
        False, help="Continue an interrupted fine-tune (predict, recover, tte) from OUT."
    ),
    threads: int = typer.Option(None, min=1, help=THREADS_HELP),
    score_test: bool = typer.Option(
        False,
        "--score-test",
        help="predict, classify: also score the test split (read it once, last; classify: "
        "beside the majority class and gradient boosting).",
    ),
    seed: int = typer.Option(
        0, "--seed", min=0, help="Training seed (data order, dropout, new heads, LoRA init)."
    ),
    classes: str = typer.Option("auto", "--classes", help=CLASSES_HELP),
    engine: str = typer.Option(
        "auto",
        "--engine",
        help="classify: what the saved classifier answers with. auto: gradient boosting on the "
        "segment features unless the model is reliably above it on val (said); model: the "
        "fine-tuned model (as before session 23).",
    ),
    val_check: bool = typer.Option(
        True, help="predict, recover, tte: " + NO_VAL_CHECK_HELP[0].lower() + NO_VAL_CHECK_HELP[1:]
    ),
) -> None:
    """Adapt a pretrained model: next-point (full/selective/LoRA), a masked task, or modes."""
    from trajlm._safety import LOCK, DirLock, check_output_dir, drop_failed_marker, write_marker
    from trajlm._threads import apply_threads
    from trajlm.cli_eval_notes import canonical_task
    from trajlm.eval.classify_notes import CLASSES

    task = canonical_task(task)  # travel_time -> tte, modes -> classify (as `trajlm eval`)
    io.choice(task, FINETUNE_TASKS, "--task")
    io.choice(mode, ("full", "selective", "lora"), "--mode")
    io.choice(split_by, SPLITS_BY, "--split-by")
    io.positive(fraction, "--fraction", upper=1.0)
    io.choice(head, ("mlp", "linear"), "--head")
    io.choice(class_weight, ("none", "balanced"), "--class-weight")
    io.choice(classes, CLASSES, "--classes")
    io.choice(engine, ("auto", "model"), "--engine")
    io.positive(lr, "--lr")
    new = {
        "--head": head != "mlp",
        "--class-weight": class_weight != "none",
        "--lr": lr is not None,
        "--classes": classes != "auto",
        "--split-by": split_by != "time",  # was ignored by predict / recover / tte (cliuser18)
        "--test-data": test_data is not None,
        "--batch-size": batch_size != "auto",
        "--engine": engine != "auto",
    }
    for flag in [f for f, on in new.items() if on]:  # a flag another task would ignore: say so
        if task != "classify" and not (flag == "--lr" and task == "similarity"):
            _fail(
                f"{flag} is used by --task classify{' / similarity' * (flag == '--lr')}, not {task!r}"
            )
    _refuse_ignored(task, mode, steps, epochs, n_last, lora_r, fraction, n_points, score_test)
    opts = {
        "lr": lr,
        "head": head,
        "class_weight": None if class_weight == "none" else class_weight,
        "classes": classes,
        "seed": seed,
        "score_test": score_test,
        "batch_size": _batch_size(batch_size),
        "engine": engine,
    }
    if test_data is not None and split_by == "user_time":
        _fail("--test-data holds the test trajectories and --data gives train and val by source "
              "trajectory: --split-by user_time would be ignored")  # fmt: skip
    for path in (model, data, *([test_data] if test_data is not None else [])):
        if out.resolve() == path.resolve() or path.resolve() in out.resolve().parents:
            _fail(f"--out {out} would write into the input {path}; choose another --out")
    kind = "run" if task in ("recover", "tte") else f"finetune-{task}"
    resumable = task in ("predict", "recover", "tte")
    if resume and not resumable:
        _fail(f"--resume continues --task predict, recover or tte; --task {task} starts again")
    if resume and overwrite:
        _fail("choose one of --resume (continue) and --overwrite (start again)")
    exists = check_output_dir(out, kind, overwrite=overwrite, resume=resume if resumable else None,
                              option="--out")  # fmt: skip
    net = io.load_model(model)
    from trajlm.errors import TrajlmInputError
    from trajlm.model.coverage import refuse_across_planes

    try:  # a plane model on degrees, or the other way (fix37c)
        refuse_across_planes(net.config.coverage, data)
    except TrajlmInputError as e:
        _fail(str(e))
    df = io.read_store_checked(data, "--data")
    if test_data is not None:  # read (and checked) before training; scored only if asked
        opts["test_df"] = io.read_store_checked(test_data, "--test-data")
        opts["test_data"] = test_data
    if task not in ("classify", "similarity"):  # about next-point predictions (classify21)
        io.coverage_note(net, df, f"--data {data}")
    apply_threads(threads, net.num_params())
    if task in ("recover", "tte"):
        from trajlm.finetune.masked import finetune_task

        summary = finetune_task(model, data, out, task, max_steps=steps,
                                overwrite=exists and not resume, mode=mode, n_last=n_last,
                                lora_r=lora_r, resume=resume, seed=seed)  # fmt: skip
    else:
        created, started = not out.exists(), False
        try:
            with DirLock(out / LOCK, what=f"--out {out}"):
                write_marker(out, kind)
                started = True
                summary = finetune_into(net, model, df, data, out, task, mode, steps, epochs,
                                         n_last, lora_r, fraction, n_points, split_by,
                                         resume, score_test, opts)  # fmt: skip
        except BaseException:  # failed before any output: no marker of one that is not there
            if started:
                drop_failed_marker(out, created)
            raise
    console.print(io.dict_table({k: v for k, v in summary.items() if k != "history"}, str(out)))
    if task == "predict":  # the table's note, as one line too (leftover39)
        from trajlm.train.kept_start import FINETUNE_KNOBS, kept_start_note

        if note := kept_start_note(summary, str(model), FINETUNE_KNOBS):
            io.warn(note)
    from trajlm.eval.eval_progress import plain_lines

    with plain_lines("val check"):  # off a terminal: a line as each check starts (leftover34b)
        if val_check and task == "predict":  # session 24: who answers TrajLM.predict
            from trajlm.api import TrajLM
            from trajlm.cli_train_check import finetune_predict_verdict

            finetune_predict_verdict(out, data, df, TrajLM)  # TrajLM: irregular stores (irreg27)
        if val_check and task in ("predict", "recover", "tte"):  # session 23: with the weights
            val_check_run(out, data, say_plain, df)
    if not val_check and task not in ("predict", "recover", "tte"):
        io.warn(f"--no-val-check: --task {task} has no val verdict to skip (predict, recover, tte)")


def finetune_into(net, model, df, data, out, task, mode, steps, epochs, n_last, lora_r,
                   fraction, n_points, split_by, resume=False, score_test=False,
                   opts=None) -> dict:  # fmt: skip
    """The predict / classify / similarity fine-tunes (inputs already checked)."""
    import polars as pl

    seed = (opts or {}).get("seed") or 0
    if task == "predict":
        from trajlm.finetune.trainer import TrainConfig, finetune_next_point

        # overwrite=True: --out was checked above against --overwrite / --resume
        return finetune_next_point(model, data, out, mode=mode, max_steps=steps, n_last=n_last,
                                   lora_r=lora_r, fraction=fraction, resume=resume,
                                   score_test=score_test, overwrite=True,
                                   train_config=TrainConfig(seed=seed))  # fmt: skip
    if task == "classify":
        from trajlm.cli_finetune_classify import (
            classify_parts,
            classify_summary,
            min_unit_points,
            save_engine,
            score_test_split,
            val_check_against_gb,
        )
        from trajlm.eval.classify import make_mode_segments
        from trajlm.eval.classify_notes import (
            class_map_for,
            dropped_classes,
            dropped_line,
            resolved_classes,
            source_format,
            too_few_classes,
            user_split_problem,
        )
        from trajlm.tasks.classify import ModelClassifier
        from trajlm.tasks.classify_split import join_pieces

        if "label" not in df.columns:
            _fail(f"--data {data}: no `label` column; classify needs e.g. a GeoLife store")
        if split_by == "user_time" and (
            problem := user_split_problem(df.columns, f"--data {data}")
        ):
            _fail(problem)
        opts = opts or {}
        classes, said = resolved_classes(opts.get("classes") or "auto", df, source_format(data))
        if said:
            console.print(said)
        class_map = class_map_for(classes, df)
        whole = split_by == "source" or opts.get("test_df") is not None
        if whole:  # the unit labelled is the source trajectory: ingest's gap pieces joined
            df, joined = join_pieces(df)
            if joined:
                io.warn(f"--data {data}: {joined} gap-split pieces joined back into their source "
                        "trajectories (each is classified whole, as labelled; ingest drops pieces "
                        "under --min-points: --max-gap-s 1e9 there keeps every point)")  # fmt: skip
        segments, report = make_mode_segments(df, class_map, min_points=min_unit_points(whole))
        if n_unlabelled := report.dropped.get("unlabelled", 0):  # said, as eval says it
            n_traj = df.filter(pl.col("label").is_null())["traj_id"].n_unique()
            io.warn(f"--data {data}: {n_unlabelled:,} points of {n_traj} trajectories have no "
                    "label: left out (not trained, not scored)")  # fmt: skip
        if problem := too_few_classes(df, segments, classes, f"--data {data}"):
            _fail(problem)  # one class is no task (it "trained" to 100 % before)
        drops = dropped_classes(df, segments, class_map)
        if line := dropped_line(drops):
            io.warn(line)
        parts = classify_parts(df, segments, split_by, data, opts, class_map)
        extra = {k: opts[k] for k in ("lr", "head", "class_weight", "batch_size")
                 if opts.get(k) is not None}  # fmt: skip
        clf = ModelClassifier(model, mode=mode, n_last=n_last, lora_r=lora_r, epochs=epochs,
                              n_points=n_points, seed=seed, **extra)  # fmt: skip
        clf.fit(parts["train"], parts["val"])  # warns when it trained < 100 steps (modesuser 9)
        clf.not_learned_ = drops  # saved: classify says them at each call (fix40c)
        gb, checked = val_check_against_gb(
            clf, parts, seed, opts.get("engine", "auto")
        )  # classify22
        gb_wins = checked.pop("gb wins", None)  # GB answers from OUT (classify23)
        scored = score_test_split(clf, parts, seed, out, gb) if opts.get("score_test") else {}
        summary = {
            "adapter_bytes": clf.save(out, overwrite=True),  # --out checked above
            "mode": mode,
            **classify_summary(clf, parts, out, split_by, data, classes, opts),
            **checked,
            **scored,
        }
        return {**summary, **save_engine(clf, gb, parts, out, gb_wins)}
    from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive
    from trajlm.train.modes import apply_mode, merge_adapter

    n_points = n_points or 32
    lr = (opts or {}).get("lr")
    cfg = ContrastiveConfig(epochs=epochs, n_points=n_points, seed=seed,
                            **({"lr": lr} if lr else {}))  # fmt: skip
    net = apply_mode(net, mode, n_last=n_last, lora_r=lora_r, seed=seed)
    summary = fit_contrastive(net, df.filter(pl.col("split") == "train"),
                              df.filter(pl.col("split") == "val"), cfg)  # fmt: skip
    merge_adapter(net).save_pretrained(out)  # a plain model: `trajlm similar --model OUT`
    spec = {"n_points": n_points, "pooling": "mean", "metric": "l2", **summary}
    (Path(out) / "embedding.json").write_text(json.dumps(spec, indent=2) + "\n")
    if summary.get("best_epoch", 0) < 0:  # the start was never beaten on val (newuser2)
        summary = {**summary, "note": "no epoch beat the starting model on val: the saved "
                   "model is the starting one (more epochs, another --mode or lr)"}  # fmt: skip
    return summary


def _batch_size(text: str) -> int | str:
    """--batch-size: "auto" or a positive integer (one line otherwise)."""
    if text == "auto":
        return text
    if not text.isdigit() or int(text) < 1:
        _fail(f"--batch-size {text!r}: give a positive integer or auto")
    return int(text)
