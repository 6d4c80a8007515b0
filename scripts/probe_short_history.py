"""Short histories on real val trips: a model vs constant velocity with k = 2..16 points.

Cuts every val trajectory every 20 points (from point 16 on, at most 600 cuts); the last k
points before a cut are the history, the next 5 the truth. Prints per k the 5-step MAE of the
model and of constant velocity, their ratio and a bootstrap 95 % CI over cuts
(docs/generalization.md "Session 12").

    python scripts/probe_short_history.py --data /tmp/stores/porto [--model trajlm-small]
        [--backtest-min-steps 3 --backtest-prior 1]   # the settings before session 12
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
import torch

M_PER_DEG = 111_320.0


def errors(model, hist: pd.DataFrame, truth: pd.DataFrame, lat0: float) -> pd.Series:
    p = model.predict(hist, steps=5).merge(truth, on=["traj_id", "step"], suffixes=("_p", ""))
    dx = (p.lon_p - p.lon) * M_PER_DEG * np.cos(np.radians(lat0))
    return p.assign(e=np.hypot((p.lat_p - p.lat) * M_PER_DEG, dx)).groupby("traj_id").e.mean()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="a store; its val split is cut")
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--backtest-min-steps", type=int, help="override the model's")
    ap.add_argument("--backtest-prior", type=float, help="override the model's")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    import trajlm
    from trajlm.baselines import ConstantVelocity
    from trajlm.data.store import read_store

    model = trajlm.TrajLM.from_pretrained(args.model)
    if args.backtest_min_steps is not None:
        model.model.config.backtest_min_steps = args.backtest_min_steps
    if args.backtest_prior is not None:
        model.model.config.backtest_prior = args.backtest_prior
    df = read_store(args.data, "val").to_pandas()[["traj_id", "t", "lat", "lon"]]
    trips = {tid: g.reset_index(drop=True) for tid, g in df.groupby("traj_id")}
    cuts = [(tid, c) for tid, g in trips.items() for c in range(16, len(g) - 4, 20)][:600]
    rng = np.random.default_rng(0)
    print(f"{args.data}: {len(cuts)} cuts")
    for k in (2, 3, 4, 5, 8, 16):
        hist, truth = [], []
        for i, (tid, c) in enumerate(cuts):
            g = trips[tid]
            hist.append(g.iloc[c - k : c].assign(traj_id=f"c{i}"))
            truth.append(g.iloc[c : c + 5].assign(traj_id=f"c{i}", step=np.arange(1, 6)))
        hist, truth = pd.concat(hist), pd.concat(truth)
        lat0 = float(hist.lat.mean())
        em, ec = errors(model, hist, truth, lat0), errors(ConstantVelocity(), hist, truth, lat0)
        both = em.index.intersection(ec.index)
        a, b = em[both].to_numpy(), ec[both].to_numpy()
        boot = [a[s].mean() / b[s].mean() for s in rng.integers(0, len(a), (1000, len(a)))]
        lo, hi = np.percentile(boot, [2.5, 97.5])
        print(f"k={k:2d} n={len(a)} model {a.mean():7.1f} m  cv {b.mean():7.1f} m  "
              f"ratio {a.mean() / b.mean():.3f} CI {lo:.3f}-{hi:.3f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
