"""The end of `trajlm train`: the kept model beside kNN continuation on val (session 23,
heldout23; the check itself is trajlm/eval/knn_check.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trajlm import _cli_io as io
from trajlm.data.store_label import eval_command
from trajlm.errors import NoteWarning, VerdictNoteWarning, WorseThanBaselineWarning


def knn_summary(trainer: Any, data: Path, out: Path, summary: dict,
                lm_class: type | None = None) -> dict:  # fmt: skip
    """Add the val check against kNN continuation to `summary` and OUT/train_summary.json and
    warn (one line) when the kept model does not beat kNN there; `summary` unchanged for a run
    that did not select on val ADE (classification, contrastive, masked-only objectives).
    ``lm_class`` (trajlm.api.TrajLM, passed by its callers: no import cycle): on an irregular
    store the check asks the model at the val trips' report times through it (irreg27)."""
    if summary.get("best_val_ade_m") is None or not (out / "best").is_dir():
        return summary
    from trajlm.data.corpus import is_corpus

    if is_corpus(data):  # a pretraining corpus: no one city's train split to fit kNN on
        return _corpus_unchecked(out, summary, data, trainer.cfg.cpu_threads)
    try:
        return check_against_baselines(trainer, data, out, summary, lm_class)
    except Exception as e:  # the run is trained and saved: a failed check is said, not raised
        io.warn(f"the val check against the prediction baselines was skipped: {e}")
        return summary


def _corpus_unchecked(out: Path, summary: dict, corpus: Path, threads: int | None = None) -> dict:
    """Save why a pretraining run has no val check, so `TrajLM.predict` / `trajlm predict` say
    it once (api_knn_note.py): a `make pretrain` run answered a user's own bike-share store
    unchecked at 1.34x kNN's error there, said nowhere (newuser34). Write the run's
    CORPUS.md: what it saw, source by source (newuser39), and its val error on each source
    beside constant velocity and kNN there (pretrain40: bounded, eval/source_val.py)."""
    from trajlm.api_knn_note import CORPUS_KEY, CORPUS_UNCHECKED
    from trajlm.data.corpus_card import write_sources_card

    card = write_sources_card(corpus, out)
    skipped = {"val_check_skipped": CORPUS_UNCHECKED, CORPUS_KEY: True}
    if rows := _val_by_source(out, corpus, card, threads):
        skipped["val_by_source"] = rows
    if card is not None:
        io.tell(f"note: what it was pretrained on and its val error, source by source: {card}",
                NoteWarning)  # fmt: skip
    path = out / "train_summary.json"
    if path.exists():
        saved = json.loads(path.read_text())
        path.write_text(json.dumps({**saved, **skipped}, indent=2))
    return {**summary, **skipped}


def _val_by_source(out: Path, corpus: Path, card: Path | None, threads: int | None) -> list:
    """The kept model's val error per source beside constant velocity and kNN on that source
    (eval/source_val.py), printed, added to CORPUS.md; [] where it could not be read (said)."""
    from trajlm._cli_boundary import in_command
    from trajlm.eval.eval_progress import say
    from trajlm.eval.source_val import knn_ahead_lines, source_val_markdown, source_val_rows

    say("the kept model on each source's val trips beside constant velocity and kNN there")
    try:
        rows = source_val_rows(kept_model(out, threads), corpus)
    except Exception as e:  # the run is trained and saved: a failed table is said, not raised
        io.warn(f"the val error by source was skipped: {e}")
        return []
    table = source_val_markdown(rows)
    if in_command():  # the table holds the knn_ahead lines
        io.say(f"val error by source (5 steps ahead, MAE in m):\n{table}")
    else:
        for line in knn_ahead_lines(rows):
            io.tell(line, NoteWarning)
    if card is not None:
        try:
            with card.open("a") as f:
                f.write(f"\n## Val error by source (5 steps ahead, MAE in m)\n\n{table}")
        except OSError:
            pass
    return rows


