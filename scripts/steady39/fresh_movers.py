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


def write_kinds(
    out: str,
    n: int,
    seed_base: int,
    prefix: str,
    noise_scale: float,
    cruise_scale: float,
    straight_scale: float,
) -> None:
    """Session 12's kinds on seeds ``seed_base`` + i with scaled generator parameters, one
    PREFIX_KIND.csv and its _truth.csv each under ``out`` (rollout40 reuses it)."""
    os.makedirs(out, exist_ok=True)
    for i, k in enumerate(gen.KINDS):
        k = dataclasses.replace(
            k,
            name=f"{prefix}_{k.name}",
            noise=tuple(x * noise_scale for x in k.noise),
            cruise=k.cruise * cruise_scale,
            straight_m=k.straight_m * straight_scale,
        )
        df, tr = gen.make(k, n, seed_base + i)
        df.to_csv(os.path.join(out, f"{k.name}.csv"), index=False)
        tr.to_csv(os.path.join(out, f"{k.name}_truth.csv"), index=False)
        print(f"{k.name}: {df.trip_id.nunique()} trips", flush=True)


def cli(
    seed_base: int,
    prefix: str,
    noise_scale: float,
    cruise_scale: float,
    straight_scale: float,
    default_n: int,
) -> None:
    """``--out DIR [--n N]`` from the command line, then ``write_kinds``."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=default_n)
    a = ap.parse_args()
    write_kinds(a.out, a.n, seed_base, prefix, noise_scale, cruise_scale, straight_scale)


def main() -> None:
    cli(SEED_BASE, "fresh", NOISE_SCALE, CRUISE_SCALE, STRAIGHT_SCALE, default_n=100)


if __name__ == "__main__":
    main()
