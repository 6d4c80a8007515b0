"""How far an embedding moves when only a trip's speed changes (modesfix, session 13).

For GeoLife **val** trips (no test read) every trip's times are scaled by a factor (0.5 = twice
as fast, 2 = half as fast; positions unchanged) and embedded again; the distance to the trip's
own original embedding is compared with the median distance between *different* trips; so is
the trip driven backwards (positions reversed, times kept).
A ratio near 0 = speed-invariant; above 1 = a re-timed trip is farther from itself than a
typical other route.

    python scripts/embed_speed.py --data /tmp/stores/geolife --model trajlm-small --n 80
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import polars as pl

from trajlm._cli_io import load_model
from trajlm.data.store import read_store
from trajlm.tasks.embed import embed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--n", type=int, default=80, help="val trips (evenly spread over the ids)")
    ap.add_argument("--factors", default="0.5,2,1.05")
    ap.add_argument("--n-points", type=int, default=None)
    args = ap.parse_args()
    m = load_model(args.model)
    df = read_store(args.data, split="val", columns=["traj_id", "t", "lat", "lon"])
    df = df.filter(pl.len().over("traj_id") >= 20)
    ids = df["traj_id"].unique().sort()
    ids = ids.gather(np.linspace(0, len(ids) - 1, min(args.n, len(ids))).round().astype(int))
    df = df.filter(pl.col("traj_id").is_in(ids.implode())).sort(["traj_id", "t"])
    z0 = embed(m, df, n_points=args.n_points).astype(np.float64)
    pair = np.sqrt(((z0[:, None] - z0[None]) ** 2).sum(-1))
    median_other = float(np.median(pair[~np.eye(len(z0), dtype=bool)]))
    out = {"n_trips": len(z0), "n_points": args.n_points, "median_other_trip": median_other}
    for f in (float(x) for x in args.factors.split(",")):
        t0 = pl.col("t").min().over("traj_id")
        scaled = df.with_columns((t0 + ((pl.col("t") - t0) * f).round()).cast(df["t"].dtype))
        z = embed(m, scaled, n_points=args.n_points).astype(np.float64)
        d = np.sqrt(((z - z0) ** 2).sum(-1))
        out[f"x{f:g}"] = {"median_self": float(np.median(d)),
                          "ratio_to_median_other": float(np.median(d) / median_other)}  # fmt: skip
    rev = df.with_columns(pl.col("lat", "lon").reverse().over("traj_id"))  # same times
    d = np.sqrt(((embed(m, rev, n_points=args.n_points).astype(np.float64) - z0) ** 2).sum(-1))
    out["reversed"] = {"median_self": float(np.median(d)),
                       "ratio_to_median_other": float(np.median(d) / median_other)}  # fmt: skip
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