def check_against_baselines(trainer: Any, data: Path, out: Path, summary: dict,
           lm_class: type | None = None) -> dict:  # fmt: skip
    from trajlm.data.store import read_store
    from trajlm.data.store_sample import train_for_check
    from trajlm.eval.eval_progress import say
    from trajlm.eval.knn_check import knn_check, knn_line, val_task_of

    say("the kept model beside the prediction baselines (kNN continuation and others) on val")
    task = getattr(trainer, "_val_task", None)
    if task is None:
        task = val_task_of(data, trainer.cfg.select_max_traj)
    train, sampled = train_for_check(data)  # a big store: a sample of its trips (newuser33)
    if sampled:
        io.tell(sampled, VerdictNoteWarning)
    model = kept_model(out, trainer.cfg.cpu_threads)
    fitted: dict = {}
    spread_from = read_store(data, split="val").drop("split", strict=False)  # uncert26
    check = knn_check(model, train, task, fitted, val_table(data, train), spread_from,
                      at_times_of(lm_class, model))  # fmt: skip
    if not check:  # too few val trips (or no kNN window): said, not silent (heldout25)
        return unchecked_summary(out, data, len(task.lengths), summary, train)
    save_predict_verdict(out, data, check, fitted, train)
    summary = {**summary, **check}
    path = out / "train_summary.json"
    if path.exists():
        saved = json.loads(path.read_text())
        path.write_text(json.dumps({**saved, **check}, indent=2))
    if (line := knn_line(check, data, out)) is not None:  # the model loses to a baseline on val
        io.warn(line, category=WorseThanBaselineWarning)
    return summary


def kept_model(run: Path, threads: int | None = None) -> Any:
    """RUN/best as ``TrajLM.from_pretrained(run, threads=threads).model`` loads it (eval mode,
    the threads policy), read at the model layer: trajlm.api holds ``TrajLM.fit``, which runs
    this check (no import cycle; session 26, fit26)."""
    from trajlm._threads import apply_threads
    from trajlm.model import TrajectoryModel

    model = TrajectoryModel.from_pretrained(run).eval()
    apply_threads(threads, sum(p.numel() for p in model.parameters()))
    return model


def at_times_of(lm_class: type | None, model: Any) -> Any:
    """The kept model answering at asked times as ``lm_class(model).predict(seconds_ahead=)``
    (api_model_times.ModelAtTimes) for the verdict on irregular stores; None without a class
    (the check then scores steps on every store)."""
    if lm_class is None:
        return None
    from trajlm.api_model_times import ModelAtTimes

    return ModelAtTimes(lm_class, model, "model")


def skipped_reason(n_trips: int) -> str:
    """Why the val check gave no verdict, as saved in train_summary.json `val_check_skipped`."""
    from trajlm.eval.knn_check import MIN_TRIPS

    if n_trips < MIN_TRIPS:
        return f"val has {n_trips} trip(s) with a 5-step window, fewer than the {MIN_TRIPS} a verdict needs"
    return "the baselines could not answer the val windows (no train window for kNN)"


def unchecked_summary(
    out: Path, data: Path, n_trips: int, summary: dict, train: Any = None
) -> dict:
    """Say (one line) and save that the kept model was not checked against the baselines
    (heldout25: runs with 2 val trips said nothing, and were 1.1-2.3x kNN on test); with too few
    val trips kNN continuation at its default settings answers TrajLM.predict instead (folds25:
    eval/unchecked_verdict.py)."""
    why = skipped_reason(n_trips)
    path = out / "train_summary.json"
    if path.exists():
        saved = json.loads(path.read_text())
        path.write_text(json.dumps({**saved, "val_check_skipped": why}, indent=2))
    from trajlm.eval.knn_check import MIN_TRIPS

    if (
        train is not None
        and n_trips < MIN_TRIPS
        and _save_unchecked(out, data, train, n_trips, why)
    ):
        return {**summary, "val_check_skipped": why, "unchecked_engine": "kNN continuation"}
    io.warn(
        f"the kept model was not checked against the prediction baselines: {why}; "
        f"TrajLM.predict answers with it unchecked: "
        f"{eval_command(data, f' --task predict --model {out}')} scores it beside them on test",
        category=VerdictNoteWarning,
    )
    return {**summary, "val_check_skipped": why}


