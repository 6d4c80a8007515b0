"""A seeded GPS-vest training session and a UWB warehouse log (newuser36's persona).

Writes under OUT (default $NEWUSER36/raw or /tmp/newuser36/raw):

  gps_vests.csv   a Catapult-style export of one training session: Player, Timestamp (local
                  Europe/London wall clock, `dd/mm/yyyy HH:MM:SS.f`), Latitude, Longitude,
                  Velocity (m/s), Heart Rate; 14 players at 10 Hz for 20 minutes on a pitch at
                  a training ground near Manchester (drills: jog laps, small-sided game, sprints)
  uwb_forklifts.csv  an indoor UWB positioning log: tag_id, timestamp (ISO UTC), x_m, y_m, z_m
                  in metres from the building's corner (80 x 40 m), 2 Hz, 8 forklifts for one
                  hour driving along aisles between racks and the dock
"""

from __future__ import annotations

import argparse
import csv
import math
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

LAT0, LON0 = 53.4631, -2.2913  # a pitch-sized field; the pitch's long side runs east
M_LAT = 111_320.0
M_LON = 111_320.0 * math.cos(math.radians(LAT0))


def _vests(rng: np.random.Generator, out: Path) -> None:
    hz, minutes, players = 10, 20, 14
    n = minutes * 60 * hz
    start = datetime(2026, 12, 3, 10, 30, 0)  # local (GMT in December)
    with open(out / "gps_vests.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Player", "Timestamp", "Latitude", "Longitude", "Velocity", "Heart Rate"])
        for k in range(players):
            pos = np.array([rng.uniform(10, 90), rng.uniform(10, 58)])
            vel = np.zeros(2)
            target = pos.copy()
            hr = 90.0
            for i in range(n):
                minute = i / hz / 60
                if i % (hz * 4) == 0:
                    if minute < 6:  # jog laps around the pitch
                        ang = 2 * math.pi * (minute / 1.5 + k / players)
                        target = np.array([50 + 40 * math.cos(ang), 34 + 26 * math.sin(ang)])
                    elif minute < 16:  # small-sided game in a 40 x 30 box
                        target = np.array([rng.uniform(30, 70), rng.uniform(19, 49)])
                    else:  # 30-m sprints and walk back
                        target = np.array([20.0 if (i // (hz * 8)) % 2 else 50.0, 10 + 3 * k])
                cap = 8.5 if minute >= 16 else (3.2 if minute < 6 else 6.0)
                want = target - pos
                d = float(np.hypot(*want))
                desired = want / max(d, 1e-9) * min(cap, d)
                vel += (desired - vel) * 0.15
                pos = pos + vel / hz
                speed = float(np.hypot(*vel))
                hr += (80 + 12 * speed - hr) * 0.01
                noise = rng.normal(0, 0.4, 2)  # GNSS noise (m)
                lat = LAT0 + (pos[1] + noise[1]) / M_LAT
                lon = LON0 + (pos[0] + noise[0]) / M_LON
                t = start + timedelta(seconds=i / hz)
                stamp = t.strftime("%d/%m/%Y %H:%M:%S.") + f"{t.microsecond // 100000}"
                w.writerow(
                    [
                        f"Player {k + 1:02d}",
                        stamp,
                        f"{lat:.7f}",
                        f"{lon:.7f}",
                        f"{speed:.2f}",
                        round(hr),
                    ]
                )


def _forklifts(rng: np.random.Generator, out: Path) -> None:
    hz, minutes, tags = 2, 60, 8
    aisles = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]  # x of each aisle; racks between
    dock_y = 36.0
    start = datetime(2026, 12, 2, 6, 0, 0, tzinfo=UTC)
    rows = []
    for k in range(tags):
        pos = np.array([rng.uniform(5, 75), dock_y])
        route: list[np.ndarray] = []
        for i in range(minutes * 60 * hz):
            if not route:  # dock -> aisle -> a bay -> back to the dock
                ax = float(rng.choice(aisles))
                bay = float(rng.uniform(4, 30))
                route = [
                    np.array([ax, dock_y]),
                    np.array([ax, bay]),
                    np.array([ax, bay]),
                    np.array([ax, dock_y]),
                    np.array([rng.uniform(5, 75), dock_y]),
                ]
                pause = int(rng.integers(10, 60))
            want = route[0] - pos
            d = float(np.hypot(*want))
            if d < 0.3:
                if pause > 0 and len(route) == 3:
                    pause -= 1
                else:
                    route.pop(0)
            else:
                pos = pos + want / d * min(d, 2.5 / hz)  # 2.5 m/s
            noise = rng.normal(0, 0.15, 3)
            t = start + timedelta(seconds=i / hz)
            rows.append(
                (t, f"FL-{k + 1:02d}", pos[0] + noise[0], pos[1] + noise[1], 0.8 + noise[2])
            )
    rows.sort(key=lambda r: (r[0], r[1]))  # the positioning server logs in time order
    with open(out / "uwb_forklifts.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["tag_id", "timestamp", "x_m", "y_m", "z_m"])
        for t, tag, x, y, z in rows:
            w.writerow(
                [
                    tag,
                    t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    f"{x:.2f}",
                    f"{y:.2f}",
                    f"{z:.2f}",
                ]
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out", type=Path, default=Path(os.environ.get("NEWUSER36", "/tmp/newuser36")) / "raw"
    )
    ap.add_argument("--seed", type=int, default=36)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    _vests(rng, args.out)
    _forklifts(rng, args.out)
    print(f"wrote {args.out}/gps_vests.csv, uwb_forklifts.csv")


if __name__ == "__main__":
    main()
