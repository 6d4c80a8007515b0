"""Realistic synthetic movers for the trajlm-small new-user test (session 12, newuser4; docs/generalization.md "Session 12").

python scripts/probe_movers_gen.py [--n 150] [--out /tmp/movers]

Per data set writes:
  <name>.csv        trip_id, timestamp (ISO, local time with its UTC offset), latitude, longitude
                    (observed: GPS noise, jitter, dropouts); 32 fixes per trip (history = the first
                    20, future = fixes 20..24 for the scorer)
  <name>_truth.csv  trip_id, horizon_s, true_lat, true_lon: the noise-free position horizon_s
                    after fix 19 (for seconds-ahead scoring)
Physics: a geometric path (straights + arcs, or boustrophedon for the tractor), a speed profile
with accel / braking limits, lateral-acceleration limits on arcs, stops (lights, bus stops,
stations, hover) with dwell times, AR(1) GPS noise (sigma 3-15 m per trip, 30 s correlation),
sampling jitter and dropouts. Seeded: same output every run.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

N_OBS = 32
HIST_END = 19  # index of the last history fix (history = fixes 0..19)


@dataclass
class Kind:
    name: str
    lat0: float
    lon0: float
    tz: str
    interval: float  # base sampling interval, s
    cruise: float  # m/s
    accel: float
    decel: float
    straight_m: float  # mean straight length
    turn_deg: tuple = (90.0, 90.0)  # |angle| range of turns
    radius_m: float = 10.0
    a_lat: float = 2.0
    p_stop: float = 0.3
    dwell: tuple = (10.0, 60.0)
    noise: tuple = (3.0, 15.0)
    jitter: float = 0.0  # +- fraction of the interval
    p_drop: float = 0.0  # per-fix dropout probability
    burst_gap: tuple = (0.0, 0.0)  # occasional long outage, s
    uturn: bool = False  # boustrophedon (tractor)
    wander_deg: float = 0.0  # slow heading wander per 100 m (boats, walkers)
    horizons: list = field(default_factory=list)
    speed_spread: float = 0.15


KINDS = [
    Kind(
        "van_melbourne_5s",
        -37.81,
        144.96,
        "Australia/Melbourne",
        5,
        13.9,
        1.5,
        2.5,
        200,
        radius_m=12,
        p_stop=0.4,
        jitter=0.1,
        p_drop=0.05,
        horizons=[5, 10, 30, 60],
    ),
    Kind(
        "cyclist_copenhagen_2s",
        55.68,
        12.57,
        "Europe/Copenhagen",
        2,
        5.5,
        0.8,
        1.5,
        250,
        radius_m=8,
        a_lat=1.5,
        p_stop=0.3,
        dwell=(10, 40),
        noise=(3, 8),
        jitter=0.1,
        p_drop=0.03,
        horizons=[2, 5, 10, 30],
    ),
    Kind(
        "pedestrian_tokyo_10s",
        35.68,
        139.76,
        "Asia/Tokyo",
        10,
        1.4,
        0.5,
        0.8,
        80,
        radius_m=2,
        a_lat=1.0,
        p_stop=0.3,
        dwell=(10, 40),
        noise=(5, 15),
        jitter=0.1,
        p_drop=0.05,
        wander_deg=5,
        horizons=[10, 30, 60],
    ),
    Kind(
        "boat_sydney_60s",
        -33.85,
        151.22,
        "Australia/Sydney",
        60,
        8.0,
        0.1,
        0.2,
        3000,
        turn_deg=(10, 40),
        radius_m=300,
        a_lat=0.3,
        p_stop=0.0,
        noise=(3, 10),
        jitter=0.05,
        p_drop=0.05,
        wander_deg=1,
        horizons=[60, 150, 300],
    ),
    Kind(
        "scooter_buenosaires_1s",
        -34.60,
        -58.38,
        "America/Argentina/Buenos_Aires",
        1,
        8.0,
        2.0,
        3.0,
        120,
        radius_m=8,
        a_lat=2.5,
        p_stop=0.35,
        dwell=(10, 50),
        noise=(3, 10),
        p_drop=0.05,
        horizons=[1, 2, 5, 10],
    ),
    Kind(
        "drone_nairobi_1s",
        -1.29,
        36.82,
        "Africa/Nairobi",
        1,
        15.0,
        3.0,
        3.0,
        400,
        turn_deg=(30, 120),
        radius_m=20,
        a_lat=4.0,
        p_stop=0.2,
        dwell=(5, 20),
        noise=(3, 5),
        p_drop=0.02,
        horizons=[1, 2, 5, 10],
    ),
    Kind(
        "tractor_iowa_5s",
        42.0,
        -93.6,
        "America/Chicago",
        5,
        2.5,
        0.3,
        0.5,
        400,
        turn_deg=(180, 180),
        radius_m=6,
        a_lat=0.5,
        p_stop=0.0,
        noise=(3, 5),
        jitter=0.05,
        uturn=True,
        speed_spread=0.05,
        horizons=[5, 10, 30, 60],
    ),
    Kind(
        "train_spain_30s",
        40.0,
        -3.7,
        "Europe/Madrid",
        30,
        70.0,
        0.5,
        0.7,
        10000,
        turn_deg=(5, 20),
        radius_m=4000,
        a_lat=1.0,
        p_stop=0.05,
        dwell=(60, 180),
        noise=(3, 10),
        jitter=0.05,
        p_drop=0.03,
        horizons=[30, 60, 150],
    ),
    Kind(
        "car_highway_alberta_300s",
        51.0,
        -114.0,
        "America/Edmonton",
        300,
        30.0,
        1.0,
        2.0,
        20000,
        turn_deg=(10, 30),
        radius_m=1000,
        a_lat=1.5,
        p_stop=0.1,
        dwell=(60, 300),
        noise=(3, 15),
        jitter=0.02,
        p_drop=0.05,
        horizons=[300, 600, 1500],
    ),
    Kind(
        "van_dropouts_helsinki_1s",
        60.17,
        24.94,
        "Europe/Helsinki",
        1,
        11.0,
        1.5,
        2.5,
        200,
        radius_m=10,
        p_stop=0.4,
        noise=(5, 15),
        p_drop=0.3,
        burst_gap=(10, 60),
        horizons=[5, 10, 30],
    ),
    Kind(
        "bus_santiago_15s",
        -33.45,
        -70.66,
        "America/Santiago",
        15,
        11.0,
        1.0,
        1.5,
        400,
        radius_m=15,
        a_lat=1.5,
        p_stop=0.7,
        dwell=(15, 40),
        noise=(5, 15),
        jitter=0.1,
        p_drop=0.05,
        horizons=[15, 30, 75],
    ),
    Kind(
        "runner_capetown_1s",
        -33.92,
        18.42,
        "Africa/Johannesburg",
        1,
        3.5,
        0.5,
        1.0,
        300,
        radius_m=4,
        a_lat=1.0,
        p_stop=0.1,
        dwell=(5, 20),
        noise=(3, 8),
        wander_deg=3,
        horizons=[1, 5, 10, 30],
    ),
]


def build_path(k: Kind, length: float, rng: np.random.Generator, ds: float):
    """Arc-length grid, heading per grid point, speed limit per grid point, stop dwell per point."""
    n = int(length / ds) + 2
    curv = np.zeros(n)  # heading change per metre
    vmax = np.full(n, k.cruise * float(np.clip(rng.normal(1, k.speed_spread), 0.5, 1.5)))
    dwell = np.zeros(n)
    s = rng.uniform(0, k.straight_m)  # start inside a straight
    side = 1.0
    while s < length:
        i = int(s / ds)
        if i >= n:
            break
        if rng.random() < k.p_stop:  # light / stop before the corner
            dwell[i] = rng.uniform(*k.dwell)
            vmax[i] = 0.0
        ang = np.deg2rad(rng.uniform(*k.turn_deg))
        if k.uturn:
            sign = side
            side = -side
        else:
            sign = rng.choice([-1.0, 1.0])
        arc = k.radius_m * ang
        j = min(n, i + max(1, int(arc / ds)))
        curv[i:j] = sign * ang / max(1, j - i) / ds
        vmax[i:j] = np.minimum(vmax[i:j], np.sqrt(k.a_lat * k.radius_m))
        s += (
            arc
            + rng.exponential(k.straight_m) * (1.0 if not k.uturn else 0)
            + (k.straight_m if k.uturn else 0)
        )
    if k.wander_deg:
        w = np.cumsum(rng.normal(0, np.deg2rad(k.wander_deg) / np.sqrt(100 / ds), n))
        w = np.convolve(w, np.ones(20) / 20, mode="same")
    else:
        w = np.zeros(n)
    head = rng.uniform(0, 2 * np.pi) + np.cumsum(curv * ds) + w
    x = np.concatenate([[0], np.cumsum(np.cos(head[:-1]) * ds)])
    y = np.concatenate([[0], np.cumsum(np.sin(head[:-1]) * ds)])
    return x, y, vmax, dwell


def speed_profile(k: Kind, vmax: np.ndarray, ds: float) -> np.ndarray:
    v = vmax.copy()
    v[0] = min(v[0], vmax[0] * 0.5)
    for i in range(1, len(v)):  # forward: acceleration
        v[i] = min(v[i], np.sqrt(v[i - 1] ** 2 + 2 * k.accel * ds))
    for i in range(len(v) - 2, -1, -1):  # backward: braking
        v[i] = min(v[i], np.sqrt(v[i + 1] ** 2 + 2 * k.decel * ds))
    return v


def simulate(k: Kind, rng: np.random.Generator):
    span = k.interval * (N_OBS + 4) * 1.6 + 600
    length = k.cruise * span * 1.2
    ds = max(0.25, k.cruise / 8)
    x, y, vmax, dwell = build_path(k, length, rng, ds)
    v = speed_profile(k, vmax, ds)
    vm = np.maximum(0.5 * (v[1:] + v[:-1]), 0.05)
    dt = ds / vm + dwell[1:]
    t = np.concatenate([[0], np.cumsum(dt)])
    return t, x, y


def sample_times(k: Kind, t_end: float, rng: np.random.Generator) -> np.ndarray:
    out, tt = [], rng.uniform(0, 300)
    while len(out) < N_OBS + 40 and tt < t_end:
        if k.burst_gap[1] and rng.random() < 0.02:
            tt += rng.uniform(*k.burst_gap)
        if rng.random() >= k.p_drop:
            out.append(round(tt))
        tt += k.interval * (1 + rng.uniform(-k.jitter, k.jitter))
    out = np.unique(np.array(out, dtype=float))
    return out


def to_latlon(k: Kind, x, y):
    lat = k.lat0 + np.asarray(y) / 111_320.0
    lon = k.lon0 + np.asarray(x) / (111_320.0 * np.cos(np.deg2rad(k.lat0)))
    return lat, lon


def make(k: Kind, n: int, seed: int):
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    tz = ZoneInfo(k.tz)
    i = 0
    while len({r[0] for r in rows}) < n:
        i += 1
        t, x, y = simulate(k, rng)
        ts = sample_times(k, t[-1], rng)
        if len(ts) < N_OBS:
            continue
        ts = ts[:N_OBS]
        px, py = np.interp(ts, t, x), np.interp(ts, t, y)
        sig = rng.uniform(*k.noise)
        ex, ey = np.zeros(N_OBS), np.zeros(N_OBS)
        for j in range(N_OBS):  # AR(1) GPS noise, 30 s correlation
            r = np.exp(-(ts[j] - ts[j - 1]) / 30.0) if j else 0.0
            ex[j] = r * ex[j - 1] + np.sqrt(1 - r * r) * rng.normal(0, sig / np.sqrt(2))
            ey[j] = r * ey[j - 1] + np.sqrt(1 - r * r) * rng.normal(0, sig / np.sqrt(2))
        ox, oy = k.lon0, k.lat0  # random placement within ~20 km of the city centre
        dx, dy = rng.uniform(-2e4, 2e4, 2)
        lat, lon = to_latlon(k, px + ex + dx, py + ey + dy)
        start = datetime(
            2026,
            int(rng.integers(1, 13)),
            int(rng.integers(1, 28)),
            int(rng.integers(5, 22)),
            int(rng.integers(0, 60)),
            tzinfo=tz,
        )
        t0 = start.timestamp()
        tid = f"{k.name}_{i:04d}"
        for j in range(N_OBS):
            stamp = datetime.fromtimestamp(t0 + ts[j], tz).isoformat()
            rows.append((tid, stamp, round(float(lat[j]), 7), round(float(lon[j]), 7)))
        for h in k.horizons + [30, 120]:
            th = ts[HIST_END] + h
            tl, tn = to_latlon(k, np.interp(th, t, x) + dx, np.interp(th, t, y) + dy)
            truth.append((tid, h, float(tl), float(tn)))
        del ox, oy
    df = pd.DataFrame(rows, columns=["trip_id", "timestamp", "latitude", "longitude"])
    tr = pd.DataFrame(truth, columns=["trip_id", "horizon_s", "true_lat", "true_lon"])
    return df, tr.drop_duplicates(["trip_id", "horizon_s"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--out", default="/tmp/movers")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for s, k in enumerate(KINDS):
        if a.only and a.only not in k.name:
            continue
        df, tr = make(k, a.n, 1000 + s)
        df.to_csv(f"{a.out}/{k.name}.csv", index=False)
        tr.to_csv(f"{a.out}/{k.name}_truth.csv", index=False)
        g = df.groupby("trip_id")
        dtm = pd.to_datetime(df.timestamp, utc=True, format="ISO8601").map(lambda x: x.timestamp())
        med_dt = np.median(np.diff(dtm.values.reshape(-1, N_OBS), axis=1))
        print(
            f"{k.name}: {df.trip_id.nunique()} trips, {len(df)} fixes, median dt {med_dt:.0f} s,"
            f" tz {k.tz}, first {g.timestamp.first().iloc[0]}"
        )


if __name__ == "__main__":
    main()
