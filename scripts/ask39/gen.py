"""Set 39's four made data sets (ask39), seeded (39), written before any answer was read.

Writes under $ASK39_OUT (default /tmp/ask39):
- kruger.csv: a wildlife ranger's GPS collars in the Kruger Park, South Africa (the southern hemisphere's winter;
  headers animal / species / fix_time_utc / lat / lon; **ISO UTC with Z**, asked with --tz Africa/Johannesburg);
  lions "L01" ... "L03" and hyenas "H01", "H02" (species lion / hyena); 1 - 14 June 2026; a fix every hour (a
  random walk: 0-1.5 km a step for lions, 0-2.2 km for hyenas); no trip column;
- orders.csv: a Bengaluru food-delivery fleet (headers rider_id / order_id / vehicle / order_time / lat / lng;
  **naive local times** "2026-05-04 12:31:07", asked with --tz Asia/Kolkata); six riders "RID-101" ... "RID-106"
  (vehicle petrol / ev: 101-103 petrol, 104-106 ev); Mon 4 - Sun 10 May 2026; 5-s fixes; 7-13 orders a rider a day
  from 11:00, each 1-6 km at 15-25 km/h;
- teen.csv: a teenager's own phone in Dublin (headers trip / how / ts / lat / lon; **Unix seconds**, asked with --tz
  Europe/Dublin); one person, no vehicle column; Mon 4 - Sun 17 May 2026; 2-5 trips a day, how walk / scooter / bus
  (walks 0.5-3 km at 4-6 km/h, scooter 1-6 km at 12-20 km/h, bus 3-10 km at 15-30 km/h); 5-s fixes;
- lorries.csv: a Yorkshire haulage firm's lorries (headers reg / job_no / trailer / timestamp / lat / lon; **ISO with
  the offset** "+01:00", asked with --tz Europe/London); six lorries with UK plates "YX21 ABC", ... (trailer curtain
  / fridge); Mon 1 - Sat 13 June 2026 (no Sundays); 15-s fixes; 2-4 jobs a lorry a weekday (1-2 on Saturdays),
  each 15-90 km at 45-75 km/h, the first from 04:00-07:00.

    python scripts/ask39/gen.py        # then bash scripts/ask39/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK39_OUT", "/tmp/ask39"))
rng = np.random.default_rng(39)


def path(points, t0, kmh, step_s, dwells=(), noise_m=2.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


KRUGER = (-24.0, 31.5)
ANIMALS = {"L01": ("lion", 1.5), "L02": ("lion", 1.5), "L03": ("lion", 1.5),
           "H01": ("hyena", 2.2), "H02": ("hyena", 2.2)}  # fmt: skip


def kruger() -> pd.DataFrame:
    rows = []
    times = pd.date_range(
        "2026-05-31 22:00", "2026-06-14 21:00", freq="1h"
    )  # UTC: 1-14 June in SAST
    for animal, (species, reach) in ANIMALS.items():
        here = offset(*KRUGER, float(rng.uniform(5, 40)), float(rng.uniform(0, 360)))
        for t in times:
            here = offset(*here, float(rng.uniform(0, reach)), float(rng.uniform(0, 360)))
            rows.append((animal, species, t, round(here[0], 6), round(here[1], 6)))
    df = pd.DataFrame(rows, columns=["animal", "species", "t", "lat", "lon"])
    df["fix_time_utc"] = df.t.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df[["animal", "species", "fix_time_utc", "lat", "lon"]]


BLR = (12.9716, 77.5946)
RIDERS = {f"RID-{100 + i}": ("petrol" if i <= 3 else "ev") for i in range(1, 7)}


def orders() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-05-04", "2026-05-10"):
        for rider, kind in RIDERS.items():
            t = day + pd.Timedelta(hours=11 + float(rng.uniform(0, 1)))
            for _ in range(int(rng.integers(7, 14))):
                a = offset(*BLR, float(rng.uniform(0, 4)), float(rng.uniform(0, 360)))
                b = offset(*a, float(rng.uniform(1, 6)), float(rng.uniform(0, 360)))
                T, LA, LO = path([a, b], t, float(rng.uniform(15, 25)), 5)
                n += 1
                rows += [
                    (rider, f"OD{n:05d}", kind, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=float(rng.uniform(5, 40)))
                if t.hour >= 23:
                    break
    df = pd.DataFrame(rows, columns=["rider_id", "order_id", "vehicle", "t", "lat", "lng"])
    df["order_time"] = df.t.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["rider_id", "order_id", "vehicle", "order_time", "lat", "lng"]]


DUBLIN = (53.3498, -6.2603)
HOW = {"walk": ((0.5, 3), (4, 6)), "scooter": ((1, 6), (12, 20)), "bus": ((3, 10), (15, 30))}


def teen() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-05-04", "2026-05-17"):
        t = day + pd.Timedelta(hours=8 + float(rng.uniform(0, 2)))
        for _ in range(int(rng.integers(2, 6))):
            how = str(rng.choice(list(HOW)))
            (k0, k1), (v0, v1) = HOW[how]
            a = offset(*DUBLIN, float(rng.uniform(0, 5)), float(rng.uniform(0, 360)))
            b = offset(*a, float(rng.uniform(k0, k1)), float(rng.uniform(0, 360)))
            T, LA, LO = path([a, b], t, float(rng.uniform(v0, v1)), 5)
            n += 1
            rows += [(f"T{n:04d}", how, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)]
            t = T[-1] + pd.Timedelta(minutes=float(rng.uniform(40, 180)))
    df = pd.DataFrame(rows, columns=["trip", "how", "t", "lat", "lon"])
    utc = df.t.dt.tz_localize("Europe/Dublin").dt.tz_convert("UTC")
    df["ts"] = (utc.astype("int64") // 1_000_000_000).astype("int64")
    return df[["trip", "how", "ts", "lat", "lon"]]


LEEDS = (53.8008, -1.5491)
LORRIES = {"YX21 ABC": "curtain", "YX21 ABD": "curtain", "YX70 KTE": "curtain",
           "YK19 FRZ": "fridge", "YK68 LMN": "fridge", "YK22 OPQ": "fridge"}  # fmt: skip


def lorries() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-06-01", "2026-06-13"):
        if day.weekday() == 6:
            continue
        for reg, kind in LORRIES.items():
            t = day + pd.Timedelta(hours=4 + float(rng.uniform(0, 3)))
            jobs = int(rng.integers(1, 3)) if day.weekday() == 5 else int(rng.integers(2, 5))
            for _ in range(jobs):
                a = offset(*LEEDS, float(rng.uniform(0, 10)), float(rng.uniform(0, 360)))
                b = offset(*a, float(rng.uniform(15, 90)), float(rng.uniform(0, 360)))
                mid = offset(
                    *a,
                    0.5 * float(np.hypot(b[0] - a[0], b[1] - a[1])) * 111,
                    float(rng.uniform(0, 360)),
                )
                T, LA, LO = path([a, mid, b], t, float(rng.uniform(45, 75)), 15)
                n += 1
                rows += [
                    (reg, f"J{n:04d}", kind, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=float(rng.uniform(30, 90)))
    df = pd.DataFrame(rows, columns=["reg", "job_no", "trailer", "t", "lat", "lon"])
    loc = df.t.dt.tz_localize("Europe/London")
    df["timestamp"] = loc.map(lambda x: x.isoformat())
    return df[["reg", "job_no", "trailer", "timestamp", "lat", "lon"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("kruger", kruger),
        ("orders", orders),
        ("teen", teen),
        ("lorries", lorries),
    ]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 0].nunique(), "ids in column 1")
