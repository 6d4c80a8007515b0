"""Set 26's three data sets (ask26), seeded, written before any answer was read.

Writes under $ASK26_OUT (default /tmp/ask26):
- ambulances.csv: a Sydney night-shift ambulance fleet (naive Australia/Sydney time, 30-s fixes,
  6 units, nights 2-5 Dec 2026 19:00-07:00, jobs over midnight, AMB-14 off the night of the 4th);
- diary.csv: a Tokyo travel-diary study (naive Asia/Tokyo time, 15-s fixes, participants P01-P08,
  Mon 7 - Sun 13 Dec 2026, a mode per trip, P03 no data on Wednesday, P05 a train home over midnight);
- boda.csv: a Nairobi motorbike-taxi fleet (UTC epoch seconds, 10-s fixes, riders BB-01..BB-07,
  24-26 Nov 2026 in Nairobi time (UTC+3), a few late rides over local midnight).

    python scripts/ask26/gen.py        # then scripts/ask26/ingest.sh
"""

import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402

OUT = Path(os.environ.get("ASK26_OUT", "/tmp/ask26"))
rng = np.random.default_rng(26)


def leg(p, q, t0, kmh, step_s, bend=0.15):
    """Fixes from p to q at about `kmh`, one every `step_s`, on a gentle arc; (times, lats, lons)."""
    d_km = math.hypot((q[0] - p[0]) * 111.32, (q[1] - p[1]) * 111.32 * math.cos(math.radians(p[0])))
    n = max(2, int(round(d_km / kmh * 3600 / step_s)) + 1)
    s = np.linspace(0, 1, n)
    lat = p[0] + (q[0] - p[0]) * s + bend * (q[1] - p[1]) * np.sin(np.pi * s) * 0.3
    lon = p[1] + (q[1] - p[1]) * s - bend * (q[0] - p[0]) * np.sin(np.pi * s) * 0.3
    t = t0 + pd.to_timedelta(np.arange(n) * step_s, unit="s")
    return list(t), list(lat), list(lon)


def dwell(p, t0, minutes, step_s):
    n = max(1, int(minutes * 60 / step_s))
    t = t0 + pd.to_timedelta(np.arange(1, n + 1) * step_s, unit="s")
    return list(t), [p[0]] * n, [p[1]] * n


def path(points, t0, kmh, step_s, dwells=()):
    """Legs through `points`; `dwells[i]` minutes stopped at points[i+1] (0 = none)."""
    T, LA, LO = [], [], []
    t = t0
    for i in range(len(points) - 1):
        tt, la, lo = leg(points[i], points[i + 1], t, kmh * rng.uniform(0.85, 1.15), step_s)
        if T:
            tt, la, lo = tt[1:], la[1:], lo[1:]
        T += tt
        LA += la
        LO += lo
        t = T[-1]
        if i < len(dwells) and dwells[i] > 0:
            tt, la, lo = dwell(points[i + 1], t, dwells[i], step_s)
            T += tt
            LA += la
            LO += lo
            t = T[-1]
    return T, LA, LO


def ambulances() -> pd.DataFrame:
    station = (-33.8880, 151.2100)
    hospital = (-33.8890, 151.2210)
    units = {
        "AMB-11": "paramedic",
        "AMB-12": "paramedic",
        "AMB-13": "intensive care",
        "AMB-14": "intensive care",
        "AMB-15": "patient transport",
        "AMB-16": "patient transport",
    }
    rows = []
    for unit, crew in units.items():
        for night in pd.date_range("2026-12-02", "2026-12-05"):
            if unit == "AMB-14" and night.day == 4:
                continue
            t = night + pd.Timedelta(hours=19, minutes=int(rng.integers(0, 40)))
            end = night + pd.Timedelta(hours=30, minutes=30)  # 06:30 next morning
            k = 0
            while t < end:
                k += 1
                scene = offset(*station, rng.uniform(2, 9), rng.uniform(0, 360))
                T, LA, LO = path(
                    [station, scene, hospital, station],
                    t,
                    rng.uniform(40, 65),
                    30,
                    dwells=(rng.uniform(8, 25), rng.uniform(5, 15)),
                )
                job = f"{unit}-{night:%m%d}-{k}"
                rows += [
                    (unit, job, tt, la, lo, crew) for tt, la, lo in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(10, 70)))
    df = pd.DataFrame(rows, columns=["unit", "job_id", "local_ts", "lat", "lon", "crew_type"])
    df["local_ts"] = df.local_ts.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df.round({"lat": 6, "lon": 6})


