"""Time TrajLM.recover on N_TRIPS synthetic Porto trips x 100 fixes 15 s apart with every 10th
fix hidden (N_TRIPS x 10 one-point gaps): the badapi tester's `big.py recover` case with a
timer (docs/reliability.md, "Session 13 (badfix)"). Prints only; OUT (optional) gets the
recovered rows as Parquet, to compare two versions row for row.

    python scripts/recover_timing.py 100 [OUT.parquet]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import torch

import trajlm


def frame(n_trips: int, n: int = 100) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    t0 = pd.Timestamp("2024-03-18 08:30", tz="UTC")
    walk = np.cumsum(rng.normal(0, 1e-4, n_trips * n)).reshape(n_trips, n).ravel()
    lat = 41.15 + walk * 0.1 + np.repeat(rng.normal(0, 0.01, n_trips), n)
    df = pd.DataFrame({
        "trip_id": np.repeat([f"T{i}" for i in range(n_trips)], n),
        "timestamp": t0 + pd.to_timedelta(np.tile(np.arange(n) * 15, n_trips), "s"),
        "latitude": lat, "longitude": -8.61 + np.tile(np.arange(n) * 3e-4, n_trips),
    })  # fmt: skip
    df.loc[df.index % 10 == 5, ["latitude", "longitude"]] = np.nan
    return df


def main() -> None:
    n_trips = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    torch.set_num_threads(1)
    df = frame(n_trips)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    t0 = time.perf_counter()
    out = model.recover(df)
    dt = time.perf_counter() - t0
    gaps = int(df["latitude"].isna().sum())
    print(f"{n_trips} trips, {gaps} gaps: {dt:.2f} s ({1000 * dt / gaps:.1f} ms per gap)")
    if len(sys.argv) > 2:
        out.to_parquet(sys.argv[2])


if __name__ == "__main__":
    main()
