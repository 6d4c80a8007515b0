"""newuser38's city: a seeded day of e-scooters and cars in Ushuaia (54.8 S), local clock.

    PYTHONPATH=$PWD python scripts/newuser38/gen.py [--out DIR]   # default $NEWUSER38/raw

Writes DIR/ushuaia.parquet, one row per fix, the columns a city's own export might use: ride
(a ride's id, "S017-03"), vehicle, kind (scooter / car), recorded_at (tz-aware,
America/Argentina/Ushuaia), lat_deg, lon_deg. Streets are a grid turned 20 degrees along the
Beagle Channel shore; scooters report every 1-10 s at 3-6 m/s, cars every 30-60 s at 8-14 m/s on longer rides,
both stopping at crossings now and then. Bad fixes, as a real feed has them: 6 fixes at (0, 0),
8 jumps of ~2 km, 5 repeated timestamps.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pandas as pd

LAT0, LON0 = -54.805, -68.315
M_PER_DEG_LAT = 111_320.0
BLOCK_M = 110.0
TURN = np.deg2rad(20.0)
TZ = "America/Argentina/Ushuaia"


def _to_deg(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xr = x * np.cos(TURN) - y * np.sin(TURN)
    yr = x * np.sin(TURN) + y * np.cos(TURN)
    lat = LAT0 + yr / M_PER_DEG_LAT
    lon = LON0 + xr / (M_PER_DEG_LAT * np.cos(np.deg2rad(LAT0)))
    return lat, lon


def _ride(rng: np.random.Generator, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One ride along the grid: (seconds since start, x, y) in metres on the grid's plane."""
    speed = rng.uniform(3, 6) if kind == "scooter" else rng.uniform(8, 14)
    n_legs = int(rng.integers(3, 8)) if kind == "scooter" else int(rng.integers(25, 45))
    pos = rng.integers(-12, 13, size=2).astype(float) * BLOCK_M
    heading = int(rng.integers(4))
    pts, t = [pos.copy()], [0.0]
    for _ in range(n_legs):
        heading = (heading + int(rng.choice([-1, 0, 0, 1]))) % 4
        d = np.array([[1, 0], [0, 1], [-1, 0], [0, -1]][heading], float)
        blocks = int(rng.integers(1, 6))
        for _ in range(blocks * 10):
            pos = pos + d * BLOCK_M / 10
            pts.append(pos.copy())
            t.append(t[-1] + BLOCK_M / 10 / (speed * rng.uniform(0.8, 1.2)))
        if rng.random() < 0.3:  # a stop at the crossing
            pts.append(pos.copy())
            t.append(t[-1] + rng.uniform(10, 40))
    xy = np.array(pts)
    dense_t = np.arange(0.0, t[-1], 1.0)
    x = np.interp(dense_t, t, xy[:, 0])
    y = np.interp(dense_t, t, xy[:, 1])
    lo, hi = (1, 10) if kind == "scooter" else (30, 60)
    keep, i = [], 0
    while i < len(dense_t):
        keep.append(i)
        i += int(rng.integers(lo, hi + 1))
    keep = np.array(keep)
    noise = rng.normal(0, 3.0, size=(len(keep), 2))
    return dense_t[keep], x[keep] + noise[:, 0], y[keep] + noise[:, 1]


def make(seed: int = 38) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    day = pd.Timestamp("2026-11-16 07:00", tz=TZ)
    rows = []
    for kind, n_veh, rides in (("scooter", 30, 8), ("car", 25, 6)):
        for v in range(n_veh):
            vid = f"{kind[0].upper()}{v:03d}"
            start = day + pd.Timedelta(minutes=float(rng.uniform(0, 60)))
            for r in range(rides):
                ts, x, y = _ride(rng, kind)
                lat, lon = _to_deg(x, y)
                times = start + pd.to_timedelta(np.round(ts), unit="s")
                rows.append(
                    pd.DataFrame(
                        {
                            "ride": f"{vid}-{r:02d}",
                            "vehicle": vid,
                            "kind": kind,
                            "recorded_at": times,
                            "lat_deg": lat,
                            "lon_deg": lon,
                        }
                    )
                )
                start = times[-1] + pd.Timedelta(minutes=float(rng.uniform(5, 60)))
    df = pd.concat(rows, ignore_index=True)
    idx = rng.choice(len(df), size=19, replace=False)
    zero, jump, dup = idx[:6], idx[6:14], idx[14:]
    df.loc[zero, ["lat_deg", "lon_deg"]] = 0.0
    df.loc[jump, "lat_deg"] += 2000 / M_PER_DEG_LAT
    dup_rows = df.loc[dup].copy()
    dup_rows["lat_deg"] += 5 / M_PER_DEG_LAT
    return (
        pd.concat([df, dup_rows])
        .sort_values(["ride", "recorded_at"], kind="stable")
        .reset_index(drop=True)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out", default=os.path.join(os.environ.get("NEWUSER38", "/tmp/newuser38"), "raw")
    )
    ap.add_argument("--seed", type=int, default=38)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    df = make(args.seed)
    df.to_parquet(out / "ushuaia.parquet", index=False)
    print(f"{len(df)} fixes, {df.ride.nunique()} rides -> {out / 'ushuaia.parquet'}")


if __name__ == "__main__":
    main()
