"""Issue 15: each lever's model beside every prediction baseline, on val (ablation) or test.

    python scripts/beat_baselines.py --data STORE --split val \
        --arm plain=RUN_s0,RUN_s1,RUN_s2 --arm residual=R_s0,R_s1,R_s2 [--blend] --out OUT.json

An arm's directories may also be saved candidate selectors (trajlm train-selector,
docs/candidates.md): --arm selector=SEL_s0,SEL_s1,SEL_s2.

Per arm (one lever setting, 3 training seeds): MAE / RMSE / FDE (5-step, haversine m) as
mean ± std over the seeds (population std, as `trajlm eval`'s aggregate row), and the paired
bootstrap 95 % CI of the per-trajectory ADE difference (seed-averaged) against the best
baseline on that split, and against the first arm (the lever's own effect). Also the cost: parameters, train time (the run's last log record) and
rollout latency per trajectory (one thread, the whole split in batches of 256).

A model built with ``time_query`` is scored at the targets' true times (comparable with the
"[time]" baselines) and again with its own predicted times ("own times", comparable with
the per-step ones). ``--blend``: the retrieval lever's cheap form, kNN + w (model - kNN) with
w picked on val (grid 0, 0.05, ..., 1) and applied as is on the split scored.

Baselines are fit on train; kNN's k and history are tuned on val (so on --split val its row is
optimistic, which only makes the comparison harder for the model). Markdown -> stdout and
OUT.md; JSON -> OUT.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from trajlm._threads import apply_threads
from trajlm.data.features import LocalProjection
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.metrics import point_errors
from trajlm.eval.protocol import ProjectedBaseline, make_prediction_task, split_tables, tune_knn
from trajlm.eval.selector_predictor import CandidateSelectorPredictor, is_selector_dir
from trajlm.model.rollout import ModelPredictor
from trajlm.model.transformer import TrajectoryModel

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/_report.py
from _report import ci_text, pm, seed_stats, weights_text, write_results  # noqa: E402

BLEND_GRID = np.round(np.linspace(0.0, 1.0, 21), 2)


def metrics(err: np.ndarray) -> dict[str, float]:
    """(N, k) point errors -> MAE, RMSE over all points, FDE (error at the k-th)."""
    return {"mae_m": float(err.mean()), "rmse_m": float(np.sqrt((err**2).mean())),
            "fde_m": float(err[:, -1].mean())}  # fmt: skip


def train_seconds(run: Path) -> float | None:
    """Wall seconds of training, from the run's train_summary.json (None if absent)."""
    f = run / "train_summary.json"
    return float(json.loads(f.read_text())["train_time_s"]) if f.exists() else None


def load_arm(run: Path):
    """A model run, or a saved candidate selector (trajlm train-selector)."""
    if is_selector_dir(run):
        return CandidateSelectorPredictor.load(run)
    return TrajectoryModel.from_pretrained(run)


def rollout(model, task, use_time: bool | None) -> tuple[np.ndarray, float]:
    """(N, k, 2) lat/lon predictions and seconds per trajectory."""
    pred = model if hasattr(model, "predict_next") else ModelPredictor(model, use_time=use_time)
    t0 = time.perf_counter()
    out = pred.predict_next(task)
    return out, (time.perf_counter() - t0) / len(out)


