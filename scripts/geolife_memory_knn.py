"""Session 24 (geo24), val only: does more memory, or a speed key, help kNN on GeoLife?

    python scripts/geolife_memory_knn.py --data STORE --extra TDRIVE_STORE --out out/mem.md

Plain kNN (history 5, 40 neighbours: ``tune_knn``'s choice on GeoLife), the place-aware and
the local pool of the selector's recipe (0.03 / 300 m / 40 and 1.0 / 300 m / 10), each with
the train library alone and with ``--extra``'s store added (``resample_pool`` at train's median
interval, cut at each ``--max-gap``); and plain kNN on a speed-keyed library (the own-frame
shape plus ``w`` x log1p(mean step length): walkers retrieve walkers); and how far the val
queries lie from either memory. Val ADE per trip by the query's speed; Δ: paired bootstrap
95 % CI (2,000 resamples over the val trips) against the same pool without the change. Markdown -> stdout and OUT.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from trajlm._threads import apply_threads
from trajlm.data.features import LocalProjection
from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.pool_resample import resample_pool
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.retrieval import RetrievalIndex
from trajlm.data.store import read_store
from trajlm.eval.candidates import step_scale
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import knn_points, per_trip, split_xy

H, K = 5, 5
POOLS = {"kNN (40)": (None, 40), "place-aware 0.03/300/40": ((0.03, 300.0), 40),
         "local 1.0/300/10": ((1.0, 300.0), 10)}  # fmt: skip


class SpeedKeyedIndex(RetrievalIndex):
    """``RetrievalIndex`` whose features also hold ``w_speed`` x log1p(mean step length)."""

    def __init__(self, history: int, horizon: int, w_speed: float) -> None:
        super().__init__(history, horizon, max_windows=10**7)
        self.w_speed = float(w_speed)

    def features(self, hist: np.ndarray, lengths: np.ndarray):
        shape, c, s = super().features(hist, lengths)
        speed = np.log1p(step_scale(hist, np.asarray(lengths)))[:, None] * self.w_speed
        return np.concatenate([shape, speed], 1), c, s


def ci(d: np.ndarray, n: int = 2000) -> str:
    rng = np.random.default_rng(0)
    boot = [d[rng.integers(0, len(d), len(d))].mean() for _ in range(n)]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return f"{d.mean():+.2f} [{lo:+.2f}, {hi:+.2f}]"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="the GeoLife store")
    ap.add_argument("--extra", type=Path, required=True, help="a store added as memory")
    ap.add_argument("--max-gap", default="120,600", help="seconds, comma-separated")
    ap.add_argument("--w-speed", default="10,30,100,300")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    apply_threads(1, None)
    parts = split_tables(read_store(args.data))
    proj = LocalProjection.fit(parts["train"])
    task = make_prediction_task(parts["val"])
    xy, lengths, tgt = task.xy(proj), task.lengths, task.target_latlon
    scale = step_scale(xy, lengths)
    groups = {"all": scale >= 0, "< 30 m": scale < 30,
              "30-100 m": (scale >= 30) & (scale < 100), ">= 100 m": scale >= 100}  # fmt: skip
    train_xy, train_keys = split_xy(parts["train"], proj)
    t = parts["train"].sort(["traj_id", "t"])
    same = t["traj_id"].to_numpy()[1:] == t["traj_id"].to_numpy()[:-1]
    interval = float(np.median(np.diff(t["t"].to_numpy())[same]))
    extra = read_store(args.extra)

    def ade(index, n_neighbors) -> np.ndarray:  # (N,) per-trip ADE
        return per_trip(knn_points(index, xy, lengths, n_neighbors), tgt, proj).mean(1)

    def pools(lib_xy, lib_keys) -> dict[str, np.ndarray]:
        out = {}
        for name, (place, nb) in POOLS.items():
            index = (RetrievalIndex(H, K, max_windows=10**7) if place is None else
                     PlaceRetrievalIndex(H, K, max_windows=10**7, w_place=place[0], w_heading=place[1]))  # fmt: skip
            out[name] = ade(index.fit(lib_xy, lib_keys), nb)
        return out

    head = "| library | pool | " + " | ".join(f"{g} ({m.sum()})" for g, m in groups.items())
    lines = [f"_GeoLife val ADE (m), {len(xy)} trips, by the query's step length; "
             f"extra memory resampled at {interval:.0f} s_", "",
             head + " | Δ all vs train only [95 % CI] |", "|---" * (len(groups) + 3) + "|"]  # fmt: skip

    def add(library: str, pool: str, err: np.ndarray, ref: np.ndarray | None) -> None:
        cells = " | ".join(f"{err[m].mean():.1f}" if m.any() else "" for m in groups.values())
        lines.append(f"| {library} | {pool} | {cells} | {'' if ref is None else ci(err - ref)} |")
        print(lines[-1], flush=True)

    base = pools(train_xy, train_keys)
    for name, err in base.items():
        add("GeoLife train", name, err, None)
    for gap in [float(g) for g in args.max_gap.split(",")]:
        e_xy, e_keys = resample_pool(extra, proj, interval, gap)
        lib = f"train + {args.extra.name} ({len(e_xy):,} points, gaps <= {gap:.0f} s)"
        got = pools(np.r_[train_xy, e_xy], np.r_[train_keys, e_keys + train_keys.max() + 1])
        for name, err in got.items():
            add(lib, name, err, base[name])
    for w in [float(v) for v in args.w_speed.split(",")]:
        index = SpeedKeyedIndex(H, K, w).fit(train_xy, train_keys)
        add("GeoLife train", f"kNN (40), speed-keyed w={w:g}", ade(index, 40), base["kNN (40)"])
    # coverage: how far the val queries' last points lie from each memory's raw points
    e_x, e_y = proj.forward(extra["lat"].to_numpy(), extra["lon"].to_numpy())
    last = xy[np.arange(len(xy)), lengths - 1]
    d_extra = cKDTree(np.c_[e_x, e_y]).query(last)[0]
    d_train = cKDTree(train_xy).query(last)[0]
    lines += ["", "| nearest point (m), median | " + " | ".join(groups) + " |",
              "|---" * (len(groups) + 1) + "|"]  # fmt: skip
    for name, d in [(f"{args.extra.name} (raw fixes)", d_extra), ("GeoLife train", d_train)]:
        cells = " | ".join(f"{np.median(d[m]):,.0f}" if m.any() else "" for m in groups.values())
        lines.append(f"| {name} | {cells} |")
    print("\n".join(lines[-4:]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
