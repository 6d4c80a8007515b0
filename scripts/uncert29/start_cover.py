"""Prediction circles on starting histories (session 29, uncert29, item 3; a measurement).

What it measures: trajlm-small's ``TrajLM.predict(df, steps=1, radii=[50, 90, 95])`` on each
trajectory's first H fixes (H = 1, 2, 3, and 10 / 30 for reference), truth = fix H + 1: the
share of truths inside each circle, per store split and H, with a 95 % bootstrap CI over
trajectories. For 1-2 s reporters (radii24's cyclists, geolife_small_1s stores).

    export PYTHONPATH=$PWD UNCERT29=/tmp/uncert29
    .venv/bin/python scripts/uncert29/start_cover.py /tmp/radii24/stores/cyclists:train \
        /tmp/radii24/stores/geolife_small_1s:train

Output: a table on stdout and the rows at $UNCERT29/start_rows.parquet (/tmp/uncert29).
"""

from __future__ import annotations

import argparse
import os
import warnings

import numpy as np
import polars as pl

OUT = os.environ.get("UNCERT29", "/tmp/uncert29")
LEVELS = (50, 90, 95)


def rows(spec: str, lengths: list[int], model) -> pl.DataFrame:
    from trajlm.data.store import read_store
    from trajlm.eval.metrics import haversine

    path, _, split = spec.partition(":")
    df = read_store(path, split or "val").select("traj_id", "t", "lat", "lon").sort("traj_id", "t")
    df = df.with_columns(
        pl.col("traj_id").cast(pl.String), i=pl.int_range(pl.len()).over("traj_id")
    )
    parts = []
    for h in lengths:
        hist = df.filter(pl.col("i") < h).with_columns(traj_id=pl.col("traj_id") + f"#{h}")
        truth = df.filter(pl.col("i") == h).with_columns(traj_id=pl.col("traj_id") + f"#{h}")
        hist = hist.filter(pl.col("traj_id").is_in(truth["traj_id"].implode())).drop("i")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = model.predict(hist, steps=1, radii=list(LEVELS))
        j = out.join(truth.select("traj_id", tlat="lat", tlon="lon"), on="traj_id")
        err = haversine(j["lat"].to_numpy(), j["lon"].to_numpy(), j["tlat"].to_numpy(),
                        j["tlon"].to_numpy())  # fmt: skip
        parts.append(pl.DataFrame({"source": os.path.basename(path.rstrip("/")) + "-" + split,
                                   "h": h, "traj": j["traj_id"], "err": err,
                                   **{f"r{lv}_m": j[f"r{lv}_m"] for lv in LEVELS}}))  # fmt: skip
        print(spec, h, j.height, "answers", flush=True)
    return pl.concat(parts)


def table(d: pl.DataFrame, reps: int = 1000, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    print("| store | history (fixes) | answers | 50 % | 90 % | 95 % | median r90_m | median err |")
    print("|---|---|---|---|---|---|---|---|")
    for (src, h), g in d.group_by("source", "h", maintain_order=True):
        n, err = g.height, g["err"].to_numpy()
        b = rng.integers(0, n, (reps, n))
        cells = []
        for lv in LEVELS:
            hit = (err <= g[f"r{lv}_m"].to_numpy()).astype(float)
            lo, hi = np.percentile(hit[b].mean(1) * 100, [2.5, 97.5])
            cells.append(f"{hit.mean() * 100:.1f} [{lo:.1f}, {hi:.1f}]")
        print(f"| {src} | {h} | {n} | " + " | ".join(cells) +
              f" | {g['r90_m'].median():.1f} | {np.median(err):.1f} |")  # fmt: skip


def main() -> None:
    import torch

    import trajlm

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("specs", nargs="+", help="STORE:SPLIT")
    ap.add_argument("--lengths", default="1,2,3,10,30")
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    lengths = [int(x) for x in a.lengths.split(",")]
    d = pl.concat([rows(s, lengths, model) for s in a.specs])
    os.makedirs(OUT, exist_ok=True)
    d.write_parquet(os.path.join(OUT, "start_rows.parquet"))
    table(d)


if __name__ == "__main__":
    main()
