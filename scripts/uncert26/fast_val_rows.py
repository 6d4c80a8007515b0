"""Rows of 1-2 s movers whose GPS error drifts (session 26, uncert26): val's car_1s / walker_2s
physics (scripts/uncert20_calib.py) with AR(1) GPS noise (sigma 2-6 m per track, 30-s
correlation) in place of white noise, as a real 1-s receiver's error drifts.

What it measures: trajlm-small's answers (err, std_m, seconds ahead, interval, history span,
jitter: scripts/radii24_rows.py's columns) on those tracks, so that the fast radii bins can be
fitted on val movers whose history looks clean while their error drifts (the cause of the
held-out 1-2 s movers' short 90 / 95 % circles: docs/generalization.md "Session 26").

    PYTHONPATH=$PWD .venv/bin/python scripts/uncert26/fast_val_rows.py --seed 2001 \
        --out /tmp/uncert26/val_ar.parquet          # val (seed 2001, as val's movers)
    ... --seed 2002 --seed 2003 --seed 2004 --out /tmp/uncert26/test_ar.parquet   # test, once

Output: the Parquet file named by --out (scripts/radii24_rows.py's columns).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import polars as pl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import movers16_gen  # noqa: E402
import radii24_rows  # noqa: E402
import uncert20_calib as C  # noqa: E402

AR_KINDS = ("car_1s", "walker_2s")
NOISE_M, CORR_S = (2.0, 6.0), 30.0


def ar_movers(seed: int, n: int) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """kind_ar -> (history rows, truth rows): uncert20_calib.movers' physics without its white
    noise, plus AR(1) noise (seeded by (seed, 200 + kind index))."""
    out = {}
    for ki, name in enumerate(AR_KINDS):
        k = {**C.KINDS[name], "noise": 0.0}
        movers16_gen.NPTS = C.NPTS[name]
        rng = np.random.default_rng([seed, 200 + ki])
        rows = []
        for j in range(n):
            ts, lat, lon = movers16_gen.sim(rng, k)
            sig = rng.uniform(*NOISE_M)
            phi = np.exp(-np.diff(ts, prepend=ts[0] - k["dt"]) / CORR_S)
            e = np.zeros((len(ts), 2))
            e[0] = rng.normal(0, sig, 2)
            for i in range(1, len(ts)):
                e[i] = phi[i] * e[i - 1] + rng.normal(0, sig * np.sqrt(1 - phi[i] ** 2), 2)
            lat = lat + np.degrees(e[:, 1] / 6_371_000.0)
            lon = lon + np.degrees(e[:, 0] / (6_371_000.0 * np.cos(np.radians(lat))))
            t = 1.7e9 + float(rng.integers(0, 30 * 86400)) + np.round(ts, 3)
            rows.append(pl.DataFrame({"traj_id": f"{name}_ar_{seed}_{j:03d}", "t": t,
                                      "lat": lat, "lon": lon}))  # fmt: skip
        df = pl.concat(rows).with_columns(i=pl.int_range(pl.len()).over("traj_id"))
        out[f"{name}_ar"] = (df.filter(pl.col("i") < C.HIST).drop("i"),
                             df.filter(pl.col("i") >= C.HIST).drop("i"))  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, action="append", required=True)
    ap.add_argument("--n", type=int, default=60, help="tracks per kind (as val's movers)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    import torch

    import trajlm

    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    parts = []
    for seed in a.seed:
        for kind, (h, t) in ar_movers(seed, a.n).items():
            parts.append(radii24_rows.run(model, h, t, f"movers{seed}", kind))
            print(seed, kind, "done", flush=True)
    pl.concat(parts, how="diagonal").write_parquet(a.out)


if __name__ == "__main__":
    main()
