"""Set 27's four data sets (ask27), seeded, written before any answer was read.

Writes under $ASK27_OUT (default /tmp/ask27):
- apron.csv: Heathrow ground handling (naive Europe/London, day-first `dd/mm/YYYY HH:MM:SS`, 5-s fixes,
  pushback tugs / baggage tractors / fuel bowsers, Mon 30 Nov - Sun 6 Dec 2026, dwell at stands,
  BAG-03 off on Thursday 3 December);
- vests.csv: a youth football academy's 10 Hz GPS vests (UTC ISO times with ms, 6 players, two
  training sessions and a match, one activity per player per session, Kowalski missing the 26th);
- harvest.csv: an Iowa custom-harvest crew (UTC epoch ms, asked in America/Chicago; 10-s fixes; two
  combines, a grain cart and a semi; Mon 26 Oct - Sun 1 Nov 2026, daylight saving ends on the 1st;
  operation harvest / transport, the semi's loads to the elevator);
- lifeboat.csv: an RNLI station's launches (naive Europe/London `YYYY-mm-dd HH:MM:SS`, 15-s fixes, boats
  17-21 / D-812 / B-905, Mon 9 - Sun 22 Nov 2026, launch_type service / exercise, a few at night).

    python scripts/ask27/gen.py        # then scripts/ask27/ingest.sh
"""

import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK27_OUT", "/tmp/ask27"))
rng = np.random.default_rng(27)


