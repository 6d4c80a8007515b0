"""heldout24's Pacific ships generator (/tmp/heldout24/gen.py `ships`, seed 2400), N ships.
N=28 is heldout24's file byte for byte; N=84 extends it (the first 28 ships identical).
python gen_ships.py OUT.csv N"""

import math
import sys

import numpy as np
import pandas as pd

R = 6371000.0


def step(lat, lon, heading, dist):
    dlat = dist * math.cos(heading) / R
    dlon = dist * math.sin(heading) / (R * math.cos(math.radians(lat)))
    lon2 = math.degrees(math.radians(lon) + dlon)
    lon2 = (lon2 + 180) % 360 - 180
    return lat + math.degrees(dlat), lon2


def noisy(rng, lat, lon, sd_m):
    return (
        lat + rng.normal(0, sd_m) / 111320.0,
        lon + rng.normal(0, sd_m) / (111320.0 * math.cos(math.radians(lat))),
    )


def ships(rng, n, out):
    rows = []
    for s in range(n):
        imo = 9300000 + int(rng.integers(0, 99999))
        east = s % 2 == 0
        lat, lon = rng.uniform(30, 45), (170.0 if east else -170.0) + rng.uniform(-6, 6)
        head = math.radians(90 if east else 270) + rng.normal(0, 0.15)
        t = pd.Timestamp("2026-03-01", tz="UTC") + pd.Timedelta(hours=float(rng.uniform(0, 200)))
        v = rng.uniform(8, 11)
        for _ in range(int(rng.integers(150, 260))):
            dt = float(
                rng.choice(
                    [60, 120, 180, 300, 600, 900, 1800], p=[0.1, 0.15, 0.2, 0.25, 0.15, 0.1, 0.05]
                )
            )
            dt += rng.uniform(-20, 20)
            head += rng.normal(0, 0.01)
            lat, lon = step(lat, lon, head, v * dt)
            t += pd.Timedelta(seconds=dt)
            la, lo = noisy(rng, lat, lon, 15)
            rows.append(
                (
                    imo,
                    f"MV PACIFIC {s:02d}",
                    t.strftime("%Y-%m-%d %H:%M"),
                    round(la, 5),
                    round(lo, 5),
                    round(v * 1.94384 + rng.normal(0, 0.3), 1),
                    round(math.degrees(head) % 360),
                )
            )
    df = pd.DataFrame(
        rows, columns=["IMO", "Ship name", "Pos. time (UTC)", "Lat", "Long", "Speed (kn)", "Course"]
    )
    df = pd.concat([df, df.sample(frac=0.02, random_state=1)]).sort_index(kind="stable")
    df.to_csv(out, sep=";", index=False)


if __name__ == "__main__":
    ships(np.random.default_rng(2400), int(sys.argv[2]), sys.argv[1])
