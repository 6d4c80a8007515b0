"""Cut GeoLife (or Porto) VAL trips of a PROTOCOL store into 25-fix windows for probe_movers_score.py.

Session 12's real re-cuts were made in /tmp by a tester's script and never shipped; this
rebuilds the GeoLife ones from the store's val split only (test is never read here), seeded.

    python scripts/steady39/geolife_val_cuts.py --store /tmp/stores/geolife --out DIR

Writes DIR/geolife_val_{store,bus,bike,motor,60s}.csv (trip_id, timestamp, latitude, longitude):
- store: non-overlapping 25-fix windows at the store's own sampling (15 s and up);
- bus / bike: windows whose 25 fixes all carry that mode label;
- motor: windows whose median step speed is 5-40 m/s (the val split has no car label;
  this is the stand-in for session 12's "geolife_car": cars, taxis and buses by speed);
- 60s: the store's trips thinned to one fix per >= 55 s, then cut the same way.
At most --max windows a set, drawn with numpy's default_rng(--seed). --split test --prefix NAME
is the one final read of PROTOCOL's test split (steady39 step 3); --store /tmp/stores/porto cuts
Porto (no labels: store, motor and 60s only).
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import pandas as pd

WINDOW = 25


def metres_xy(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Step lengths in metres (equirectangular; steps are short)."""
    k = np.deg2rad(1.0) * 6_371_000
    dy = np.diff(lat) * k
    dx = np.diff(lon) * k * np.cos(np.deg2rad(lat[:-1]))
    return np.hypot(dx, dy)


def thin(g: pd.DataFrame, min_dt: int) -> pd.DataFrame:
    keep, last = [], None
    for i, t in enumerate(g.t.to_numpy()):
        if last is None or t - last >= min_dt:
            keep.append(i)
            last = t
    return g.iloc[keep]


def windows(points: pd.DataFrame) -> list[pd.DataFrame]:
    out = []
    for _, g in points.groupby("traj_id", sort=True):
        g = g.sort_values("t")
        for s in range(0, len(g) - WINDOW + 1, WINDOW):
            out.append(g.iloc[s : s + WINDOW])
    return out


def to_frame(wins: list[pd.DataFrame], name: str) -> pd.DataFrame:
    rows = []
    for i, w in enumerate(wins):
        rows.append(
            pd.DataFrame(
                {
                    "trip_id": f"{name}_{i:04d}",
                    "timestamp": pd.to_datetime(w.t.to_numpy(), unit="s", utc=True).strftime(
                        "%Y-%m-%dT%H:%M:%S+00:00"
                    ),
                    "latitude": w.lat.to_numpy(),
                    "longitude": w.lon.to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default="/tmp/stores/geolife")
    ap.add_argument("--out", required=True)
    ap.add_argument("--max", type=int, default=150)
    ap.add_argument("--seed", type=int, default=39)
    ap.add_argument("--split", default="val", help="val; test only for the one final read")
    ap.add_argument("--prefix", default="geolife_val")
    a = ap.parse_args()
    pts = pd.read_parquet(os.path.join(a.store, "points", f"split={a.split}"))
    if "label" not in pts.columns:  # Porto: no mode labels
        pts = pts.assign(label=None)
    pts = pts[["traj_id", "t", "lat", "lon", "label"]].sort_values(["traj_id", "t"])
    rng = np.random.default_rng(a.seed)
    native = windows(pts)
    sets: dict[str, list[pd.DataFrame]] = {"store": native}
    for mode in ("bus", "bike"):
        sets[mode] = [w for w in native if (w.label == mode).all()]
    motor = []
    for w in native:
        v = metres_xy(w.lat.to_numpy(), w.lon.to_numpy()) / np.diff(w.t.to_numpy())
        if 5.0 <= np.median(v) <= 40.0:
            motor.append(w)
    sets["motor"] = motor
    thinned = pts.groupby("traj_id", group_keys=False)[["traj_id", "t", "lat", "lon"]].apply(
        lambda g: thin(g, 55)
    )
    sets["60s"] = windows(thinned)
    os.makedirs(a.out, exist_ok=True)
    for name, wins in sets.items():
        if len(wins) > a.max:
            pick = np.sort(rng.choice(len(wins), a.max, replace=False))
            wins = [wins[i] for i in pick]
        if not wins:
            continue
        df = to_frame(wins, f"{a.prefix}_{name}")
        df.to_csv(os.path.join(a.out, f"{a.prefix}_{name}.csv"), index=False)
        print(f"{a.prefix}_{name}: {len(wins)} windows")


if __name__ == "__main__":
    main()