def _save_unchecked(out: Path, data: Path, train: Any, n_trips: int, why: str) -> bool:
    """Save kNN at its defaults as the run's prediction verdict and say so; False when the
    train split holds no kNN window."""
    from trajlm.eval.unchecked_verdict import unchecked_line, unchecked_verdict
    from trajlm.eval.val_verdict import save_verdict
    from trajlm.model.weights import resolve_weights

    got = unchecked_verdict(train, n_trips, why)
    if got is None:
        return False
    v, table = got
    save_verdict(resolve_weights(out, log=False), {"predict": v}, None, str(data), knn=table)
    io.warn(unchecked_line(v), category=VerdictNoteWarning)
    return True


def val_table(data: Path, train: Any) -> Any:
    """The store's val split where the train split reports speed and course (dead reckoning
    is then a verdict candidate: eval/dr_verdict.py), else None (nothing read)."""
    from trajlm.data.store import read_store
    from trajlm.eval.dead_reckoning_reports import has_motion

    if not has_motion(train):
        return None
    return read_store(data, split="val").drop("split", strict=False)


def save_predict_verdict(out: Path, data: Path, check: dict, fitted: dict, train: Any) -> None:
    """The prediction verdict (eval/predict_verdict.py) beside the kept weights, with kNN's
    train windows when kNN answers; one line says which engine answers TrajLM.predict."""
    from trajlm.eval.predict_verdict import (
        KNN,
        KNN_FAMILY,
        SCALED,
        decide,
        knn_params,
        knn_table,
        verdict_line,
    )
    from trajlm.eval.val_verdict import save_verdict
    from trajlm.model.weights import resolve_weights

    v = decide(check, train)
    if v is None:
        return
    v = with_plane_box(v, data)
    knn = scale = None
    if v["engine"] in KNN_FAMILY:  # its windows answer: saved beside the weights
        est = fitted[KNN if v["engine"] == SCALED else v["engine"]]
        v["knn"] = knn_params(est)
        knn = knn_table(est)
    if v["engine"] == SCALED:  # and its trees (eval/scaled_knn_engine.py, scaleengine27)
        from trajlm.eval.scaled_knn_engine import scale_params

        v["scale"] = scale_params(check, fitted[SCALED])
        scale = fitted[SCALED].forest.table()
    save_verdict(resolve_weights(out, log=False), {"predict": v}, None, str(data), knn=knn,
                 scale=scale)  # fmt: skip
    io.tell(verdict_line(v), VerdictNoteWarning)  # the engine chosen (fit: a Python warning)


def with_plane_box(v: dict, data: Path) -> dict:
    """A `--crs local` store's verdict with its train box in x / y metres too
    (``train_box_local_m``) and ``crs`` "local": ``train_box`` stays in the plane's stand-in
    degrees, which the far guard reads (local37: a reader saw only 1.0000-1.0007 "degrees")."""
    from trajlm.data.local_plane import local_bbox, store_crs

    if store_crs(data) != "local":
        return v
    lat0, lon0, lat1, lon1 = v["train_box"]
    box = local_bbox({"min_lat": lat0, "min_lon": lon0, "max_lat": lat1, "max_lon": lon1})
    return v | {"crs": "local", "train_box_local_m": box}


