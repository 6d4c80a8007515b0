"""Session 12's twelve mover kinds on FRESH seeds and shifted generator parameters (the
selection set of steady39; session 12's own sets, seeds 1000 + i, are the held-out report).

    python scripts/steady39/fresh_movers.py --out DIR [--n 100]

Seeds 3900 + i; every kind's GPS noise x NOISE_SCALE, cruise speed x CRUISE_SCALE and
straight length x STRAIGHT_SCALE (longer, steadier legs than session 12's).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import probe_movers_gen as gen  # noqa: E402

SEED_BASE = 3900
NOISE_SCALE = 1.3
CRUISE_SCALE = 0.85
STRAIGHT_SCALE = 1.5


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=100)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for i, k in enumerate(gen.KINDS):
        k = dataclasses.replace(
            k,
            name=f"fresh_{k.name}",
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
