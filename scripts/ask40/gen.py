"""Set 40's four made data sets (ask40), seeded (40), written before any answer was read.

Writes under $ASK40_OUT (default /tmp/ask40):
- tractors.csv: an Aberdeenshire farm's tractors at harvest (headers tractor / job / work / stamp / lat / lon;
  **naive local times** "2026-08-10 06:41:20", asked with --tz Europe/London); four tractors "FENDT724", "MF5713",
  "JD6155R", "CLAAS530"; work ploughing / baling / road, drawn per job (CLAAS530 never on the road); Mon 10 - Sat 22
  August 2026 but Sundays; 10-s fixes; 3-6 jobs a tractor a day from 06:00-08:30 (fields 6-12 km/h, road 20-40 km/h);
- buses.csv: a Lagos school-bus operator (headers bus_no / run_id / run_type / gps_time / latitude / longitude; **ISO
  with +01:00**, asked with --tz Africa/Lagos); six buses "BUS-01" ... "BUS-06"; Mon 14 - Fri 25 September 2026,
  weekdays; 5-s fixes; 2-3 morning runs from 06:00-06:30 and 2-3 afternoon runs from 13:30-14:00 (run_type morning /
  afternoon), 4-18 km at 15-35 km/h; BUS-05 did not go out on Fri 18 September;
- flights.csv: a mine site's drone survey team in Western Australia (headers drone / flight / mission / unix_s / lat /
  lon; **Unix seconds**, asked with --tz Australia/Perth); three drones "UAV-A", "UAV-B", "UAV-C"; Mon 2 - Fri 6 March
  2026; 2-s fixes; 3-7 flights a drone a day from 07:30-09:00, 6-18 km at 30-55 km/h, mission mapping / inspection
  drawn per flight; no stop within a flight;
- vans.csv: a motor insurer's claims file over a customer's five telematics vans (headers vin / trip_ref / usage /
  ts / lat / lon; **ISO UTC with Z**, asked with --tz Europe/London); "VAN-A1" ... "VAN-A5"; Mon 5 - Sun 11 October
  2026; 5-s fixes; 2-6 trips a van a day from 06:30-10:00, 2-40 km at 25-60 km/h, usage business / personal drawn
  per trip; VAN-A2 and VAN-A4 always done by 19:00, the others driving on until 23:00.

    python scripts/ask40/gen.py        # then bash scripts/ask40/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK40_OUT", "/tmp/ask40"))
rng = np.random.default_rng(40)


def path(points, t0, kmh, step_s):
    """ask_study_common.path with this set's generator, straight legs, 2 m of noise."""
    return common_path(points, t0, kmh, step_s, rng, (), 2.0)


def fleet(days, vehicles, n_range, first_h, kinds, step_s, centre, spread, gap_min, last_h, prefix):
    """Trips of each vehicle each day, each trip's label drawn from ``vehicles[veh]`` (labels, weights);
    ``kinds[label]`` = ((km lo, hi), (km/h lo, hi)); a trip that would end past ``last_h[veh]`` is not made.
    Rows (vehicle, trip id, label, time, lat, lon)."""
    rows, n = [], 0
    for day in days:
        for veh, (labels, weights) in vehicles.items():
            if day is None:
                continue
            t = day + pd.Timedelta(
                hours=first_h[0] + float(rng.uniform(0, first_h[1] - first_h[0]))
            )
            for _ in range(int(rng.integers(*n_range))):
                label = str(rng.choice(labels, p=weights))
                (k0, k1), (v0, v1) = kinds[label]
                a = offset(*centre, float(rng.uniform(0, spread)), float(rng.uniform(0, 360)))
                b = offset(*a, float(rng.uniform(k0, k1)), float(rng.uniform(0, 360)))
                T, LA, LO = path([a, b], t, float(rng.uniform(v0, v1)), step_s)
                if T[-1].hour >= last_h[veh] or T[-1].date() != day.date():
                    break
                n += 1
                rows += [
                    (veh, f"{prefix}{n:05d}", label, x, y, z)
                    for x, y, z in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=float(rng.uniform(*gap_min)))
    return rows


