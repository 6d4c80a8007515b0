"""Score models on a store's test split (PROTOCOL task 1: 20 points in, the next 5 out) as a
ratio to constant velocity, with a paired bootstrap 95 % CI over trips (docs/pretraining.md).

    python scripts/pretrain_eval.py --data /tmp/stores/geolife \
        --model "porto scratch=runs/a/best,runs/b/best" --model "small=trajlm-small" \
        --label "Porto -> GeoLife" --out out/pretrain/x.json

A --model NAME=DIR[,DIR...] lists one weights directory per seed (a run: its best/; or a
named checkpoint such as trajlm-small). Per seed: 5-step MAE (m) and MAE / CV. Over seeds:
mean ± std, and the CI of the ratio of the seed-averaged per-trip errors to CV's, from 2,000
paired resamples of the test trips. Appends one JSON record per model to --out (a list).

--split val scores the val split instead (to choose a recipe without reading test);
--coverage-gate speed scores every model with ModelConfig.coverage_gate = "speed" (an
inference-time setting, docs/generalization.md "Graceful degradation"); --speed-range LO:HI
scores only the trips whose history's median step speed (m/s) lies in [LO, HI) (e.g. the slow
movers a taxi model never saw). --knn adds PROTOCOL's kNN continuation (fitted on a store's
train split, n_neighbors / history tuned on its val split: trajlm.eval.protocol.tune_knn; the
scored store unless --knn-from names another, e.g. the model's own city for a cross-city row)
and each model's paired bootstrap 95 % CI of its per-trip error minus kNN's.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

N_BOOT = 2000


def trip_errors(pred: np.ndarray, true: np.ndarray) -> np.ndarray:
    from trajlm.data.metrics import point_errors

    return point_errors(pred, true).mean(axis=1)  # (N,) metres, mean over the k steps


def cv_errors(task, store: Path) -> np.ndarray:
    from trajlm.data.store import load_stats
    from trajlm.eval.baselines import ConstantVelocity

    proj = load_stats(store).projection
    xy = task.xy(proj)
    out = ConstantVelocity().predict(xy, task.lengths, k=task.target_t.shape[1])
    pred = np.stack(proj.inverse(out[..., 0], out[..., 1]), axis=-1)
    return trip_errors(pred, task.target_latlon)


def model_errors(
    weights: str,
    task,
    coverage_gate: str | None = None,
    context: str | None = None,
    backtest_gate: float | None = None,
    backtest_steps: int | None = None,
) -> np.ndarray:
    from trajlm.model import TrajectoryModel
    from trajlm.model.rollout import ModelPredictor

    model = TrajectoryModel.from_pretrained(weights).eval()
    if coverage_gate is not None:
        model.config.coverage_gate = coverage_gate
    if context is not None:  # inference-time, like the gate: full | motion | auto
        model.config.context = model.embed.context = context
    if backtest_gate is not None:  # inference-time too (model/backtest.py)
        model.config.backtest_gate = backtest_gate
    if backtest_steps is not None:
        model.config.backtest_steps = backtest_steps
    return trip_errors(ModelPredictor(model).predict_next(task), task.target_latlon)


def knn_errors(task, store: Path, train_store: Path) -> tuple[np.ndarray, str]:
    """(N,) per-trip errors of the kNN continuation fitted on train_store's train split and
    tuned on its val split, and the chosen setting."""
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import load_stats, read_store
    from trajlm.eval.protocol import tune_knn

    train_proj = load_stats(train_store).projection
    val_task = make_prediction_task(read_store(train_store, split="val"))
    knn, scores = tune_knn(read_store(train_store, split="train"), val_task, train_proj)
    proj = load_stats(store).projection  # the inputs are relative metres: any local frame works
    t0 = task.hist_t[:, :1]
    k = task.target_t.shape[1]
    out = knn.predict(task.xy(proj), task.lengths, k, task.hist_t - t0, task.target_t - t0)
    pred = np.stack(proj.inverse(out[..., 0], out[..., 1]), axis=-1)
    setting = f"history={knn.history},n_neighbors={knn.n_neighbors}"
    return trip_errors(pred, task.target_latlon), setting


def median_speeds(task) -> np.ndarray:
    """(N,) median step speed (m/s) of each history (haversine over its real points)."""
    from trajlm.data.features import EARTH_RADIUS_M

    lat, lon = np.radians(task.hist_latlon[..., 0]), np.radians(task.hist_latlon[..., 1])
    a = (
        np.sin(np.diff(lat, axis=1) / 2) ** 2
        + np.cos(lat[:, 1:]) * np.cos(lat[:, :-1]) * np.sin(np.diff(lon, axis=1) / 2) ** 2
    )
    dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))  # (N, T-1)
    dt = np.diff(task.hist_t, axis=1).astype(np.float64)
    real = np.arange(dist.shape[1])[None] < (task.lengths - 1)[:, None]
    v = np.where(real & (dt > 0), dist / np.where(dt > 0, dt, 1.0), np.nan)
    return np.nan_to_num(np.nanmedian(v, axis=1), nan=0.0)


def ratio_ci(model: np.ndarray, base: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """Paired bootstrap 95 % CI of mean(model) / mean(base) over trips."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(base), size=(N_BOOT, len(base)))
    r = model[idx].mean(1) / base[idx].mean(1)
    return float(np.percentile(r, 2.5)), float(np.percentile(r, 97.5))


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, type=Path, help="store; its test split is scored")
    ap.add_argument("--model", action="append", default=[], help="NAME=DIR[,DIR...] (seeds)")
    ap.add_argument("--label", default="", help="row label, e.g. 'Porto -> GeoLife'")
    ap.add_argument("--max-trips", type=int, default=0, help="score the first N test trips only")
    ap.add_argument("--out", type=Path, help="append the records to this JSON list")
    ap.add_argument(
        "--split",
        default="test",
        choices=("test", "val", "train"),
        help="split scored (train: of a store the model never saw, a held-out diagnosis set)",
    )
    ap.add_argument("--coverage-gate", choices=("none", "speed"), help="override every model's")
    ap.add_argument("--context", choices=("full", "motion", "auto"), help="override every model's")
    ap.add_argument("--backtest-gate", type=float, help="override every model's (0 = off)")
    ap.add_argument("--backtest-steps", type=int, help="override every model's (0 = one-step)")
    ap.add_argument("--speed-range", help="LO:HI m/s: only trips with history median speed in it")
    ap.add_argument("--knn", action="store_true", help="add the kNN baseline and CIs vs it")
    ap.add_argument("--knn-from", type=Path, help="fit / tune kNN on this store (default --data)")
    args = ap.parse_args(argv)
    if args.knn and args.split == "val" and args.knn_from in (None, args.data):
        ap.error("--knn tunes on the val split: score test, or fit it on another store")

    import torch

    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    df = read_store(args.data, split=args.split)
    if args.max_trips:
        keep = df["traj_id"].unique(maintain_order=True).head(args.max_trips)
        df = df.filter(df["traj_id"].is_in(keep.implode()))
    task = make_prediction_task(df)
    if args.speed_range:
        import dataclasses

        lo, hi = (float(x) for x in args.speed_range.split(":"))
        v = median_speeds(task)
        keep = (v >= lo) & (v < hi)
        arrays = ("hist_latlon", "hist_t", "lengths", "target_latlon", "target_t")
        task = dataclasses.replace(task, traj_ids=[i for i, k in zip(task.traj_ids, keep,
                                   strict=True) if k], **{f: getattr(task, f)[keep] for f in arrays})  # fmt: skip
        args.label = f"{args.label}, history median speed {lo:g}-{hi:g} m/s"
    base = cv_errors(task, args.data)
    records = [{"label": args.label, "data": str(args.data), "model": "constant velocity",
                "split": args.split,
                "n_trips": len(base), "mae_m": float(base.mean()), "ratio": 1.0}]  # fmt: skip
    knn = None
    if args.knn:
        from trajlm.eval.compare import paired_bootstrap_ci

        knn, setting = knn_errors(task, args.data, args.knn_from or args.data)
        lo, hi = ratio_ci(knn, base)
        records.append({"label": args.label, "data": str(args.data), "model": "kNN continuation",
                        "knn_from": str(args.knn_from or args.data), "knn_setting": setting,
                        "split": args.split, "n_trips": len(base), "mae_m": float(knn.mean()),
                        "ratio": float(knn.mean() / base.mean()), "ratio_ci95": [lo, hi],
                        "n_seeds": 1})  # fmt: skip
    for spec in args.model:
        name, dirs = spec.split("=", 1)
        if not dirs:  # no run of this model yet (pretrain_results.sh lists every model)
            print(f"skipping {name}: no weights given")
            continue
        per_seed = [
            model_errors(
                d, task, args.coverage_gate, args.context, args.backtest_gate, args.backtest_steps
            )
            for d in dirs.split(",")
        ]
        maes = np.array([e.mean() for e in per_seed])
        ratios = maes / base.mean()
        lo, hi = ratio_ci(np.mean(per_seed, axis=0), base)
        records.append({
            "label": args.label, "data": str(args.data), "model": name, "weights": dirs,
            "split": args.split, "coverage_gate": args.coverage_gate, "context": args.context,
            "n_trips": len(base), "n_seeds": len(per_seed),
            "mae_m": float(maes.mean()), "mae_std_m": float(maes.std(ddof=1)) if len(maes) > 1
            else 0.0, "mae_per_seed": maes.tolist(),
            "ratio": float(ratios.mean()), "ratio_std": float(ratios.std(ddof=1))
            if len(ratios) > 1 else 0.0, "ratio_ci95": [lo, hi],
        })  # fmt: skip
        if knn is not None:  # per-trip model - kNN (seed-averaged), paired over trips
            records[-1]["vs_knn"] = paired_bootstrap_ci(np.mean(per_seed, axis=0), knn)
    for r in records:
        ci = r.get("ratio_ci95")
        extra = f" (95% CI {ci[0]:.3f}-{ci[1]:.3f}, {r['n_seeds']} seed(s))" if ci else ""
        if "vs_knn" in r:
            v = r["vs_knn"]
            extra += f"; - kNN {v['diff']:+.1f} m ({100 * v['rel']:+.1f} %, {v['lo']:+.1f} to {v['hi']:+.1f})"
        print(
            f"{r['label']:<22} {r['model']:<28} {r['mae_m']:8.1f} m  / CV {r['ratio']:.3f}{extra}"
        )
    if args.out:
        old = json.loads(args.out.read_text()) if args.out.exists() else []
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(old + records, indent=2))
    return records


if __name__ == "__main__":
    main()
