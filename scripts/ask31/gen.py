"""Set 31's three made data sets (ask31), seeded, written before any answer was read.

Writes under $ASK31_OUT (default /tmp/ask31):
- parking.csv: Cork city council's parking-enforcement patrols (headers officer / patrol_ref / epoch / lat / lng /
  beat; **unix seconds**, asked with --tz Europe/Dublin; 10-s fixes; civil enforcement officers CEO-03 / CEO-07 /
  CEO-11 on foot (about 4.5 km/h, 2 - 6 min stopped at each of several streets) and scooters SC-1 / SC-2 (about
  18 km/h); Mon 23 - Sat 28 Nov 2026, 08:00 - 18:00; beat "routine" / "school gates" / "match day");
- roadside.csv: a Melbourne roadside-assistance dispatcher's callouts (headers unit / callout / when / latitude /
  longitude / job; `2026-11-24 07:05:30`, naive Melbourne time (UTC+11 in November: a 07:00 start is the day
  before in UTC); 15-s fixes; tow trucks TOW-1 / TOW-2 and patrol vans PV-5 / PV-6 / PV-8; Mon 23 - Sun 29 Nov,
  07:00 - 19:00; base -> the scene (10 - 40 min there) -> base, a tow via a workshop; job "battery" / "tyre" /
  "lockout" / "tow");
- dogs.csv: an Amsterdam dog-walking business (headers walker / walk / time / lat / lon / walk_type; **walkers
  named by first name** Anna / Ben / Carla / Dave; ISO UTC times with a Z, asked with --tz Europe/Amsterdam; 10-s
  fixes; Mon 23 - Fri 27 Nov, 08:00 - 17:00; pickup -> a park, laps with sniff stops, -> back; walk_type "solo" /
  "pack" / "puppy visit").

    python scripts/ask31/gen.py        # then bash scripts/ask31/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK31_OUT", "/tmp/ask31"))
rng = np.random.default_rng(31)
CITY_HALL = (51.8975, -8.4650)  # Cork
BASE = (-37.8200, 144.9800)  # Melbourne roadside-assistance base
PARK = (52.3580, 4.8686)  # Amsterdam, the Vondelpark's gate


def path(points, t0, kmh, step_s, dwells=(), noise_m=1.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


def parking() -> pd.DataFrame:
    streets = [offset(*CITY_HALL, rng.uniform(0.2, 2.5), rng.uniform(0, 360)) for _ in range(30)]
    rows, n = [], 500
    for day in pd.date_range("2026-11-23", "2026-11-28"):
        for unit in ("CEO-03", "CEO-07", "CEO-11", "SC-1", "SC-2"):
            if unit == "SC-2" and day.day == 25:  # in for repair
                continue
            foot = unit.startswith("CEO")
            t = day + pd.Timedelta(hours=8, minutes=int(rng.integers(0, 50)))
            while t.hour < 16:
                n += 1
                if day.day == 28:
                    beat = "match day"
                else:
                    beat = "school gates" if t.hour in (8, 14) else "routine"
                k = int(rng.integers(3, 7) if foot else rng.integers(5, 10))
                pts = [
                    CITY_HALL,
                    *[streets[int(i)] for i in rng.choice(30, k, replace=False)],
                    CITY_HALL,
                ]
                dw = [rng.uniform(2, 6) if foot else rng.uniform(0.5, 2) for _ in range(k)]
                T, LA, LO = path(pts, t, 4.5 if foot else 18.0, 10, dwells=dw, noise_m=1.5)
                rows += [(unit, f"P{n}", a, b, c, beat) for a, b, c in zip(T, LA, LO, strict=True)]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(10, 40)))
    df = pd.DataFrame(rows, columns=["officer", "patrol_ref", "ts", "lat", "lng", "beat"])
    df["epoch"] = df.ts.dt.tz_localize("Europe/Dublin").map(lambda x: int(x.timestamp()))
    return df[["officer", "patrol_ref", "epoch", "lat", "lng", "beat"]]


def roadside() -> pd.DataFrame:
    shop = offset(*BASE, 6.0, 200)  # the workshop tows go to
    rows, n = [], 0
    for day in pd.date_range("2026-11-23", "2026-11-29"):
        for unit in ("TOW-1", "TOW-2", "PV-5", "PV-6", "PV-8"):
            tow = unit.startswith("TOW")
            t = day + pd.Timedelta(hours=7, minutes=int(rng.integers(0, 60)))
            while t.hour < 17:
                n += 1
                job = "tow" if tow else str(rng.choice(["battery", "tyre", "lockout", "battery"]))
                scene = offset(*BASE, rng.uniform(3, 25), rng.uniform(0, 360))
                pts = [BASE, scene, shop, BASE] if job == "tow" else [BASE, scene, BASE]
                dw = [rng.uniform(10, 40), 5.0 if job == "tow" else 0]
                T, LA, LO = path(pts, t, rng.uniform(35, 55), 15, dwells=dw, noise_m=3.0)
                rows += [
                    (unit, f"CO-{n:04d}", a, b, c, job) for a, b, c in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(5, 45)))
    df = pd.DataFrame(rows, columns=["unit", "callout", "ts", "latitude", "longitude", "job"])
    df["when"] = df.ts.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["unit", "callout", "when", "latitude", "longitude", "job"]]


def dogs() -> pd.DataFrame:
    homes = [offset(*PARK, rng.uniform(0.3, 1.5), rng.uniform(0, 360)) for _ in range(25)]
    rows, n = [], 0
    for day in pd.date_range("2026-11-23", "2026-11-27"):
        for walker in ("Anna", "Ben", "Carla", "Dave"):
            t = day + pd.Timedelta(hours=8, minutes=int(rng.integers(0, 60)))
            while t.hour < 16:
                n += 1
                kind = str(rng.choice(["solo", "pack", "pack", "puppy visit"]))
                home = homes[int(rng.integers(0, 25))]
                laps = [offset(*PARK, rng.uniform(0.1, 0.8), rng.uniform(0, 360)) for _ in range(
                    1 if kind == "puppy visit" else int(rng.integers(3, 8)))]  # fmt: skip
                pts = [home, PARK, *laps, PARK, home]
                dw = [rng.uniform(0.5, 3) for _ in range(len(pts) - 1)]
                T, LA, LO = path(pts, t, 4.0, 10, dwells=dw, noise_m=1.5)
                rows += [
                    (walker, f"WALK-{n:04d}", a, b, c, kind)
                    for a, b, c in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(10, 50)))
    df = pd.DataFrame(rows, columns=["walker", "walk", "ts", "lat", "lon", "walk_type"])
    df["time"] = (
        df.ts.dt.tz_localize("Europe/Amsterdam")
        .dt.tz_convert("UTC")
        .dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    return df[["walker", "walk", "time", "lat", "lon", "walk_type"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [("parking", parking), ("roadside", roadside), ("dogs", dogs)]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows")
