"""Session 33 (dispatch33): a seeded parcel fleet for a dispatcher's walk of trajlm.

A grid city (streets every 150 m, 6 x 6 km, around 45.76 N 4.84 E) with a ring motorway on its
west edge; 30 vans, each with a territory and a pool of 40 customer addresses in a fixed tour
order. Each day (7 history days, then today) a van leaves the depot at 07:30 UTC, drives the
motorway to its territory where that is faster, delivers 28-36 of its pool in tour order (2-8
minutes parked at each), and drives back. Streets are driven at 6-11 m/s, the motorway at
25-30 m/s, L-shaped between addresses (the leg's first street chosen once per address pair, so
every day drives a pair the same way). GPS every 10-30 s (each van its own period, +-2 s),
4 m noise; van 7's GPS drops for 10 minutes today before 09:00.

Files under OUT/seed{S}/ (OUT: $DISPATCH33_OUT, default /tmp/dispatch33):
- history.csv: van_id, trip_id (van_day), timestamp (ISO UTC), lat, lon; the 7 past days.
- today.csv: van_id, timestamp, lat, lon; today's whole feed (a walk cuts it at "now").
- stops_today.csv: van_id, seq, stop_id, lat, lon, window_start, window_end (ISO UTC).
- truth_today.csv: van_id, t (Unix s), lat, lon; today's noiseless 1 s path (the truth).
Command: PYTHONPATH=. python scripts/dispatch33/gen.py [SEED ...] (default 0 1 2).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

LAT0, LON0 = 45.76, 4.84
M_LAT = 111_195.0
M_LON = M_LAT * np.cos(np.radians(LAT0))
BLOCK, SIDE = 150.0, 6000.0  # street spacing, city side (m); x east, y north from the SW corner
DEPOT = (600.0, 3000.0)
MOTORWAY_X = 0.0  # the ring motorway runs north-south on the west edge
N_VANS, POOL, DAYS = 30, 40, 7
START = pd.Timestamp("2026-12-07 07:30", tz="UTC")
OUT = Path(os.environ.get("DISPATCH33_OUT", "/tmp/dispatch33"))


def to_latlon(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return LAT0 + (y - SIDE / 2) / M_LAT, LON0 + (x - SIDE / 2) / M_LON


def territories(rng: np.random.Generator) -> list[tuple[float, float, float, float]]:
    """30 boxes (x0, y0, x1, y1) tiling the city east of the depot's column: 5 x 6."""
    out = []
    for i in range(5):
        for j in range(6):
            out.append((1200 + i * 960, j * 1000, 1200 + (i + 1) * 960, (j + 1) * 1000))
    rng.shuffle(out)
    return out


def pools(rng: np.random.Generator) -> list[np.ndarray]:
    """Each van's 40 addresses (street corners in its territory) in a fixed tour order."""
    out = []
    for x0, y0, x1, y1 in territories(rng):
        xs = np.arange(np.ceil(x0 / BLOCK), np.floor(x1 / BLOCK) + 1) * BLOCK
        ys = np.arange(np.ceil(y0 / BLOCK), np.floor(y1 / BLOCK) + 1) * BLOCK
        grid = np.array([(x, y) for x in xs for y in ys])
        pts = grid[rng.choice(len(grid), POOL, replace=False)]
        order, left = [], list(range(POOL))  # nearest neighbour from the depot
        here = np.array(DEPOT)
        while left:
            k = min(left, key=lambda i: np.hypot(*(pts[i] - here)))
            order.append(k)
            left.remove(k)
            here = pts[k]
        out.append(pts[order])
    return out


def leg(a: np.ndarray, b: np.ndarray, x_first: bool) -> list[tuple[float, float, str]]:
    """Corners from a to b along the grid (or the motorway when both ends are far west)."""
    mid = (b[0], a[1]) if x_first else (a[0], b[1])
    return [(a[0], a[1], "street"), (mid[0], mid[1], "street"), (b[0], b[1], "street")]


def motorway_leg(a: np.ndarray, b: np.ndarray) -> list[tuple[float, float, str]]:
    """Depot -> west to the motorway -> north/south on it -> east on street b[1]."""
    return [(a[0], a[1], "street"), (MOTORWAY_X, a[1], "street"),
            (MOTORWAY_X, b[1], "motorway"), (b[0], b[1], "street")]  # fmt: skip


def drive(corners, t0: float, speeds: dict[str, float], rng) -> tuple[list, float]:
    """1 s samples (t, x, y) along corners; returns them and the arrival time."""
    out, t = [], t0
    for (xa, ya, _), (xb, yb, kind) in zip(corners, corners[1:], strict=False):
        d = float(np.hypot(xb - xa, yb - ya))
        if d < 1:
            continue
        v = speeds[kind] * rng.uniform(0.9, 1.1)
        n = max(int(d / v), 1)
        for k in range(n):
            f = k / n
            out.append((t + k, xa + f * (xb - xa), ya + f * (yb - ya)))
        t += n
    return out, t


