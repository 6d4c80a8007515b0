"""A month of Cape Town taxis (newuser34's persona, source b).

12 taxis, February 2026, one shift a day (day 06-16 or evening 15-01 local, SAST = UTC+2, days
off), each leaving and returning to one of three depots; between fares a taxi waits at a rank
(standing fixes with GPS wander) or cruises empty. Devices report every 30, 45 or 60 s (+-2 s);
times are ISO text on +02:00. Speeds follow the hour: weekday rush 07-09 and 16:30-18:30 crawl,
nights are fast. Columns: taxi_id, timestamp, latitude, longitude, speed_kmh, occupied.

    python scripts/newuser34/gen_taxis.py OUT.csv [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _streets import Grid, drive, gps_noise, to_latlon, write_rows  # noqa: E402

LAT0, LON0 = -33.9249, 18.4241
SAST = dt.timezone(dt.timedelta(hours=2))


def cruise_mps(t: dt.datetime) -> float:
    h = t.hour + t.minute / 60
    if t.weekday() < 5 and (7 <= h < 9 or 16.5 <= h < 18.5):
        return 4.5
    if h >= 21 or h < 5:
        return 12.0
    return 8.5


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--taxis", type=int, default=12)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    grid = Grid(block_m=150.0, angle_deg=35.0, half_m=5000.0)
    depots = [grid.snap(*rng.uniform(-4000, 4000, 2)) for _ in range(3)]
    ranks = [grid.snap(*rng.uniform(-3000, 3000, 2)) for _ in range(8)]
    rows = []
    for taxi in range(a.taxis):
        tid = f"CT{taxi + 101}"
        every = float(rng.choice([30.0, 45.0, 60.0]))
        depot = depots[taxi % 3]
        evening = taxi % 4 == 3
        for d in range(28):
            day = dt.datetime(2026, 2, 1, tzinfo=SAST) + dt.timedelta(days=d)
            if rng.random() < 0.15 or (day.weekday() == 6 and rng.random() < 0.5):
                continue
            t = day + dt.timedelta(hours=15 if evening else 6, minutes=float(rng.uniform(0, 40)))
            end = t + dt.timedelta(hours=float(rng.uniform(8, 10)))
            pos = depot
            while t < end:
                legs = []
                if rng.random() < 0.6:  # wait at a rank first
                    rank = ranks[rng.integers(len(ranks))]
                    legs.append((rank, 0, "drive"))
                    legs.append((rank, 0, "wait"))
                dest = grid.snap(*rng.uniform(-4500, 4500, 2))
                legs.append((dest, 1, "drive"))
                for target, occ, what in legs:
                    if what == "wait":
                        n = int(rng.uniform(2, 20) * 60 / every)
                        st = np.arange(n) * every
                        u = np.full(n, pos[0])
                        v = np.full(n, pos[1])
                        sig = 8.0
                    else:
                        if target == pos:
                            continue
                        st, u, v = drive(grid.route(pos, target, rng), cruise_mps(t), every, rng,
                                         light_p=0.3, light_s=(15, 60), jitter_s=2.0)  # fmt: skip
                        sig = 5.0
                    x, y = grid.to_xy(u, v)
                    dx, dy = gps_noise(len(x), rng, sigma_m=sig, outlier_p=0.003)
                    lat, lon = to_latlon(x + dx, y + dy, LAT0, LON0)
                    spd = np.concatenate(
                        [[0.0], np.hypot(np.diff(u), np.diff(v)) / np.maximum(np.diff(st), 1)]
                    )
                    for k in range(len(st)):
                        tk = t + dt.timedelta(seconds=float(st[k]))
                        rows.append((tid, tk.isoformat(timespec="seconds"), f"{lat[k]:.6f}",
                                     f"{lon[k]:.6f}", f"{spd[k] * 3.6:.1f}", str(occ)))  # fmt: skip
                    t += dt.timedelta(seconds=float(st[-1]) + every)
                    pos = target
            # back to the depot, then off until tomorrow
            if pos != depot:
                st, u, v = drive(
                    grid.route(pos, depot, rng), cruise_mps(t), every, rng, jitter_s=2.0
                )
                x, y = grid.to_xy(u, v)
                lat, lon = to_latlon(x, y, LAT0, LON0)
                for k in range(len(st)):
                    tk = t + dt.timedelta(seconds=float(st[k]))
                    rows.append((tid, tk.isoformat(timespec="seconds"), f"{lat[k]:.6f}",
                                 f"{lon[k]:.6f}", "", "0"))  # fmt: skip
    rows.sort(key=lambda r: (r[1], r[0]))  # the feed arrives in time order, taxis interleaved
    write_rows(a.out, "taxi_id,timestamp,latitude,longitude,speed_kmh,occupied", rows)
    print(f"{a.out}: {a.taxis} taxis, {len(rows)} fixes")


if __name__ == "__main__":
    main()
