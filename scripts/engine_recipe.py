"""A small fixed fine-tune recipe on the synthetic city, one row per fine-tune kind.

Used to check that moving every fine-tune onto one training engine did not change behaviour
(docs/finetune.md, "One engine: before/after"). Small synthetic runs, seconds each; they are a
regression check, not results. Only public entry points are called, so the same script runs
before and after a refactor:

    python scripts/engine_recipe.py --out /tmp/recipe     # prints one JSON line per kind
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import polars as pl
import torch


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n-trips", type=int, default=400)
    ap.add_argument("--pretrain-steps", type=int, default=200)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0, help="seed of the fine-tunes (not the pretrain)")
    args = ap.parse_args()
    torch.set_num_threads(1)

    from trajlm.data.ingest import synth_store
    from trajlm.data.metrics import ade, distance_metrics, point_errors
    from trajlm.data.protocol_tasks import make_prediction_task, make_recovery_task
    from trajlm.data.segments import make_mode_segments, split_segments
    from trajlm.data.store import read_store
    from trajlm.finetune.masked import finetune_task
    from trajlm.finetune.trainer import finetune_next_point
    from trajlm.model import ModelConfig, TrajectoryModel
    from trajlm.model.rollout import ModelPredictor
    from trajlm.similarity import make_similarity_task, ranking_metrics
    from trajlm.tasks.classify import ModelClassifier
    from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive
    from trajlm.tasks.embed import embed
    from trajlm.tasks.recover import ModelRecoverer
    from trajlm.train.trainer import TrainConfig, Trainer

    out = args.out
    store, run = out / "store", out / "pre"
    if not store.exists():
        synth_store(store, n_trajectories=args.n_trips, seed=0)
    df = read_store(store)
    test = df.filter(pl.col("split") == "test")
    arch = ModelConfig(d_model=64, n_layers=3, n_heads=4, n_kv_heads=2, max_len=64,
                       pos_type="rope_time", head="gaussian")  # fmt: skip
    if not (run / "best" / "model.safetensors").exists():
        tc = TrainConfig(max_steps=args.pretrain_steps, batch_size=32, max_len=48, stride=24,
                         lr=2e-3, warmup_steps=50, eval_every=100, save_every=100,
                         select_on="val_loss", progress=False, cpu_threads=1)  # fmt: skip
        Trainer(store, run, arch, tc).fit(overwrite=True)
    pred_task = make_prediction_task(test)
    rows = []

    def row(kind: str, t0: float, **metrics) -> None:
        rows.append({"kind": kind, "s": round(time.perf_counter() - t0, 1), **metrics})
        print(json.dumps(rows[-1]), flush=True)

    base = TrajectoryModel.from_pretrained(run / "best")
    row(
        "pretrained",
        time.perf_counter(),
        test_ade_m=ade(ModelPredictor(base).predict_next(pred_task), pred_task.target_latlon),
    )
    for mode in ("full", "lora"):
        t0 = time.perf_counter()
        tc = TrainConfig(max_steps=args.steps, batch_size=32, max_len=48, stride=24, lr=1e-3,
                         warmup_steps=10, eval_every=50, progress=False, cpu_threads=1,
                         seed=args.seed)  # fmt: skip
        s = finetune_next_point(run / "best", store, out / f"predict-{mode}", mode=mode,
                                max_steps=args.steps, train_config=tc, score_test=True)  # fmt: skip
        m = TrajectoryModel.from_pretrained(out / f"predict-{mode}" / "merged")
        a = ade(ModelPredictor(m).predict_next(pred_task), pred_task.target_latlon)
        row(f"predict {mode}", t0, best_val_loss=s["best_val_loss"], test_loss=s["test_loss"],
            test_ade_m=a)  # fmt: skip

    t0 = time.perf_counter()
    segs = split_segments(make_mode_segments(df)[0], "time")
    clf = ModelClassifier(run / "best", mode="lora", lora_r=4, max_len=32, epochs=3, seed=args.seed)
    clf.fit(segs["train"], segs["val"])
    from trajlm.data.segments import segment_labels

    acc = float(np.mean(clf.classify(segs["test"]) == segment_labels(segs["test"])) * 100)
    row("classify lora", t0, test_acc_pct=acc, best_epoch=clf.info_["best_epoch"])

    t0 = time.perf_counter()
    net = TrajectoryModel.from_pretrained(run / "best")
    cfg = ContrastiveConfig(epochs=3, n_points=32, batch_size=32, seed=args.seed)
    s = fit_contrastive(net, df.filter(pl.col("split") == "train"),
                        df.filter(pl.col("split") == "val"), cfg)  # fmt: skip
    task = make_similarity_task(test)
    q, d = embed(net, task.query, n_points=32), embed(net, task.database, n_points=32)
    r = ranking_metrics(((q[:, None, :] - d[None, :, :]) ** 2).sum(-1))
    row("similarity full", t0, best_val_top1_pct=s["best_val_top1_pct"],
        test_top1_pct=r["top1_pct"], test_mean_rank=r["mean_rank"])  # fmt: skip

    t0 = time.perf_counter()
    s = finetune_task(run / "best", store, out / "recover", "recover", max_steps=args.steps,
                      seed=args.seed, overwrite=True, cpu_threads=1, batch_size=32, max_len=48)  # fmt: skip
    m = TrajectoryModel.from_pretrained(out / "recover")
    rt = make_recovery_task(test, ratio=0.5, seed=0)
    p = ModelRecoverer(m).recover(rt)
    err = point_errors(p[~rt.known], rt.latlon[~rt.known])
    row("recover full", t0, final_loss=s["final_loss"], test_mae_m=distance_metrics(err)["mae_m"])
    (out / f"recipe-seed{args.seed}.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
