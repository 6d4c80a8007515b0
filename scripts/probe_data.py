"""Held-out-like probe data: synthetic trips unlike trajlm-small's training data, written as
plain CSVs (trip_id, timestamp, latitude, longitude) so they go through `trajlm data ingest`
with column auto-detection, as a user's own file would (docs/generalization.md "Session 10").

    python scripts/probe_data.py --out /tmp/probemodel/csv          # every set
    python scripts/probe_data.py --out DIR --only ships_600s --trips 100

Sets (NAME: what differs from the training data: Porto taxis at 15 s, two synthetic cities at
2-30 s):
    south_city   a southern-hemisphere city (Buenos Aires, UTC-3), mixed modes, 5-30 s
    walk_1s      pedestrians at 1 Hz
    car_1s       cars at 1 s
    bus_60s      buses at 60 s
    ships_600s   vessels at 4-9 m/s fixed every 10 min in the South Atlantic (open water:
                 slowly turning headings, no road network)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl

CITY_SETS = {
    "south_city": dict(center_lat=-34.6, center_lon=-58.4, utc_offset_h=-3.0, block_m=120.0,
                       start_date="2025-01-06"),
    "walk_1s": dict(center_lat=-33.9, center_lon=151.2, utc_offset_h=10.0, gps_noise_m=1.0,
                    modes={"walk": 1.0}, sample_interval_s=(1.0, 1.0), missed_fix_rate=0.0),
    "car_1s": dict(center_lat=35.7, center_lon=139.7, utc_offset_h=9.0, gps_noise_m=1.0,
                   modes={"car": 1.0}, sample_interval_s=(1.0, 1.0), missed_fix_rate=0.0),
    # the generator samples short trips more finely: long chained bus trips at 10 s, thinned
    "bus_60s": dict(center_lat=-1.29, center_lon=36.82, utc_offset_h=3.0, modes={"bus": 1.0},
                    sample_interval_s=(10.0, 10.0), missed_fix_rate=0.0, min_points=150,
                    block_m=400.0),
}  # fmt: skip
THIN_S = {"bus_60s": 60}  # keep the first fix of every THIN_S seconds since the trip start
SETS = (*CITY_SETS, "ships_600s")


def city_trips(name: str, n: int, seed: int) -> pl.DataFrame:
    """A synthetic-city set (trajlm.data.synthetic) as trip_id, timestamp, latitude, longitude."""
    from trajlm.data.synthetic import generate_city

    pts = generate_city(n_trajectories=n, seed=seed, **CITY_SETS[name]).points
    if name in THIN_S:
        since = pl.col("t") - pl.col("t").min().over("traj_id")
        pts = pts.sort("traj_id", "t").with_columns(bucket=since // THIN_S[name])
        pts = pts.unique(["traj_id", "bucket"], keep="first", maintain_order=True)
    return _as_csv_frame(pts["traj_id"], pts["t"], pts["lat"], pts["lon"])


def ship_trips(n: int, seed: int, points: int = 40, dt_s: float = 600.0) -> pl.DataFrame:
    """Vessels: speed 4-9 m/s (slowly varying), heading turning a few degrees per fix, a fix
    every dt_s +- 10 % with 20 m GPS noise, around 30 S 20 W."""
    rng = np.random.default_rng(seed)
    ids, ts, lats, lons = [], [], [], []
    t0 = 1_735_000_000
    for i in range(n):
        dt = dt_s * rng.uniform(0.9, 1.1, points - 1)
        v = np.clip(rng.uniform(4, 9) + np.cumsum(rng.normal(0, 0.2, points - 1)), 1.0, 12.0)
        turn = np.radians(np.cumsum(rng.normal(0, 3.0, points - 1)))
        head = rng.uniform(0, 2 * np.pi) + turn
        step = v * dt
        x = np.r_[0.0, np.cumsum(step * np.sin(head))] + rng.normal(0, 20, points)
        y = np.r_[0.0, np.cumsum(step * np.cos(head))] + rng.normal(0, 20, points)
        lat0, lon0 = -30.0 + rng.uniform(-5, 5), -20.0 + rng.uniform(-5, 5)
        lats.append(lat0 + y / 111_320.0)
        lons.append(lon0 + x / (111_320.0 * np.cos(np.radians(lat0))))
        ts.append(t0 + int(i * 3_600) + np.r_[0.0, np.cumsum(dt)].round().astype(np.int64))
        ids.append(np.full(points, f"ship{i:04d}"))
    return _as_csv_frame(*(pl.Series(np.concatenate(a)) for a in (ids, ts, lats, lons)))


def _as_csv_frame(traj, t, lat, lon) -> pl.DataFrame:
    return pl.DataFrame({
        "trip_id": traj.cast(pl.Utf8),
        "timestamp": pl.from_epoch(t.cast(pl.Int64), time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "latitude": lat, "longitude": lon,
    })  # fmt: skip


def write_set(name: str, out: Path, n: int, seed: int) -> Path:
    """Write set `name` to OUT/<name>/trips.csv; returns the file."""
    df = ship_trips(n, seed) if name == "ships_600s" else city_trips(name, n, seed)
    path = out / name / "trips.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    df.write_csv(path)
    return path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--only", action="append", choices=SETS, help="these sets (default: all)")
    ap.add_argument("--trips", type=int, default=300, help="trips per set")
    ap.add_argument("--seed", type=int, default=10)
    args = ap.parse_args(argv)
    for name in args.only or SETS:
        print(f"wrote {write_set(name, args.out, args.trips, args.seed)}")


if __name__ == "__main__":
    main()
