"""Held-out dense feeds for gap recovery (docs/recovery.md "Session 19 (recover19)"): seeded
ships, buses and cars reported every 1-10 s, gaps of --lengths seconds hidden as in
recdense_results.py (rows in [phase + L, phase + 2 L) of every 3 L window, 3 mask seeds), scored
against the noise-free 1-s truth. Methods: Akima, linear, BRIDGE_DEFAULT ("new") and --arms of
recdense_results. MAE (m), paired bootstrap 95 % CI over trajectories.

    PYTHONPATH=. python scripts/recover19_dense.py --seed 190 --lengths 120 300 600 1200 1800

Not the val sea (ships_gen val 161) nor the Gibraltar day: movers, sampling and noise drawn here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import recdense_results as rd  # noqa: E402

from trajlm.data.features import LocalProjection  # noqa: E402

KINDS = {  # speed m/s, leg length m (between turns), turn deg, stop s, report step s, noise m, h
    "ship": ((4.0, 8.0), (6000, 20000), (5, 50), (0, 0), (2, 10), 6.0, 3.0),
    "bus": ((7.0, 12.0), (300, 900), (60, 90), (15, 40), (1, 5), 4.0, 1.5),
    "car": ((8.0, 20.0), (200, 1500), (30, 90), (0, 20), (1, 2), 3.0, 1.0),
}


def mover(kind: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(t 1-s grid, (n, 2) metres): legs at a cruise speed, turns at 6 deg/s (ships 0.5),
    stops (buses at stops, cars at lights) between some legs."""
    (v0, v1), (l0, l1), (a0, a1), (s0, s1), _, _, hours = KINDS[kind]
    n = int(hours * 3600)
    xy, h, v, left, pause = np.zeros((n, 2)), rng.uniform(0, 2 * np.pi), rng.uniform(v0, v1), \
        rng.uniform(l0, l1), 0  # fmt: skip
    turn, rate = 0.0, np.radians(0.5 if kind == "ship" else 6.0)
    for i in range(1, n):
        if pause > 0:
            pause -= 1
            xy[i] = xy[i - 1]
            continue
        if abs(turn) > 0:
            d = np.clip(turn, -rate, rate)
            h, turn = h + d, turn - d
        xy[i] = xy[i - 1] + v * np.array([np.cos(h), np.sin(h)])
        left -= v
        if left <= 0:
            turn = np.radians(rng.uniform(a0, a1)) * rng.choice([-1, 1])
            left, v = rng.uniform(l0, l1), np.clip(v + rng.normal(0, 1.0), v0, v1)
            pause = int(rng.uniform(s0, s1)) if s1 and rng.random() < 0.5 else 0
    return np.arange(n, dtype=np.int64), xy


def feeds(seed: int, per_kind: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    proj = LocalProjection(45.0, 10.0)
    out, k = [], 0
    for kind, spec in KINDS.items():
        for _ in range(per_kind):
            t, xy = mover(kind, rng)
            steps = rng.integers(spec[4][0], spec[4][1] + 1, len(t))
            at = np.unique(np.minimum(np.cumsum(steps) - steps[0], len(t) - 1))
            noisy = xy[at] + rng.normal(0, spec[5], (len(at), 2))
            lat, lon = proj.inverse(noisy[:, 0], noisy[:, 1])
            tlat, tlon = proj.inverse(xy[at, 0], xy[at, 1])
            out.append(pd.DataFrame({"traj_id": k, "t": 1_700_000_000 + k * 86400 + t[at],
                                     "lat": lat, "lon": lon, "tlat": tlat, "tlon": tlon,
                                     "kind": kind}))  # fmt: skip
            k += 1
    return pd.concat(out, ignore_index=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=190)
    ap.add_argument("--per-kind", type=int, default=6)
    ap.add_argument("--kinds", nargs="+", default=list(KINDS))
    ap.add_argument("--lengths", type=float, nargs="+", default=[300.0, 600.0, 1200.0])
    ap.add_argument("--arms", nargs="+", default=["new"])
    ap.add_argument("--out", type=Path, default=Path("/tmp/recover19/dense"))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    df = feeds(args.seed, args.per_kind)
    df = df[df.kind.isin(args.kinds)].reset_index(drop=True)
    rd.gibraltar = lambda vessels="all": df  # recdense_results' runner on these feeds
    tag = "_".join(args.kinds)
    rd.main(["gibraltar", "--vessels", "all", "--lengths", *map(str, args.lengths), "--arms",
             *args.arms, "--out", str(args.out / f"seed{args.seed}_{tag}")])  # fmt: skip


if __name__ == "__main__":
    main()
