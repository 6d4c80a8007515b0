"""Would val have seen it? (session 31, uncert31): a run's own recovery radii, fitted on 2-4 val
trips, held 60-75 % inside the 90 % circle on three of four held-out stores' test trips. Here, on
VAL only: each val trip left out in turn, the pooled factors (eval/recover_spread's form, the
noise floor included, settings weighed equally) fitted on the other val trips and read on it.

    OMP_NUM_THREADS=1 PYTHONPATH=$PWD python scripts/uncert31/loto.py RUN=STORE ...

Output: a table on stdout (share inside the left-out trips' 50 / 90 / 95 % circles, pooled).
"""

from __future__ import annotations

import argparse

import numpy as np
import polars as pl

LEVELS = (50, 90, 95)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs", nargs="+", help="RUN=STORE")
    a = ap.parse_args()
    import torch

    from trajlm import TrajLM
    from trajlm.data.store import read_store
    from trajlm.eval.radii_bins import conformal_quantile
    from trajlm.eval.recover_spread import NOISE_FLOOR, floored_scale
    from trajlm.eval.run_recover_radii import FEATURES, recover_answers

    torch.set_num_threads(1)
    print("| run | val trips | hidden val points | 50 / 90 / 95 % inside, each trip left out |")
    print("|---|---|---|---|")
    for pair in a.pairs:
        run, store = pair.split("=")
        val = read_store(store, split="val").drop("split", strict=False)
        d = recover_answers(TrajLM.from_pretrained(run, threads=1), val)
        d = d.filter(pl.col("err").is_finite() & pl.col("scale").is_finite())
        scale = floored_scale({"noise_floor": NOISE_FLOOR}, {k: d[k].to_numpy() for k in FEATURES})
        d = d.with_columns(r=pl.Series(d["err"].to_numpy() / scale))
        hits = {lv: [] for lv in LEVELS}
        for trip in d["trip"].unique():
            fit, read = d.filter(pl.col("trip") != trip), d.filter(pl.col("trip") == trip)
            w = (1.0 / fit.select(pl.len().over("setting")).to_series()).to_numpy()
            for lv in LEVELS:
                q = conformal_quantile(fit["r"].to_numpy(), w, lv / 100)
                hits[lv].append(read["r"].to_numpy() <= q)
        cells = " / ".join(f"{np.concatenate(hits[lv]).mean() * 100:.1f}" for lv in LEVELS)
        print(f"| {run.rstrip('/').split('/')[-1]} | {d['trip'].n_unique()} | {d.height} | {cells} |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
