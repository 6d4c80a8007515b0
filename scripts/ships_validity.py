"""check_validity on generated AIS with and without the reports' SOG (session 17, ships17;
docs/anomalies.md "Session 17 (ships17)").

python scripts/ships_gen.py maritime --out /tmp/ships
PYTHONPATH=$PWD python scripts/ships_validity.py /tmp/ships/gibraltar_ais.csv [--glitches 300]

Reads a ``<sea>_ais.csv`` of scripts/ships_gen.py (MMSI, BaseDateTime, LAT, LON, SOG, COG), then
moves ``--glitches`` random reports (not a vessel's first) 100-600 m in a random direction
(seed 0). Prints, with the SOG column dropped and kept: points flagged on the clean reports,
and on the glitched ones the glitches caught and the other points flagged, with the codes.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

import trajlm


def glitched(a: pd.DataFrame, n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """``a`` with ``n`` reports moved 100-600 m, and their row numbers."""
    rng = np.random.default_rng(seed)
    g = a.copy()
    first = g.MMSI.ne(g.MMSI.shift()).to_numpy()
    idx = rng.choice(np.flatnonzero(~first), n, replace=False)
    d, b = rng.uniform(100, 600, n), rng.uniform(0, 2 * np.pi, n)
    lat = g.loc[idx, "LAT"].to_numpy()
    g.loc[idx, "LAT"] = lat + d * np.cos(b) / 111_195
    g.loc[idx, "LON"] = g.loc[idx, "LON"] + d * np.sin(b) / (111_195 * np.cos(np.radians(lat)))
    return g, idx


def flags(df: pd.DataFrame, sog: bool) -> tuple[np.ndarray, dict]:
    x = df if sog else df.drop(columns=["SOG", "COG"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = trajlm.check_validity(x, mode="vessel", traj_col="MMSI", time_col="BaseDateTime")
    codes = pd.Series(out["reason_code"].to_numpy())
    return ~out["valid"].to_numpy(), codes[codes != "ok"].value_counts().to_dict()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ais", help="<sea>_ais.csv from scripts/ships_gen.py")
    ap.add_argument("--glitches", type=int, default=300)
    a = ap.parse_args(argv)
    rep = pd.read_csv(a.ais).sort_values(["MMSI", "BaseDateTime"], kind="stable")
    rep = rep.drop_duplicates(["MMSI", "BaseDateTime"]).reset_index(drop=True)
    bad, idx = glitched(rep, a.glitches)
    print(f"{a.ais}: {len(rep):,} reports, {a.glitches} glitches")
    print("| SOG | clean: flagged | glitched: caught | glitched: other points flagged | codes |")
    print("|---|---|---|---|---|")
    for sog in (False, True):
        f0, _ = flags(rep, sog)
        f1, codes = flags(bad, sog)
        hit = int(f1[idx].sum())
        print(f"| {'kept' if sog else 'dropped'} | {int(f0.sum())} | {hit} / {a.glitches} | "
              f"{int(f1.sum()) - hit} | {codes} |")  # fmt: skip


if __name__ == "__main__":
    main()
