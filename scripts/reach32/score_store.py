"""Session 32 (reach32): route-aware `TrajLM.reach` against the rollout reach and constant
velocity on a real store's test split (Porto taxis, GeoLife).

Protocol (written before the test split was read; nothing tuned on it: the route constants of
trajlm/api_reach_route.py were fixed on the bus feed's seed 0): each test trip with at least
8 fixes before and 4 after a cut is cut once at a seeded random fix (at least 8 fixes in, 4
before its end). Its fixes up to the cut are the history; the store's train + val trips (the
past: the stores are split by time) are the memory route-aware reach reads, cut at each
query's cut time (Porto's time split is by trip start: val trips still running when a test
trip is cut must not answer with their later fixes). Targets per trip:
up to 4 fixes the trip truly has later (the first ones at least 60 s, 180 s, 420 s and 840 s
after the cut, if > 2 radii from the last fix) and 4 memory fixes drawn at random 300 m - 3 km
from the last fix (false alarms: most are not passed). Truth for every target: the trip's own
later fixes joined in straight lines, first entry into the 60 m circle within 900 s (the same
crossing rule as reach). Targets already inside the circle at the cut are left out.

Engines: route-aware reach (route=True, memory= train + val), rollout reach (route=False),
constant velocity from the last two fixes. Metrics: hit rate, false-reach rate, |ETA error|
median / mean among hits, paired bootstrap 95 % CI over trips (2,000 resamples) of route minus
each baseline. 3 seeds (the cut and target draws).

Command: OMP_NUM_THREADS=1 PYTHONPATH=. python -W ignore scripts/reach32/score_store.py STORE
NAME [SEEDS] (e.g. /tmp/stores/porto porto 0,1,2). Outputs: $REACH32_OUT (default
runs/reach32)/NAME/queries.csv and summary.csv. REACH32_SPLIT=val: a dry run on val (memory:
train), written to NAME_val/.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

import trajlm
from trajlm.api_reach import first_crossing, tangent_metres, time_grid
from trajlm.data.store import read_store

RADIUS, HORIZON = 60.0, 900.0
AHEAD_S = (60.0, 180.0, 420.0, 840.0)
N_FALSE, RING = 4, (300.0, 3000.0)
ENGINES = ("route", "rollout", "const_velocity")


def crossing(lat, lon, secs, targets) -> np.ndarray:
    """First entry (s) of the track into each target's RADIUS circle within HORIZON."""
    east, north = tangent_metres(lat[None, :], lon[None, :], targets[:, :1], targets[:, 1:])
    eta, _, _ = first_crossing(east, north, secs, RADIUS)
    return np.where(eta <= HORIZON, eta, np.nan)


def cv_eta(lat, lon, t, targets) -> np.ndarray:
    """Constant velocity from the last two fixes, on the same grid and crossing rule."""
    secs = np.concatenate([[0.0], time_grid(HORIZON, None, 15.0)])
    dt = max(t[-1] - t[-2], 1.0)
    e0, n0 = tangent_metres(lat[-1], lon[-1], targets[:, :1], targets[:, 1:])
    ea, na = tangent_metres(lat[-2], lon[-2], targets[:, :1], targets[:, 1:])
    east, north = e0 + (e0 - ea) / dt * secs, n0 + (n0 - na) / dt * secs
    eta, _, _ = first_crossing(east, north, secs, RADIUS)
    return np.where(eta <= HORIZON, eta, np.nan)


def queries(test: pl.DataFrame, memory: pl.DataFrame, seed: int):
    """(trip id, history frame, targets (n, 2), kinds, truth etas) per cut test trip."""
    rng = np.random.default_rng(seed)
    mem_lat, mem_lon = memory["lat"].to_numpy(), memory["lon"].to_numpy()
    for (tid,), g in test.sort("traj_id", "t").group_by("traj_id", maintain_order=True):
        if len(g) < 12:
            continue
        cut = int(rng.integers(8, len(g) - 4 + 1))  # fixes [0, cut) are the history
        lat, lon = g["lat"].to_numpy(), g["lon"].to_numpy()
        t = g["t"].cast(pl.Float64).to_numpy()
        secs = t[cut - 1 :] - t[cut - 1]
        targets, kinds = [], []
        for ahead in AHEAD_S:
            k = np.flatnonzero(secs >= ahead)
            if len(k):
                p = cut - 1 + int(k[0])
                e, n = tangent_metres(lat[p], lon[p], lat[cut - 1], lon[cut - 1])
                if np.hypot(e, n) > 2 * RADIUS:
                    targets.append((lat[p], lon[p]))
                    kinds.append(f"passed_{int(ahead)}s")
        e, n = tangent_metres(mem_lat, mem_lon, lat[cut - 1], lon[cut - 1])
        ring = np.flatnonzero((np.hypot(e, n) >= RING[0]) & (np.hypot(e, n) <= RING[1]))
        for p in rng.choice(ring, min(N_FALSE, len(ring)), replace=False) if len(ring) else []:
            targets.append((mem_lat[p], mem_lon[p]))
            kinds.append("memory_point")
        if not targets:
            continue
        targets = np.asarray(targets)
        truth = crossing(lat[cut - 1 :], lon[cut - 1 :], secs, targets)
        keep = ~(truth == 0)
        yield tid, g.head(cut), targets[keep], np.asarray(kinds)[keep], truth[keep]


