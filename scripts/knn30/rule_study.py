"""Session 30 (knn30): kNN settings chosen on val by the lowest val ADE ("argmin", before) or
by the defaults-unless-reliably-beaten rule ("guarded", after; trajlm/eval/tuning_rule.py).

What it measures, per store and rule: the plain kNN's tuned cell (protocol.tune_knn) and the
place-aware kNN's (place_knn.tune_place_knn at that history), as `trajlm eval` tunes them, and
their test 5-step ADE on one window per test trip (eval's kNN rows) and on up to 5 windows per
trip ("test5"). --val-windows N: tuned on up to N windows per val trip. With --jitter N, also each store with N(0, MM mm) noise on every coordinate
(seeds 0..N-1; the split column kept): whether the chosen cells change.

Commands (outputs one JSON per store under $KNN30/<TAG>/, default /tmp/knn30):
  PYTHONPATH=. python scripts/knn30/rule_study.py TAG STORE [STORE ...] [--jitter N] [--mm MM] [--val-windows N]
  PYTHONPATH=. python scripts/knn30/summary.py TAG [TAG ...]   # the tables of the docs
"""

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.store import read_store
from trajlm.eval import metrics as M
from trajlm.eval.place_knn import tune_place_knn
from trajlm.eval.protocol import ProjectedBaseline, make_prediction_task, split_tables, tune_knn

RULES = ("argmin", "guarded")


def test_ade(est, proj: LocalProjection, task) -> float:
    return float(M.ade(ProjectedBaseline(est, proj).predict_next(task), task.target_latlon))


def tuned(df: pl.DataFrame, val_windows: int = 1) -> dict:
    """Per rule: the two kNNs' chosen cells, their val choice record and test ADEs."""
    parts = split_tables(df)
    train, proj = parts["train"], LocalProjection.fit(parts["train"])
    val = make_prediction_task(parts["val"], k=5, windows=val_windows)
    tests = {"test": make_prediction_task(parts["test"], k=5),
             "test5": make_prediction_task(parts["test"], k=5, windows=5)}  # fmt: skip
    out = {"n_val": len(val.lengths), "n_test": len(tests["test"].lengths)}
    if not len(val.lengths) or not len(tests["test"].lengths):
        return out
    for rule in RULES:
        knn, _ = tune_knn(train, val, proj, rule=rule)
        place, _ = tune_place_knn(train, val, proj, knn.history, rule=rule)
        out[rule] = {
            name: {"cell": est.tuning_.key, "choice": est.tuning_.to_dict(),
                   **{s: test_ade(est, proj, t) for s, t in tests.items()}}
            for name, est in (("knn", knn), ("place", place))
        }  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tag")
    ap.add_argument("stores", nargs="+")
    ap.add_argument("--jitter", type=int, default=0)
    ap.add_argument("--mm", type=float, default=5.0)
    ap.add_argument("--val-windows", type=int, default=1, help="tuning windows per val trip")
    a = ap.parse_args()
    out = Path(os.environ.get("KNN30", "/tmp/knn30")) / a.tag
    out.mkdir(parents=True, exist_ok=True)
    for store in a.stores:
        name = Path(store).name
        if (out / f"{name}.json").exists():  # resumable: a killed run keeps what it wrote
            continue
        t0 = time.time()
        df = read_store(store).sort(["traj_id", "t"])
        res = {"store": store, "base": tuned(df, a.val_windows)}
        deg = a.mm / 1000 / 111_195  # metres -> degrees of latitude
        for seed in range(a.jitter):
            rng = np.random.default_rng(seed)
            lon_deg = deg / max(np.cos(np.radians(float(df["lat"].mean()))), 1e-6)
            dj = df.with_columns(pl.col("lat") + rng.normal(0, deg, len(df)),
                                 pl.col("lon") + rng.normal(0, lon_deg, len(df)))  # fmt: skip
            res[f"jitter{seed}"] = tuned(dj, a.val_windows)
        res["seconds"] = round(time.time() - t0, 1)
        (out / f"{name}.json").write_text(json.dumps(res, indent=1))
        b = res["base"]
        print(name, b.get("n_val"), {r: {k: v["cell"] for k, v in b[r].items()}
                                     for r in RULES if r in b}, res["seconds"], flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