def day_path(pool: np.ndarray, route_rng: np.random.Generator, rng, day0: float, van: int):
    """A day's 1 s path (t, x, y) and its stops [(seq, index in pool, arrive, leave)]."""
    picks = np.sort(rng.choice(POOL, int(rng.integers(28, 37)), replace=False))
    speeds = {"street": rng.uniform(6, 11), "motorway": rng.uniform(25, 30)}
    far = pool[picks[0]][0] > 3600  # east: the motorway is no faster; north/south far: it is
    here, t = np.array(DEPOT), day0 + rng.uniform(0, 600)
    path, stops = [], []
    x_first = route_rng.random(POOL + 1) < 0.5  # one choice per address (the leg into it)
    for seq, k in enumerate(picks):
        if seq == 0 and not far and abs(pool[k][1] - DEPOT[1]) > 1500:
            corners = motorway_leg(here, pool[k])
        else:
            corners = leg(here, pool[k], bool(x_first[k]))
        part, t = drive(corners, t, speeds, rng)
        path += part
        dwell = rng.uniform(120, 480)
        stops.append((seq, int(k), t, t + dwell))
        path += [(t + s, pool[k][0], pool[k][1]) for s in range(int(dwell))]
        t += int(dwell)
        here = pool[k]
    part, t = drive(leg(here, np.array(DEPOT), bool(x_first[POOL])), t, speeds, rng)
    return np.array(path + part), stops


def sample(path: np.ndarray, period: float, rng, noise_m: float = 4.0) -> np.ndarray:
    """GPS fixes every period +- 2 s with noise_m Gaussian noise: rows (t, x, y)."""
    t = path[0, 0] + np.cumsum(rng.uniform(period - 2, period + 2, int(len(path) / 8)))
    t = t[t <= path[-1, 0]]
    idx = np.searchsorted(path[:, 0], t)
    xy = path[np.minimum(idx, len(path) - 1), 1:] + rng.normal(0, noise_m, (len(t), 2))
    return np.column_stack([np.round(t), xy])


def frame(rows: np.ndarray, van: str) -> pd.DataFrame:
    lat, lon = to_latlon(rows[:, 1], rows[:, 2])
    return pd.DataFrame({"van_id": van, "timestamp": pd.to_datetime(rows[:, 0], unit="s", utc=True),
                         "lat": lat.round(6), "lon": lon.round(6)})  # fmt: skip


def generate(seed: int) -> Path:
    out = OUT / f"seed{seed}"
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    van_pools = pools(rng)
    hist, today, stops, truth = [], [], [], []
    for v, pool in enumerate(van_pools):
        van = f"van{v + 1:02d}"
        period = float(rng.choice([10, 15, 20, 30]))
        for d in range(DAYS, -1, -1):  # 7 days back .. today (d = 0)
            day0 = (START - pd.Timedelta(days=d)).timestamp()
            path, day_stops = day_path(pool, np.random.default_rng(seed * 100 + v), rng, day0, v)
            fixes = sample(path, period, rng)
            if d == 0 and v + 1 == 7:  # van 7's GPS drops for 10 minutes before 09:00
                drop = (START + pd.Timedelta(hours=1.5)).timestamp()
                fixes = fixes[(fixes[:, 0] < drop - 600) | (fixes[:, 0] >= drop)]
            f = frame(fixes, van)
            if d:
                hist.append(f.assign(trip_id=f"{van}_{d}d"))
                continue
            today.append(f)
            lat, lon = to_latlon(path[:, 1], path[:, 2])
            truth.append(pd.DataFrame({"van_id": van, "t": path[:, 0], "lat": lat, "lon": lon}))
            for seq, k, arrive, _leave in day_stops:
                slat, slon = to_latlon(np.array(pool[k][0]), np.array(pool[k][1]))
                centre = pd.Timestamp(arrive, unit="s", tz="UTC").floor("30min")
                width = pd.Timedelta(minutes=float(rng.choice([30, 60, 120])))
                shift = pd.Timedelta(minutes=float(rng.choice([-30, 0, 0, 0, 30])))
                stops.append({"van_id": van, "seq": seq + 1, "stop_id": f"S{v + 1:02d}{k:02d}",
                              "lat": round(float(slat), 6), "lon": round(float(slon), 6),
                              "window_start": centre + shift,
                              "window_end": centre + shift + width})  # fmt: skip
    cols = ["van_id", "trip_id", "timestamp", "lat", "lon"]
    pd.concat(hist)[cols].to_csv(out / "history.csv", index=False)
    pd.concat(today).to_csv(out / "today.csv", index=False)
    pd.DataFrame(stops).to_csv(out / "stops_today.csv", index=False)
    pd.concat(truth).to_csv(out / "truth_today.csv", index=False)
    return out


if __name__ == "__main__":
    for s in [int(a) for a in sys.argv[1:]] or [0, 1, 2]:
        print(generate(s))
