"""rollout40's fresh steady movers (the val half of its decision; never steady39's cells):
session 12's twelve mover kinds on new seeds and steadier generator parameters.

    python scripts/rollout40/fresh_movers.py --out DIR [--n 80]

Seeds 4000 + i (session 12: 1000 + i, steady39's selection set: 3900 + i); every kind's GPS
noise x NOISE_SCALE, cruise speed x CRUISE_SCALE, straight length x STRAIGHT_SCALE (longer,
faster, cleaner legs: the movers issue 14's short-history cells are about). The generator is
not the one arm S trains on (trajlm/train/steady_movers.py: plain lines, no stops or turns).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import probe_movers_gen as gen  # noqa: E402

SEED_BASE = 4000
NOISE_SCALE = 0.8
CRUISE_SCALE = 1.15
STRAIGHT_SCALE = 2.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=80)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for i, k in enumerate(gen.KINDS):
        k = dataclasses.replace(
            k,
            name=f"r40_{k.name}",
            noise=tuple(x * NOISE_SCALE for x in k.noise),
            cruise=k.cruise * CRUISE_SCALE,
            straight_m=k.straight_m * STRAIGHT_SCALE,
        )
        df, tr = gen.make(k, a.n, SEED_BASE + i)
        df.to_csv(os.path.join(a.out, f"{k.name}.csv"), index=False)
        tr.to_csv(os.path.join(a.out, f"{k.name}_truth.csv"), index=False)
        print(f"{k.name}: {df.trip_id.nunique()} trips", flush=True)


if __name__ == "__main__":
    main()
