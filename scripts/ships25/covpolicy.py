"""Coverage-warning policy: how often the position warning fires per trajectory on in-distribution
held-out trajectories (val + test of the run's own store) vs the same trajectories moved to new
regions, for several margin rules. python covpolicy.py NAME STORE RUN [NAME STORE RUN ...]"""

import json
import os
import sys
from pathlib import Path

import numpy as np
import polars as pl
from scipy.spatial import cKDTree

from trajlm.data.features import LocalProjection
from trajlm.data.longitude import wrap_lon
from trajlm.data.store import read_store
from trajlm.model.coverage import MARGIN_M, position_margin_m
from trajlm.model.coverage_regions import region_distance_m

rng = np.random.default_rng(0)


def per_traj_max(cov, df):
    d = region_distance_m(cov, df["lat"].to_numpy(), df["lon"].to_numpy())
    return (
        df.select("traj_id")
        .with_columns(d=d)
        .group_by("traj_id")
        .agg(pl.col("d").max())["d"]
        .to_numpy()
    )


def lane_spread(train, max_traj=200, max_pts=60000):
    """p50 / p90 over train trajectories of (median over its fixes of the distance to the
    nearest fix of another train trajectory), metres."""
    proj = LocalProjection.fit(train)
    x, y = proj.forward(train["lat"].to_numpy(), train["lon"].to_numpy())
    ids = train["traj_id"].to_numpy()
    uniq = np.unique(ids)
    pick = rng.choice(uniq, min(max_traj, len(uniq)), replace=False)
    meds = []
    for tid in pick:
        own = ids == tid
        other = np.flatnonzero(~own)
        if len(other) > max_pts:
            other = rng.choice(other, max_pts, replace=False)
        if len(other) == 0:
            continue
        tree = cKDTree(np.c_[x[other], y[other]])
        q = np.flatnonzero(own)
        if len(q) > 200:
            q = q[:: len(q) // 200]
        dist, _ = tree.query(np.c_[x[q], y[q]])
        meds.append(np.median(dist))
    return float(np.percentile(meds, 50)), float(np.percentile(meds, 90))


out = []
args = sys.argv[1:]
for name, store, run in zip(args[::3], args[1::3], args[2::3], strict=False):
    cov = json.loads((Path(run) / "config.json").read_text())["coverage"]
    df = read_store(store)
    train = df.filter(pl.col("split") == "train")
    held = df.filter(pl.col("split").is_in(["val", "test"]))
    base = position_margin_m(cov)
    step = base / 2 if base > MARGIN_M else (cov["speed_mps"]["p50"] * cov["dt_s"]["p50"])
    s50, s90 = lane_spread(train)
    moved = {
        "val": df.filter(pl.col("split") == "val"),
        "test": df.filter(pl.col("split") == "test"),
        "held-out (val+test)": held,
    }
    for dlat in (1.0, 3.0, 10.0):
        moved[f"lat +{dlat:g} deg"] = held.with_columns(
            pl.col("lat") + dlat if dlat < 40 else pl.col("lat")
        )
    moved["lon +30 deg"] = held.with_columns(lon=pl.Series(wrap_lon(held["lon"].to_numpy() + 30.0)))
    moved["other hemisphere"] = held.with_columns(
        lat=-pl.col("lat"), lon=pl.Series(wrap_lon(held["lon"].to_numpy() + 180.0))
    )
    dmax = {k: per_traj_max(cov, v) for k, v in moved.items()}
    rules = {"now: max(5 km, 2 steps)": base}
    for k in (5, 10, 20):
        rules[f"max(5 km, {k} steps)"] = max(MARGIN_M, k * step)
    rules["max(now, lane spread p50)"] = max(base, s50)
    rules["max(now, lane spread p90)"] = max(base, s90)
    rules["max(now, 2x lane spread p90)"] = max(base, 2 * s90)
    for km in (25, 50, 100):
        rules[f"fixed {km} km"] = max(base, km * 1000.0)
    print(
        f"\n## {name}: step p50 {step:.0f} m, lane spread p50 {s50:.0f} m p90 {s90:.0f} m, held-out trajectories {len(dmax['held-out (val+test)'])}"
    )
    print("| rule | margin km | " + " | ".join(moved) + " |")
    print("|---|---|" + "---|" * len(moved))
    for r, m in rules.items():
        cells = [f"{(d > m).mean():.0%}" for d in dmax.values()]
        print(f"| {r} | {m / 1000:,.1f} | " + " | ".join(cells) + " |")
        out.append(
            {
                "set": name,
                "rule": r,
                "margin_m": m,
                **{k: float((d > m).mean()) for k, d in dmax.items()},
            }
        )
Path(os.environ.get("SHIPS25_DIR", "/tmp/irreg25")) / "evals" / "covpolicy.json".write_text(
    json.dumps(out, indent=1)
)
