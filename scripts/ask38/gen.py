"""Set 38's four made data sets (ask38), seeded, written before any answer was read.

Writes under $ASK38_OUT (default /tmp/ask38):
- couriers.csv: a delivery-bike courier company in Amsterdam (headers bike / drop_id / bike_type / recorded_at /
  latitude / longitude; **naive local times** "2026-03-16 08:12:05", asked with --tz Europe/Amsterdam); six bikes
  "CB-11" ... "CB-16" (11-13 cargo, 14-16 ebike: the label); Mon 16 - Sat 21 Mar 2026; 5-s fixes; 5-9 drops a bike
  a day, each from near the hub to an address (1-5 km, 13-22 km/h, a 1-3 min stop at a light now and then);
  CB-14 off on Thursday;
- apron.csv: an airport's ground vehicles at Frankfurt (headers unit / task / vtype / ts_ms / lat / lon; **Unix
  milliseconds**, asked with --tz Europe/Berlin); tugs "TUG-1" ... "TUG-4", fuel trucks "FUEL-1", "FUEL-2", apron
  buses "BUS-1" ... "BUS-3" (vtype tug / fuel / bus); Mon 9 - Fri 13 Feb 2026; 4-s fixes; 6-11 tasks a vehicle a
  day (0.4-4 km at 10-30 km/h) from 06:00, and 0-2 night tasks (00:00-04:30) for the fuel trucks and TUG-2;
- collars.csv: a wildlife ecologist's elk GPS collars near Bozeman (headers collar_id / acq_time_utc / lat / lon /
  temp_c; **ISO UTC with Z**, asked with --tz America/Denver); five elk "F07", "F11", "F12", "M03", "M05"; 1 - 30
  Apr 2026; a fix every 2 h (a random walk: 0-1.8 km a step, males wider); F12's collar failed on 21 April;
- rides.csv: a city bike-share analyst's GPS rides in Chicago (headers ride_id / bike_id / rider_type /
  started_local / lat / lon; **ISO with the offset** "-05:00", asked with --tz America/Chicago); 12 bikes
  "B1001" ...; Sun 8 - Sat 21 Mar 2026 (two Sunday-to-Saturday weeks; US DST began Sun 8 March 02:00); 5-s fixes;
  3-9 rides a day a bike (1-7 km, 10-19 km/h), rider_type member / casual.

    python scripts/ask38/gen.py        # then bash scripts/ask38/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK38_OUT", "/tmp/ask38"))
rng = np.random.default_rng(38)


def path(points, t0, kmh, step_s, dwells=(), noise_m=2.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


AMS = (52.3676, 4.9041)
HUB = offset(*AMS, 2.0, 250)
BIKES = {"CB-11": "cargo", "CB-12": "cargo", "CB-13": "cargo",
         "CB-14": "ebike", "CB-15": "ebike", "CB-16": "ebike"}  # fmt: skip


def couriers() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-03-16", "2026-03-21"):
        for bike, kind in BIKES.items():
            if bike == "CB-14" and day.weekday() == 3:
                continue
            t = day + pd.Timedelta(hours=7.5 + float(rng.uniform(0, 1.5)))
            for _ in range(int(rng.integers(5, 10))):
                a = offset(*HUB, float(rng.uniform(0, 0.4)), float(rng.uniform(0, 360)))
                b = offset(*a, float(rng.uniform(1, 5)), float(rng.uniform(0, 360)))
                mid = offset(
                    *a,
                    0.5 * float(np.hypot(b[0] - a[0], b[1] - a[1])) * 111,
                    float(rng.uniform(0, 360)),
                )
                dw = [float(rng.uniform(1, 3)) if rng.random() < 0.25 else 0.0]
                kmh = float(rng.uniform(13, 18) if kind == "cargo" else rng.uniform(17, 22))
                T, LA, LO = path([a, mid, b], t, kmh, 5, dw)
                n += 1
                rows += [
                    (bike, f"D{n:05d}", kind, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=float(rng.uniform(8, 35)))
    df = pd.DataFrame(rows, columns=["bike", "drop_id", "bike_type", "t", "latitude", "longitude"])
    df["recorded_at"] = df.t.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["bike", "drop_id", "bike_type", "recorded_at", "latitude", "longitude"]]


FRA = (50.0379, 8.5622)
UNITS = {"TUG-1": "tug", "TUG-2": "tug", "TUG-3": "tug", "TUG-4": "tug", "FUEL-1": "fuel", "FUEL-2": "fuel",
         "BUS-1": "bus", "BUS-2": "bus", "BUS-3": "bus"}  # fmt: skip


def apron() -> pd.DataFrame:
    rows, n = [], 0

    def task(unit, kind, t):
        nonlocal n, rows
        a = offset(*FRA, float(rng.uniform(0, 2)), float(rng.uniform(0, 360)))
        b = offset(*a, float(rng.uniform(0.4, 4)), float(rng.uniform(0, 360)))
        kmh = float(rng.uniform(10, 18) if kind == "tug" else rng.uniform(18, 30))
        T, LA, LO = path([a, b], t, kmh, 4)
        n += 1
        rows += [(unit, f"K{n:05d}", kind, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)]
        return T[-1]

    for day in pd.date_range("2026-02-09", "2026-02-13"):
        for unit, kind in UNITS.items():
            if kind == "fuel" or unit == "TUG-2":
                t = day + pd.Timedelta(hours=float(rng.uniform(0, 1)))
                for _ in range(int(rng.integers(0, 3))):
                    t = task(unit, kind, t) + pd.Timedelta(minutes=float(rng.uniform(20, 80)))
            t = day + pd.Timedelta(hours=6 + float(rng.uniform(0, 1)))
            for _ in range(int(rng.integers(6, 12))):
                t = task(unit, kind, t) + pd.Timedelta(minutes=float(rng.uniform(10, 50)))
    df = pd.DataFrame(rows, columns=["unit", "task", "vtype", "t", "lat", "lon"])
    utc = df.t.dt.tz_localize("Europe/Berlin").dt.tz_convert("UTC")
    df["ts_ms"] = (utc.astype("int64") // 1_000_000).astype("int64")
    return df[["unit", "task", "vtype", "ts_ms", "lat", "lon"]]


BOZEMAN = (45.6770, -111.0429)
ELK = {"F07": 1.0, "F11": 0.8, "F12": 1.1, "M03": 1.6, "M05": 1.4}


def collars() -> pd.DataFrame:
    rows = []
    times = pd.date_range(
        "2026-04-01 06:00", "2026-05-01 05:59", freq="2h"
    )  # UTC: 1-30 April in Denver
    for elk, reach in ELK.items():
        here = offset(*BOZEMAN, float(rng.uniform(10, 30)), float(rng.uniform(0, 360)))
        for t in times:
            if elk == "F12" and t >= pd.Timestamp("2026-04-21 06:00"):
                break  # the collar failed
            here = offset(*here, float(rng.uniform(0, reach)), float(rng.uniform(0, 360)))
            rows.append(
                (elk, t, round(here[0], 6), round(here[1], 6), round(float(rng.normal(8, 5)), 1))
            )
    df = pd.DataFrame(rows, columns=["collar_id", "t", "lat", "lon", "temp_c"])
    df["acq_time_utc"] = df.t.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df[["collar_id", "acq_time_utc", "lat", "lon", "temp_c"]]


CHI = (41.8781, -87.6298)


def rides() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-03-08", "2026-03-21"):
        for b in range(12):
            bike = f"B{1001 + b}"
            t = day + pd.Timedelta(hours=7 + float(rng.uniform(0, 3)))
            for _ in range(int(rng.integers(3, 10))):
                a = offset(*CHI, float(rng.uniform(0, 5)), float(rng.uniform(0, 360)))
                c = offset(*a, float(rng.uniform(1, 7)), float(rng.uniform(0, 360)))
                T, LA, LO = path([a, c], t, float(rng.uniform(10, 19)), 5)
                n += 1
                who = "member" if rng.random() < 0.65 else "casual"
                rows += [
                    (f"R{n:05d}", bike, who, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=float(rng.uniform(10, 120)))
                if t.hour >= 22 or t.normalize() > day:
                    break
    df = pd.DataFrame(rows, columns=["ride_id", "bike_id", "rider_type", "t", "lat", "lon"])
    loc = df.t.dt.tz_localize("America/Chicago", nonexistent="shift_forward")
    df["started_local"] = loc.map(lambda x: x.isoformat())
    return df[["ride_id", "bike_id", "rider_type", "started_local", "lat", "lon"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("couriers", couriers),
        ("apron", apron),
        ("collars", collars),
        ("rides", rides),
    ]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 0].nunique(), "ids in column 1")
