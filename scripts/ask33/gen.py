"""Set 33's three made data sets (ask33), seeded, written before any answer was read.

Writes under $ASK33_OUT (default /tmp/ask33):
- fleet.csv: a Chicago delivery firm's vans and e-bikes (headers unit / run / timestamp / latitude / longitude /
  shift; ISO text **on Chicago's own offset -06:00**, asked with --tz America/Chicago; 15-s fixes; vans VAN-01 ..
  VAN-04 from two depots (about 35 km/h, 2-5 min stopped at each drop; one run in four a depot-to-depot transfer
  with no drop) and e-bikes EB-1 / EB-2 (about 16 km/h); Mon 30 Nov - Sat 5 Dec 2026; VAN-03 off on Tuesday;
  shift "early" (runs leaving before 12:00) / "late");
- phone.csv: a Copenhagen phone study (headers participant_id / segment_id / recorded_at / lat / lon / activity;
  ISO text with **+01:00**, asked with --tz Europe/Copenhagen; participants P01-P06, Mon 16 - Sun 22 Nov 2026;
  the app's segments: moves labelled walk / bike / bus / car (10-s fixes) and **stays** labelled "stay" (one fix
  every 5 min, 15 m of jitter) between them);
- ferries.csv: a Sydney ferry operator's vessels by name (headers vessel / voyage / time_utc / lat / lon / service;
  **naive UTC** text, asked with --tz Australia/Sydney (UTC+11 in December); Aurora / Banksia / Coral / Dolphin,
  Mon 30 Nov - Sun 6 Dec 2026 local; 20-s fixes; service "crossing" (Circular Quay to a wharf and back, some calling
  at 1-2 wharves on the way for 1-3 min) / "charter" (weekends) / "positioning"; Dolphin in dry dock on Thursday).

    python scripts/ask33/gen.py        # then bash scripts/ask33/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK33_OUT", "/tmp/ask33"))
rng = np.random.default_rng(33)
DEPOTS = {"north": (41.9500, -87.6600), "south": (41.8300, -87.6300)}  # Chicago
CPH = (55.6761, 12.5683)  # Copenhagen
QUAY = (-33.8610, 151.2108)  # Sydney, Circular Quay
WHARVES = {
    "Manly": (-33.8000, 151.2840),
    "Parramatta": (-33.8150, 151.0050),
    "Watsons Bay": (-33.8440, 151.2810),
    "Taronga": (-33.8440, 151.2390),
    "Balmain": (-33.8550, 151.1800),
    "Cockatoo": (-33.8470, 151.1720),
    "Neutral Bay": (-33.8380, 151.2160),
}


def path(points, t0, kmh, step_s, dwells=(), noise_m=1.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


def fleet() -> pd.DataFrame:
    rows, n = [], 0
    homes = {"VAN-01": "north", "VAN-02": "north", "VAN-03": "south", "VAN-04": "south",
             "EB-1": "north", "EB-2": "south"}  # fmt: skip
    for day in pd.date_range("2026-11-30", "2026-12-05"):
        for unit, depot in homes.items():
            if unit == "VAN-03" and day.weekday() == 1:  # in the shop on Tuesday
                continue
            van = unit.startswith("VAN")
            base = DEPOTS[depot]
            t = day + pd.Timedelta(hours=int(rng.integers(6, 9)), minutes=int(rng.integers(0, 60)))
            while t.hour < 17:
                n += 1
                transfer = van and rng.random() < 0.25
                if transfer:  # to the other depot and back, no drop
                    other = DEPOTS["south" if depot == "north" else "north"]
                    pts, dw = [base, other, base], [0]
                else:
                    k = int(rng.integers(3, 8))
                    drops = [
                        offset(*base, rng.uniform(1, 10 if van else 4), rng.uniform(0, 360))
                        for _ in range(k)
                    ]
                    pts, dw = [base, *drops, base], [rng.uniform(2, 5) for _ in range(k)]
                T, LA, LO = path(pts, t, 35.0 if van else 16.0, 15, dw, noise_m=2.0)
                shift = "early" if t.hour < 12 else "late"
                rows += [
                    (unit, f"RUN-{n:04d}", a, b, c, shift)
                    for a, b, c in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(20, 60)))
    df = pd.DataFrame(rows, columns=["unit", "run", "ts", "latitude", "longitude", "shift"])
    df["timestamp"] = df.ts.dt.strftime("%Y-%m-%dT%H:%M:%S-06:00")  # CST all week
    return df[["unit", "run", "timestamp", "latitude", "longitude", "shift"]]


SPEED = {"walk": 4.8, "bike": 16.0, "bus": 22.0, "car": 35.0}


def stay(at, t0, t1, step_s=300, jitter_m=15.0):
    """Fixes every `step_s` from t0 to t1 at `at`, each up to `jitter_m` off (a phone indoors)."""
    n = max(2, int((t1 - t0).total_seconds() // step_s) + 1)
    T = [t0 + pd.Timedelta(seconds=step_s * i) for i in range(n)]
    la = at[0] + rng.normal(0, jitter_m / 111320, n)
    lo = at[1] + rng.normal(0, jitter_m / (111320 * np.cos(np.radians(at[0]))), n)
    return T, list(np.round(la, 7)), list(np.round(lo, 7))


def phone() -> pd.DataFrame:
    rows, n = [], 0
    for p in range(1, 7):
        home = offset(*CPH, rng.uniform(1, 7), rng.uniform(0, 360))
        work = offset(*CPH, rng.uniform(0.5, 5), rng.uniform(0, 360))
        usual = ["bike", "bike", "bus", "car", "walk", "bike"][p - 1]
        pid = f"P{p:02d}"
        t = pd.Timestamp("2026-11-16 00:00")
        here = home
        for day in pd.date_range("2026-11-16", "2026-11-22"):
            weekend = day.weekday() >= 5
            stops = [] if weekend else [work]
            stops += [
                offset(*CPH, rng.uniform(0.3, 6), rng.uniform(0, 360))
                for _ in range(int(rng.integers(0 if not weekend else 1, 3)))
            ]
            leave = day + pd.Timedelta(
                hours=int(rng.integers(6, 10)), minutes=int(rng.integers(0, 60))
            )
            for i, dest in enumerate([*stops, home]):
                n += 1  # the stay before this move
                T, LA, LO = stay(here, t, leave)
                rows += [
                    (pid, f"S{n:05d}", a, b, c, "stay") for a, b, c in zip(T, LA, LO, strict=True)
                ]
                n += 1
                mode = (
                    usual
                    if (i == 0 and not weekend)
                    else str(rng.choice(["walk", "bike", "bus", "car", usual]))
                )
                T, LA, LO = path(
                    [here, dest], T[-1] + pd.Timedelta(seconds=30), SPEED[mode], 10, noise_m=1.0
                )
                rows += [
                    (pid, f"S{n:05d}", a, b, c, mode) for a, b, c in zip(T, LA, LO, strict=True)
                ]
                here, t = dest, T[-1] + pd.Timedelta(seconds=30)
                leave = t + pd.Timedelta(
                    minutes=int(rng.integers(40, 300 if dest is work else 150))
                )
                if dest is work:
                    leave = max(leave, t + pd.Timedelta(hours=int(rng.integers(6, 9))))
        n += 1  # the last night at home, to Monday 23 Nov 07:00
        T, LA, LO = stay(here, t, pd.Timestamp("2026-11-23 07:00"))
        rows += [(pid, f"S{n:05d}", a, b, c, "stay") for a, b, c in zip(T, LA, LO, strict=True)]
    df = pd.DataFrame(
        rows, columns=["participant_id", "segment_id", "ts", "lat", "lon", "activity"]
    )
    df["recorded_at"] = df.ts.dt.strftime("%Y-%m-%dT%H:%M:%S+01:00")
    return df[["participant_id", "segment_id", "recorded_at", "lat", "lon", "activity"]]


def ferries() -> pd.DataFrame:
    rows, n = [], 0
    names = list(WHARVES)
    for day in pd.date_range("2026-11-30", "2026-12-06"):
        weekend = day.weekday() >= 5
        for vessel in ("Aurora", "Banksia", "Coral", "Dolphin"):
            if vessel == "Dolphin" and day.weekday() == 3:  # dry dock on Thursday
                continue
            t = day + pd.Timedelta(hours=int(rng.integers(5, 8)), minutes=int(rng.integers(0, 60)))
            while t.hour < 20:
                n += 1
                r = rng.random()
                service = (
                    "charter"
                    if (weekend and r < 0.35)
                    else ("positioning" if r > 0.9 else "crossing")
                )
                far = WHARVES[names[int(rng.integers(0, len(names)))]]
                calls = []
                if service == "crossing" and rng.random() < 0.6:
                    calls = [
                        WHARVES[names[int(rng.integers(0, len(names)))]]
                        for _ in range(int(rng.integers(1, 3)))
                    ]
                if service == "positioning":
                    pts, dw = [QUAY, far], []
                else:
                    pts = [QUAY, *calls, far, QUAY]
                    dw = [rng.uniform(1, 3) for _ in calls] + ([rng.uniform(3, 8)] if service == "crossing" else [rng.uniform(20, 60)])  # fmt: skip
                kn = {"crossing": 18.0, "charter": 10.0, "positioning": 14.0}[service]
                T, LA, LO = path(pts, t, kn * 1.852, 20, dw, noise_m=3.0)
                rows += [
                    (vessel, f"V{n:04d}", a, b, c, service)
                    for a, b, c in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(15, 90)))
                if service == "positioning":  # back empty later as another positioning run
                    n += 1
                    T, LA, LO = path([far, QUAY], t, kn * 1.852, 20, noise_m=3.0)
                    rows += [
                        (vessel, f"V{n:04d}", a, b, c, service)
                        for a, b, c in zip(T, LA, LO, strict=True)
                    ]
                    t = T[-1] + pd.Timedelta(minutes=int(rng.integers(15, 60)))
    df = pd.DataFrame(rows, columns=["vessel", "voyage", "ts", "lat", "lon", "service"])
    df["time_utc"] = (
        df.ts.dt.tz_localize("Australia/Sydney")
        .dt.tz_convert("UTC")
        .dt.strftime("%Y-%m-%d %H:%M:%S")
    )
    return df[["vessel", "voyage", "time_utc", "lat", "lon", "service"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [("fleet", fleet), ("phone", phone), ("ferries", ferries)]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 1].nunique(), "tracks")
