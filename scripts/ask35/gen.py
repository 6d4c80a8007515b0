"""Set 35's three made data sets (ask35), seeded, written before any answer was read.

Writes under $ASK35_OUT (default /tmp/ask35):
- avl.csv: a transit agency's bus AVL feed for Calgary (headers vehicle_id / route_id / trip_id / timestamp /
  lat / lon; ISO times with their own offset, -06:00, asked with --tz America/Edmonton); buses 8101-8112
  (numbers), routes 14, 7 and 22 (numbers: the label); Mon 14 - Fri 18 Sep 2026; 30-s fixes; trips alternate
  direction along each route, every 20-40 min from about 06:00, dwelling 20-60 s at stops; a bus keeps its
  route for the day; a few late trips after 21:00;
- vans.csv: a parcel firm's van week in Leeds (headers registration / tour_id / gps_time / lat / lon; **ISO UTC
  with Z**, asked with --tz Europe/London, +01:00 in September); five vans by their number plates, two words
  ("LV21 KXP"); Mon 14 - Sat 19 Sep 2026; 20-s fixes; one tour a van a day (none on some days, none on
  Saturday for two vans), leaving the depot 06:30-09:00, 10-18 delivery stops of 2-9 min, a lunch stop of
  20-40 min, back to the depot;
- runs.csv: a sports scientist's runners' GPX exports (headers athlete / activity_id / time / lat / lon / ele;
  ISO times with +02:00, asked with --tz Europe/Berlin); runners Amara, Jonas, Keiko, Luis around Munich;
  Mon 7 - Sun 20 Sep 2026; 5-s fixes; 6-9 runs each of 5-24 km at the runner's own pace, with elevation.

    python scripts/ask35/gen.py        # then bash scripts/ask35/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK35_OUT", "/tmp/ask35"))
rng = np.random.default_rng(35)


def path(points, t0, kmh, step_s, dwells=(), noise_m=2.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


YYC = (51.045, -114.06)
ROUTES = {"14": (8.0, 60), "7": (6.0, 95), "22": (11.0, 20)}  # km long, bearing
BUSES = list(range(8101, 8113))


def avl() -> pd.DataFrame:
    rows = []
    for day in pd.date_range("2026-09-14", "2026-09-18"):
        pool = list(rng.permutation(BUSES))
        for route, (km, bearing) in ROUTES.items():
            a = offset(*YYC, 3.0, bearing + 180)
            b = offset(*a, km, bearing)
            stops = [offset(*a, km * i / 10, bearing) for i in range(11)]
            buses = [int(pool.pop()) for _ in range(3)]
            t = day + pd.Timedelta(hours=5.8 + float(rng.uniform(0, 0.5)))
            k = 0
            last = day + pd.Timedelta(hours=21.5 if rng.random() < 0.5 else 20.0)
            while t < last:
                fwd = k % 2 == 0
                pts = stops if fwd else stops[::-1]
                dw = [float(rng.uniform(20, 60)) / 60 for _ in range(9)]
                kmh = float(rng.uniform(17, 26)) if route != "7" else float(rng.uniform(13, 19))
                T, LA, LO = path(pts, t, kmh, 30, dw)
                bus = buses[k % 3]
                tid = f"{route}-{day:%m%d}-{k + 1:02d}"
                rows += [(bus, route, tid, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)]
                k += 1
                gap = float(rng.uniform(20, 40)) if 6 <= t.hour < 19 else float(rng.uniform(35, 60))
                if rng.random() < 0.12:
                    gap = float(rng.uniform(3, 8))  # a bus right behind the last one
                t = t + pd.Timedelta(minutes=gap)
            _ = b
    df = pd.DataFrame(rows, columns=["vehicle_id", "route_id", "trip_id", "t", "lat", "lon"])
    df["timestamp"] = df.t.dt.strftime("%Y-%m-%dT%H:%M:%S-06:00")
    return df[["vehicle_id", "route_id", "trip_id", "timestamp", "lat", "lon"]]


LEEDS_DEPOT = (53.7705, -1.5790)
PLATES = ["LV21 KXP", "LV21 KXR", "YD70 BHN", "YD70 BHU", "MX19 ZTL"]


def vans() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-09-14", "2026-09-19"):
        for plate in PLATES:
            if day.weekday() == 5 and plate in ("YD70 BHU", "MX19 ZTL"):
                continue
            if rng.random() < 0.08:
                continue  # off the road that day
            t0 = day + pd.Timedelta(hours=6.5 + float(rng.uniform(0, 2.5)))
            drops = [offset(*LEEDS_DEPOT, rng.uniform(2, 14), rng.uniform(0, 360))
                     for _ in range(int(rng.integers(10, 19)))]  # fmt: skip
            dw = [float(rng.uniform(2, 9)) for _ in drops]
            dw[len(dw) // 2] = float(rng.uniform(20, 40))  # lunch
            n += 1
            T, LA, LO = path(
                [LEEDS_DEPOT, *drops, LEEDS_DEPOT], t0, float(rng.uniform(24, 34)), 20, dw
            )
            rows += [(plate, f"T{n:03d}", x, y, z) for x, y, z in zip(T, LA, LO, strict=True)]
    df = pd.DataFrame(rows, columns=["registration", "tour_id", "t", "lat", "lon"])
    utc = df.t.dt.tz_localize("Europe/London").dt.tz_convert("UTC")
    df["gps_time"] = utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df[["registration", "tour_id", "gps_time", "lat", "lon"]]


MUC = (48.137, 11.575)
RUNNERS = {"Amara": 12.5, "Jonas": 10.5, "Keiko": 11.5, "Luis": 13.5}  # km/h


def runs() -> pd.DataFrame:
    rows, n = [], 0
    for name, kmh in RUNNERS.items():
        days = sorted(rng.choice(14, size=int(rng.integers(6, 10)), replace=False))
        home = offset(*MUC, rng.uniform(1, 6), rng.uniform(0, 360))
        for d in days:
            day = pd.Timestamp("2026-09-07") + pd.Timedelta(days=int(d))
            long_run = day.weekday() == 6
            km = float(rng.uniform(16, 24)) if long_run else float(rng.uniform(5, 13))
            t0 = day + pd.Timedelta(
                hours=float(rng.choice([6.5, 7.0, 17.5, 18.5])) + float(rng.uniform(0, 0.5))
            )
            bearing = rng.uniform(0, 360)
            far = offset(*home, km / 2 * 0.9, bearing)
            side = offset(*home, km / 4, bearing + 60)
            # a negative split now and then: the way back faster than the way out
            back = 1.08 if rng.random() < 0.4 else 0.95
            T1, LA1, LO1 = path([home, side, far], t0, kmh, 5)
            T2, LA2, LO2 = path([far, home], T1[-1], kmh * back, 5)
            T, LA, LO = T1 + T2[1:], LA1 + LA2[1:], LO1 + LO2[1:]
            hill = rng.uniform(20, 60)
            s = np.linspace(0, 1, len(T))
            ele = 520 + hill * np.sin(np.pi * s * rng.integers(1, 4)) + rng.normal(0, 0.4, len(T))
            n += 1
            rows += [(name, f"A{n:03d}", a, b, c, round(float(e), 1))
                     for a, b, c, e in zip(T, LA, LO, ele, strict=True)]  # fmt: skip
    df = pd.DataFrame(rows, columns=["athlete", "activity_id", "t", "lat", "lon", "ele"])
    df["time"] = df.t.dt.strftime("%Y-%m-%dT%H:%M:%S+02:00")
    return df[["athlete", "activity_id", "time", "lat", "lon", "ele"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [("avl", avl), ("vans", vans), ("runs", runs)]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 0].nunique(), "ids in column 1")