def blend_weight(model_val: np.ndarray, knn_val: np.ndarray, val_task) -> float:
    """The w in kNN + w (model - kNN) with the lowest val MAE."""
    scores = [point_errors(knn_val + w * (model_val - knn_val), val_task.target_latlon).mean()
              for w in BLEND_GRID]  # fmt: skip
    return float(BLEND_GRID[int(np.argmin(scores))])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="a store (trajlm data ingest)")
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--arm", action="append", default=[], help="NAME=RUN[,RUN...]")
    ap.add_argument("--blend", action="store_true", help="also kNN + w (model - kNN)")
    ap.add_argument("--out", type=Path, required=True, help="OUT.json (+ OUT.md)")
    args = ap.parse_args(argv)
    apply_threads(1, None)

    parts = split_tables(read_store(args.data))
    train, val = parts["train"], parts["val"]
    proj = LocalProjection.fit(train)
    task = make_prediction_task(parts[args.split])
    val_task = make_prediction_task(val)
    knn, _ = tune_knn(train, val_task, proj)
    ests = [B.ConstantVelocity(), B.LinearExtrapolation(3), B.ConstantVelocity(use_time=True),
            B.LinearExtrapolation(3, "fit", True), knn]  # fmt: skip
    rows, per_traj = [], {}
    for e in ests:
        err = point_errors(ProjectedBaseline(e, proj).predict_next(task), task.target_latlon)
        rows.append({"method": e.name, "kind": "baseline", **metrics(err)})
        per_traj[e.name] = err.mean(1)
    best = min((r for r in rows), key=lambda r: r["mae_m"])["method"]
    knn_pred = ProjectedBaseline(knn, proj).predict_next(task)
    knn_val = ProjectedBaseline(knn, proj).predict_next(val_task) if args.blend else None

    for spec in args.arm:
        name, _, runs = spec.partition("=")
        runs = [Path(r) for r in runs.split(",") if r]
        models = [load_arm(r) for r in runs]
        who = (
            "candidate selector" if isinstance(models[0], CandidateSelectorPredictor) else "trajlm"
        )
        variants = [(name, None)]
        if getattr(getattr(models[0], "config", None), "time_query", False):
            variants.append((f"{name} (own times)", False))
        for label, use_time in variants:
            preds, lat = zip(*(rollout(m, task, use_time) for m in models), strict=True)
            seed_rows = [metrics(point_errors(p, task.target_latlon)) for p in preds]
            errs = [point_errors(p, task.target_latlon).mean(1) for p in preds]
            row = {"method": f"{who}: {label}", "kind": "model", "n_seeds": len(models),
                   "n_params": models[0].num_params(),
                   "train_s": [train_seconds(r) for r in runs],
                   "latency_ms_per_traj": 1000 * float(np.mean(lat))}  # fmt: skip
            row |= seed_stats(seed_rows)
            per_traj[row["method"]] = np.mean(errs, 0)
            row["vs_best_baseline"] = {
                "baseline": best,
                **paired_bootstrap_ci(np.mean(errs, 0), per_traj[best]),
            }
            first = next((r["method"] for r in rows if r["kind"] == "model"), None)
            if first is not None:  # the lever's own effect: against the first arm
                ci = paired_bootstrap_ci(np.mean(errs, 0), per_traj[first])
                row["vs_first_arm"] = {"arm": first, **ci}
            rows.append(row)
            if len(models) > 1:  # issue 15 lever 4: average the seeds' predicted points
                e_err = point_errors(np.mean(preds, 0), task.target_latlon)
                erow = {"method": f"{who}: {label} ({len(models)}-seed ensemble)",
                        "kind": "ensemble", "n_params": len(models) * row["n_params"],
                        "latency_ms_per_traj": len(models) * row["latency_ms_per_traj"],
                        **metrics(e_err)}  # fmt: skip
                erow["vs_best_baseline"] = {
                    "baseline": best,
                    **paired_bootstrap_ci(e_err.mean(1), per_traj[best]),
                }
                rows.append(erow)
            if args.blend:
                vals = [rollout(m, val_task, use_time)[0] for m in models]
                ws = [blend_weight(v, knn_val, val_task) for v in vals]
                b_err = [point_errors(knn_pred + w * (p - knn_pred), task.target_latlon)
                         for w, p in zip(ws, preds, strict=True)]  # fmt: skip
                b_seed = [metrics(e) for e in b_err]
                brow = {"method": f"kNN + w ({who}: {label} - kNN)", "kind": "blend",
                        "n_seeds": len(models), "blend_w": ws}  # fmt: skip
                brow |= seed_stats(b_seed)
                b_pt = np.mean([e.mean(1) for e in b_err], 0)
                brow["vs_best_baseline"] = {
                    "baseline": best,
                    **paired_bootstrap_ci(b_pt, per_traj[best]),
                }
                rows.append(brow)

    meta = {"data": str(args.data), "split": args.split, "n_trajectories": len(task.lengths),
            "knn": {"n_neighbors": knn.n_neighbors, "history": knn.history},
            "best_baseline": best}  # fmt: skip
    write_results(args.out, {"meta": meta, "rows": rows}, to_markdown(rows, meta))


def to_markdown(rows: list[dict], meta: dict) -> str:
    head = (f"{meta['data']} ({meta['split']}, {meta['n_trajectories']} trajectories; kNN k="
            f"{meta['knn']['n_neighbors']}, history {meta['knn']['history']})\n\n"
            f"| method | MAE (m) | RMSE (m) | FDE (m) | Δ MAE vs {meta['best_baseline']} "
            "[95 % CI] | params | latency (ms/traj) |\n|---|---|---|---|---|---|---|")  # fmt: skip
    lines = [head]
    for r in rows:
        cell = lambda k, r=r: pm(r[k], r.get(k + "_std"))  # noqa: E731
        ci = r.get("vs_best_baseline")
        ci_txt = ci_text(ci) if ci else ""
        lever = r.get("vs_first_arm")
        if lever:
            ci_txt += f"; vs {lever['arm']}: {ci_text(lever, rel=False)}"
        extra = weights_text(r["blend_w"]) if "blend_w" in r else ""
        params = f"{r['n_params']:,}" if "n_params" in r else ""
        lat = f"{r['latency_ms_per_traj']:.2f}" if "latency_ms_per_traj" in r else ""
        lines.append(f"| {r['method']}{extra} | {cell('mae_m')} | {cell('rmse_m')} | "
                     f"{cell('fde_m')} | {ci_txt} | {params} | {lat} |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
