"""Similarity search (PROTOCOL.md task 5, issue 7): pretrained vs contrastive embeddings.

Per seed: the --pretrained run and a random init of its architecture (mean-pooled, queries
thinned to --n-points), and the run after contrastive fine-tuning (trajlm.tasks.contrastive,
train split, best epoch on val) with queries of N and N / 2 points, beside DTW, discrete Fréchet,
Hausdorff and the resampled shape; mean ± std over seeds (``trajlm.eval.report.aggregate_runs``)
and each method's query speed relative to DTW's.

``--scratch-arm`` (issue 14 item 7, the foundation premise) adds "random init + contrastive": a
random init (the --pretrained architecture and NormStats, seeded) through the same
contrastive fine-tune, and writes the per-query ranks of every embedding (DIR/ranks.json) and
the paired bootstrap 95 % CI (trajlm.eval.compare) of pretrained + contrastive minus random
init + contrastive on the seed-averaged per-query rank, top-1 and top-5 hits
(DIR/premise.json, DIR/premise.md; negative rank / positive hit differences favour pretraining).

    python scripts/similarity_results.py --data GEOLIFE_STORE --pretrained RUN/best --out DIR \
        --epochs 8 --n-points 32 --seeds 0 1 2 [--scratch-arm]

Writes DIR/seed<s>/eval_similarity.{json,md} per seed and DIR/similarity.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import polars as pl
import torch

from trajlm.data.store import read_store
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.report import (
    EvalResult,
    aggregate_runs,
    mean_std,
    write_markdown_table,
)
from trajlm.eval.similarity import EmbeddingSearch, make_similarity_task, run_similarity_eval
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive
from trajlm.tasks.embed import ModelEmbedder

HEADER = ["method", "mean rank", "top-1 (%)", "top-5 (%)", "ms / query", "speed-up vs DTW"]
PREMISE_HEADER = ["metric", "random init + contrastive", "pretrained + contrastive",
                  "pretrained - random init (95 % CI)", "queries", "seeds"]  # fmt: skip


def embedders(
    run: str, seed: int, n: int, train, val, epochs: int, scratch_arm: bool = False
) -> list[ModelEmbedder]:
    """The embedding methods of one seed (the contrastive fine-tunes happen here): four, and
    with ``scratch_arm`` a fifth, the random init through the same contrastive fine-tune."""
    torch.manual_seed(seed)
    cfg = TrajectoryModel.from_pretrained(run).config
    rand = TrajectoryModel(ModelConfig.from_dict(cfg.to_dict())).eval()
    ft = TrajectoryModel.from_pretrained(run)
    contrastive = ContrastiveConfig(epochs=epochs, n_points=n, seed=seed)
    info = fit_contrastive(ft, train, val, contrastive)
    print(seed, json.dumps({k: v for k, v in info.items() if k != "history"}), flush=True)
    pre = TrajectoryModel.from_pretrained(run).eval()
    out = [
        ModelEmbedder(pre, name=f"pretrained, mean-pooled ({n} pts)", n_points=n),
        ModelEmbedder(rand, name=f"random init, mean-pooled ({n} pts)", n_points=n),
        ModelEmbedder(ft, name=f"pretrained + contrastive ({n} pts)", n_points=n),
        ModelEmbedder(ft, name=f"pretrained + contrastive ({n // 2} pts)", n_points=n // 2),
    ]
    if scratch_arm:  # a fresh seeded random init (another draw than rand, which stays untrained)
        torch.manual_seed(seed)
        scratch = TrajectoryModel(ModelConfig.from_dict(cfg.to_dict()))
        info = fit_contrastive(scratch, train, val, contrastive)
        print(seed, "scratch", json.dumps({k: v for k, v in info.items() if k != "history"}))
        out.append(ModelEmbedder(scratch.eval(), name=f"random init + contrastive ({n} pts)",
                                 n_points=n))  # fmt: skip
    return out


def query_ranks(test, models: list[ModelEmbedder], min_points: int = 10) -> dict[str, list[int]]:
    """{method: (N,) rank of each test query's true match} (1 = best, ties against it), the
    same odd/even task and L2 search as ``run_similarity_eval``."""
    task = make_similarity_task(test, min_points)
    out = {}
    for m in models:
        dist = EmbeddingSearch(m.embed, "l2").fit(task.database).rank_all(task.query)
        out[m.name] = (1 + (dist < np.diag(dist)[:, None]).sum(1)).tolist()
    return out


def premise_table(ranks: dict[int, dict[str, list[int]]], n: int, out: Path) -> Path:
    """Pretrained + contrastive vs random init + contrastive, paired over queries (seed-averaged
    rank and hits); DIR/premise.json and DIR/premise.md."""
    seeds = sorted(ranks)
    arms = {  # arm -> (seeds, queries) ranks
        a: np.array([ranks[s][f"{a} + contrastive ({n} pts)"] for s in seeds], np.float64)
        for a in ("pretrained", "random init")
    }
    metrics = {"mean rank": lambda r: r, "top-1 (%)": lambda r: 100.0 * (r <= 1),
               "top-5 (%)": lambda r: 100.0 * (r <= 5)}  # fmt: skip
    rec, rows = {"seeds": seeds, "n_points": n}, []
    for name, f in metrics.items():
        pre, scr = f(arms["pretrained"]), f(arms["random init"])  # (seeds, queries)
        ci = paired_bootstrap_ci(pre.mean(0), scr.mean(0))
        per_seed = {a: v.mean(1) for a, v in (("random init", scr), ("pretrained", pre))}
        rec[name] = {**ci, **{a: v.tolist() for a, v in per_seed.items()}}
        rows.append([name, *[f"{v.mean():.2f} ± {v.std():.2f}" for v in per_seed.values()],
                     f"{ci['diff']:+.2f} ({ci['lo']:+.2f} to {ci['hi']:+.2f})", str(ci["n"]),
                     str(len(seeds))])  # fmt: skip
    (out / "premise.json").write_text(json.dumps(rec, indent=2))
    return write_markdown_table(out / "premise.md", PREMISE_HEADER, rows)


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="Store directory.")
    ap.add_argument("--pretrained", required=True, help="Pretrained run directory.")
    ap.add_argument("--out", required=True, type=Path, help="Output directory.")
    ap.add_argument("--epochs", type=int, default=8, help="Contrastive fine-tuning epochs.")
    ap.add_argument("--n-points", type=int, default=32, help="Points per (thinned) query.")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--scratch-arm", action="store_true",
                    help="Also random init + the same contrastive fine-tune, paired CI.")  # fmt: skip
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    df = read_store(args.data)
    train, val = df.filter(pl.col("split") == "train"), df.filter(pl.col("split") == "val")
    test = df.filter(pl.col("split") == "test").drop("split")
    merged, ranks = EvalResult("similarity"), {}
    for seed in args.seeds:
        models = embedders(args.pretrained, seed, args.n_points, train, val, args.epochs,
                           args.scratch_arm)  # fmt: skip
        res = run_similarity_eval(df, models=tuple(models), out=args.out / f"seed{seed}",
                                  verbose=False)  # fmt: skip
        ranks[seed] = query_ranks(test, models)
        merged.rows += [{**r, "method": f"{r['method']} s{seed}"} for r in res.rows]
    methods = list(dict.fromkeys(r["method"].rsplit(" s", 1)[0] for r in merged.rows))
    for name in methods:  # one mean ± std row per method over the seeds
        aggregate_runs(merged, [f"{name} s{s}" for s in args.seeds], name)
    if len(args.seeds) == 1:  # aggregate_runs needs two runs; one seed is its own row
        merged.rows += [{**r, "method": r["method"].rsplit(" s", 1)[0]} for r in merged.rows]
    (args.out / "ranks.json").write_text(json.dumps(ranks))
    if args.scratch_arm:
        print(premise_table(ranks, args.n_points, args.out).read_text())
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
