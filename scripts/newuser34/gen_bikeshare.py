"""A week of a Melbourne bike-share / e-scooter fleet (newuser34's persona, source a).

Docked trips between 40 docks on the rotated CBD grid, Monday 30 March to Sunday 5 April 2026
(daylight saving ends on the Sunday at 03:00 -> 02:00), times as the operator exports them: local
wall-clock text with no zone. Classic bikes and e-bikes report every 10 s, e-scooters every 5 s;
about 70 % of trips carry a `vehicle_type` label, the rest leave it empty. Weekday commute peaks,
weekend midday leisure, GPS noise of 4-6 m and the odd multipath jump.

    python scripts/newuser34/gen_bikeshare.py OUT.csv [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import zoneinfo
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _streets import Grid, drive, gps_noise, to_latlon, write_rows  # noqa: E402

LAT0, LON0 = -37.8136, 144.9631
MELBOURNE = zoneinfo.ZoneInfo("Australia/Melbourne")
TYPES = {  # cruise m/s, report interval s, share of the fleet
    "classic": (3.8, 10.0, 0.45),
    "e-bike": (5.6, 10.0, 0.30),
    "e-scooter": (4.9, 5.0, 0.25),
}


def hour_weights(weekend: bool) -> np.ndarray:
    h = np.arange(24)
    if weekend:
        w = 0.3 + 2.2 * np.exp(-((h - 13.0) ** 2) / 8.0)
    else:
        w = 0.3 + 3.0 * np.exp(-((h - 8.3) ** 2) / 1.2) + 2.6 * np.exp(-((h - 17.6) ** 2) / 1.5)
        w += 0.8 * np.exp(-((h - 12.5) ** 2) / 2.0)
    w[(h >= 1) & (h <= 5)] *= 0.08
    return w / w.sum()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--trips-per-day", type=int, default=160)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    grid = Grid(block_m=200.0, angle_deg=-20.0, half_m=2400.0)
    docks = [grid.snap(*rng.uniform(-2400, 2400, 2)) for _ in range(40)]
    fleet = []
    for i in range(260):
        kind = rng.choice(list(TYPES), p=[v[2] for v in TYPES.values()])
        fleet.append((f"{'S' if kind == 'e-scooter' else 'B'}{i:04d}", str(kind)))
    rows = []
    trip = 0
    day0 = dt.datetime(2026, 3, 30)
    for d in range(7):
        day = day0 + dt.timedelta(days=d)
        weekend = day.weekday() >= 5
        n = int(a.trips_per_day * (0.8 if weekend else 1.0) * rng.uniform(0.9, 1.1))
        hours = rng.choice(24, size=n, p=hour_weights(weekend))
        for h in sorted(hours):
            local = day + dt.timedelta(hours=int(h), seconds=float(rng.uniform(0, 3600)))
            start = local.replace(tzinfo=MELBOURNE).astimezone(dt.UTC)  # the clock runs in UTC
            bike, kind = fleet[rng.integers(len(fleet))]
            cruise, every, _ = TYPES[kind]
            a_dock = docks[rng.integers(len(docks))]
            b_dock = docks[rng.integers(len(docks))]
            if math.dist(a_dock, b_dock) < 600:
                continue  # nobody docks a bike 2 blocks away
            corners = grid.route(a_dock, b_dock, rng)
            st, u, v = drive(corners, cruise * (0.9 if weekend else 1.0), every, rng,
                             light_p=0.35, light_s=(8, 40), jitter_s=0.4)  # fmt: skip
            x, y = grid.to_xy(u, v)
            dx, dy = gps_noise(len(x), rng, sigma_m=rng.uniform(4, 6), outlier_p=0.004)
            lat, lon = to_latlon(x + dx, y + dy, LAT0, LON0)
            label = kind if rng.random() < 0.7 else ""
            trip += 1
            for k in range(len(st)):
                # exported as local wall-clock text: the hour after 03:00 on 5 April repeats
                t = (start + dt.timedelta(seconds=float(st[k]))).astimezone(MELBOURNE)
                rows.append((f"T{trip:05d}", bike, label, t.strftime("%Y-%m-%d %H:%M:%S"),
                             f"{lat[k]:.6f}", f"{lon[k]:.6f}"))  # fmt: skip
    write_rows(a.out, "trip_id,bike_id,vehicle_type,recorded_at,lat,lng", rows)
    print(f"{a.out}: {trip} trips, {len(rows)} fixes")


if __name__ == "__main__":
    main()
