"""Set 39b's four made data sets (ask39b), seeded (3902), written before any answer was read.

Writes under $ASK39B_OUT (default /tmp/ask39b):
- snowcats.csv: a ski resort's snowcat fleet near Whistler (headers unit / pass_id / machine / logged / lat / lon;
  **naive local times** "2026-01-11 18:02:11", asked with --tz America/Vancouver); five cats "PB-01" ... "PB-05"
  (machine groomer: 01-03, winch: 04-05; no nicknames in the data); 11 - 24 January 2026; 10-s fixes; 3-6 passes a
  cat a night from 17:00-19:00, each 1.5-7 km at 5-12 km/h, none past 23:00;
- ebikes.csv: a city council's e-bike pilot in Utrecht (headers bike / ride / model / time_utc / lat / lon; **ISO UTC
  with Z**, asked with --tz Europe/Amsterdam); twelve bikes "EB01" ... "EB12" (model pedelec: 01-08, speed: 09-12);
  Tue 1 - Mon 14 September 2026; 5-s fixes; 0-5 rides a bike a day from 06:00, each 0.8-8 km at 12-25 km/h (speed
  pedelecs 20-35 km/h);
- vessel.csv: a research vessel's track (headers leg / kind / epoch_ms / lat / lon; **Unix ms**, asked with --tz
  UTC); one ship, 24 legs "LEG01" ... "LEG24" over 1 - 10 October 2026 (kind transit / survey: survey legs at 4-6
  knots, 5-25 km; transit at 9-12 knots, 20-90 km); 30-s fixes; no vehicle column;
- drops.csv: a Sydney courier's utes and vans (headers driver_vehicle / drop / body / when / lat / lon; **naive
  local times**, asked with --tz Australia/Sydney); "UTE-1" ... "UTE-3" (body ute) and "VAN-4", "VAN-5" (body
  van); Mon 9 - Fri 20 November 2026, weekdays; 5-s fixes; 6-10 drops a vehicle a day from 07:00, each 2-15 km at
  20-45 km/h.

    python scripts/ask39b/gen.py        # then bash scripts/ask39b/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK39B_OUT", "/tmp/ask39b"))
rng = np.random.default_rng(3902)


def path(points, t0, kmh, step_s, dwells=(), noise_m=2.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


def fleet(
    days, vehicles, n_range, first_h, km, kmh, step_s, centre, spread, gap_min, last_h, prefix
):
    """Trips of each vehicle each day: (vehicle, trip id, label, time, lat, lon) rows."""
    rows, n = [], 0
    for day in days:
        for veh, label in vehicles.items():
            t = day + pd.Timedelta(
                hours=first_h[0] + float(rng.uniform(0, first_h[1] - first_h[0]))
            )
            for _ in range(int(rng.integers(*n_range))):
                (k0, k1), (v0, v1) = km[label], kmh[label]
                a = offset(*centre, float(rng.uniform(0, spread)), float(rng.uniform(0, 360)))
                b = offset(*a, float(rng.uniform(k0, k1)), float(rng.uniform(0, 360)))
                T, LA, LO = path([a, b], t, float(rng.uniform(v0, v1)), step_s)
                if T[-1].hour >= last_h or T[-1].date() != day.date():
                    break
                n += 1
                rows += [
                    (veh, f"{prefix}{n:05d}", label, x, y, z)
                    for x, y, z in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=float(rng.uniform(*gap_min)))
    return rows


def snowcats() -> pd.DataFrame:
    cats = {f"PB-0{i}": ("groomer" if i <= 3 else "winch") for i in range(1, 6)}
    rows = fleet(pd.date_range("2026-01-11", "2026-01-24"), cats, (3, 7), (17, 19),
                 {"groomer": (1.5, 7), "winch": (1.5, 5)}, {"groomer": (7, 12), "winch": (5, 9)},
                 10, (50.1163, -122.9574), 3, (5, 25), 23, "P")  # fmt: skip
    df = pd.DataFrame(rows, columns=["unit", "pass_id", "machine", "t", "lat", "lon"])
    df["logged"] = df.t.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["unit", "pass_id", "machine", "logged", "lat", "lon"]]


def ebikes() -> pd.DataFrame:
    bikes = {f"EB{i:02d}": ("pedelec" if i <= 8 else "speed") for i in range(1, 13)}
    rows = fleet(pd.date_range("2026-09-01", "2026-09-14"), bikes, (0, 6), (6, 10),
                 {"pedelec": (0.8, 6), "speed": (2, 8)}, {"pedelec": (12, 25), "speed": (20, 35)},
                 5, (52.0907, 5.1214), 4, (30, 240), 23, "R")  # fmt: skip
    df = pd.DataFrame(rows, columns=["bike", "ride", "model", "t", "lat", "lon"])
    utc = df.t.dt.tz_localize("Europe/Amsterdam").dt.tz_convert("UTC")
    df["time_utc"] = utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df[["bike", "ride", "model", "time_utc", "lat", "lon"]]


def vessel() -> pd.DataFrame:
    rows, t, here = [], pd.Timestamp("2026-10-01 02:00"), (-41.5, 174.9)
    for n in range(1, 25):
        kind = "survey" if rng.uniform() < 0.55 else "transit"
        km, kn = ((5, 25), (4, 6)) if kind == "survey" else ((20, 90), (9, 12))
        b = offset(*here, float(rng.uniform(*km)), float(rng.uniform(0, 360)))
        T, LA, LO = path([here, b], t, float(rng.uniform(*kn)) * 1.852, 30)
        rows += [(f"LEG{n:02d}", kind, x, y, z) for x, y, z in zip(T, LA, LO, strict=True)]
        here, t = b, T[-1] + pd.Timedelta(hours=float(rng.uniform(0.5, 5)))
    df = pd.DataFrame(rows, columns=["leg", "kind", "t", "lat", "lon"])
    df["epoch_ms"] = (df.t.dt.tz_localize("UTC").astype("int64") // 1_000_000).astype("int64")
    return df[["leg", "kind", "epoch_ms", "lat", "lon"]]


def drops() -> pd.DataFrame:
    cars = {"UTE-1": "ute", "UTE-2": "ute", "UTE-3": "ute", "VAN-4": "van", "VAN-5": "van"}
    days = [d for d in pd.date_range("2026-11-09", "2026-11-20") if d.weekday() < 5]
    rows = fleet(days, cars, (6, 11), (7, 8), {"ute": (2, 15), "van": (2, 15)},
                 {"ute": (20, 45), "van": (20, 40)}, 5, (-33.8688, 151.2093), 8, (5, 30), 19, "D")  # fmt: skip
    df = pd.DataFrame(rows, columns=["driver_vehicle", "drop", "body", "t", "lat", "lon"])
    df["when"] = df.t.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["driver_vehicle", "drop", "body", "when", "lat", "lon"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("snowcats", snowcats),
        ("ebikes", ebikes),
        ("vessel", vessel),
        ("drops", drops),
    ]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 1].nunique(), "trips in column 2")
