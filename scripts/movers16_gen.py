"""Seeded held-out movers. python scripts/movers16_gen.py --seed 0 --out /tmp/movers/s0 [--n 120]
Each kind: N trajectories of 30 fixes; fixes 0..24 history pool, 25..29 truth.
Writes KIND.csv (all 30 fixes: for stores), KIND_hist.csv (fixes 0..24), KIND_truth.csv (25..29)."""

import argparse
import json
import os

import numpy as np
import pandas as pd

R = 6_371_000.0
# name: interval s, jitter frac, speed m/s, speed cv, turn sd rad/step, noise m, lat0, lon0, tz, extras
KINDS = {
    "elk_2h": dict(
        dt=7200,
        jit=0.05,
        v=0.08,
        vcv=0.8,
        turn=1.2,
        noise=15,
        lat=44.6,
        lon=-110.5,
        tz="America/Denver",
    ),
    "wolf_1h_70N": dict(
        dt=3600, jit=0.05, v=0.4, vcv=0.7, turn=0.8, noise=15, lat=70.2, lon=25.0, tz="Europe/Oslo"
    ),
    "seabird_1min_S": dict(
        dt=60,
        jit=0.02,
        v=15.0,
        vcv=0.15,
        turn=0.15,
        noise=10,
        lat=-46.5,
        lon=168.0,
        tz="Pacific/Auckland",
        raft=True,
    ),
    "storm_6h": dict(
        dt=21600,
        jit=0.0,
        v=5.5,
        vcv=0.2,
        turn=0.06,
        noise=3000,
        lat=16.0,
        lon=-50.0,
        tz="UTC",
        curve=-0.07,
        head0=2.8,
    ),
    "cyclone_6h_S": dict(
        dt=21600,
        jit=0.0,
        v=4.5,
        vcv=0.25,
        turn=0.08,
        noise=3000,
        lat=-15.0,
        lon=160.0,
        tz="UTC",
        curve=0.07,
        head0=3.5,
    ),
    "iceberg_1d": dict(
        dt=86400, jit=0.02, v=0.12, vcv=0.5, turn=0.5, noise=50, lat=-64.0, lon=-55.0, tz="UTC"
    ),
    "drone_1s_hover": dict(
        dt=1,
        jit=0.0,
        v=15.0,
        vcv=0.05,
        turn=0.03,
        noise=2,
        lat=-33.9,
        lon=151.2,
        tz="Australia/Sydney",
        hover=True,
    ),
    "ped_mall_1s": dict(
        dt=1,
        jit=0.0,
        v=1.3,
        vcv=0.2,
        turn=0.05,
        noise=3,
        lat=1.30,
        lon=103.83,
        tz="Asia/Singapore",
        grid=0.04,
    ),
    "train_30s": dict(
        dt=30, jit=0.02, v=45.0, vcv=0.03, turn=0.004, noise=5, lat=60.2, lon=11.0, tz="Europe/Oslo"
    ),
    "bike_delivery_10s": dict(
        dt=10,
        jit=0.1,
        v=5.0,
        vcv=0.2,
        turn=0.05,
        noise=5,
        lat=-23.55,
        lon=-46.63,
        tz="America/Sao_Paulo",
        grid=0.08,
    ),
    "ship_antimer_5min": dict(
        dt=300,
        jit=0.05,
        v=7.0,
        vcv=0.05,
        turn=0.02,
        noise=10,
        lat=-17.0,
        lon=179.97,
        tz="Pacific/Fiji",
        head0=0.0,
    ),
    "car_tokyo_5s_naive": dict(
        dt=5,
        jit=0.0,
        v=12.0,
        vcv=0.15,
        turn=0.03,
        noise=4,
        lat=35.68,
        lon=139.76,
        tz="Asia/Tokyo",
        grid=0.03,
        naive=True,
    ),
}
NPTS = 30


def sim(rng, k):
    n = NPTS
    head = k.get("head0", rng.uniform(0, 2 * np.pi)) + rng.normal(0, 0.2)
    vbase = k["v"] * np.exp(rng.normal(0, 0.25))
    x = y = 0.0
    xs, ys, ts = [0.0], [0.0], [0.0]
    t = 0.0
    mode_fast = True
    v = vbase
    for _i in range(1, n):
        dt = k["dt"] * (1 + k["jit"] * rng.normal()) if k["jit"] else k["dt"]
        dt = max(dt, 0.5 * k["dt"])
        if k["dt"] < 2:
            dt = float(k["dt"])
        t += dt
        head += rng.normal(0, k["turn"]) + k.get("curve", 0.0)
        if "grid" in k and rng.random() < k["grid"]:
            head += rng.choice([-np.pi / 2, np.pi / 2])
        v = max(0.0, v + 0.3 * (vbase - v) + rng.normal(0, k["vcv"] * vbase * 0.5))
        sp = v
        if k.get("raft"):
            if rng.random() < 0.06:
                mode_fast = not mode_fast
            sp = v if mode_fast else 0.3
        if k.get("hover"):
            if rng.random() < 0.05:
                mode_fast = not mode_fast
            sp = v if mode_fast else 0.0
        x += sp * dt * np.cos(head)
        y += sp * dt * np.sin(head)
        xs.append(x)
        ys.append(y)
        ts.append(t)
    xs = np.array(xs) + rng.normal(0, k["noise"], n)
    ys = np.array(ys) + rng.normal(0, k["noise"], n)
    lat = k["lat"] + np.rad2deg(ys / R)
    lon = k["lon"] + np.rad2deg(xs / (R * np.cos(np.deg2rad(lat))))
    lon = (lon + 180) % 360 - 180
    return np.array(ts), lat, lon


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=120)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    meta = {}
    for ki, (name, k) in enumerate(KINDS.items()):
        rng = np.random.default_rng([a.seed, ki])
        rows = []
        base = pd.Timestamp("2025-02-10 03:00", tz="UTC")
        for j in range(a.n):
            ts, lat, lon = sim(rng, k)
            start = base + pd.Timedelta(seconds=int(rng.integers(0, 30 * 86400)))
            tt = start + pd.to_timedelta(np.round(ts, 3), unit="s")
            tt = tt.tz_convert(k["tz"])
            if k.get("naive"):
                tt = tt.tz_localize(None)
            for i in range(NPTS):
                rows.append((f"{name}_{a.seed}_{j:03d}", tt[i].isoformat(), lat[i], lon[i], i))
        df = pd.DataFrame(rows, columns=["track_id", "timestamp", "latitude", "longitude", "idx"])
        df.drop(columns="idx").to_csv(f"{a.out}/{name}.csv", index=False)
        df[df.idx < 25].drop(columns="idx").to_csv(f"{a.out}/{name}_hist.csv", index=False)
        df[df.idx >= 25].drop(columns="idx").to_csv(f"{a.out}/{name}_truth.csv", index=False)
        meta[name] = k
    json.dump(meta, open(f"{a.out}/kinds.json", "w"), indent=1)


if __name__ == "__main__":
    main()
