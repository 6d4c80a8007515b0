"""blend21: the candidate selector on a store beside kNN, place-aware kNN, constant velocity and
trained transformer runs, with every ratio taken to kNN continuation (issue 15's bar).

    python scripts/blend21_table.py --data STORE --split test --selector S0,S1,S2 \
        --model M0,M1,M2 --out OUT.json

Per method: 5-step MAE (haversine m; seeds: per-trip errors averaged over the seeds, as
`trajlm eval`'s "mean over N runs" row) and MAE / kNN with the paired bootstrap 95 % CI over
trajectories (`paired_bootstrap_ratio`). kNN's k and history and the place-aware kNN's weights
are tuned on val exactly as `trajlm eval` tunes them.

Val-fitted levers (every choice on the val split's protocol task; the scored split is only
predicted): ``gate`` = selector + w (model - selector), w in 0, 0.05, ..., 1 per seed pair;
``selector (seed ensemble)`` = the seeds' predicted points averaged (no choice);
``mean (selector, model)`` = w fixed at 0.5 (no choice);
``pick`` = whichever of {kNN, place-aware kNN, selector, model} has the lowest val MAE.
With --split val the levers are scored on the data that chose them (optimistic, for ablation).
Markdown -> stdout and OUT.md; JSON -> OUT.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from trajlm._threads import apply_threads
from trajlm.data.features import LocalProjection
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval.compare import paired_bootstrap_ratio
from trajlm.eval.metrics import point_errors
from trajlm.eval.place_knn import tune_place_knn
from trajlm.eval.protocol import ProjectedBaseline, make_prediction_task, split_tables, tune_knn
from trajlm.eval.selector_predictor import CandidateSelectorPredictor
from trajlm.model.rollout import ModelPredictor
from trajlm.model.transformer import TrajectoryModel

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/_report.py
from _report import write_results  # noqa: E402

GRID = np.round(np.linspace(0.0, 1.0, 21), 2)


def runs(spec: str | None) -> list[Path]:
    return [Path(r) for r in (spec or "").split(",") if r]


def per_trip(pred: np.ndarray, task) -> np.ndarray:
    """(N,) each trajectory's k-step mean error, metres."""
    return point_errors(pred, task.target_latlon).mean(1)


