"""Set 30's three data sets (ask30), seeded, written before any answer was read.

Writes under $ASK30_OUT (default /tmp/ask30):
- vineyard.csv: a Napa Valley vineyard's tractors and ATV (headers with spaces: Unit / Job ID / Date Time /
  Latitude / Longitude / Operation; US month-first 12-hour times `12/01/2026 06:05:10 AM`, naive Los Angeles
  time; 10-s fixes; tractors T1 / T2 / T3 and ATV-4; Mon 30 Nov - Sat 5 Dec 2026, day shift from about 06:30;
  Operation "spraying" / "mowing" / "pruning" (the ATV carries the pruning crew) / "hauling"; every job drives
  from the shop to a block, works its rows up and down and drives back);
- gritters.csv: an English county council's winter gritting fleet (day-first `01/12/2026 04:31:07`, naive
  London time; 15-s fixes; gritters GRT-11 / GRT-12 / GRT-14 / GRT-15 and a plough PLOUGH-2; Tue 1 - Mon 7
  Dec 2026; a morning run from about 04:00 every day, evening runs from about 18:00 on four days, runs to the
  salt barn ("deadhead"), and a snow night (3 - 4 Dec) with "ploughing" runs from about 22:00 past midnight;
  activity "salting" / "deadhead" / "ploughing"; numeric run numbers);
- rebalancing.csv: a Paris bike-share operator's rebalancing vans (French headers vehicule / mission /
  horodatage / latitude / longitude / type_mission; ISO times with a +01:00 offset, asked in Europe/Paris;
  15-s fixes; vans VAN-07 / VAN-12 / VAN-19 and an electric cargo trike TRI-3; Mon 30 Nov - Sat 5 Dec 2026,
  07:00 - 20:00; missions from the depot round 3 - 6 docking stations, stopped at each, and back;
  type_mission "rebalancing" / "repair" / "battery swap").

    python scripts/ask30/gen.py        # then bash scripts/ask30/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK30_OUT", "/tmp/ask30"))
rng = np.random.default_rng(30)
SHOP = (38.4050, -122.3600)  # the vineyard's equipment shop
DEPOT = (53.1200, -1.5600)  # the council's gritter depot
VANS = (48.8400, 2.3700)  # the bike-share operator's depot


def path(points, t0, kmh, step_s, dwells=(), noise_m=1.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


def vineyard() -> pd.DataFrame:
    """Shop -> a block's corner -> its rows up and down (300 m each) -> shop; two or three jobs a day."""
    blocks = [offset(*SHOP, rng.uniform(0.4, 1.6), rng.uniform(0, 360)) for _ in range(8)]
    work = {"T1": ["spraying", "mowing"], "T2": ["spraying", "mowing"], "T3": ["mowing", "hauling"],
            "ATV-4": ["pruning"]}  # fmt: skip
    kmh = {"spraying": 6.0, "mowing": 8.0, "pruning": 3.5, "hauling": 12.0}
    rows, n = [], 1000
    for day in pd.date_range("2026-11-30", "2026-12-05"):
        for unit, ops in work.items():
            if unit == "T2" and day.day == 2:  # in the shop for a service
                continue
            t = day + pd.Timedelta(hours=6, minutes=int(rng.integers(20, 60)))
            while t.hour < 14:
                n += 1
                op = str(rng.choice(ops))
                corner = blocks[int(rng.integers(0, len(blocks)))]
                far = offset(*corner, 0.3, 0)
                pts = [SHOP, corner]
                for k in range(int(rng.integers(6, 40) if op == "mowing" else rng.integers(5, 22))):
                    low, high = offset(*corner, 0.0024 * k, 90), offset(*far, 0.0024 * k, 90)
                    pts += [low, high] if k % 2 == 0 else [high, low]
                pts.append(SHOP)
                dw = [
                    rng.uniform(2, 6) if op == "pruning" and i % 3 == 2 else 0
                    for i in range(len(pts))
                ]
                T, LA, LO = path(pts, t, kmh[op], 10, dwells=dw, noise_m=1.2)
                rows += [(unit, f"W-{n}", a, b, c, op) for a, b, c in zip(T, LA, LO, strict=True)]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(10, 45)))
    df = pd.DataFrame(rows, columns=["Unit", "Job ID", "ts", "Latitude", "Longitude", "Operation"])
    df["Date Time"] = df.ts.dt.strftime("%m/%d/%Y %I:%M:%S %p")
    return df[["Unit", "Job ID", "Date Time", "Latitude", "Longitude", "Operation"]]