def run_seed(model, test, memory, seed: int) -> pd.DataFrame:
    rows, spent = [], {"route": 0.0, "rollout": 0.0}
    mem = memory.select("traj_id", "t", "lat", "lon")
    for tid, hist, targets, kinds, truth in queries(test, memory, seed):
        if not len(targets):
            continue
        hist = hist.select("traj_id", "t", "lat", "lon")
        known = mem.filter(pl.col("t") <= hist["t"].max())  # what was known at the cut
        got = {}
        for name, flag in (("route", True), ("rollout", False)):
            start = time.perf_counter()
            got[name] = model.reach(hist, to=targets, radius_m=RADIUS, horizon_s=HORIZON,
                                    route=flag, memory=known if flag else None)  # fmt: skip
            spent[name] += time.perf_counter() - start
        lat, lon = hist["lat"].to_numpy(), hist["lon"].to_numpy()
        cv = cv_eta(lat, lon, hist["t"].cast(pl.Float64).to_numpy(), targets)
        r, o = got["route"].sort("target"), got["rollout"].sort("target")
        for i in range(len(targets)):
            rows.append({"seed": seed, "trip": tid, "kind": kinds[i], "truth": truth[i],
                         "route": r["eta_s"][i], "route_engine": r["engine"][i],
                         "paths": r["paths"][i], "rollout": o["eta_s"][i],
                         "const_velocity": cv[i]})  # fmt: skip
    print(f"seed {seed}: {len(rows)} queries, reach calls route {spent['route']:.1f} s "
          f"rollout {spent['rollout']:.1f} s")  # fmt: skip
    return pd.DataFrame(rows)


def summarise(tab: pd.DataFrame, engines: Sequence[str] = ENGINES) -> pd.DataFrame:
    """Hit rate, false-reach rate, |ETA error| median / mean among hits, per engine."""
    truly = tab["truth"].notna()
    lines = []
    for e in engines:
        said = tab[e].notna()
        hit = said & truly
        err = (tab.loc[hit, e] - tab.loc[hit, "truth"]).abs()
        lines.append({"engine": e, "queries": len(tab), "truly_reached": int(truly.sum()),
                      "hits": int(hit.sum()), "hit_rate": hit.sum() / truly.sum(),
                      "false": int((said & ~truly).sum()),
                      "false_rate": (said & ~truly).sum() / (~truly).sum(),
                      "eta_err_median_s": err.median(), "eta_err_mean_s": err.mean()})  # fmt: skip
    return pd.DataFrame(lines)


def bootstrap(tab: pd.DataFrame, n: int = 2000) -> dict[str, tuple[float, float]]:
    """Paired 95 % CIs over (seed, trip) units of route minus each baseline (score_bus.py:
    its (cut, bus) units as `trip`)."""
    truly = tab["truth"].notna()
    parts = {"truly": truly, "not": ~truly}
    for e in ENGINES:
        parts[f"{e}_hit"] = tab[e].notna() & truly
        parts[f"{e}_false"] = tab[e].notna() & ~truly
    units = pd.DataFrame(parts).astype(float).groupby([tab["seed"], tab["trip"]]).sum()
    arr = {c: units[c].to_numpy() for c in units.columns}
    rng = np.random.default_rng(0)
    draws: dict[str, list[float]] = {}
    for _ in range(n):
        k = rng.integers(0, len(units), len(units))
        tr, no = arr["truly"][k].sum(), arr["not"][k].sum()
        for b in ENGINES[1:]:
            draws.setdefault(f"hit route-{b}", []).append(
                (arr["route_hit"][k].sum() - arr[f"{b}_hit"][k].sum()) / tr
            )
            draws.setdefault(f"false route-{b}", []).append((arr["route_false"][k].sum() - arr[f"{b}_false"][k].sum()) / no)  # fmt: skip
    return {k: tuple(np.percentile(v, [2.5, 97.5])) for k, v in draws.items()}


def main() -> None:
    store, name = sys.argv[1], sys.argv[2]
    seeds = [int(s) for s in (sys.argv[3] if len(sys.argv) > 3 else "0,1,2").split(",")]
    split = os.environ.get("REACH32_SPLIT", "test")  # "val": a dry run (memory: train only)
    test = read_store(store, split)
    memory = pl.concat([read_store(store, s).select("traj_id", "t", "lat", "lon")
                        for s in ("train", "val")[: 2 if split == "test" else 1]])  # fmt: skip
    name = name if split == "test" else f"{name}_{split}"
    out = Path(os.environ.get("REACH32_OUT", "runs/reach32")) / name
    out.mkdir(parents=True, exist_ok=True)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    tab = pd.concat([run_seed(model, test, memory, s) for s in seeds], ignore_index=True)
    tab.to_csv(out / "queries.csv", index=False)
    summary = summarise(tab)
    summary.to_csv(out / "summary.csv", index=False)
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for k, (lo, hi) in bootstrap(tab).items():
        print(f"  {k}: 95% CI [{lo:+.3f}, {hi:+.3f}]")
    print(f"route answered by past paths: {(tab['route_engine'] == 'route').mean():.3f} of queries")
    for kind, part in tab.groupby(tab["kind"].str.startswith("passed")):
        print(f"  {'passed' if kind else 'memory points'}: {len(part)} targets, truly reached "
              f"{part['truth'].notna().mean():.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
