"""newuser35's notebook walk: MDS pages -> frame -> places (busiest parking) -> predict -> ask.

    PYTHONPATH=$PWD python scripts/newuser35/walk_api.py [--run RUN]

Reads $NEWUSER35/raw (scripts/newuser35/gen.py), writes $NEWUSER35/out/walk_api.json. The
busiest parking places are scored against the generator's corrals (truth/corrals.csv): of the
8 most used corrals (by the trips that end there), how many lie within 60 m of one of the 8 places
found, for trajlm.places (per scooter, then pooled) and for the pandas one-liner a researcher
writes first (each trip's last route point, rounded to a ~100 m grid cell, counted).
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

import trajlm
from trajlm.data.geometry import haversine

TOP = 8
HIT_M = 60.0


def _pool(lat: np.ndarray, lon: np.ndarray, w: np.ndarray, radius: float = 80.0) -> list[tuple]:
    """Leader clustering of weighted points, heaviest first -> [(lat, lon, weight)], heaviest first."""
    order = np.argsort(-w, kind="stable")
    seeds: list[list[float]] = []
    for i in order:
        for s in seeds:
            if haversine(s[0], s[1], lat[i], lon[i]) <= radius:
                s[2] += w[i]
                break
        else:
            seeds.append([lat[i], lon[i], w[i]])
    return sorted((tuple(s) for s in seeds), key=lambda s: -s[2])


def _hits(found: list[tuple], truth: pl.DataFrame) -> int:
    return sum(
        any(haversine(f[0], f[1], r["lat"], r["lon"]) <= HIT_M for f in found[:TOP])
        for r in truth.head(TOP).iter_rows(named=True)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.environ.get("NEWUSER35", "/tmp/newuser35"))
    ap.add_argument("--run", default=None, help="a trajlm train run to predict with")
    args = ap.parse_args()
    root = Path(args.root)
    log: dict = {}
    t0 = time.time()
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        df = trajlm.read(root / "raw", on_error="skip")  # 3 routes without timestamps
    log["read"] = {"rows": df.height, "trips": df["traj_id"].n_unique(), "columns": df.columns,
                   "s": round(time.time() - t0, 1), "warnings": [str(w.message)[:160] for w in said]}  # fmt: skip
    # truth: the corrals ranked by the trips that end there (route ends within 60 m)
    ends = df.sort("traj_id", "t").group_by("traj_id", maintain_order=True).last()
    corr = pl.read_csv(root / "truth" / "corrals.csv")
    d = haversine(ends["lat"].to_numpy()[:, None], ends["lon"].to_numpy()[:, None],
                  corr["lat"].to_numpy()[None, :], corr["lon"].to_numpy()[None, :])  # fmt: skip
    near = d.argmin(axis=1)[d.min(axis=1) <= HIT_M]
    truth = corr.with_columns(pl.Series("ends", np.bincount(near, minlength=corr.height)))
    truth = truth.sort("ends", descending=True)
    # trajlm.places per scooter, pooled over the fleet by visits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        places = trajlm.places(df)
    found = _pool(
        places["lat"].to_numpy(),
        places["lon"].to_numpy(),
        places["visits"].to_numpy().astype(float),
    )
    # the researcher's first try: trip ends counted per ~100 m grid cell
    cell = ends.with_columns(
        (pl.col("lat") / 0.001).round().alias("cy"), (pl.col("lon") / 0.0012).round().alias("cx")
    )
    grid = (
        cell.group_by("cy", "cx")
        .agg(pl.len(), pl.col("lat").mean(), pl.col("lon").mean())
        .sort("len", descending=True)
    )
    naive = list(zip(grid["lat"], grid["lon"], grid["len"], strict=True))
    log["busiest"] = {
        "truth_top": truth.head(TOP).select("corral", "ends").to_dicts(),
        "places_rows": places.height,
        f"trajlm.places hits of top {TOP}": _hits(found, truth),
        f"trip ends per 100 m cell hits of top {TOP}": _hits(naive, truth),
    }
    if args.run:
        m = trajlm.TrajLM.from_pretrained(args.run)
        sample = df.filter(
            pl.col("traj_id").is_in(df["traj_id"].unique().sort().head(20).implode())
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred = m.predict(sample.sort("traj_id", "t").group_by("traj_id").head(15), steps=5)
        log["predict"] = {"rows": pred.height, "columns": pred.columns,
                          "engines": sorted(set(pred["engine"].to_list())) if "engine" in pred.columns else None}  # fmt: skip
    asks = {}
    for q in ("how many trips per day?", "what is the median trip duration in minutes?",
              "which scooter made the most trips?"):  # fmt: skip
        try:
            asks[q] = str(trajlm.ask(q, df))[:200]
        except Exception as e:  # noqa: BLE001 (a walk: every answer or refusal is logged)
            asks[q] = f"{type(e).__name__}: {e}"[:200]
    log["ask"] = asks
    out = root / "out" / "walk_api.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(log, indent=1, default=str))
    print(json.dumps(log, indent=1, default=str))


if __name__ == "__main__":
    main()
