"""Session 26 new-user test, persona (a): a telematics vendor's Parquet export.

What it writes: 10 delivery vans x 3 days around Rotterdam, one row per fix:
`vehicle_id, timestamp (int64 epoch ms), x, y (EPSG:3857 metres), speed_kmh, ignition (bool)`.
Fixes every 30 s while driving, a heartbeat every 5 min while parked (ignition off), rows
shuffled within each van, 30 repeated rows. Seeded: the same file every run.

Command: PYTHONPATH=. python scripts/newuser26/gen_fleet.py [OUT_DIR]
Output: OUT_DIR/fleet.parquet (default OUT_DIR: $NEWUSER26_OUT or /tmp/newuser26).
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

CENTRE = (51.92, 4.48)  # Rotterdam (lat, lon)
BLOCK_M = 250.0


def van_day(rng: np.random.Generator, day0_ms: int, home_xy: np.ndarray) -> list[dict]:
    """One van-day: 6-9 delivery legs on a street grid, parked between them."""
    rows = []
    t = day0_ms + int(rng.uniform(6.5, 8.0) * 3600e3)
    xy = home_xy.copy()
    for _ in range(int(rng.integers(6, 10))):
        stop_min = rng.uniform(4, 25)
        for k in range(int(stop_min * 60 / 300) + 1):  # parked: a heartbeat every 5 min
            rows.append(dict(ts=t + k * 300_000, x=xy[0], y=xy[1], speed_kmh=0.0, ignition=False))
        t += int(stop_min * 60e3)
        blocks = rng.integers(4, 16)
        speed = rng.uniform(25, 50) / 3.6
        for _ in range(int(blocks)):
            direction = rng.choice([(1, 0), (-1, 0), (0, 1), (0, -1)])
            steps = int(BLOCK_M / (speed * 30)) + 1
            for _ in range(steps):
                xy = xy + np.asarray(direction) * speed * 30 + rng.normal(0, 4, 2)
                t += 30_000
                v = max(speed * 3.6 + rng.normal(0, 3), 0.0)
                rows.append(dict(ts=t, x=xy[0], y=xy[1], speed_kmh=round(v, 1), ignition=True))
    return rows


def main(out_dir: Path) -> Path:
    rng = np.random.default_rng(26)
    to_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    cx, cy = to_3857.transform(CENTRE[1], CENTRE[0])
    frames = []
    for v in range(10):
        home = np.array([cx, cy]) + rng.normal(0, 3000, 2)
        rows = []
        for d in range(3):
            day0 = int(pd.Timestamp("2026-11-16", tz="Europe/Amsterdam").value // 1_000_000)
            rows += van_day(rng, day0 + d * 86_400_000, home)
        df = pd.DataFrame(rows).sample(frac=1.0, random_state=v)  # the portal's order
        df.insert(0, "vehicle_id", f"RTM-{v + 1:03d}")
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df = pd.concat([df, df.sample(30, random_state=1)], ignore_index=True)  # repeated rows
    df = df.rename(columns={"ts": "timestamp"})
    df["timestamp"] = df["timestamp"].astype("int64")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "fleet.parquet"
    df.to_parquet(path, index=False)
    print(f"wrote {path}: {len(df)} rows, {df.vehicle_id.nunique()} vans")
    return path


if __name__ == "__main__":
    main(
        Path(
            sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER26_OUT", "/tmp/newuser26")
        )
    )
