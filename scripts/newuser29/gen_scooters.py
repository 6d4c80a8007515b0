"""Session 29 new-user data: a seeded e-scooter sharing export in Munich, in a projected CRS.

What it writes: rides of 40 scooters over 5 days (weekday mornings to evenings) on a rough street
grid, a fix every 10 s while riding, speeds 12-22 km/h with stops at crossings, 2-5 m GPS noise,
as a GeoDataFrame in EPSG:25832 (ETRS89 / UTM 32N, metres): columns `ride_id`, `scooter_id`,
`recorded_at` (tz-aware Europe/Berlin datetimes), `battery_pct`, `geometry` (Points). Also the
same rows as a CSV with `x`, `y` columns (metres) and ISO times with their offset, for the CLI.

Command: PYTHONPATH=. python scripts/newuser29/gen_scooters.py [OUT]   (default $NEWUSER29_OUT or
/tmp/newuser29). Outputs: OUT/scooter_rides.parquet (GeoParquet), OUT/scooter_rides.csv.
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ORIGIN = (691_000.0, 5_334_000.0)  # Munich Marienplatz, EPSG:25832 (E, N)
BLOCK_M = 120.0


def ride(rng: np.random.Generator, start: pd.Timestamp) -> tuple[list, list, list]:
    """One ride along the grid: a list of (E, N) every 10 s and the times."""
    e = ORIGIN[0] + BLOCK_M * rng.integers(-20, 21)
    n = ORIGIN[1] + BLOCK_M * rng.integers(-20, 21)
    legs = int(rng.integers(3, 9))
    pos = [(e, n)]
    t = [start]
    speed = rng.uniform(12, 22) / 3.6
    for _ in range(legs):
        axis = int(rng.integers(0, 2))
        sign = 1 if rng.random() < 0.5 else -1
        length = BLOCK_M * int(rng.integers(1, 6))
        done = 0.0
        while done < length:
            step = min(speed * 10.0 * rng.uniform(0.8, 1.1), length - done)
            done += step
            e, n = (e + sign * step, n) if axis == 0 else (e, n + sign * step)
            pos.append((e, n))
            t.append(t[-1] + pd.Timedelta(seconds=10))
        if rng.random() < 0.4:  # waiting at a crossing
            for _ in range(int(rng.integers(1, 4))):
                pos.append((e, n))
                t.append(t[-1] + pd.Timedelta(seconds=10))
    noise = rng.normal(0, 3.0, size=(len(pos), 2))
    xy = np.asarray(pos) + noise
    return list(xy[:, 0]), list(xy[:, 1]), t


def generate(seed: int = 29, n_scooters: int = 40, days: int = 5) -> "pd.DataFrame":
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    rows = []
    ride_no = 0
    for day in range(days):
        base = pd.Timestamp("2026-06-08 00:00", tz="Europe/Berlin") + pd.Timedelta(days=day)
        for s in range(n_scooters):
            if rng.random() < 0.5:
                continue
            battery = float(rng.uniform(60, 100))
            clock = base + pd.Timedelta(hours=float(rng.uniform(7, 11)))
            for _ in range(int(rng.integers(1, 3))):
                xs, ys, ts = ride(rng, clock.round("s"))
                ride_no += 1
                for i, (x, y, t) in enumerate(zip(xs, ys, ts, strict=True)):
                    rows.append(
                        (f"R{ride_no:05d}", f"SC-{s:03d}", t, round(battery - 0.05 * i, 1), x, y)
                    )
                battery -= 0.05 * len(xs)
                clock = ts[-1] + pd.Timedelta(hours=float(rng.uniform(1, 5)))
    df = pd.DataFrame(
        rows, columns=["ride_id", "scooter_id", "recorded_at", "battery_pct", "x", "y"]
    )
    return gpd.GeoDataFrame(
        df.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(df.x, df.y), crs="EPSG:25832"
    )


def main() -> None:
    out = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER29_OUT", "/tmp/newuser29")
    )
    out.mkdir(parents=True, exist_ok=True)
    gdf = generate()
    gdf.to_parquet(out / "scooter_rides.parquet")
    csv = pd.DataFrame(gdf.drop(columns="geometry"))
    csv["x"], csv["y"] = gdf.geometry.x.round(2), gdf.geometry.y.round(2)
    csv["recorded_at"] = csv["recorded_at"].map(lambda t: t.isoformat())
    csv.to_csv(out / "scooter_rides.csv", index=False)
    print(
        f"{len(gdf):,} rows, {gdf.ride_id.nunique()} rides, {gdf.scooter_id.nunique()} scooters -> {out}"
    )


if __name__ == "__main__":
    main()
