"""`trajlm finetune --task classify`'s splits, summary and test scoring (split from
cli_finetune.py, session 21): a data set's own test store (`--test-data`), whole source
trajectories (`--split-by source`), PROTOCOL's split refused on a one-origin store, and the
test split read once beside the majority class and gradient boosting (`--score-test`)."""

from __future__ import annotations

import json
from pathlib import Path

from trajlm import _cli_io as io
from trajlm._cli_io import fail as _fail


def classify_summary(
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


LEAK_SHARE = 0.05  # more source trajectories than this share across splits: said
MIN_WHOLE_POINTS = 3  # a whole labelled trajectory is kept from 3 points (segments: 10)


def min_unit_points(whole: bool) -> int:
    """Fewest points of a classified unit: 10 for PROTOCOL's mode segments (as `trajlm eval`),
    3 for whole labelled trajectories (a 7-fix storm is one storm, not noise)."""
    return MIN_WHOLE_POINTS if whole else 10


def classify_parts(df, segments, split_by: str, data: Path, opts: dict, class_map) -> dict:
    """train / val / test segments: with --test-data, --data's source trajectories 80/20
    (stratified) and the other store as test; --split-by source: 80/10/10 by source
    trajectory; else PROTOCOL's split, refused when every trajectory starts at one instant (a
    --time-origin store: the order is arbitrary) and warned when more than 5 % of the source
    trajectories land in two splits (classify21; a chronological cut crosses a few)."""
    from datetime import UTC, datetime

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
    if leaks > LEAK_SHARE * n_src:  # a chronological cut crosses a few trips by nature
        io.warn(f"--data {data}: {leaks} of {n_src} source trajectories have segments in more "
                f"than one split (split by {split_by}): val / test share trajectories with "
                "train; --split-by source keeps each whole")  # fmt: skip
    return parts


def fair_gb(train, seed: int, val=None):
    """The gradient-boosting baseline a classifier is held against (classify22: the default
    min_samples_leaf=20 cannot split a class of ~20 trajectories, so up to TUNE_MAX_SEGMENTS
    train segments a CV-tuned candidate is fitted too). Which one: the default unless the
    CV-tuned one is reliably above it on val (gbchoice23: the train CV choice fell below the
    default on GeoLife's time split and hurricanes); ``choice_`` says which and why."""
    from trajlm.eval.classify_gb_choice import ValPickedGB

    return ValPickedGB(random_state=seed).fit(train, val)


def val_check_against_gb(
    clf, parts: dict, seed: int, engine: str = "model"
) -> tuple[object | None, dict]:
    """The model's val accuracy beside the fair GB's (fitted on the same train split). Unless
    the model is reliably above it (paired bootstrap 95 % CI over val trajectories above 0, as
    ValChoice's default rule), the folder answers with GB (``engine="auto"``, classify23; the
    summary's `engine` row says so) or, with ``--engine model``, one warning says the model is
    below / not reliably above it: a user never gets a classifier below, or no better than,
    the baseline without being told (classify22). Returns (the fitted GB or None, summary
    lines; "gb wins" when GB should answer)."""
    import numpy as np

    from trajlm.eval.classify import segment_labels
    from trajlm.eval.compare import paired_bootstrap_ci

    val = parts.get("val")
    if val is None or not len(val) or not len(parts["train"]):
        return None, {}
    gb = fair_gb(parts["train"], seed, val)
    y = segment_labels(val)
    hits = {n: (np.asarray(m.classify(val)).astype(str) == y) * 100.0
            for n, m in (("gb", gb), ("model", clf))}  # fmt: skip
    ci = paired_bootstrap_ci(hits["model"], hits["gb"])
    line = (f"{hits['gb'].mean():.1f} % (the model: {hits['model'].mean():.1f} %; model - GB "
            f"{ci['diff']:+.1f} points, 95 % CI {ci['lo']:+.1f} to {ci['hi']:+.1f})")  # fmt: skip
    where = "below" if ci["diff"] < 0 else "not reliably above"
    lines = {"val: GB baseline accuracy_pct": line}
    if choice := getattr(gb, "choice_", None):  # which GB, chosen on val (gbchoice23)
        lines["val: GB choice"] = choice
    if ci["lo"] <= 0 and engine == "auto":
        why = f"on val the model is {where} {gb.name}: {line}"
        return gb, {**lines, "gb wins": why}
    if ci["lo"] <= 0:
        io.warn(f"on val ({len(y)} trajectories / segments), gradient boosting on the segment "
                f"features ({gb.name}, fitted on the same train split) scores {line}: this "
                f"classifier is {where} that baseline; more --epochs may help, and in Python "
                "trajlm.eval.classify_gb_cv.ValChoice keeps the baseline unless the model is "
                "reliably better on val (docs/finetune.md)")  # fmt: skip
    return gb, lines


def save_engine(clf, gb, parts: dict, out: Path, why: str | None) -> dict:
    """The summary's `engine` row; where the val check found GB ahead ("gb wins"), the folder
    is made to answer with that GB (trajlm.tasks.classify_engine: its train features and
    parameters, refitted on load; the fine-tuned model stays beside it). Said in one line."""
    if why is None:
        return {"engine": f"{clf.engine_name}: reliably above GB on val" if gb is not None
                else clf.engine_name}  # fmt: skip
    from trajlm.tasks.classify_engine import save_gb_engine

    save_gb_engine(out, gb.model_.get_params(), parts["train"], gb.name, why,
                   choice=getattr(gb, "choice_", None))  # fmt: skip
    text = (f"gradient boosting ({gb.name}) answers for {out}: {why}; the fine-tuned model is "
            "kept beside it (--engine model saves it as the engine; Python: "
            "ModelClassifier.load(OUT, engine='model'))")  # fmt: skip
    io.warn(text)
    return {"engine": f"gradient boosting ({gb.name})"}


def score_test_split(clf, parts: dict, seed: int, out: Path, gb=None) -> dict:
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
    for cand in (getattr(gb, "tuned_", None), gb):  # the CV-tuned row as before gbchoice23
        if cand is not None and cand.name not in methods:
            methods[cand.name] = cand
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
