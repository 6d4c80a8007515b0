"""Session 28 new-user test: a delivery company's telematics export, as the vendor's portal
writes it (persona: docs/api.md "Session 28 (newuser28)").

What it writes: 8 delivery vans x 3 weekdays (Tue 1 - Thu 3 Dec 2026) around a depot in
Lyon's Gerland (Europe/Paris, UTC+1), one Parquet file `telematics_export.parquet` with the
vendor's columns: `vehicle_id` ("VAN-101" ..), `timestamp_utc` (int64 Unix *seconds*, UTC),
`lat`, `lon`, `speed_kmh`, `ignition` (bool), `odometer_km`. Each van leaves the depot
between 07:30 and 08:30 local time, drives 9-13 drops (a fix every 30 s while the ignition is
on, 3-8 min parked with the ignition off and a heartbeat every 5 min), and returns to the
depot; parked overnight (no rows). Faults as a vendor's feed has them: GPS dropouts (4-12 min
with no rows, in 6 van-days: tunnels / the Fourvière tunnel), 1 % of rows sent twice (exact
repeats), 0.3 % of rows repeated at the same second with a slightly different position (the
ignition-off event), and rows not in time order (the portal sorts by vehicle then by arrival).
Seeded: the same file every run.

Command: PYTHONPATH=. python scripts/newuser28/gen_delivery.py [OUT_DIR]
Output: OUT_DIR/telematics_export.parquet (default OUT_DIR: $NEWUSER28_OUT or /tmp/newuser28).
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

DEPOT = (45.7300, 4.8290)  # Gerland, Lyon
M_LAT = 111_320.0
M_LON = 111_320.0 * np.cos(np.radians(DEPOT[0]))
DAYS = ["2026-12-01", "2026-12-02", "2026-12-03"]
ZONE = "Europe/Paris"


def drive(rng, t, pos, goal, odo, rows, van, speed_mps):
    """Fixes every 30 s from pos to goal along a dog-leg (streets), ignition on."""
    corner = np.array([pos[0], goal[1]]) if rng.random() < 0.5 else np.array([goal[0], pos[1]])
    for a, b in ((pos, corner), (corner, goal)):
        d = np.hypot((b[0] - a[0]) * M_LAT, (b[1] - a[1]) * M_LON)
        n = max(int(d / (speed_mps * 30)), 1)
        for k in range(1, n + 1):
            p = a + (b - a) * k / n
            v = speed_mps * rng.uniform(0.6, 1.3)
            odo += d / n / 1000
            t += 30
            noise = rng.normal(0, 6, 2) / [M_LAT, M_LON]
            rows.append((van, t, *(p + noise), round(v * 3.6, 1), True, round(odo, 2)))
    return t, goal, odo


def main(out_dir: Path) -> None:
    rng = np.random.default_rng(28)
    rows: list[tuple] = []
    vans = [f"VAN-{101 + i}" for i in range(8)]
    dropouts = {(vans[i], DAYS[j]) for i, j in ((0, 0), (2, 1), (3, 2), (5, 0), (6, 1), (7, 2))}
    for vi, van in enumerate(vans):
        odo = 40_000.0 + 5_000 * vi
        area = np.array(DEPOT) + rng.normal(0, 0.02, 2)  # each van's delivery district
        for day in DAYS:
            start = pd.Timestamp(f"{day} 07:30", tz=ZONE) + pd.Timedelta(
                minutes=int(rng.integers(0, 60))
            )
            t = int(start.tz_convert("UTC").timestamp())
            pos = np.array(DEPOT)
            day_rows: list[tuple] = [(van, t, *pos, 0.0, True, round(odo, 2))]  # ignition on
            stops = [area + rng.normal(0, 0.012, 2) for _ in range(int(rng.integers(9, 14)))]
            for goal in [*stops, np.array(DEPOT)]:
                t, pos, odo = drive(rng, t, pos, goal, odo, day_rows, van, rng.uniform(6, 11))
                parked = int(rng.integers(180, 480))
                t_off = t + 5
                day_rows.append((van, t_off, *pos, 0.0, False, round(odo, 2)))
                for hb in range(300, parked, 300):  # heartbeat while parked
                    day_rows.append((van, t_off + hb, *pos, 0.0, False, round(odo, 2)))
                t = t_off + parked
            if (van, day) in dropouts:  # GPS lost for 4-12 min mid-morning: no rows
                a = len(day_rows) // 3 + int(rng.integers(0, 20))
                t_a = day_rows[a][1]
                cut = t_a + int(rng.integers(240, 720))
                day_rows = [r for r in day_rows if not (t_a < r[1] <= cut)]
            rows += day_rows
    df = pd.DataFrame(
        rows,
        columns=[
            "vehicle_id",
            "timestamp_utc",
            "lat",
            "lon",
            "speed_kmh",
            "ignition",
            "odometer_km",
        ],
    )
    df["lat"], df["lon"] = df["lat"].round(6), df["lon"].round(6)
    again = df.sample(frac=0.01, random_state=1)  # sent twice
    moved = df[~df["ignition"]].sample(frac=0.03, random_state=2).copy()  # same second, moved
    moved["lat"] += 0.00004
    df = pd.concat([df, again, moved])
    df = df.sample(frac=1.0, random_state=3).sort_values(
        "vehicle_id", kind="stable"
    )  # arrival order
    df["timestamp_utc"] = df["timestamp_utc"].astype("int64")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "telematics_export.parquet"
    df.reset_index(drop=True).to_parquet(path, index=False)
    print(
        f"wrote {path}: {len(df)} rows, {df.vehicle_id.nunique()} vans, "
        f"{len(again)} resent, {len(moved)} same-second moved, dropouts in {len(dropouts)} van-days"
    )


if __name__ == "__main__":
    main(
        Path(
            sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER28_OUT", "/tmp/newuser28")
        )
    )
