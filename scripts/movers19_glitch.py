"""A glitched last fix on position-only tables (session 19, movers19).

False drops: cuts every val trajectory of a store every 20 points (at most 600 cuts); the last
k points before a cut are a history; counts histories whose last fix
``api_glitch.implied_glitched_last`` calls a glitch (all real fixes: each is a false drop, or a
real glitch in the data). Gain: the same histories with the last fix moved D metres in a random
direction; 5-step MAE (m) of trajlm-small with the rule and without it (only reported-speed
glitches judged, as before), beside constant velocity, against the next 5 real fixes.

    python scripts/movers19_glitch.py --data /tmp/stores/porto [--seed 0] [--k 8]
    python scripts/movers19_glitch.py --movers /tmp/movers19/p1/s5 [--kinds ...]   # movers16_gen.py sets
"""

from __future__ import annotations

import argparse
import os
import warnings

import numpy as np
import pandas as pd
import polars as pl
import torch

M_PER_DEG = 111_320.0


def errors(pred: pd.DataFrame, truth: pd.DataFrame, lat0: float) -> pd.Series:
    p = pred.merge(truth, on=["traj_id", "step"], suffixes=("_p", ""))
    dx = (p.lon_p - p.lon) * M_PER_DEG * np.cos(np.radians(lat0))
    return p.assign(e=np.hypot((p.lat_p - p.lat) * M_PER_DEG, dx)).groupby("traj_id").e.mean()


def ci(a: np.ndarray, b: np.ndarray, rng) -> str:
    boot = [a[s].mean() / b[s].mean() for s in rng.integers(0, len(a), (1000, len(a)))]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return f"{a.mean() / b.mean():.3f} ({lo:.3f}-{hi:.3f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="a store; its val split is cut")
    ap.add_argument("--movers", help="a movers16_gen.py folder: each KIND_hist's last k fixes")
    ap.add_argument("--kinds", nargs="*")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--k", type=int, default=8, help="history length of the gain cells")
    ap.add_argument("--model", default="trajlm-small")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    import trajlm.api_glitch as R
    from trajlm.data.store import read_store

    if args.movers:
        for kind in args.kinds or sorted(
            f[:-9] for f in os.listdir(args.movers) if f.endswith("_hist.csv")
        ):
            frames = [pd.read_csv(f"{args.movers}/{kind}_{p}.csv") for p in ("hist", "truth")]
            df = pd.concat(frames).rename(
                columns={"track_id": "traj_id", "latitude": "lat", "longitude": "lon"}
            )
            df["t"] = (
                pd.to_datetime(df.timestamp, utc=True, format="ISO8601") - pd.Timestamp(0, tz="UTC")
            ).dt.total_seconds()
            df = df.sort_values(["traj_id", "t"])[["traj_id", "t", "lat", "lon"]]
            trips = {tid: g.reset_index(drop=True) for tid, g in df.groupby("traj_id")}
            run(args, kind, trips, [(tid, 25) for tid in trips], [0, 100, 300])
        return
    df = read_store(args.data, "val").to_pandas()[["traj_id", "t", "lat", "lon"]]
    trips = {tid: g.reset_index(drop=True) for tid, g in df.groupby("traj_id")}
    cuts = [(tid, c) for tid, g in trips.items() for c in range(16, len(g) - 4, 20)][:600]
    print(f"{args.data}: {len(cuts)} cuts")
    for k in (3, 4, 8, 16):
        h = pd.concat(
            [trips[tid].iloc[c - k : c].assign(traj_id=f"c{i}") for i, (tid, c) in enumerate(cuts)]
        )
        flag = R.implied_glitched_last(pl.from_pandas(h).with_columns(pl.col("t").cast(pl.Int64)))
        print(f"false drops k={k:2d}: {int(flag.sum())} of {len(flag)}", flush=True)
    run(args, args.data, trips, cuts, [0, 100, 300, 1000])


def run(args, name: str, trips: dict, cuts: list, dists: list) -> None:
    import trajlm
    import trajlm.api_glitch as R
    import trajlm.api_subsec as S
    from trajlm.baselines import ConstantVelocity

    model = trajlm.TrajLM.from_pretrained(args.model)
    rng = np.random.default_rng(args.seed)
    k = args.k
    hist = pd.concat(
        [trips[tid].iloc[c - k : c].assign(traj_id=f"c{i}") for i, (tid, c) in enumerate(cuts)]
    )
    truth = pd.concat(
        [
            trips[tid].iloc[c : c + 5].assign(traj_id=f"c{i}", step=np.arange(1, 6))
            for i, (tid, c) in enumerate(cuts)
        ]
    )
    lat0 = float(hist.lat.mean())
    orig = R.glitched_last
    for d in dists:
        h = hist.copy()
        is_last = h.traj_id != h.traj_id.shift(-1)
        ang = rng.uniform(0, 2 * np.pi, int(is_last.sum()))
        h.loc[is_last, "lat"] += d * np.sin(ang) / M_PER_DEG
        h.loc[is_last, "lon"] += d * np.cos(ang) / (M_PER_DEG * np.cos(np.radians(lat0)))
        R.glitched_last = orig
        S.glitched_last = orig
        e_new = errors(model.predict(h, steps=5), truth, lat0)
        R.glitched_last = S.glitched_last = lambda x: np.zeros(x["traj_id"].n_unique(), bool)
        e_old = errors(model.predict(h, steps=5), truth, lat0)
        e_cv = errors(ConstantVelocity().predict(h, steps=5), truth, lat0)
        both = e_new.index.intersection(e_old.index).intersection(e_cv.index)
        a, b, c = (e[both].to_numpy() for e in (e_new, e_old, e_cv))
        r = np.random.default_rng(0)
        print(f"{name} glitch {d:5d} m k={k}: n={len(a)} rule {a.mean():7.1f} m  before {b.mean():7.1f} m  "
              f"cv {c.mean():7.1f} m  rule/before {ci(a, b, r)}  rule/cv {ci(a, c, r)}", flush=True)  # fmt: skip
    R.glitched_last = orig


if __name__ == "__main__":
    main()