def path(points, t0, kmh, step_s, dwells=(), noise_m=1.0):
    """ask_study_common.path with this set's generator, legs bowed by 0.04."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m, bend=0.04)


def apron() -> pd.DataFrame:
    base = (51.4700, -0.4540)  # the ground-handling base
    stands = [offset(*base, rng.uniform(0.3, 1.8), rng.uniform(0, 360)) for _ in range(30)]
    kinds = {
        "TUG-01": "pushback tug",
        "TUG-02": "pushback tug",
        "BAG-01": "baggage tractor",
        "BAG-02": "baggage tractor",
        "BAG-03": "baggage tractor",
        "FUEL-1": "fuel bowser",
        "FUEL-2": "fuel bowser",
    }
    kmh = {"pushback tug": 14, "baggage tractor": 22, "fuel bowser": 30}
    rows, n = [], 0
    for day in pd.date_range("2026-11-30", "2026-12-06"):
        for reg, kind in kinds.items():
            if reg == "BAG-03" and day.day == 3:
                continue
            t = day + pd.Timedelta(hours=5, minutes=int(rng.integers(0, 50)))
            while t.hour < 22:
                n += 1
                stand = stands[int(rng.integers(0, len(stands)))]
                pts = [base, stand, base] if kind != "pushback tug" else [base, stand, stand, base]
                if kind == "pushback tug":  # the push: a slow 150 m back from the stand
                    pts[2] = offset(*stand, 0.15, rng.uniform(0, 360))
                dw = (
                    (rng.uniform(4, 14), rng.uniform(1, 3))
                    if kind != "fuel bowser"
                    else (rng.uniform(10, 25),)
                )
                T, LA, LO = path(pts, t, kmh[kind], 5, dwells=dw, noise_m=0.8)
                rows += [
                    (reg, f"T{n:04d}", a, b, c, kind) for a, b, c in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(8, 60)))
    df = pd.DataFrame(rows, columns=["vehicle_reg", "task_no", "ts", "lat", "lon", "vehicle_type"])
    df["timestamp"] = df.ts.dt.strftime("%d/%m/%Y %H:%M:%S")
    return df[["vehicle_reg", "task_no", "timestamp", "lat", "lon", "vehicle_type"]]


def vests() -> pd.DataFrame:
    """10 Hz: smooth paths on a pitch, speed in bursts (jog ~2 m/s, sprints up to ~8.5 m/s)."""
    centre = (51.5560, -0.2800)
    players = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Kowalski"]
    sessions = [
        ("2026-11-24 10:00:00", "training", 18),
        ("2026-11-26 10:00:00", "training", 20),
        ("2026-11-28 14:00:00", "match", 25),
    ]
    rows, aid = [], 1000
    for start, kind, minutes in sessions:
        for pi, who in enumerate(players):
            if who == "Kowalski" and start.startswith("2026-11-26"):
                continue
            aid += 1
            n = minutes * 60 * 10
            base = 1.6 + 0.15 * pi + (0.4 if kind == "match" else 0.0)
            speed = np.full(n, base)
            for _ in range(int(rng.integers(8, 20))):  # sprints of 2-5 s
                s0, ln = int(rng.integers(0, n - 60)), int(rng.integers(20, 50))
                speed[s0 : s0 + ln] = rng.uniform(6.0, 8.8)
            for _ in range(int(rng.integers(3, 7))):  # standing still 10-40 s
                s0, ln = int(rng.integers(0, n - 400)), int(rng.integers(100, 400))
                speed[s0 : s0 + ln] = 0.0
            heading = np.cumsum(rng.normal(0, 0.06, n)) + rng.uniform(0, 2 * np.pi)
            x = np.cumsum(speed * 0.1 * np.cos(heading))
            y = np.cumsum(speed * 0.1 * np.sin(heading))
            x, y = 50 * np.sin(x / 50), 30 * np.sin(y / 30)  # kept on the pitch (folded)
            lat = centre[0] + y / 111320
            lon = centre[1] + x / (111320 * math.cos(math.radians(centre[0])))
            t = pd.Timestamp(start) + pd.to_timedelta(np.arange(n) * 100, unit="ms")
            rows.append(
                pd.DataFrame(
                    {
                        "athlete": who,
                        "activity_id": aid,
                        "utc": t.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z",
                        "lat": np.round(lat, 8),
                        "lon": np.round(lon, 8),
                        "session_type": kind,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def harvest() -> pd.DataFrame:
    """Local Chicago days written as UTC epoch ms. Combines serpentine a field at ~5 mph; the semi hauls
    loads from the field to the elevator at ~50 mph; the grain cart shuttles in the field."""
    farm = (42.0600, -93.7000)
    elevator = (42.0300, -93.4500)  # ~13 mi east
    fields = [offset(*farm, rng.uniform(1, 8), rng.uniform(0, 360)) for _ in range(6)]
    rows, n = [], 0
    tz = "America/Chicago"
    for day in pd.date_range("2026-10-26", "2026-11-01"):
        field = fields[day.day_of_week % len(fields)]
        for unit in ["COMB-1", "COMB-2", "CART-7", "SEMI-4"]:
            if unit == "COMB-2" and day.day_of_week == 6:
                continue
            t = day + pd.Timedelta(hours=7, minutes=int(rng.integers(0, 60)))
            if unit in ("COMB-1", "COMB-2"):
                for _ in range(2):  # two sessions, a lunch break between
                    n += 1
                    pts = [field]
                    lanes = int(rng.integers(10, 18))
                    o = 0.4 if unit == "COMB-2" else 0.0
                    for k in range(lanes):
                        a = offset(*field, o + 0.012 * k, 90)
                        pts += [a, offset(*a, 0.8, 0)] if k % 2 == 0 else [offset(*a, 0.8, 0), a]
                    dw = [rng.uniform(2, 6) if k % 6 == 5 else 0 for k in range(len(pts))]
                    T, LA, LO = path(pts, t, 8, 10, dwells=dw, noise_m=1.0)
                    rows += [
                        (unit, f"J{n:03d}", a, b, c, "harvest")
                        for a, b, c in zip(T, LA, LO, strict=True)
                    ]
                    t = T[-1] + pd.Timedelta(minutes=int(rng.integers(40, 80)))
                if (
                    unit == "COMB-1" and day.day_of_week == 4
                ):  # Friday: moved by road to the next field
                    n += 1
                    nxt = fields[(day.day_of_week + 1) % len(fields)]
                    T, LA, LO = path([field, nxt], t, 25, 10, noise_m=1.0)
                    rows += [
                        (unit, f"J{n:03d}", a, b, c, "transport")
                        for a, b, c in zip(T, LA, LO, strict=True)
                    ]
            elif unit == "CART-7":
                n += 1
                pts = [field] + [
                    offset(*field, rng.uniform(0.1, 0.8), rng.uniform(0, 360)) for _ in range(12)
                ]
                T, LA, LO = path(
                    pts + [field], t, 12, 10, dwells=[rng.uniform(3, 8) for _ in pts], noise_m=1.0
                )
                rows += [
                    (unit, f"J{n:03d}", a, b, c, "harvest")
                    for a, b, c in zip(T, LA, LO, strict=True)
                ]
            else:
                t = t + pd.Timedelta(hours=1)
                for _ in range(int(rng.integers(3, 5))):  # loads: field -> elevator -> field
                    n += 1
                    T, LA, LO = path(
                        [field, elevator, field],
                        t,
                        88,
                        10,
                        dwells=(rng.uniform(15, 30),),
                        noise_m=1.0,
                    )
                    rows += [
                        (unit, f"J{n:03d}", a, b, c, "transport")
                        for a, b, c in zip(T, LA, LO, strict=True)
                    ]
                    t = T[-1] + pd.Timedelta(minutes=int(rng.integers(20, 60)))
    df = pd.DataFrame(
        rows, columns=["unit_name", "job_id", "local", "lat_deg", "lon_deg", "operation"]
    )
    utc = df.local.dt.tz_localize(tz, ambiguous="raise").dt.tz_convert("UTC")
    df["gps_time_ms"] = (utc - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(milliseconds=1)
    return df[["unit_name", "job_id", "gps_time_ms", "lat_deg", "lon_deg", "operation"]]


def lifeboat() -> pd.DataFrame:
    station = (50.1530, -5.0560)
    boats = {"17-21": 30, "D-812": 40, "B-905": 45}  # km/h: an all-weather boat, two inshore boats
    rows, n = [], 0
    plan = []
    for day in pd.date_range("2026-11-09", "2026-11-22"):
        for boat in boats:
            forced = (
                boat == "17-21" and day.day == 17
            )  # the station's Tuesday call the manager asks about
            if forced or rng.uniform() < (0.8 if boat == "17-21" else 0.6):
                hour = int(rng.choice([2, 9, 11, 14, 16, 19, 23]))
                plan.append(
                    (day + pd.Timedelta(hours=hour, minutes=int(rng.integers(0, 60))), boat)
                )
    free = {}  # a boat is back on station 30 min after its last launch ended
    for t, boat in sorted(plan):
        if t < free.get(boat, t):
            continue
        n += 1
        kind = "exercise" if (t.day_of_week in (1, 6) and 9 <= t.hour < 17) else "service"
        far = rng.uniform(3, 12) if boat != "17-21" else rng.uniform(8, 35)
        scene = offset(*station, far, rng.uniform(60, 200))
        search = [offset(*scene, 1.0, b) for b in (0, 90, 180, 270)]
        T, LA, LO = path(
            [station, scene] + search + [station],
            t,
            boats[boat],
            15,
            dwells=(rng.uniform(10, 40),),
            noise_m=3.0,
        )
        rows += [(boat, f"L{n:03d}", a, b, c, kind) for a, b, c in zip(T, LA, LO, strict=True)]
        free[boat] = T[-1] + pd.Timedelta(minutes=30)
    df = pd.DataFrame(rows, columns=["boat", "launch_id", "ts", "lat", "lon", "launch_type"])
    df["time_local"] = df.ts.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["boat", "launch_id", "time_local", "lat", "lon", "launch_type"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("apron", apron),
        ("vests", vests),
        ("harvest", harvest),
        ("lifeboat", lifeboat),
    ]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows")