def gritters() -> pd.DataFrame:
    """Each gritter its own route (a loop of 8 - 12 points 3 - 15 km out); the plough only on the snow night."""
    routes = {
        g: [offset(*DEPOT, rng.uniform(3, 15), b) for b in sorted(rng.uniform(0, 360, int(rng.integers(8, 13))))]
        for g in ("GRT-11", "GRT-12", "GRT-14", "GRT-15", "PLOUGH-2")
    }  # fmt: skip
    barn = offset(*DEPOT, 9.0, 70)  # the central salt barn
    rows, n = [], 7000

    def run(unit, t, label, pts, kmh):
        nonlocal n
        n += 1
        T, LA, LO = path(pts, t, kmh, 15, noise_m=2.0)
        rows.extend((unit, n, a, b, c, label) for a, b, c in zip(T, LA, LO, strict=True))
        return T[-1]

    for day in pd.date_range("2026-12-01", "2026-12-07"):
        for g in ("GRT-11", "GRT-12", "GRT-14", "GRT-15"):
            r = routes[g]
            t = day + pd.Timedelta(hours=4, minutes=int(rng.integers(0, 50)))
            end = run(g, t, "salting", [DEPOT, *r, DEPOT], rng.uniform(32, 42))
            if rng.uniform() < 0.5:  # refill at the salt barn
                run(
                    g,
                    end + pd.Timedelta(minutes=int(rng.integers(20, 90))),
                    "deadhead",
                    [DEPOT, barn, DEPOT],
                    55,
                )
            if day.day in (1, 3, 4, 6):
                t = day + pd.Timedelta(hours=18, minutes=int(rng.integers(0, 50)))
                run(g, t, "salting", [DEPOT, *r[::-1], DEPOT], rng.uniform(32, 42))
        if day.day == 3:  # snow: the plough and GRT-14 plough through the night
            for g in ("PLOUGH-2", "GRT-14"):
                t = day + pd.Timedelta(hours=22, minutes=int(rng.integers(0, 40)))
                for _ in range(2):
                    t = run(g, t, "ploughing", [DEPOT, *routes[g], DEPOT], rng.uniform(18, 25))
                    t += pd.Timedelta(minutes=int(rng.integers(15, 40)))
    df = pd.DataFrame(rows, columns=["vehicle", "run_no", "ts", "lat", "lon", "activity"])
    df["recorded_at"] = df.ts.dt.strftime("%d/%m/%Y %H:%M:%S")
    return df[["vehicle", "run_no", "recorded_at", "lat", "lon", "activity"]]


def rebalancing() -> pd.DataFrame:
    """Depot -> 3 - 6 docking stations (3 - 10 min at each) -> depot, missions from 07:00 until 20:00."""
    stations = [offset(*VANS, rng.uniform(0.3, 4.0), rng.uniform(0, 360)) for _ in range(40)]
    rows, n = [], 0
    for day in pd.date_range("2026-11-30", "2026-12-05"):
        for unit in ("VAN-07", "VAN-12", "VAN-19", "TRI-3"):
            t = day + pd.Timedelta(hours=7, minutes=int(rng.integers(0, 40)))
            while t.hour < 19:
                n += 1
                kind = str(rng.choice(["rebalancing", "rebalancing", "repair", "battery swap"]))
                k = int(rng.integers(3, 7))
                stops = [stations[int(i)] for i in rng.choice(len(stations), k, replace=False)]
                pts = [VANS, *stops, VANS]
                dw = [rng.uniform(3, 10) for _ in range(k)]
                T, LA, LO = path(
                    pts, t, 12.0 if unit == "TRI-3" else 17.0, 15, dwells=dw, noise_m=2.0
                )
                rows += [
                    (unit, f"M{n:05d}", a, b, c, kind) for a, b, c in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(5, 40)))
    df = pd.DataFrame(
        rows, columns=["vehicule", "mission", "ts", "latitude", "longitude", "type_mission"]
    )
    df["horodatage"] = df.ts.dt.tz_localize("Europe/Paris").map(lambda x: x.isoformat())
    return df[["vehicule", "mission", "horodatage", "latitude", "longitude", "type_mission"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("vineyard", vineyard),
        ("gritters", gritters),
        ("rebalancing", rebalancing),
    ]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows")