def tractors() -> pd.DataFrame:
    field = (["ploughing", "baling", "road"], [0.45, 0.35, 0.2])
    never_road = (["ploughing", "baling"], [0.5, 0.5])
    fleet_ = {"FENDT724": field, "MF5713": field, "JD6155R": field, "CLAAS530": never_road}
    days = [d for d in pd.date_range("2026-08-10", "2026-08-22") if d.weekday() < 6]
    kinds = {
        "ploughing": ((3, 10), (6, 10)),
        "baling": ((4, 12), (7, 12)),
        "road": ((3, 15), (20, 40)),
    }
    rows = fleet(days, fleet_, (3, 7), (6, 8.5), kinds, 10, (57.3, -2.4), 6, (10, 60),
                 dict.fromkeys(fleet_, 21), "J")  # fmt: skip
    df = pd.DataFrame(rows, columns=["tractor", "job", "work", "t", "lat", "lon"])
    df["stamp"] = df.t.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["tractor", "job", "work", "stamp", "lat", "lon"]]


def buses() -> pd.DataFrame:
    rows = []
    days = [d for d in pd.date_range("2026-09-14", "2026-09-25") if d.weekday() < 5]
    kind = {"run": ((4, 18), (15, 35))}
    for run_type, first_h, last_h in [("morning", (6, 6.5), 10), ("afternoon", (13.5, 14), 18)]:
        for day in days:
            away = {"BUS-05"} if day == pd.Timestamp("2026-09-18") else set()
            buses_ = {f"BUS-0{i}": (["run"], [1.0]) for i in range(1, 7) if f"BUS-0{i}" not in away}
            part = fleet([day], buses_, (2, 4), first_h, kind, 5, (6.5244, 3.3792), 8, (5, 20),
                         dict.fromkeys(buses_, last_h), f"{run_type[0].upper()}{day:%m%d}")  # fmt: skip
            rows += [(v, tr, run_type, t, la, lo) for v, tr, _, t, la, lo in part]
    df = pd.DataFrame(rows, columns=["bus_no", "run_id", "run_type", "t", "latitude", "longitude"])
    df = df.sort_values(["t", "bus_no"], kind="stable")
    df["gps_time"] = df.t.dt.strftime("%Y-%m-%dT%H:%M:%S+01:00")
    return df[["bus_no", "run_id", "run_type", "gps_time", "latitude", "longitude"]]


def flights() -> pd.DataFrame:
    mission = (["mapping", "inspection"], [0.6, 0.4])
    drones = {"UAV-A": mission, "UAV-B": mission, "UAV-C": mission}
    kinds = {"mapping": ((6, 18), (30, 50)), "inspection": ((6, 14), (35, 55))}
    rows = fleet(pd.date_range("2026-03-02", "2026-03-06"), drones, (3, 8), (7.5, 9), kinds, 2,
                 (-22.7, 117.8), 3, (15, 60), dict.fromkeys(drones, 17), "F")  # fmt: skip
    df = pd.DataFrame(rows, columns=["drone", "flight", "mission", "t", "lat", "lon"])
    utc = df.t.dt.tz_localize("Australia/Perth").dt.tz_convert("UTC")
    df["unix_s"] = (utc.astype("int64") // 1_000_000_000).astype("int64")
    return df[["drone", "flight", "mission", "unix_s", "lat", "lon"]]


def vans() -> pd.DataFrame:
    use = (["business", "personal"], [0.7, 0.3])
    vans_ = {f"VAN-A{i}": use for i in range(1, 6)}
    last = {v: (19 if v in ("VAN-A2", "VAN-A4") else 23) for v in vans_}
    kinds = {"business": ((2, 40), (25, 60)), "personal": ((2, 25), (25, 50))}
    rows = fleet(pd.date_range("2026-10-05", "2026-10-11"), vans_, (2, 7), (6.5, 10), kinds, 5,
                 (52.48, -1.89), 10, (20, 200), last, "T")  # fmt: skip
    df = pd.DataFrame(rows, columns=["vin", "trip_ref", "usage", "t", "lat", "lon"])
    utc = df.t.dt.tz_localize("Europe/London").dt.tz_convert("UTC")
    df["ts"] = utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df[["vin", "trip_ref", "usage", "ts", "lat", "lon"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("tractors", tractors),
        ("buses", buses),
        ("flights", flights),
        ("vans", vans),
    ]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 1].nunique(), "trips in column 2")
