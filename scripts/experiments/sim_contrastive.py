"""Similarity (PROTOCOL task 5) with contrastive fine-tuning.

python sim_contrastive.py STORE RUN OUT [EPOCHS] [N_POINTS] [SEED]
Evaluates on the test split: the pretrained RUN and a random init of its architecture, each
before and after fit_contrastive on the train split (best epoch on val), queries thinned to
N_POINTS points.
"""
import json, sys
import polars as pl, torch
torch.set_num_threads(1)
from trajlm.data.store import read_store
from trajlm.eval.similarity import run_similarity_eval
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive
from trajlm.tasks.embed import ModelEmbedder

store, run, out = sys.argv[1:4]
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 10
n_points = int(sys.argv[5]) if len(sys.argv) > 5 else 64
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
df = read_store(store)
train, val = df.filter(pl.col("split") == "train"), df.filter(pl.col("split") == "val")
cc = ContrastiveConfig(epochs=epochs, n_points=n_points, seed=seed)
pre = TrajectoryModel.from_pretrained(run).eval()
cfg = ModelConfig.from_dict(pre.config.to_dict())
models, info = [], {}
for name, make in (("pretrained", lambda: TrajectoryModel.from_pretrained(run)),
                   ("random init", lambda: (torch.manual_seed(seed), TrajectoryModel(cfg))[1])):
    m = make().eval()
    models.append(ModelEmbedder(m, name=f"{name}, mean-pooled", n_points=n_points))
    ft = make()
    info[name] = fit_contrastive(ft, train, val, cc, verbose=True)
    models.append(ModelEmbedder(ft, name=f"{name} + contrastive", n_points=n_points))
print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "history"} for k, v in info.items()}))
run_similarity_eval(df, models=tuple(models), out=out)