def diary() -> pd.DataFrame:
    centre = (35.6810, 139.7670)
    commute_mode = {
        "P01": "train",
        "P02": "train",
        "P03": "train",
        "P04": "bicycle",
        "P05": "train",
        "P06": "bicycle",
        "P07": "bus",
        "P08": "walk",
    }
    kmh = {"train": 38, "bicycle": 14, "bus": 18, "walk": 4.8}
    rows = []
    for pid, cm in commute_mode.items():
        home = offset(*centre, rng.uniform(4, 14) if cm != "walk" else 6, rng.uniform(0, 360))
        far = {"train": 9, "bicycle": 4, "bus": 5, "walk": 1.6}[cm]
        work = offset(*home, far * rng.uniform(0.8, 1.2), rng.uniform(0, 360))
        shop = offset(*home, rng.uniform(0.4, 0.9), rng.uniform(0, 360))
        k = 0

        def trip(points, t0, mode, dwells=(), pid=pid):
            nonlocal k
            k += 1
            T, LA, LO = path(points, t0, kmh[mode], 15, dwells)
            rows.extend(
                (pid, f"{pid}-{k:03d}", tt, la, lo, mode)
                for tt, la, lo in zip(T, LA, LO, strict=True)
            )
            return T[-1]

        for day in pd.date_range("2026-11-16", "2026-11-22"):
            if pid == "P03" and day.weekday() == 2:
                continue
            if day.weekday() < 5:
                t = day + pd.Timedelta(hours=7, minutes=int(rng.integers(20, 90)))
                trip([home, work], t, cm)
                t = day + pd.Timedelta(hours=17, minutes=int(rng.integers(30, 120)))
                back = trip([work, home], t, cm)
                if rng.random() < 0.6:
                    t = back + pd.Timedelta(minutes=int(rng.integers(40, 120)))
                    trip([home, shop, home], t, "walk", dwells=(rng.uniform(5, 20),))
            else:
                for _ in range(int(rng.integers(1, 4))):
                    mode = rng.choice(["walk", "bicycle", "train"])
                    dest = offset(
                        *home, {"walk": 1.2, "bicycle": 3.5, "train": 8}[mode], rng.uniform(0, 360)
                    )
                    t = day + pd.Timedelta(
                        hours=int(rng.integers(9, 18)), minutes=int(rng.integers(0, 60))
                    )
                    trip([home, dest, home], t, mode, dwells=(rng.uniform(20, 90),))
            if pid == "P05" and day.day == 20:  # Friday: a train home from a party, over midnight
                party = offset(*home, 14, 200)
                trip([party, home], day + pd.Timedelta(hours=23, minutes=38), "train")
    df = pd.DataFrame(
        rows, columns=["participant", "trip", "time_jst", "latitude", "longitude", "mode"]
    )
    df = df.sort_values(["participant", "time_jst"], kind="stable")
    df["time_jst"] = df.time_jst.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df.round({"latitude": 6, "longitude": 6})


def boda() -> pd.DataFrame:
    stage = (-1.2850, 36.8250)  # the Kencom stage
    rows = []
    riders = [f"BB-{i:02d}" for i in range(1, 8)]
    for r in riders:
        k = 0
        for day in pd.date_range("2026-11-24", "2026-11-26"):
            t = day + pd.Timedelta(hours=6, minutes=int(rng.integers(0, 90)))  # local
            last = day + pd.Timedelta(hours=21 if r not in ("BB-03", "BB-06") else 23, minutes=30)
            here = stage
            while t < last:
                k += 1
                kind = "parcel" if rng.random() < 0.3 else "passenger"
                start = stage if rng.random() < 0.4 else here
                dest = offset(*start, rng.uniform(1.5, 7), rng.uniform(0, 360))
                T, LA, LO = path([start, dest], t, rng.uniform(18, 32), 10)
                rid = f"{r}-{k:03d}"
                rows += [(r, rid, tt, la, lo, kind) for tt, la, lo in zip(T, LA, LO, strict=True)]
                here = dest
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(5, 45)))
    df = pd.DataFrame(rows, columns=["rider", "ride_id", "local", "lat", "lng", "service"])
    # the fleet's tracker exports UTC epoch seconds; Nairobi is UTC+3 all year
    df["ts"] = ((df.local - pd.Timedelta(hours=3)) - pd.Timestamp("1970-01-01")) // pd.Timedelta(
        seconds=1
    )
    return df[["rider", "ride_id", "ts", "lat", "lng", "service"]].round({"lat": 6, "lng": 6})


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, frame in (("ambulances", ambulances()), ("diary", diary()), ("boda", boda())):
        frame.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(frame), "rows", frame.iloc[:, 1].nunique(), "trips")
