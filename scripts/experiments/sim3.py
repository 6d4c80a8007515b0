"""Similarity (PROTOCOL task 5), 3 seeds: python sim3.py STORE PRETRAINED_RUN OUT [EPOCHS] [N_POINTS] [SEEDS]
Per seed: the pretrained RUN and a random init of its architecture (mean-pooled, queries thinned
to N_POINTS), and RUN after contrastive fine-tuning (trajlm.tasks.contrastive, train split,
best epoch on val) with queries of N_POINTS and N_POINTS / 2 points; mean ± std over seeds."""
import json, sys
import numpy as np, polars as pl, torch
torch.set_num_threads(1)
from trajlm.data.store import read_store
from trajlm.eval.similarity import run_similarity_eval
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive
from trajlm.tasks.embed import ModelEmbedder

store, run, out = sys.argv[1:4]
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 8
n = int(sys.argv[5]) if len(sys.argv) > 5 else 32
seeds = tuple(int(x) for x in sys.argv[6].split(",")) if len(sys.argv) > 6 else (0, 1, 2)
df = read_store(store)
train, val = df.filter(pl.col("split") == "train"), df.filter(pl.col("split") == "val")
cfg = TrajectoryModel.from_pretrained(run).config
groups = {}
for seed in seeds:
    torch.manual_seed(seed)
    rand = TrajectoryModel(ModelConfig.from_dict(cfg.to_dict())).eval()
    ft = TrajectoryModel.from_pretrained(run)
    info = fit_contrastive(ft, train, val, ContrastiveConfig(epochs=epochs, n_points=n, seed=seed))
    print(seed, json.dumps({k: v for k, v in info.items() if k != "history"}), flush=True)
    res = run_similarity_eval(df, models=(
        ModelEmbedder(TrajectoryModel.from_pretrained(run).eval(), name=f"pretrained, mean-pooled ({n} pts)", n_points=n),
        ModelEmbedder(rand, name=f"random init, mean-pooled ({n} pts)", n_points=n),
        ModelEmbedder(ft, name=f"pretrained + contrastive ({n} pts)", n_points=n),
        ModelEmbedder(ft, name=f"pretrained + contrastive ({n // 2} pts)", n_points=n // 2),
    ), out=f"{out}/seed{seed}", verbose=False)
    for r in res.rows:
        groups.setdefault(r["method"], []).append({**r["metrics"], "fit_s": r["fit_s"], "train_s": info["train_s"]})
lines = ["| method | mean rank | top-1 (%) | top-5 (%) | ms / query | speed-up vs DTW |", "|---|---|---|---|---|---|"]
dtw = np.mean([g["query_ms"] for g in groups["DTW"]])
for name, rows in groups.items():
    def f(k, d=1):
        v = [r[k] for r in rows]
        return f"{np.mean(v):.{d}f} ± {np.std(v):.{d}f}"
    ms = np.mean([r["query_ms"] for r in rows])
    lines.append(f"| {name} | {f('mean_rank', 2)} | {f('top1_pct')} | {f('top5_pct')} | {f('query_ms', 3)} | {dtw / ms:.0f}x |")
open(f"{out}/similarity.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
