"""Session 31 (gate31): a vessel model whose training tracks hold long stops, for measure_gate.py.

The shared AIS set (SHARED/ais/boat-positions.csv: 256 vessels around the Suez Canal blockage
of March 2021, many at anchor for days, fixes ~12 min apart; not redistributable, read in
place) fitted as a user would (``TrajLM.fit``, seed 0, one thread); its record holds both the
whole-track and the window speeds the gate's rules read.

    PYTHONPATH=. python scripts/gate31/fit_vessels.py OUT [--steps 300]
(SHARED default $SHARED or ../shared/data; writes OUT/run and its store OUT/store.)
"""

import argparse
import os
import shutil
from pathlib import Path

import polars as pl
import torch

import trajlm


def fit(df: pl.DataFrame, out: Path, steps: int) -> None:
    """``TrajLM.fit`` as a user would (seed 0, one thread) into OUT/run, its store OUT/store
    (both replaced: they are this script's own outputs)."""
    run, store = out / "run", out / "store"
    shutil.rmtree(run, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)
    trajlm.TrajLM.fit(df, run, max_steps=steps, seed=0, threads=1, store=store)
    print(f"wrote {run} (store {store})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--steps", type=int, default=300)
    a = ap.parse_args()
    torch.set_num_threads(1)
    csv = Path(os.environ.get("SHARED", "../shared/data")) / "ais" / "boat-positions.csv"
    df = pl.read_csv(csv, encoding="utf8-lossy").rename(lambda c: c.lstrip("\ufeff"))
    df = df.select(
        traj_id=pl.col("ID").cast(pl.String),
        t=pl.col("ais_pos_timestamp").str.strptime(pl.Datetime("us", "UTC"), "%d/%m/%Y %H:%M"),
        lat=pl.col("latitude"),
        lon=pl.col("longitude"),
    ).with_columns(t=pl.col("t").dt.epoch("s"))
    fit(df, a.out, a.steps)


if __name__ == "__main__":
    main()
