"""The prediction verdict in steps (sessions 23-26) and at the val trips' report times (irreg27)
for trained runs on one store; with --test, every engine and the new verdict's answer asked at
the test trips' true report times (read once), per-trajectory errors saved.

    PYTHONPATH=$PWD python scripts/irreg27/verdicts.py STORE NAME RUN... [--test] [--force]
        [--resave] [--radii]

Prints, per run, each check's engine, the model's val ADE, the best baseline and the ratio with
its paired bootstrap 95 % interval (the verdict's rule). --force: score at report times even
where the store is regular (a diagnostic; the shipped rule does not). --resave: write the
report-times verdict into RUN/best (what `trajlm train` on this branch saves). --test: the test
split at report times (`trajlm eval --at-report-times`'s question): the [time] baselines, the
model (as TrajLM.predict(seconds_ahead=) answers: reported motion mixed in where the store has
it, and positions only), the step engines (kNN tuned on val, linear-3) as the API answers
asked times with them, and the answer of `TrajLM.from_pretrained(RUN)` under the report-times
verdict end to end (--radii: the share of test targets inside its 50 / 90 % circles under
each verdict's val spread); saved to $IRREG27/evals/NAME_test.npz (default /tmp/irreg27) for pair.py.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import polars as pl

import trajlm
from trajlm.api_model_times import ModelAtTimes
from trajlm.cli_train_check import at_times_of, save_predict_verdict, val_table
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import metrics as M
from trajlm.eval import report_verdict
from trajlm.eval.dead_reckoning import has_motion
from trajlm.eval.horizon import DeadReckoningAt
from trajlm.eval.knn_check import baseline_answer, knn_check, val_task_of
from trajlm.eval.report_times import AtReportTimes, interval_spread

OUT = Path(os.environ.get("IRREG27", "/tmp/irreg27")) / "evals"
args = [a for a in sys.argv[1:] if not a.startswith("--")]
flags = {a for a in sys.argv[1:] if a.startswith("--")}
store, name, runs = args[0], args[1], args[2:]
if "--force" in flags:  # a diagnostic: every store scored at report times
    report_verdict.IRREGULAR_SPREAD = 0.0
train = read_store(store, split="train").drop("split", strict=False)
val = read_store(store, split="val").drop("split", strict=False)
print(f"{name}: interval spread train {interval_spread(train):.2f}, val "
      f"{interval_spread(val):.2f}; irregular by the rule: "
      f"{report_verdict.irregular_spread(train) is not None}")  # fmt: skip


def line(tag: str, c: dict) -> str:
    lo, hi = c["val_ade_vs_best_baseline_ci"]
    base = {k: round(v, 1) for k, v in c["val_ade_baselines_m"].items()}
    return (f"  {tag:<13} model {c['val_ade_model_m']:9.1f} m  best {c['val_best_baseline']} "
            f"{c['val_ade_best_baseline_m']:.1f} m  ratio {c['val_ade_vs_best_baseline']:.3f} "
            f"({lo:.3f}-{hi:.3f}) -> {c['val_vs_best_baseline']}; baselines {base}")  # fmt: skip


def engine_of(c: dict) -> str:
    return "model" if c["val_vs_best_baseline"] == "better" else c["val_best_baseline"]


def circles(run: Path, table: pl.DataFrame, task) -> str:
    """Share of the test targets inside the answer's 50 / 90 % circles at the report times."""
    from trajlm.eval.report_times import prediction_history, seconds_ahead

    hist = prediction_history(table, task)
    ahead = seconds_ahead(task)
    asked = {tid: [float(a) for a in row] for tid, row in zip(task.traj_ids, ahead, strict=True)}
    lm = trajlm.TrajLM.from_pretrained(run, threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = lm.predict(hist, seconds_ahead=asked, radii=[50, 90]).sort("traj_id", "step")
    order = {t: i for i, t in enumerate(task.traj_ids)}
    rows = np.array([order[t] for t in out["traj_id"].to_list()])
    truth = task.target_latlon[rows, out["step"].to_numpy() - 1]
    d = M.point_errors(out.select("lat", "lon").to_numpy(), truth)
    r50, r90 = out["r50_m"].to_numpy(), out["r90_m"].to_numpy()
    return (f"inside r50 {np.mean(d <= r50):.1%}, r90 {np.mean(d <= r90):.1%}; median r90 "
            f"{np.nanmedian(r90):.0f} m; engines {sorted(set(out['engine']))}")  # fmt: skip


test = read_store(store, split="test").drop("split", strict=False) if "--test" in flags else None
task_t = make_prediction_task(test) if test is not None else None
saved: dict[str, np.ndarray] = {}
for run in runs:
    lm = trajlm.TrajLM.from_pretrained(run, threads=1)
    model = lm.model
    task = val_task_of(store, 500)
    vt = val_table(Path(store), train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        steps = knn_check(model, train, task, None, vt, val)
        fitted: dict = {}
        at = knn_check(model, train, task, fitted, vt, val, at_times_of(trajlm.TrajLM, model))
    print(f"{run}:")
    print(line("steps", steps))
    print(
        line("report times", at)
        if at.get("val_scored_at")
        else "  report times: not scored so (regular)"
    )
    print(f"  engine: steps {engine_of(steps)} -> report times {engine_of(at)}; handed to the "
          f"model past reach {at.get('val_handed_to_model')}")  # fmt: skip
    if "--resave" in flags and at.get("val_scored_at"):
        save_predict_verdict(Path(run), Path(store), at, fitted, train)
    if task_t is None:
        continue
    # ---- test, at the true report times (read once)

    def err(pred: np.ndarray, truth: np.ndarray = task_t.target_latlon) -> np.ndarray:
        return M.point_errors(pred, truth).mean(1)

    key = Path(run).name
    m_at = AtReportTimes(at_times_of(trajlm.TrajLM, model), test).predict_next(task_t)
    saved[f"model|{key}"] = err(m_at)
    if has_motion(test):
        pos = ModelAtTimes(trajlm.TrajLM, model, "model", 0.0)
        saved[f"model positions only|{key}"] = err(AtReportTimes(pos, test).predict_next(task_t))
    for ename, est in fitted.items():
        if ename in report_verdict.STEP_ENGINES:
            pred = report_verdict.steps_engine_at_times(ename, est, task_t)
            past = np.isnan(pred).any(axis=(1, 2))
            pred[past] = m_at[past]  # the API hands these trajectories to the model
            saved[f"{ename}|{key}"] = err(pred)
        elif run == runs[0]:  # the [time] baselines: given the times, the same for every run
            saved[ename] = err(baseline_answer(est, est.projection_, task_t))
    if has_motion(test) and run == runs[0]:
        saved["dead reckoning [time]"] = err(
            AtReportTimes(DeadReckoningAt(), test).predict_next(task_t)
        )
    # the loaded run under the report-times verdict, end to end (a copy: the run is not changed)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "run"
        shutil.copytree(run, copy)
        if at.get("val_scored_at"):
            save_predict_verdict(copy, Path(store), at, fitted, train)
        loaded = trajlm.TrajLM.from_pretrained(copy, threads=1)
        answer = ModelAtTimes(lambda _m, lm=loaded: lm, loaded.model, "answer")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            saved[f"answer|{key}"] = err(AtReportTimes(answer, test).predict_next(task_t))
        v = json.loads((copy / "best" / "val_verdict.json").read_text())["predict"]
        print(f"  test answer ({v['engine']}): {np.nanmean(saved[f'answer|{key}']):.1f} m")
        if "--radii" in flags:  # the answer's circles from each verdict's val spread
            for tag, c in (("steps", steps), ("report times", at)):
                f: dict = {}
                knn_check(model, train, task, f, vt, val, None if tag == "steps" else
                          at_times_of(trajlm.TrajLM, model))  # fmt: skip
                save_predict_verdict(copy, Path(store), c, f, train)
                print(f"  radii, {tag} verdict: {circles(copy, test, task_t)}")
if saved:
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(OUT / f"{name}_test.npz", ids=np.asarray(task_t.traj_ids, str), **saved)
    for k, e in saved.items():
        print(f"  test {k:<45} {np.nanmean(e):9.1f} m")
    print(f"wrote {OUT / f'{name}_test.npz'}")
