"""Session 32 (reachfix32): route-aware reach before / after the heading check (and with the
paths' times scaled by the mover's speed) on a store's VAL split (Porto: the test reads were
used by reach32 and are not read again).

Queries as scripts/reach32/score_store.py (its `queries`: each val trip cut once at a seeded
fix, up to 4 later fixes it truly passes and 4 memory points 300 m - 3 km away; 60 m, 900 s);
memory: the train trips, cut at each query's time. The rollout is run once per query and
reused by every setting. Settings (HEADING_DEG, SPEED_CLIP): reach32's rule (180, None), the
heading angle chosen on bus seed 0 (tune_bus.py) and that angle with each clip of tune_bus.py.
Constant velocity (score_store.py's) is the strongest simple baseline. Paired bootstrap 95 %
CIs over (seed, trip) (common.py). 3 seeds.

Command: OMP_NUM_THREADS=1 PYTHONPATH=. python -W ignore scripts/reachfix32/score_val.py
/tmp/stores/porto porto [SEEDS] [HEADING]   (seeds 0,1,2; heading 90).
Outputs: $REACHFIX32_OUT (default runs/reachfix32)/NAME_val/queries.csv, summary.csv, ci.csv.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import polars as pl

import trajlm
import trajlm.api_reach_route as route_mod
from trajlm.data.store import read_store

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "reach32")]
from common import bootstrap, reach_each, settings  # noqa: E402
from score_store import HORIZON, RADIUS, cv_eta, queries, summarise  # noqa: E402


def run_seed(model, val, memory, seed: int, named: dict) -> list[dict]:
    rows = []
    mem = memory.select("traj_id", "t", "lat", "lon")
    for tid, hist, targets, kinds, truth in queries(val, memory, seed):
        if not len(targets):
            continue
        hist = hist.select("traj_id", "t", "lat", "lon")
        known = route_mod.RouteMemory(mem.filter(pl.col("t") <= hist["t"].max()))
        got = reach_each(model, named, hist, to=targets, radius_m=RADIUS, horizon_s=HORIZON,
                         memory=known)  # fmt: skip
        got = {n: t.sort("target") for n, t in got.items()}
        cv = cv_eta(hist["lat"].to_numpy(), hist["lon"].to_numpy(),
                    hist["t"].cast(pl.Float64).to_numpy(), targets)  # fmt: skip
        for i in range(len(targets)):
            row = {"seed": seed, "trip": tid, "kind": kinds[i], "truth": truth[i],
                   "const_velocity": cv[i]}  # fmt: skip
            for name, tab in got.items():
                row[name], row[f"{name}_engine"] = tab["eta_s"][i], tab["engine"][i]
            rows.append(row)
    print(f"seed {seed}: {len(rows)} queries", flush=True)
    return rows


def main() -> None:
    store, name = sys.argv[1], sys.argv[2]
    seeds = [int(s) for s in (sys.argv[3] if len(sys.argv) > 3 else "0,1,2").split(",")]
    heading = float(sys.argv[4]) if len(sys.argv) > 4 else 90.0
    val = read_store(store, "val")
    memory = read_store(store, "train").select("traj_id", "t", "lat", "lon")
    out = Path(os.environ.get("REACHFIX32_OUT", "runs/reachfix32")) / f"{name}_val"
    out.mkdir(parents=True, exist_ok=True)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    named = settings(heading)
    tab = pd.DataFrame([r for s in seeds for r in run_seed(model, val, memory, s, named)])
    tab.to_csv(out / "queries.csv", index=False)
    engines = [*named, "const_velocity"]
    summary = summarise(tab, engines)
    summary.to_csv(out / "summary.csv", index=False)
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    after = f"heading{heading:g}"
    pairs = [(after, "before"), (after, "const_velocity")] + [
        (n, after) for n in named if "clip" in n
    ]
    ci = bootstrap(tab, pairs)
    ci.to_csv(out / "ci.csv", index=False)
    print(ci.to_string(index=False, float_format=lambda v: f"{v:+.3f}"))


if __name__ == "__main__":
    main()
