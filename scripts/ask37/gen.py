"""Set 37's three made data sets (ask37), seeded, written before any answer was read.

Writes under $ASK37_OUT (default /tmp/ask37):
- schoolbus.csv: a school-bus operator's GPS for Denver (headers bus / run / route / gps_time / lat / lon;
  **ISO times with their own offset "-07:00"**, asked with --tz America/Denver); six buses "SB-101" ...
  "SB-106" on three routes North / South / East (the label); Mon 2 - Fri 6 Nov 2026; 15-s fixes; a morning run
  (from about 06:40) and an afternoon run (from about 14:40) a bus a day, each through 8 stops (0.3-1.5 min each,
  now and then 3-6 min waiting for a pupil); SB-104 broken down on Wednesday;
- sweepers.csv: a street-sweeper fleet in Vienna (headers unit / job / mode / epoch / lat / lon; **Unix
  seconds**, asked with --tz Europe/Vienna); five sweepers "SW-01" ... "SW-05"; Mon 9 - Sat 14 Nov 2026; 10-s
  fixes; a day a sweeper: depot -> district (mode transit, ~25 km/h), two sweeping jobs (mode sweeping, 5-9 km/h,
  short stops) with a transit between them, back to the depot; starts 04:30-06:30; SW-03 off on Tuesday, SW-05
  off on Saturday;
- telematics.csv: an insurer's telematics for Melbourne (headers policy / trip_id / ts / lat / lon / speed_kmh;
  **ISO UTC with Z**, asked with --tz Australia/Melbourne; no label); six policies' cars "P-20417" ...; Mon 2 -
  Sun 29 Mar 2026; 5-s fixes; weekday commutes, evening errands, some night trips (22:00-02:00), weekend
  drives; P-20455's car off the road in the week of 16 March.

    python scripts/ask37/gen.py        # then bash scripts/ask37/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK37_OUT", "/tmp/ask37"))
rng = np.random.default_rng(37)


def path(points, t0, kmh, step_s, dwells=(), noise_m=2.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


DENVER = (39.7392, -104.9903)
SCHOOL = offset(*DENVER, 5.0, 200)
ROUTES = {"North": 10.0, "South": 170.0, "East": 85.0}
BUSES = {"SB-101": "North", "SB-102": "North", "SB-103": "South", "SB-104": "South",
         "SB-105": "East", "SB-106": "East"}  # fmt: skip


def schoolbus() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-11-02", "2026-11-06"):
        for bus, route in BUSES.items():
            if bus == "SB-104" and day.weekday() == 2:
                continue  # broken down
            far = offset(
                *SCHOOL, float(rng.uniform(8, 12)), ROUTES[route] + float(rng.uniform(-10, 10))
            )
            stops = [
                offset(
                    *far,
                    0.9 * k + float(rng.uniform(-0.2, 0.2)),
                    ROUTES[route] + 180 + float(rng.uniform(-30, 30)),
                )
                for k in range(8)
            ]
            for start_h, out in ((6.65, True), (14.65, False)):
                pts = [far, *stops, SCHOOL] if out else [SCHOOL, *stops[::-1], far]
                dwell = [
                    float(rng.uniform(3, 6))
                    if rng.random() < 0.12
                    else float(rng.uniform(0.3, 1.5))
                    for _ in range(8)
                ]
                t0 = day + pd.Timedelta(hours=start_h + float(rng.uniform(0, 0.35)))
                T, LA, LO = path(pts, t0, float(rng.uniform(24, 32)), 15, dwell + [0.0])
                n += 1
                rows += [
                    (bus, f"R{n:04d}", route, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)
                ]
    df = pd.DataFrame(rows, columns=["bus", "run", "route", "t", "lat", "lon"])
    loc = df.t.dt.tz_localize("America/Denver")
    df["gps_time"] = loc.map(lambda x: x.isoformat())
    return df[["bus", "run", "route", "gps_time", "lat", "lon"]]


VIENNA = (48.2082, 16.3738)
DEPOT = offset(*VIENNA, 6.0, 120)
SWEEPERS = ["SW-01", "SW-02", "SW-03", "SW-04", "SW-05"]


def sweepers() -> pd.DataFrame:
    rows, n = [], 0

    def job(points, t0, kmh, mode, dwells=()):
        nonlocal n, rows
        T, LA, LO = path(points, t0, kmh, 10, dwells)
        n += 1
        rows += [(unit, f"J{n:04d}", mode, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)]
        return T[-1]

    for day in pd.date_range("2026-11-09", "2026-11-14"):
        for i, unit in enumerate(SWEEPERS):
            if (unit == "SW-03" and day.weekday() == 1) or (unit == "SW-05" and day.weekday() == 5):
                continue
            area = offset(
                *VIENNA, float(rng.uniform(0.5, 3)), 72.0 * i + float(rng.uniform(-20, 20))
            )
            t = day + pd.Timedelta(hours=4.5 + float(rng.uniform(0, 2)))
            t = job([DEPOT, area], t, 25.0, "transit") + pd.Timedelta(
                minutes=float(rng.uniform(1, 5))
            )
            here = area
            for _ in range(2):
                legs = [here]
                for _ in range(int(rng.integers(4, 8))):
                    legs.append(
                        offset(*legs[-1], float(rng.uniform(0.6, 1.6)), float(rng.uniform(0, 360)))
                    )
                dw = [float(rng.uniform(0.5, 2)) if rng.random() < 0.3 else 0.0 for _ in legs[1:]]
                t = job(legs, t, float(rng.uniform(5, 9)), "sweeping", dw)
                nxt = offset(*legs[-1], float(rng.uniform(1, 3)), float(rng.uniform(0, 360)))
                t = job([legs[-1], nxt], t + pd.Timedelta(minutes=2), 22.0, "transit")
                t += pd.Timedelta(minutes=float(rng.uniform(2, 10)))
                here = nxt
            job([here, DEPOT], t, 25.0, "transit")
    df = pd.DataFrame(rows, columns=["unit", "job", "mode", "t", "lat", "lon"])
    utc = df.t.dt.tz_localize("Europe/Vienna").dt.tz_convert("UTC")
    df["epoch"] = (utc.astype("int64") // 1_000_000_000).astype("int64")
    return df[["unit", "job", "mode", "epoch", "lat", "lon"]]


MELB = (-37.8136, 144.9631)
POLICIES = ["P-20417", "P-20428", "P-20433", "P-20441", "P-20455", "P-20462"]


def telematics() -> pd.DataFrame:
    rows, n = [], 0

    def trip(a, b, t0, kmh):
        nonlocal n, rows
        mid = offset(
            *a, 0.5 * float(np.hypot(b[0] - a[0], b[1] - a[1])) * 111, float(rng.uniform(0, 360))
        )
        T, LA, LO = path([a, mid, b], t0, kmh, 5)
        n += 1
        sp = np.round(np.clip(rng.normal(kmh, 8, len(T)), 0, None), 1)
        rows += [(pol, f"T{n:05d}", x, y, z, s) for x, y, z, s in zip(T, LA, LO, sp, strict=True)]
        return T[-1]

    for j, pol in enumerate(POLICIES):
        home = offset(*MELB, float(rng.uniform(8, 25)), float(rng.uniform(0, 360)))
        work = offset(*MELB, float(rng.uniform(0, 4)), float(rng.uniform(0, 360)))
        night_owl = j in (2, 4)
        for day in pd.date_range("2026-03-02", "2026-03-29"):
            if pol == "P-20455" and pd.Timestamp("2026-03-16") <= day <= pd.Timestamp("2026-03-22"):
                continue  # off the road
            wd = day.weekday()
            if wd < 5 and rng.random() < 0.9:
                t = day + pd.Timedelta(hours=7.2 + float(rng.uniform(0, 1.2)))
                trip(home, work, t, float(rng.uniform(35, 70)))
                t = day + pd.Timedelta(hours=16.8 + float(rng.uniform(0, 1.5)))
                trip(work, home, t, float(rng.uniform(35, 70)))
            elif wd >= 5 and rng.random() < 0.7:
                far = offset(*home, float(rng.uniform(15, 80)), float(rng.uniform(0, 360)))
                t = day + pd.Timedelta(hours=9.5 + float(rng.uniform(0, 3)))
                end = trip(home, far, t, float(rng.uniform(60, 95)))
                trip(
                    far,
                    home,
                    end + pd.Timedelta(hours=float(rng.uniform(1, 5))),
                    float(rng.uniform(60, 95)),
                )
            if rng.random() < (0.35 if night_owl else 0.08):
                shop = offset(*home, float(rng.uniform(2, 8)), float(rng.uniform(0, 360)))
                t = day + pd.Timedelta(hours=22.0 + float(rng.uniform(0, 3.5)))
                end = trip(home, shop, t, float(rng.uniform(30, 55)))
                trip(
                    shop,
                    home,
                    end + pd.Timedelta(minutes=float(rng.uniform(5, 30))),
                    float(rng.uniform(30, 55)),
                )
    df = pd.DataFrame(rows, columns=["policy", "trip_id", "t", "lat", "lon", "speed_kmh"])
    utc = df.t.dt.tz_localize("Australia/Melbourne").dt.tz_convert("UTC")
    df["ts"] = utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df[["policy", "trip_id", "ts", "lat", "lon", "speed_kmh"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("schoolbus", schoolbus),
        ("sweepers", sweepers),
        ("telematics", telematics),
    ]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 0].nunique(), "ids in column 1")
