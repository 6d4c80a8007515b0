"""`trajlm finetune`: adapt a pretrained model to next-point prediction (full / selective /
LoRA), a masked task (recover, tte), GeoLife modes (classify) or similarity search."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import THREADS_HELP, console
from trajlm._cli_io import fail as _fail
from trajlm.eval.classify_notes import CLASSES

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
    classes: str = typer.Option(
        "modes",
        "--classes",
        help="classify: modes (GeoLife's bike / bus / car / rail; taxi -> car) or store (the "
        "store's own labels, as written).",
    ),
) -> None:
    """Adapt a pretrained model: next-point (full/selective/LoRA), a masked task, or modes."""
    from trajlm._safety import LOCK, DirLock, check_output_dir, drop_failed_marker, write_marker
    from trajlm._threads import apply_threads
    from trajlm.cli_eval_notes import canonical_task

    task = canonical_task(task)  # travel_time -> tte, modes -> classify (as `trajlm eval`)
    io.choice(task, FINETUNE_TASKS, "--task")
    io.choice(mode, ("full", "selective", "lora"), "--mode")
    io.choice(split_by, SPLITS_BY, "--split-by")
    io.positive(fraction, "--fraction", upper=1.0)
    io.choice(head, ("mlp", "linear"), "--head")
    io.choice(class_weight, ("none", "balanced"), "--class-weight")
    io.choice(classes, CLASSES, "--classes")
    io.positive(lr, "--lr")
    new = {
        "--head": head != "mlp",
        "--class-weight": class_weight != "none",
        "--lr": lr is not None,
        "--classes": classes != "modes",
        "--split-by": split_by != "time",  # was ignored by predict / recover / tte (cliuser18)
        "--test-data": test_data is not None,
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
                summary = _finetune_into(net, model, df, data, out, task, mode, steps, epochs,
                                         n_last, lora_r, fraction, n_points, split_by,
                                         resume, score_test, opts)  # fmt: skip
        except BaseException:  # failed before any output: no marker of one that is not there
            if started:
                drop_failed_marker(out, created)
            raise
    console.print(io.dict_table({k: v for k, v in summary.items() if k != "history"}, str(out)))


def _finetune_into(net, model, df, data, out, task, mode, steps, epochs, n_last, lora_r,
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
        from trajlm.eval.classify import make_mode_segments
        from trajlm.eval.classify_notes import (
            class_map_for,
            dropped_classes,
            dropped_line,
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
        classes = opts.get("classes") or "modes"
        class_map = class_map_for(classes, df)
        whole = split_by == "source" or opts.get("test_df") is not None
        if whole:  # the unit labelled is the source trajectory: ingest's gap pieces joined
            df, joined = join_pieces(df)
            if joined:
                io.warn(f"--data {data}: {joined} gap-split pieces joined back into their source "
                        "trajectories (each trajectory is classified whole, as labelled)")  # fmt: skip
        segments, report = make_mode_segments(df, class_map, min_points=_min_points(whole))
        if n_unlabelled := report.dropped.get("unlabelled", 0):  # said, as eval says it
            n_traj = df.filter(pl.col("label").is_null())["traj_id"].n_unique()
            io.warn(f"--data {data}: {n_unlabelled:,} points of {n_traj} trajectories have no "
                    "label: left out (not trained, not scored)")  # fmt: skip
        if problem := too_few_classes(df, segments, classes, f"--data {data}"):
            _fail(problem)  # one class is no task (it "trained" to 100 % before)
        if line := dropped_line(dropped_classes(df, segments, class_map)):
            io.warn(line)
        parts = _classify_parts(df, segments, split_by, data, opts, class_map)
        extra = {k: opts[k] for k in ("lr", "head", "class_weight") if opts.get(k) is not None}
        clf = ModelClassifier(model, mode=mode, n_last=n_last, lora_r=lora_r, epochs=epochs,
                              n_points=n_points, seed=seed, **extra)  # fmt: skip
        clf.fit(parts["train"], parts["val"])  # warns when it trained < 100 steps (modesuser 9)
        scored = _score_test(clf, parts, seed, out) if opts.get("score_test") else {}
        return {
            "adapter_bytes": clf.save(out, overwrite=True),  # --out checked above
            "mode": mode,
            **_classify_summary(clf, parts, out, split_by, data, classes, opts),
            **scored,
        }
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


def _classify_summary(
    clf, parts: dict, out: Path, split_by: str, data: Path, classes: str = "modes",
    opts: dict | None = None,
) -> dict:  # fmt: skip
    """What `finetune --task classify` trained and how it scores on the val split (user test
    ux6 item 6): its classes with their train segment counts (CLASS_MAP's mapping: taxi ->
    car, subway / train -> rail, other modes dropped; docs/finetune.md), the kept epoch, val
    accuracy and macro-F1 (%) as `trajlm eval --task classify` computes them."""
    from trajlm.eval.classify import classification_metrics, segment_labels

    info = {"classes": ", ".join(f"{c} ({n})" for c, n in clf.class_counts_.items()),
            "best_epoch": clf.info_.get("best_epoch"), "steps": clf.info_.get("steps")}  # fmt: skip
    val = parts.get("val")
    if val is None or not len(val):
        return {**info, "val_accuracy_pct": "no val segments"}
    m, _ = classification_metrics(clf.classify(val), segment_labels(val), list(clf.classes_))
    opts = opts or {}
    if opts.get("test_df") is not None or split_by == "source":  # eval splits by time / user
        where = f"--test-data {opts['test_data']}" if opts.get("test_df") is not None else "test"
        n_test = parts["test"]["traj_id"].n_unique()
        said = "scored below" if opts.get("score_test") else "not read; --score-test scores it once"
        return {**info, "val_segments": int(val["traj_id"].n_unique()),
                "val_accuracy_pct": round(m["accuracy_pct"], 1),
                "val_macro_f1_pct": round(m["macro_f1_pct"], 1),
                "test split": f"{where}: {n_test} trajectories, {said}"}  # fmt: skip
    return {**info, "val_segments": int(val["traj_id"].n_unique()),
            "val_accuracy_pct": round(m["accuracy_pct"], 1),
            "val_macro_f1_pct": round(m["macro_f1_pct"], 1),
            "test split": f"trajlm eval --task classify --data {data} --model {out} "
            f"--split-by {split_by}" + (f" --classes {classes}" if classes != "modes" else "")
            }  # fmt: skip  # the store's own labels: --classes said (cliuser18)


MIN_WHOLE_POINTS = 3  # a whole labelled trajectory is kept from 3 points (segments: 10)


def _min_points(whole: bool) -> int:
    """Fewest points of a classified unit: 10 for PROTOCOL's mode segments (as `trajlm eval`),
    3 for whole labelled trajectories (a 7-fix storm is one storm, not noise)."""
    return MIN_WHOLE_POINTS if whole else 10


def _classify_parts(df, segments, split_by: str, data: Path, opts: dict, class_map) -> dict:
    """train / val / test segments: with --test-data, --data's source trajectories 80/20
    (stratified) and the other store as test; --split-by source: 80/10/10 by source
    trajectory; else PROTOCOL's split, refused when every trajectory starts at one instant (a
    --time-origin store: the order is arbitrary) and warned when pieces of one source
    trajectory land in two splits (classify21)."""
    from datetime import datetime

    from trajlm.eval.classify import make_mode_segments, split_segments
    from trajlm.tasks.classify_split import (
        join_pieces,
        one_start_instant,
        split_by_source,
        time_split_leaks,
    )

    if (test_df := opts.get("test_df")) is not None:
        where = f"--test-data {opts['test_data']}"
        if "label" not in test_df.columns:
            _fail(f"{where}: no `label` column to score against (ingest with --label-col)")
        test_df, _ = join_pieces(test_df)
        test, _ = make_mode_segments(test_df, class_map, min_points=MIN_WHOLE_POINTS)
        if not len(test):
            _fail(f"{where}: no trajectory of the classes trained ({', '.join(sorted(set(class_map.values())))}) with {MIN_WHOLE_POINTS}+ points")  # fmt: skip
        unseen = sorted(set(test_df["label"].drop_nulls().unique().to_list()) - set(class_map))
        if unseen:
            io.warn(f"{where}: labels {unseen} are not in --data's classes: left out of test")
        parts = split_by_source(segments, (0.8, 0.2, 0.0))
        return {**parts, "test": test}
    if split_by == "source":
        return split_by_source(segments)
    if split_by == "time" and (t0 := one_start_instant(df)) is not None:
        when = datetime.fromtimestamp(int(t0), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        _fail(f"--data {data}: most trajectories start at one instant ({when}: read with one "
              "--time-origin?), so a split by time is arbitrary and cuts source trajectories "
              "across train and test; --split-by source (whole trajectories, stratified by "
              "class) or --test-data STORE (the data set's own test file)")  # fmt: skip
    parts = split_segments(segments, split_by)
    leaks, n_src = time_split_leaks(parts)
    if leaks:
        io.warn(f"--data {data}: {leaks} of {n_src} source trajectories have segments in more "
                f"than one split (split by {split_by}): val / test share trajectories with "
                "train; --split-by source keeps each whole")  # fmt: skip
    return parts


def _score_test(clf, parts: dict, seed: int, out: Path) -> dict:
    """Read the test split once: the classifier beside the majority class and gradient
    boosting on the 30 segment features (plain and class-balanced, fitted on the same train
    segments), accuracy / macro-F1 and the paired bootstrap 95 % CI (over test trajectories)
    of the model's accuracy minus the strongest baseline's; written to OUT/test_scores.json."""
    import numpy as np

    from trajlm.eval.classify import (
        FeatureGBClassifier,
        MajorityClassifier,
        classification_metrics,
        segment_labels,
    )
    from trajlm.eval.compare import paired_bootstrap_ci

    test, classes = parts["test"], list(clf.classes_)
    truth = segment_labels(test)
    methods = {
        "majority class": MajorityClassifier().fit(parts["train"]),
        "GB features": FeatureGBClassifier(random_state=seed).fit(parts["train"]),
        "GB features [balanced]": FeatureGBClassifier(
            class_weight="balanced", random_state=seed
        ).fit(parts["train"]),
    }
    hits, rows = {}, {}
    for name, m in [*methods.items(), ("model", clf)]:
        pred = np.asarray(m.classify(test)).astype(str)
        met, _ = classification_metrics(pred, truth, classes)
        hits[name] = (pred == truth).astype(float) * 100.0
        rows[name] = {"accuracy_pct": round(met["accuracy_pct"], 1),
                      "macro_f1_pct": round(met["macro_f1_pct"], 1)}  # fmt: skip
    best = max(methods, key=lambda n: rows[n]["accuracy_pct"])
    ci = paired_bootstrap_ci(hits["model"], hits[best])
    result = {"n_test": int(len(truth)), "seed": seed, "methods": rows, "best_baseline": best,
              "model_minus_best_pp": {k: round(ci[k], 1) for k in ("diff", "lo", "hi")}}  # fmt: skip
    (Path(out) / "test_scores.json").write_text(json.dumps(result, indent=2) + "\n")
    d = result["model_minus_best_pp"]
    return {
        f"test ({len(truth)} traj.)": "; ".join(
            f"{n} {r['accuracy_pct']} / {r['macro_f1_pct']}" for n, r in rows.items()
        )
        + " (accuracy / macro-F1 %)",
        "test: model - best baseline": f"{d['diff']:+.1f} pp (95 % CI {d['lo']:+.1f} to "
        f"{d['hi']:+.1f}) vs {best}",
    }
