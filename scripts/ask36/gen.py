"""Set 36's three made data sets (ask36), seeded, written before any answer was read.

Writes under $ASK36_OUT (default /tmp/ask36):
- ferries.csv: a harbour ferry operator's AIS-style export for Helsinki (headers vessel / crossing_id / route /
  epoch_ms / lat / lon / sog; **Unix milliseconds**, asked with --tz Europe/Helsinki); five ferries by name
  (SUOKKI, TOR, EHRENSVARD on the Suomenlinna route; VALLI, ISLA on the Vallisaari route: the label); Mon 1 -
  Sun 7 Jun 2026; 15-s fixes; crossings from Market Square and back every 20-45 min from about 06:00, now and
  then one waiting 3-12 min off the pier (stopped), a late crossing or two after 23:00 (some over midnight);
  ISLA is laid up on Monday;
- taxis.csv: a taxi regulator's GPS feed for Lisbon (headers licence / segment / status / timestamp / latitude /
  longitude; **naive local times "YYYY-MM-DD HH:MM:SS"**, asked with no --tz); eight taxis by licence ("LX-1042");
  Mon 5 - Sun 11 Oct 2026; 20-s fixes; a day shift (07-19) or a night shift (19-07) a taxi a day, alternating
  hired segments (a fare, 5-45 min) and vacant ones (cruising empty 3-25 min, sometimes waiting at a rank);
  two taxis off on Sunday;
- phone.csv: one commuter's phone (headers time / lat / lng / segment_id / activity; ISO UTC with Z, asked with
  --tz America/Toronto; no vehicle column); Mon 5 Jan - Sun 28 Jun 2026; 30-s fixes; weekdays home -> work and
  back (in_vehicle in January-February, cycling from March), Tuesdays and Thursdays work -> gym on foot then gym
  -> home, a walk on Saturdays and a drive on some Sundays; no trip in the week of 13 April (a holiday).

    python scripts/ask36/gen.py        # then bash scripts/ask36/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK36_OUT", "/tmp/ask36"))
rng = np.random.default_rng(36)


def path(points, t0, kmh, step_s, dwells=(), noise_m=2.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


MARKET = (60.1672, 24.9535)
ISLANDS = {"Suomenlinna": (60.1462, 24.9861), "Vallisaari": (60.1452, 25.0088)}
FERRIES = {"SUOKKI": "Suomenlinna", "TOR": "Suomenlinna", "EHRENSVARD": "Suomenlinna",
           "VALLI": "Vallisaari", "ISLA": "Vallisaari"}  # fmt: skip


def ferries() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-06-01", "2026-06-07"):
        for vessel, route in FERRIES.items():
            if vessel == "ISLA" and day.weekday() == 0:
                continue  # laid up
            island = ISLANDS[route]
            t = day + pd.Timedelta(hours=5.9 + float(rng.uniform(0, 0.8)))
            last = day + pd.Timedelta(hours=23.0 + float(rng.uniform(0, 0.9)))
            k = 0
            while t < last:
                a, b = (MARKET, island) if k % 2 == 0 else (island, MARKET)
                mid = (a[0] + (b[0] - a[0]) * 0.85, a[1] + (b[1] - a[1]) * 0.85)
                wait = float(rng.uniform(3, 12)) if rng.random() < 0.15 else 0.0
                T, LA, LO = path([a, mid, b], t, float(rng.uniform(16, 21)), 15, [wait])
                n += 1
                rows += [
                    (vessel, f"C{n:05d}", route, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)
                ]
                k += 1
                t = T[-1] + pd.Timedelta(minutes=float(rng.uniform(5, 25)))
    df = pd.DataFrame(rows, columns=["vessel", "crossing_id", "route", "t", "lat", "lon"])
    utc = df.t.dt.tz_localize("Europe/Helsinki").dt.tz_convert("UTC")
    df["epoch_ms"] = (utc.astype("int64") // 1_000_000).astype("int64")
    df["sog"] = np.round(rng.uniform(0, 11, len(df)), 1)
    return df[["vessel", "crossing_id", "route", "epoch_ms", "lat", "lon", "sog"]]


LISBON = (38.7223, -9.1393)
TAXIS = ["LX-1042", "LX-1107", "LX-1188", "LX-1203", "LX-1255", "LX-1316", "LX-1370", "LX-1421"]


def taxis() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-10-05", "2026-10-11"):
        for i, taxi in enumerate(TAXIS):
            if day.weekday() == 6 and taxi in ("LX-1203", "LX-1370"):
                continue
            night = (i + day.day) % 3 == 0
            t = day + pd.Timedelta(hours=(19.0 if night else 7.0) + float(rng.uniform(0, 0.5)))
            end = t + pd.Timedelta(hours=11.5)
            here = offset(*LISBON, rng.uniform(0, 4), rng.uniform(0, 360))
            hired = bool(rng.random() < 0.5)
            while t < end:
                if hired:
                    mins = float(rng.uniform(5, 45))
                    kmh = float(rng.uniform(15, 35))
                    dwell = [float(rng.uniform(0.5, 2))]
                else:
                    mins = float(rng.uniform(3, 25))
                    kmh = float(rng.uniform(10, 25))
                    dwell = [float(rng.uniform(2, 10))] if rng.random() < 0.3 else [0.0]
                km = kmh * mins / 60
                there = offset(*here, km * 0.7, rng.uniform(0, 360))
                pts = [here, offset(*here, km * 0.4, rng.uniform(0, 360)), there]
                T, LA, LO = path(pts, t, kmh, 20, [0.0, *dwell])
                n += 1
                status = "hired" if hired else "vacant"
                rows += [
                    (taxi, f"S{n:05d}", status, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)
                ]
                here, t, hired = there, T[-1] + pd.Timedelta(seconds=20), not hired
    df = pd.DataFrame(rows, columns=["licence", "segment", "status", "t", "latitude", "longitude"])
    df["timestamp"] = df.t.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["licence", "segment", "status", "timestamp", "latitude", "longitude"]]


HOME = (43.6629, -79.4460)
WORK = offset(*HOME, 6.0, 95)
GYM = offset(*WORK, 1.2, 20)
PARK = offset(*HOME, 2.5, 300)


def phone() -> pd.DataFrame:
    rows, n = [], 0

    def trip(points, t0, kmh, activity):
        nonlocal n, rows
        T, LA, LO = path(points, t0, kmh, 30)
        n += 1
        rows += [(x, y, z, f"seg{n:04d}", activity) for x, y, z in zip(T, LA, LO, strict=True)]
        return T[-1]

    for day in pd.date_range("2026-01-05", "2026-06-28"):
        if pd.Timestamp("2026-04-13") <= day <= pd.Timestamp("2026-04-19"):
            continue  # holiday: the phone stayed home
        wd = day.weekday()
        ride = ("in_vehicle", 28.0) if day.month <= 2 else ("cycling", 18.0)
        if wd < 5:
            t0 = day + pd.Timedelta(hours=7.6 + float(rng.uniform(0, 0.6)))
            trip([HOME, offset(*HOME, 3.0, 80), WORK], t0, ride[1], ride[0])
            t1 = day + pd.Timedelta(hours=17.0 + float(rng.uniform(0, 0.9)))
            if wd in (1, 3):
                back = trip([WORK, GYM], t1, 5.0, "walking")
                t2 = back + pd.Timedelta(minutes=float(rng.uniform(55, 80)))
                trip([GYM, offset(*HOME, 2.0, 70), HOME], t2, ride[1], ride[0])
            else:
                trip([WORK, offset(*HOME, 3.2, 100), HOME], t1, ride[1], ride[0])
        elif wd == 5:
            t0 = day + pd.Timedelta(hours=10 + float(rng.uniform(0, 2)))
            end = trip([HOME, PARK], t0, 4.8, "walking")
            trip(
                [PARK, HOME], end + pd.Timedelta(minutes=float(rng.uniform(10, 40))), 4.8, "walking"
            )
        elif rng.random() < 0.5:
            far = offset(*HOME, rng.uniform(10, 40), rng.uniform(0, 360))
            t0 = day + pd.Timedelta(hours=11 + float(rng.uniform(0, 3)))
            end = trip([HOME, far], t0, 45.0, "in_vehicle")
            trip(
                [far, HOME], end + pd.Timedelta(hours=float(rng.uniform(1, 4))), 45.0, "in_vehicle"
            )
    df = pd.DataFrame(rows, columns=["t", "lat", "lng", "segment_id", "activity"])
    utc = df.t.dt.tz_localize("America/Toronto").dt.tz_convert("UTC")
    df["time"] = utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df[["time", "lat", "lng", "segment_id", "activity"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [("ferries", ferries), ("taxis", taxis), ("phone", phone)]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 0].nunique(), "ids in column 1")