def gate_w(sel_val: np.ndarray, model_val: np.ndarray, val_task) -> float:
    """The w of selector + w (model - selector) with the lowest val MAE (ties: the smaller)."""
    scores = [per_trip(sel_val + w * (model_val - sel_val), val_task).mean() for w in GRID]
    return float(GRID[int(np.argmin(scores))])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--selector", help="saved selectors (trajlm train-selector), comma-separated")
    ap.add_argument("--model", help="trained runs (trajlm train), comma-separated")
    ap.add_argument("--name", default=None, help="data set name in the table")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    apply_threads(1, None)
    name = args.name or args.data.name

    parts = split_tables(read_store(args.data))
    train = parts["train"]
    proj = LocalProjection.fit(train)
    tasks = {
        "val": make_prediction_task(parts["val"]),
        args.split: make_prediction_task(parts[args.split]),
    }
    knn, _ = tune_knn(train, tasks["val"], proj)
    place, _ = tune_place_knn(train, tasks["val"], proj, knn.history)
    base = {"constant velocity": B.ConstantVelocity(), "kNN continuation": knn,
            "kNN continuation (place-aware)": place}  # fmt: skip
    # preds[split][method] = list over seeds of (N, k, 2) lat/lon
    preds: dict[str, dict[str, list[np.ndarray]]] = {s: {} for s in tasks}
    for s, task in tasks.items():
        for m, est in base.items():
            preds[s][m] = [ProjectedBaseline(est, proj).predict_next(task)]
    sels = [CandidateSelectorPredictor.load(r) for r in runs(args.selector)]
    models = [ModelPredictor(TrajectoryModel.from_pretrained(r)) for r in runs(args.model)]
    for s, task in tasks.items():
        if sels:
            preds[s]["selector"] = [m.predict_next(task) for m in sels]
        if models:
            preds[s]["model"] = [m.predict_next(task) for m in models]
    levers: dict = {}
    for s in tasks:  # the seeds' predicted points averaged (one predictor; no choice on val)
        if len(sels) > 1:
            preds[s]["selector (seed ensemble)"] = [np.mean(preds[s]["selector"], 0)]
    if sels and models:  # gate: selector seed i with model seed i (the one model for all)
        pairs = [(i, min(i, len(models) - 1)) for i in range(len(sels))]
        ws = [gate_w(preds["val"]["selector"][i], preds["val"]["model"][j], tasks["val"])
              for i, j in pairs]  # fmt: skip
        levers["gate_w"] = ws
        for s in tasks:
            ps, pm_ = preds[s]["selector"], preds[s]["model"]
            preds[s]["mean (selector, model)"] = [(ps[i] + pm_[j]) / 2 for i, j in pairs]
            preds[s]["gate (selector, model)"] = [ps[i] + w * (pm_[j] - ps[i])
                                                  for (i, j), w in zip(pairs, ws, strict=True)]  # fmt: skip
    cands = [m for m in ("kNN continuation", "kNN continuation (place-aware)", "selector", "model")
             if m in preds["val"]]  # fmt: skip
    val_mae = {m: float(np.mean([per_trip(p, tasks["val"]).mean() for p in preds["val"][m]]))
               for m in cands}  # fmt: skip
    pick = min(cands, key=val_mae.get)
    levers |= {"pick": pick, "val_mae": val_mae}
    for s in tasks:
        preds[s][f"pick on val ({pick})"] = preds[s][pick]

    task = tasks[args.split]
    err = {m: np.mean([per_trip(p, task) for p in ps], 0) for m, ps in preds[args.split].items()}
    # the stronger of the two kNNs on the scored split (as `trajlm eval` names its best baseline)
    best = min(("kNN continuation", "kNN continuation (place-aware)"), key=lambda m: err[m].mean())
    rows = []
    for m, e in err.items():
        seeds = [float(per_trip(p, task).mean()) for p in preds[args.split][m]]
        r = paired_bootstrap_ratio(e, err["kNN continuation"])
        cv = paired_bootstrap_ratio(e, err["constant velocity"])
        b = paired_bootstrap_ratio(e, err[best])
        rows.append({"method": m, "n_seeds": len(seeds), "mae_m": float(e.mean()),
                     "seed_mae_m": seeds, "vs_knn": r, "vs_best_knn": b, "vs_cv": cv})  # fmt: skip
    meta = {"data": str(args.data), "name": name, "split": args.split, "n": len(task.lengths),
            "n_val": len(tasks["val"].lengths), "best_knn": best,
            "knn": {"n_neighbors": knn.n_neighbors, "history": knn.history},
            "place": {"n_neighbors": place.n_neighbors, "w_place": place.w_place,
                      "w_heading": place.w_heading}, "levers": levers}  # fmt: skip
    write_results(args.out, {"meta": meta, "rows": rows}, to_markdown(rows, meta))


def verdict(r: dict) -> str:
    if not np.isfinite(r["lo"]):
        return "-"
    return "below" if r["hi"] < 1 else "above" if r["lo"] > 1 else "level"


def to_markdown(rows: list[dict], meta: dict) -> str:
    lines = [f"_{meta['name']} ({meta['split']}, {meta['n']} trips; val {meta['n_val']}; "
             f"levers {meta['levers']})_", "",
             "| data set | method | seeds | MAE m | / kNN (95 % CI) | vs kNN | / best kNN (95 % CI) "
             "| vs best kNN | / CV (95 % CI) |", "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        k, c, b = r["vs_knn"], r["vs_cv"], r["vs_best_knn"]
        sd = f" ± {np.std(r['seed_mae_m']):.1f}" if r["n_seeds"] > 1 else ""
        lines.append(f"| {meta['name']} | {r['method']} | {r['n_seeds']} | {r['mae_m']:.1f}{sd} | "
                     f"{k['ratio']:.3f} ({k['lo']:.3f}-{k['hi']:.3f}) | {verdict(k)} | "
                     f"{b['ratio']:.3f} ({b['lo']:.3f}-{b['hi']:.3f}) | {verdict(b)} | "
                     f"{c['ratio']:.3f} ({c['lo']:.3f}-{c['hi']:.3f}) |")  # fmt: skip
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