def finetune_predict_verdict(out: Path, data: Path, df: Any, lm_class: type | None = None) -> None:
    """`trajlm finetune --task predict`'s prediction verdict (as train's, on the store's val
    trips, the first 500 as the Trainer's selection reads them); a failure is one line."""
    import polars as pl

    from trajlm.data.corpus import is_corpus
    from trajlm.data.store import read_store
    from trajlm.eval.eval_progress import say
    from trajlm.eval.knn_check import knn_check, val_task_of

    if is_corpus(data):
        return
    say("the fine-tuned model beside the prediction baselines (kNN continuation and others) on val")
    try:
        train = df.filter(pl.col("split") == "train").drop("split") if "split" in df.columns else df
        model = kept_model(out)
        fitted: dict = {}
        val = val_table(data, train)
        spread_from = read_store(data, split="val").drop("split", strict=False)  # uncert26
        if check := knn_check(model, train, val_task_of(data, 500), fitted, val, spread_from,
                              at_times_of(lm_class, model)):  # fmt: skip
            save_predict_verdict(out, data, check, fitted, train)
    except Exception as e:  # the fine-tune is saved: a failed check is said, not raised
        io.warn(f"the prediction verdict (the model beside the baselines on val) was skipped: {e}")


def _val_fit(run: Path, data: Path, summary: dict, fit: Callable[[Any, Path], dict], key: str,
             label: str, failed: str) -> dict:  # fmt: skip
    """``fit(val, weights_dir)`` -> {key: one line, key_s: seconds} on the store's val split,
    said as ``label: line`` and added to ``summary`` and RUN/train_summary.json; a corpus or a
    store without val: nothing (nothing was measured); a failure is one warning ``failed``."""
    from trajlm.data.corpus import is_corpus

    if is_corpus(data):
        return summary
    try:
        from trajlm.data.store import read_store
        from trajlm.model.weights import resolve_weights

        val = read_store(data, split="val").drop("split", strict=False)
        if not val.height:
            return summary
        from trajlm.eval.eval_progress import say

        say(f"fitting the {label} on val")
        got = fit(val, resolve_weights(run, log=False))
    except Exception as e:  # the run is trained and saved: the fit's failure is said
        io.warn(f"{failed}: {e}")
        return summary
    io.tell(f"{label}: {got[key]} ({got[key + '_s']} s)", VerdictNoteWarning)
    path = run / "train_summary.json"
    if path.exists():
        path.write_text(json.dumps({**json.loads(path.read_text()), **got}, indent=2))
    return {**summary, **got}


def radii_summary(run: Path, data: Path, summary: dict, lm_class: type | None,
                  threads: int | None = None) -> dict:  # fmt: skip
    """Fit the kept model's radii.json on the store's val split (eval/run_radii.py,
    trainradii30), say it in one line and add it to ``summary`` and RUN/train_summary.json;
    a corpus or a store without val keeps the pooled factors (nothing said: nothing was
    measured); a failure is one warning line. The kept weights: RUN/best, or RUN's own where
    the run did not select on val (as ``TrajLM.from_pretrained(RUN)`` loads them)."""
    if lm_class is None:
        return summary

    def fit(val: Any, weights: Path) -> dict:
        from trajlm.eval.run_radii import fit_run_radii

        return fit_run_radii(lm_class(kept_model(run, threads)), val, weights)

    return _val_fit(run, data, summary, fit, "radii", "radii",
                    "radii (predict radii=) were not fitted on val, the pooled factors answer")  # fmt: skip


def recover_radii_summary(run: Path, data: Path, summary: dict, lm_class: type | None,
                          threads: int | None = None) -> dict:  # fmt: skip
    """Fit the kept model's recover_radii.json on the store's val split where val has at least
    ``MIN_VAL_TRIPS`` trips (eval/run_recover_radii.py, uncert33), after the val verdict is
    saved: the model is loaded as ``TrajLM.from_pretrained(RUN)`` loads it, so the fit's answers
    are a user's call's (the saved verdict read). One line either way (as ``radii_summary``)."""
    if lm_class is None:
        return summary

    def fit(val: Any, weights: Path) -> dict:
        from trajlm.eval.run_recover_radii import fit_run_recover_radii

        return fit_run_recover_radii(lm_class.from_pretrained(run, threads=threads), val, weights)

    return _val_fit(run, data, summary, fit, "recover_radii", "recovery radii",
                    "recovery radii (recover radii=) were not fitted on val, none answer")  # fmt: skip
