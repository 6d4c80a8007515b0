"""readers26: three seeded real-world layouts through `trajlm data ingest` (no options), and what
the store holds. Measures session 26's reader fixes (docs/data.md "Session 26 (readers26)"):

  truck_zones.csv  an ELD log: `Local Date`-free `Local Time` + a per-row `Time Zone` (CST / MST),
                   6 trucks driving west across the Central / Mountain line (clock goes back 1 h)
  study.csv        a phone study: `local_time` + `tz` of two IANA zones (Berlin, New York),
                   `accuracy_m` with 1 % cell-tower fixes (1,500 m, placed ~1.5 km off)
  plough.txt       an AVL export: two title lines above a tab-separated header, unit 4105 given to
                   two ploughs on overlapping shifts written one after the other

    PYTHONPATH=$PWD .venv/bin/python scripts/readers26/layouts.py [--out DIR]

Writes the files and stores under --out (default $READERS26_OUT or /tmp/readers26/layouts) and
prints one line a file: exit code, trajectories, points, drops / repairs, and the steps faster
than 100 m/s left in the store (a zigzag between two movers, a cell-tower jump, a clock off by
an hour). Run it with PYTHONPATH pointing at another checkout to read the files as that code does.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

T0 = datetime(2026, 10, 6, 13, 0, tzinfo=UTC)


def truck_zones(path: Path, rng: random.Random) -> None:
    lines = ["Truck,Local Time,Time Zone,Latitude,Longitude"]
    for i in range(6):
        lat, lon = 41.0 + 0.05 * i, -100.2 + 0.02 * i  # the line at -101.0 (read: fixed by lon)
        start = T0 + timedelta(hours=i)
        for k in range(360):  # 6 h at 60 s, ~25 m/s west
            when = start + timedelta(seconds=60 * k)
            lon -= 1500 / (111_320 * math.cos(math.radians(lat))) * rng.uniform(0.8, 1.2)
            lat += rng.gauss(0, 2e-4)
            zone, off = ("CST", -6) if lon > -101.0 else ("MST", -7)
            local = (when + timedelta(hours=off)).strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"T{900 + i},{local},{zone},{lat:.6f},{lon:.6f}")
    path.write_text("\n".join(lines) + "\n")


def study(path: Path, rng: random.Random) -> None:
    lines = ["participant_id,local_time,tz,latitude,longitude,accuracy_m"]
    for p in range(8):
        zone = "Europe/Berlin" if p < 4 else "America/New_York"
        lat, lon = (52.52, 13.40) if p < 4 else (40.71, -74.00)
        start = datetime(2026, 6, 5, 8, 0) + timedelta(minutes=7 * p)
        for k in range(600):  # 5 h at 30 s, walking
            lat += rng.gauss(0, 3e-5)
            lon += rng.gauss(0, 4e-5)
            cell = rng.random() < 0.01
            acc = 1500 if cell else round(rng.uniform(4, 30))
            la, lo = (lat + 0.0135, lon) if cell else (lat, lon)  # a cell tower ~1.5 km north
            when = (start + timedelta(seconds=30 * k)).replace(tzinfo=ZoneInfo(zone))
            local = when.strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"P{p + 1:02d},{local},{zone},{la:.6f},{lo:.6f},{acc}")
    path.write_text("\n".join(lines) + "\n")


def plough(path: Path, rng: random.Random) -> None:
    lines = ["City Winter Operations - AVL position export",
             "Generated 2026-11-22 08:00 by FleetView 7.2",
             "Unit #\tGPS Date/Time\tLat.\tLong."]  # fmt: skip
    shifts = [
        (4101, 45.41, -75.70),
        (4102, 45.38, -75.75),
        (4105, 45.43, -75.65),
        (4103, 45.36, -75.80),
        (4105, 45.33, -75.60),
    ]  # 4105 twice, ~11 km apart
    for unit, lat, lon in shifts:
        for k in range(720):  # 1 h at 5 s
            when = datetime(2026, 11, 22, 4, 0) + timedelta(seconds=5 * k)
            lat += rng.gauss(0, 3e-5)
            lon += rng.gauss(0, 4e-5) + 2e-5
            lines.append(f"{unit}\t{when:%Y-%m-%d %H:%M:%S}\t{lat:.6f}\t{lon:.6f}")
    path.write_text("\n".join(lines) + "\n")


def summary(store: Path) -> dict:
    import polars as pl

    from trajlm.data.geometry import haversine_m
    from trajlm.data.store import read_store

    manifest = json.loads((store / "manifest.json").read_text())
    df = read_store(store).sort("traj_id", "t")
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    v = haversine_m(pl.col("lat").shift(1), pl.col("lon").shift(1), pl.col("lat"), pl.col("lon"))
    v = v / (pl.col("t") - pl.col("t").shift(1)).cast(pl.Float64)
    fast = int(df.select((same & (v > 100)).sum()).item())
    rep = manifest["drop_report"]
    return {"trajectories": manifest["n_trajectories"], "points": manifest["n_points"],
            "dropped": rep["dropped"], "repaired": rep["repaired"], "steps_over_100_mps": fast}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("READERS26_OUT", "/tmp/readers26/layouts"))
    out = Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    runs = (("truck_zones.csv", truck_zones, []), ("study.csv", study, []),
            ("plough.txt", plough, []), ("plough.txt", plough, ["--traj-col", "Unit #"]))  # fmt: skip
    for name, make, opts in runs:
        make(out / name, random.Random(26))
        store = out / (name.split(".")[0] + "_store")
        cmd = [sys.executable, "-m", "trajlm.cli", "data", "ingest", str(out / name),
               "--out", str(store), "--overwrite", *opts]  # fmt: skip
        # (cwd: out, so that `-m trajlm` is the PYTHONPATH's trajlm, not a checkout's at cwd)
        res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ}, cwd=out)
        said = [ln for ln in (res.stdout + res.stderr).splitlines()
                if ln.startswith(("error", "warning", "times", "accuracy"))]  # fmt: skip
        got = summary(store) if res.returncode == 0 else {}
        print(json.dumps({"file": name, "options": opts, "exit": res.returncode, **got,
                          "said": said}))  # fmt: skip


if __name__ == "__main__":
    main()
