"""Similarity search (PROTOCOL.md task 5, issue 7): pretrained vs contrastive embeddings.

Per seed: the --pretrained run and a random init of its architecture (mean-pooled, queries
thinned to --n-points), and the run after contrastive fine-tuning (trajlm.tasks.contrastive,
train split, best epoch on val) with queries of N and N / 2 points, beside DTW, discrete Fréchet,
Hausdorff and the resampled shape; mean ± std over seeds (``trajlm.eval.report.aggregate_runs``)
and each method's query speed relative to DTW's.

    python scripts/similarity_results.py --data GEOLIFE_STORE --pretrained RUN/best --out DIR \
        --epochs 8 --n-points 32 --seeds 0 1 2

Writes DIR/seed<s>/eval_similarity.{json,md} per seed and DIR/similarity.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl
import torch

from trajlm.data.store import read_store
from trajlm.eval.report import (
    EvalResult,
    aggregate_runs,
    mean_std,
    write_markdown_table,
)
from trajlm.eval.similarity import run_similarity_eval
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive
from trajlm.tasks.embed import ModelEmbedder

HEADER = ["method", "mean rank", "top-1 (%)", "top-5 (%)", "ms / query", "speed-up vs DTW"]


def embedders(run: str, seed: int, n: int, train, val, epochs: int) -> list[ModelEmbedder]:
    """The four embedding methods of one seed (the contrastive fine-tune happens here)."""
    torch.manual_seed(seed)
    cfg = TrajectoryModel.from_pretrained(run).config
    rand = TrajectoryModel(ModelConfig.from_dict(cfg.to_dict())).eval()
    ft = TrajectoryModel.from_pretrained(run)
    info = fit_contrastive(ft, train, val, ContrastiveConfig(epochs=epochs, n_points=n, seed=seed))
    print(seed, json.dumps({k: v for k, v in info.items() if k != "history"}), flush=True)
    pre = TrajectoryModel.from_pretrained(run).eval()
    return [
        ModelEmbedder(pre, name=f"pretrained, mean-pooled ({n} pts)", n_points=n),
        ModelEmbedder(rand, name=f"random init, mean-pooled ({n} pts)", n_points=n),
        ModelEmbedder(ft, name=f"pretrained + contrastive ({n} pts)", n_points=n),
        ModelEmbedder(ft, name=f"pretrained + contrastive ({n // 2} pts)", n_points=n // 2),
    ]


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="Store directory.")
    ap.add_argument("--pretrained", required=True, help="Pretrained run directory.")
    ap.add_argument("--out", required=True, type=Path, help="Output directory.")
    ap.add_argument("--epochs", type=int, default=8, help="Contrastive fine-tuning epochs.")
    ap.add_argument("--n-points", type=int, default=32, help="Points per (thinned) query.")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    df = read_store(args.data)
    train, val = df.filter(pl.col("split") == "train"), df.filter(pl.col("split") == "val")
    merged = EvalResult("similarity")
    for seed in args.seeds:
        models = embedders(args.pretrained, seed, args.n_points, train, val, args.epochs)
        res = run_similarity_eval(df, models=tuple(models), out=args.out / f"seed{seed}",
                                  verbose=False)  # fmt: skip
        merged.rows += [{**r, "method": f"{r['method']} s{seed}"} for r in res.rows]
    methods = list(dict.fromkeys(r["method"].rsplit(" s", 1)[0] for r in merged.rows))
    for name in methods:  # one mean ± std row per method over the seeds
        aggregate_runs(merged, [f"{name} s{s}" for s in args.seeds], name)
    if len(args.seeds) == 1:  # aggregate_runs needs two runs; one seed is its own row
        merged.rows += [{**r, "method": r["method"].rsplit(" s", 1)[0]} for r in merged.rows]
    rows = {r["method"]: r for r in merged.rows if r["method"] in methods}
    dtw_ms = rows["DTW"]["metrics"]["query_ms"]
    table = [
        [name, mean_std(r, "mean_rank", "{:.2f}"), mean_std(r, "top1_pct"),
         mean_std(r, "top5_pct"), mean_std(r, "query_ms", "{:.3f}"),
         f"{dtw_ms / r['metrics']['query_ms']:.0f}x"]
        for name, r in rows.items()
    ]  # fmt: skip
    return write_markdown_table(args.out / "similarity.md", HEADER, table)


if __name__ == "__main__":
    main()
