"""smallval25: per-trip 5-step ADE on a store's val split (the pool small val splits are drawn
from) for the model and every candidate configuration of the prediction verdict: linear-3, the
two [time] baselines, kNN on its tuning grid (protocol.tune_knn's), place-aware kNN on its
grid (place_knn.GRID x the 3 histories). python errs.py RUN STORE OUT.npz [POOL]: POOL a
store of fresh trips of the same kind (all its splits are the pool; kNN still fits on STORE's train)"""

import sys
import time
from pathlib import Path

import numpy as np

import trajlm
from trajlm.data.features import LocalProjection
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.knn_check import baseline_answer, val_task_of
from trajlm.eval.place_knn import GRID, PlaceKNNContinuation
from trajlm.model.rollout import ModelPredictor

run, data, dest = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
t0 = time.time()
model = trajlm.TrajLM.from_pretrained(run, threads=1).model
train = read_store(data, split="train").drop("split", strict=False)
if len(sys.argv) > 4:
    from trajlm.data.protocol_tasks import make_prediction_task

    task = make_prediction_task(read_store(sys.argv[4]).drop("split", strict=False))
else:
    task = val_task_of(data)
truth = task.target_latlon
k = truth.shape[1]
proj = LocalProjection.fit(train)
errs = {"model": M.point_errors(ModelPredictor(model).predict_next(task), truth).mean(1)}
print("model", time.time() - t0, flush=True)
for est in (
    B.LinearExtrapolation(3),
    B.ConstantVelocity(use_time=True),
    B.LinearExtrapolation(3, "fit", True),
):
    errs[est.name] = M.point_errors(baseline_answer(est.fit(train), proj, task), truth).mean(1)
for h in (3, 5, 8):
    knn = B.KNNContinuation(1, h, k).fit(train, proj)
    for nb in (5, 10, 20, 40, 80):
        knn.n_neighbors = nb
        errs[f"knn|h={h},nb={nb}"] = M.point_errors(baseline_answer(knn, proj, task), truth).mean(1)
print("knn", time.time() - t0, flush=True)
for h in (3, 5, 8):
    for wp in GRID["w_place"]:
        for wh in GRID["w_heading"]:
            est = PlaceKNNContinuation(1, h, k, w_place=wp, w_heading=wh).fit(train, proj)
            for nb in GRID["n_neighbors"]:
                est.n_neighbors = nb
                errs[f"place|h={h},wp={wp},wh={wh},nb={nb}"] = M.point_errors(
                    baseline_answer(est, proj, task), truth
                ).mean(1)
    print("place h", h, time.time() - t0, flush=True)
names = list(errs)
E = np.stack([errs[n] for n in names])
np.savez(dest, names=np.array(names), errs=E, traj_ids=np.asarray(task.traj_ids).astype(str))
print("done", E.shape, np.isfinite(E).all(0).sum(), time.time() - t0, flush=True)
