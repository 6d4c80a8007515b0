"""Dead reckoning's spread (``std_m`` under the mix) against its error, per horizon (session 17,
ships17; docs/results.md "Session 17 (ships17)").

python scripts/ships_gen.py val --seed 161 --out /tmp/ships
PYTHONPATH=$PWD python scripts/ships_spread.py /tmp/ships/val161 [/tmp/ships/val162 ...] [--flat]

Per query file (``<prefix>_queries.csv`` / ``_truth.csv`` from scripts/ships_gen.py): dead
reckoning (``eval.dead_reckoning.dead_reckon``) from each query's last report, its error against
the truth, and ``backtest_spread`` (``--flat``: session 16's, without the horizon growth);
prints per horizon the share of queries whose error is within 2 x spread (a 2-D Gaussian puts
86.5 % there), the mean spread and the RMS error. No model is loaded (seconds, not minutes):
the shipped std_m is 0.9 x this spread + 0.1 x the model's (api_rollout.DR_WEIGHT), read with
scripts/ships_results.py once the rule is chosen.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import polars as pl

from trajlm.data.geometry import haversine
from trajlm.eval.dead_reckoning import backtest_spread, dead_reckon


def frame(q: pd.DataFrame) -> pl.DataFrame:
    """A query file's histories as a canonical table (traj_id, t, lat, lon, sog_kn, cog_deg),
    trajectories in order of first appearance."""
    t = (pd.to_datetime(q.BaseDateTime, utc=True) - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    df = pl.DataFrame({"traj_id": q["query"].astype(str).to_numpy(), "t": t.to_numpy().astype(np.int64),
                       "lat": q.LAT.to_numpy(), "lon": q.LON.to_numpy(),
                       "sog_kn": q.SOG.to_numpy().astype(float), "cog_deg": q.COG.to_numpy().astype(float)})  # fmt: skip
    return df.sort(["traj_id", "t"], maintain_order=True)


def score(prefix: str, grow: bool = True) -> pd.DataFrame:
    """Per (query, sec): dead reckoning's error (m) and its spread (m)."""
    q, truth = pd.read_csv(f"{prefix}_queries.csv"), pd.read_csv(f"{prefix}_truth.csv")
    df = frame(q)
    ids = df.select(pl.col("traj_id").unique(maintain_order=True))["traj_id"].to_list()
    H = np.array(sorted(truth.sec.unique()), np.float64)
    ahead = np.broadcast_to(H, (len(ids), len(H)))
    lat, lon, _ = dead_reckon(df, ahead)
    spread = backtest_spread(df, ahead, grow=grow)
    row = {k: i for i, k in enumerate(ids)}
    col = {int(s): j for j, s in enumerate(H)}
    i = truth["query"].astype(str).map(row).to_numpy()
    j = truth.sec.map(col).to_numpy()
    out = truth[["query", "sec"]].copy()
    out["err"] = haversine(truth.lat.to_numpy(), truth.lon.to_numpy(), lat[i, j], lon[i, j])
    out["spread"] = spread[i, j]
    return out


def table(s: pd.DataFrame) -> str:
    lines = ["| ahead | within 2 x spread | mean spread / RMS error (m) |", "|---|---|---|"]
    for sec, g in s.groupby("sec"):
        cover = (g.err <= 2 * g.spread).mean()
        rms = float(np.sqrt(np.mean(g.err**2)))
        lines.append(f"| +{sec} s | {cover:.1%} | {g.spread.mean():,.0f} / {rms:,.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("prefix", nargs="+", help="<prefix>_queries.csv / _truth.csv (ships_gen.py)")
    ap.add_argument("--flat", action="store_true", help="session 16's spread (no horizon growth)")
    a = ap.parse_args(argv)
    for p in a.prefix:
        s = score(p, grow=not a.flat)
        print(f"{p}: {s['query'].nunique()} queries\n{table(s)}")


if __name__ == "__main__":
    main()
