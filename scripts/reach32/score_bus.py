"""Session 32 (reach32): route-aware `TrajLM.reach` against the rollout reach and constant
velocity on newuser31's seeded synthetic bus feed (scripts/newuser31/gen_transit.py).

Protocol (as eta31's backtest, scripts/eta31_reach_backtest.py): cut times every 20 min from
07:00 to 11:00 UTC; every bus's pings up to the cut are the history (all 3 lines in one call:
the other buses' and the bus's own earlier journeys are the past paths route-aware reach
reads); each bus is asked about every stop of its line, 60 m, 900 s. Truth: the first of the
bus's later pings (from its last fix on) within 60 m. Queries where the bus is at the stop now
(truth 0 s) are left out. Seed 0 is the tuning seed (the route constants in
trajlm/api_reach_route.py were fixed before seeds 1-3 were read); seeds 1, 2, 3 are scored.

Per engine: hit rate (said reached & truly reached / truly reached), false-reach rate (said
reached & not truly / truly not), |ETA error| median / mean among hits; paired bootstrap 95 %
CI (2,000 resamples of the (seed, cut, bus) units) of route-aware minus each baseline.

Command: OMP_NUM_THREADS=1 PYTHONPATH=. python -W ignore scripts/reach32/score_bus.py [SEEDS]
(default "1,2,3"; "0" for the tuning seed). Outputs: $REACH32_OUT (default runs/reach32)/bus/
queries_seedN.csv and summary_SEEDS.csv.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "newuser31")]
from eta31_reach_backtest import const_velocity_eta, truth_eta  # noqa: E402  (same rules)
from gen_transit import generate  # noqa: E402
from score_store import bootstrap, summarise  # noqa: E402

OUT = Path(os.environ.get("REACH32_OUT", "runs/reach32")) / "bus"
RADIUS, HORIZON = 60.0, 900.0  # as eta31's backtest (its truth and constant-velocity rules)


def score_seed(model, seed: int) -> pd.DataFrame:
    feed = OUT / f"feed_seed{seed}"
    feed.mkdir(parents=True, exist_ok=True)
    generate(feed, seed=seed)
    avl = pd.read_csv(feed / "avl.csv", parse_dates=["RecordedAtTime"])
    stops = pd.read_csv(feed / "stops.txt", dtype={"stop_id": str})
    route = pd.read_csv(feed / "route_stops.csv", dtype={"stop_id": str})
    line_stops = route.groupby("line")["stop_id"].agg(set).to_dict()
    to = stops[["stop_lat", "stop_lon"]]
    day = avl["RecordedAtTime"].dt.normalize().iloc[0]
    rows, spent = [], {"route": 0.0, "rollout": 0.0}
    for cut in pd.date_range(
        day + pd.Timedelta(hours=7), day + pd.Timedelta(hours=11), freq="20min"
    ):
        hist = avl[avl["RecordedAtTime"] <= cut]
        got = {}
        for name, flag in (("route", True), ("rollout", False)):
            start = time.perf_counter()
            got[name] = model.reach(hist, to=to, radius_m=RADIUS, horizon_s=HORIZON, route=flag)
            spent[name] += time.perf_counter() - start
        rollout = got["rollout"].set_index(["DatedVehicleJourneyRef", "target"])
        for r in got["route"].itertuples(index=False):
            stop_id = stops["stop_id"].iloc[r.target]
            bus = avl[avl["VehicleRef"] == r.VehicleRef]
            own = hist[hist["DatedVehicleJourneyRef"] == r.DatedVehicleJourneyRef]
            line = own["LineRef"].iloc[-1]
            if stop_id not in line_stops[line]:
                continue
            stop = (r.target_lat, r.target_lon)
            rows.append({"seed": seed, "cut": cut, "bus": r.VehicleRef, "stop": stop_id,
                         "route": r.eta_s, "route_engine": r.engine, "paths": r.paths,
                         "rollout": rollout.loc[(r.DatedVehicleJourneyRef, r.target), "eta_s"],
                         "const_velocity": const_velocity_eta(own, stop) if len(own) > 1 else np.nan,
                         "truth": truth_eta(bus, own["RecordedAtTime"].iloc[-1], stop)})  # fmt: skip
    tab = pd.DataFrame(rows)
    tab.to_csv(OUT / f"queries_seed{seed}.csv", index=False)
    print(f"seed {seed}: {len(tab)} queries; reach calls route {spent['route']:.1f} s, "
          f"rollout {spent['rollout']:.1f} s; route engines {tab['route_engine'].value_counts().to_dict()}")  # fmt: skip
    return tab


def main() -> None:
    seeds = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "1,2,3").split(",")]
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    tab = pd.concat([score_seed(model, s) for s in seeds], ignore_index=True)
    tab = tab[tab["truth"] != 0]  # the bus is at the stop now: nothing to predict
    truly = tab["truth"].notna()
    summary = summarise(tab)
    name = "_".join(map(str, seeds))
    summary.to_csv(OUT / f"summary_{name}.csv", index=False)
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    units = tab.assign(trip=tab["cut"].astype(str) + " " + tab["bus"].astype(str))
    for k, (lo, hi) in bootstrap(units).items():  # paired over (seed, cut, bus)
        print(f"  {k}: 95% CI [{lo:+.3f}, {hi:+.3f}]")
    hit = tab["route"].notna() & truly
    print("route answered by past paths: "
          f"{(tab['route_engine'] == 'route').mean():.3f} of queries; hits by engine "
          f"{tab.loc[hit, 'route_engine'].value_counts().to_dict()}")  # fmt: skip


if __name__ == "__main__":
    main()
