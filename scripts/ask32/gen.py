"""Set 32's four made data sets (ask32), seeded, written before any answer was read.

Writes under $ASK32_OUT (default /tmp/ask32):
- parcels.csv: a Berlin parcel firm's delivery rounds (headers van / round / ts_ms / lat / lon / round_type; **unix
  milliseconds**, asked with --tz Europe/Berlin; 15-s fixes; vans VAN-03 / VAN-07 / VAN-11 (about 30 km/h, 2-6 min
  stopped at each drop) and e-cargo bikes EB-1 / EB-2 (about 15 km/h); Mon 23 - Sat 28 Nov 2026, 08:00 - 17:00;
  VAN-07 off on Wednesday; round_type "parcels" / "groceries" / "returns");
- mobility.csv: a Helsinki daily-mobility study (headers participant_id / trip_no / time / lat / lon / mode; ISO UTC
  times with a Z, asked with --tz Europe/Helsinki (UTC+2); participants P01-P06, 2-5 trips a day between home,
  work and errands, modes walk / bike / bus / tram / car; Mon 9 - Sun 15 Nov 2026; 10-s fixes);
- harbour.csv: a Rotterdam harbour master's service craft (headers craft / movement / epoch / lat / lon / service;
  **unix seconds**, asked with --tz Europe/Amsterdam (UTC+1); tugs TUG-21 / TUG-22 and pilot boats PILOT-1 /
  PILOT-4; Mon 23 - Sat 28 Nov 2026; 20-s fixes; service "towage" / "pilotage" / "standby"; TUG-22 off on Friday);
- club.csv: a Girona cycling club's rides (headers rider / ride / local_time / lat / lon / ride_type; naive Madrid
  time, ingested with --tz Europe/Madrid (UTC+2 in October); riders named Sam / Lena / Marc / Joan; Mon 5 - Sun 11
  Oct 2026; 10-s fixes; ride_type "club run" / "intervals" / "recovery"; Marc rests on Wednesday).

    python scripts/ask32/gen.py        # then bash scripts/ask32/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK32_OUT", "/tmp/ask32"))
rng = np.random.default_rng(32)
DEPOT = (52.5200, 13.4050)  # Berlin
HOMES = (60.1700, 24.9400)  # Helsinki centre
PILOTS = (51.9000, 4.4800)  # Rotterdam harbour office
CAFE = (41.9800, 2.8200)  # Girona, the club's cafe


def path(points, t0, kmh, step_s, dwells=(), noise_m=1.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


def parcels() -> pd.DataFrame:
    rows, n = [], 100
    for day in pd.date_range("2026-11-23", "2026-11-28"):
        for unit in ("VAN-03", "VAN-07", "VAN-11", "EB-1", "EB-2"):
            if unit == "VAN-07" and day.day == 25:  # in the garage on Wednesday
                continue
            van = unit.startswith("VAN")
            t = day + pd.Timedelta(hours=8, minutes=int(rng.integers(0, 45)))
            while t.hour < 15:
                n += 1
                kind = str(rng.choice(["parcels", "parcels", "groceries", "returns"]))
                k = int(rng.integers(4, 9))
                drops = [
                    offset(*DEPOT, rng.uniform(1, 12 if van else 5), rng.uniform(0, 360))
                    for _ in range(k)
                ]
                dw = [rng.uniform(2, 6) for _ in range(k)]
                T, LA, LO = path(
                    [DEPOT, *drops, DEPOT], t, 30.0 if van else 15.0, 15, dw, noise_m=2.0
                )
                rows += [(unit, f"R{n}", a, b, c, kind) for a, b, c in zip(T, LA, LO, strict=True)]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(15, 50)))
    df = pd.DataFrame(rows, columns=["van", "round", "ts", "lat", "lon", "round_type"])
    df["ts_ms"] = df.ts.dt.tz_localize("Europe/Berlin").map(lambda x: int(x.timestamp() * 1000))
    return df[["van", "round", "ts_ms", "lat", "lon", "round_type"]]


SPEED = {"walk": 4.8, "bike": 16.0, "bus": 22.0, "tram": 18.0, "car": 35.0}


def mobility() -> pd.DataFrame:
    rows, n = [], 0
    for p in range(1, 7):
        home = offset(*HOMES, rng.uniform(1, 8), rng.uniform(0, 360))
        work = offset(*HOMES, rng.uniform(0.5, 6), rng.uniform(0, 360))
        usual = ["bike", "tram", "car", "bus", "walk", "tram"][p - 1]
        for day in pd.date_range("2026-11-09", "2026-11-15"):
            weekend = day.weekday() >= 5
            t = day + pd.Timedelta(hours=int(rng.integers(6, 10)), minutes=int(rng.integers(0, 60)))
            stops = [] if weekend else [work]
            stops += [
                offset(*HOMES, rng.uniform(0.3, 9), rng.uniform(0, 360))
                for _ in range(int(rng.integers(1, 4)))
            ]
            legs = [home, *stops, home]
            for i in range(len(legs) - 1):
                n += 1
                a, b = legs[i], legs[i + 1]
                mode = (
                    usual
                    if (i == 0 and not weekend)
                    else str(rng.choice(["walk", "bike", "bus", "tram", "car", usual]))
                )
                T, LA, LO = path([a, b], t, SPEED[mode], 10, noise_m=3.0)
                rows += [(f"P{p:02d}", n, x, y, z, mode) for x, y, z in zip(T, LA, LO, strict=True)]
                t = T[-1] + pd.Timedelta(
                    minutes=int(rng.integers(30, 240))
                )  # a stay (not in the data)
    df = pd.DataFrame(rows, columns=["participant_id", "trip_no", "ts", "lat", "lon", "mode"])
    df["time"] = (
        df.ts.dt.tz_localize("Europe/Helsinki")
        .dt.tz_convert("UTC")
        .dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    return df[["participant_id", "trip_no", "time", "lat", "lon", "mode"]]


def harbour() -> pd.DataFrame:
    berths = [offset(*PILOTS, rng.uniform(2, 18), rng.uniform(220, 320)) for _ in range(12)]
    rows, n = [], 0
    for day in pd.date_range("2026-11-23", "2026-11-28"):
        for unit in ("TUG-21", "TUG-22", "PILOT-1", "PILOT-4"):
            if unit == "TUG-22" and day.day == 27:  # dry dock on Friday
                continue
            tug = unit.startswith("TUG")
            t = day + pd.Timedelta(hours=int(rng.integers(5, 9)), minutes=int(rng.integers(0, 60)))
            while t.hour < 18:
                n += 1
                service = ("towage" if rng.random() < 0.8 else "standby") if tug else (
                    "pilotage" if rng.random() < 0.85 else "standby")  # fmt: skip
                a, b = berths[int(rng.integers(0, 12))], berths[int(rng.integers(0, 12))]
                pts = [PILOTS, a, b, PILOTS]
                dw = [rng.uniform(5, 20), rng.uniform(5, 40) if tug else 2.0]
                T, LA, LO = path(pts, t, 11 * 1.852 if tug else 22 * 1.852, 20, dw, noise_m=4.0)
                rows += [
                    (unit, f"MV{n:03d}", x, y, z, service)
                    for x, y, z in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(20, 120)))
    df = pd.DataFrame(rows, columns=["craft", "movement", "ts", "lat", "lon", "service"])
    df["epoch"] = df.ts.dt.tz_localize("Europe/Amsterdam").map(lambda x: int(x.timestamp()))
    return df[["craft", "movement", "epoch", "lat", "lon", "service"]]


def club() -> pd.DataFrame:
    rows, n = [], 0
    for day in pd.date_range("2026-10-05", "2026-10-11"):
        for rider in ("Sam", "Lena", "Marc", "Joan"):
            if rider == "Marc" and day.weekday() == 2:  # rest day
                continue
            if day.weekday() in (5, 6):
                kinds = ["club run"]
            else:
                kinds = [str(rng.choice(["intervals", "recovery", "intervals"]))]
                if rng.random() < 0.3:
                    kinds.append("recovery")
            t = day + pd.Timedelta(hours=7, minutes=int(rng.integers(0, 90)))
            for kind in kinds:
                n += 1
                km = {
                    "club run": rng.uniform(60, 110),
                    "intervals": rng.uniform(30, 55),
                    "recovery": rng.uniform(15, 30),
                }[kind]
                kmh = {"club run": 27.0, "intervals": 30.0, "recovery": 20.0}[kind] * rng.uniform(
                    0.9, 1.1
                )
                b0 = rng.uniform(0, 360)
                pts = [CAFE, offset(*CAFE, km / 3.4, b0), offset(*CAFE, km / 3.4, b0 + 60), CAFE]
                dw = [rng.uniform(0, 15) if kind == "club run" else 0, 0]
                T, LA, LO = path(pts, t, kmh, 10, dw, noise_m=2.0)
                rows += [
                    (rider, f"{rider[0]}{n:03d}", x, y, z, kind)
                    for x, y, z in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(hours=int(rng.integers(2, 6)))
    df = pd.DataFrame(rows, columns=["rider", "ride", "ts", "lat", "lon", "ride_type"])
    df["local_time"] = df.ts.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["rider", "ride", "local_time", "lat", "lon", "ride_type"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("parcels", parcels),
        ("mobility", mobility),
        ("harbour", harbour),
        ("club", club),
    ]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows")
