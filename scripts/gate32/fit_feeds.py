"""Session 32 (gate32): runs fitted on long-stop feeds, for scripts/gate31/measure_gate.py.

Feeds (each fitted as a user would: ``TrajLM.fit``, seed 0, one thread, ``--steps`` steps):
  transit  scripts/newuser31/gen_transit.py's bus AVL feed, one trajectory per journey
           (DatedVehicleJourneyRef: a 6-12 min layover at the first terminal, then 15-30 s
           dwells at 16-20 stops)
  vans     a seeded delivery-van feed generated here (``vans``): one trajectory per van-day,
           depot -> 6-24 drops (3-15 min parked at each, pings continuing) and a 20-40 min
           lunch stop -> depot, 6-14 m/s between drops, a ping every 10-30 s, ~5 m noise
(newuser30's vessels and the shared AIS set are fitted by scripts/gate31/run.sh.)

    PYTHONPATH=. python scripts/gate32/fit_feeds.py FEED OUT [--steps 100]
Writes OUT/run and its store OUT/store (and OUT/feed for transit's generator output).
"""

import argparse
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gate31"))
from fit_vessels import fit  # noqa: E402  (gate31's: a run as a user fits it)

DEPOT = (52.37, 4.90)  # lat, lon of the vans' depot (a generated city)
M_LAT = 111_320.0


def vans(seed: int = 32, n_vans: int = 30, days: int = 2) -> pl.DataFrame:
    """traj_id, t, lat, lon of the delivery vans (module docstring)."""
    rng = np.random.default_rng(seed)
    m_lon = M_LAT * math.cos(math.radians(DEPOT[0]))
    rows: list[tuple[str, int, float, float]] = []
    for van in range(n_vans):
        # urban vans: many drops close together; regional: few, far apart
        n_drops = int(rng.integers(6, 25))
        spread = 12_000 / math.sqrt(n_drops)
        for day in range(days):
            t = 1_760_000_000 + day * 86_400 + int(rng.uniform(6, 8) * 3600)
            pos = np.zeros(2)
            track_t, track_xy = [t], [pos.copy()]
            lunch = int(rng.integers(n_drops // 3, max(n_drops // 3 + 1, 2 * n_drops // 3)))
            stops = [*rng.normal(0, spread, (n_drops, 2)), np.zeros(2)]
            for k, dest in enumerate(stops):
                v = rng.uniform(6, 14)
                while np.hypot(*(dest - pos)) > 1.0:  # drive, one second at a time
                    d = dest - pos
                    step = min(v, float(np.hypot(*d)))
                    pos = pos + d / np.hypot(*d) * step
                    t += 1
                    track_t.append(t)
                    track_xy.append(pos.copy())
                park = rng.uniform(180, 900) + (rng.uniform(1200, 2400) if k == lunch else 0)
                if k < n_drops:
                    for _ in range(int(park)):
                        t += 1
                        track_t.append(t)
                        track_xy.append(pos.copy())
            ts, xy = np.array(track_t), np.array(track_xy)
            keep, i = [0], 0
            while i < len(ts) - 1:
                i = min(i + int(rng.integers(10, 31)), len(ts) - 1)
                keep.append(i)
            xy = xy[keep] + rng.normal(0, 5, (len(keep), 2))
            tid = f"VAN{van:02d}-d{day}"
            for (x, y), tt in zip(xy, ts[keep], strict=True):
                rows.append((tid, int(tt), DEPOT[0] + y / M_LAT, DEPOT[1] + x / m_lon))
    return pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon"], orient="row")


def transit(out: Path) -> pl.DataFrame:
    gen = Path(__file__).resolve().parents[1] / "newuser31" / "gen_transit.py"
    subprocess.run([sys.executable, str(gen), str(out)], check=True)
    df = pl.read_csv(out / "avl.csv")
    return df.select(
        traj_id=pl.col("DatedVehicleJourneyRef"),
        t=pl.col("RecordedAtTime").str.to_datetime("%Y-%m-%dT%H:%M:%SZ", time_zone="UTC"),
        lat=pl.col("Latitude"),
        lon=pl.col("Longitude"),
    ).with_columns(t=pl.col("t").dt.epoch("s"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("feed", choices=["transit", "vans"])
    ap.add_argument("out", type=Path)
    ap.add_argument("--steps", type=int, default=100)
    a = ap.parse_args()
    torch.set_num_threads(1)
    df = transit(a.out / "feed") if a.feed == "transit" else vans()
    print(f"{a.feed}: {df['traj_id'].n_unique()} trajectories, {len(df)} points")
    fit(df, a.out, a.steps)


if __name__ == "__main__":
    main()
