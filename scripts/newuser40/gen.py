"""newuser40's data: Danube barges between Vienna and Budapest, AIS-like pings every 1-30 min.

    PYTHONPATH=$PWD python scripts/newuser40/gen.py [--root /tmp/newuser40] [--seed 40]

Writes $NEWUSER40/raw/barges.csv as a river-information logger exports it: `barge_no` (an
integer), `ping_local` (naive local time, Europe/Budapest), `easting` / `northing` in the UTM
zone the barge is in (`utm_zone` "33N" west of 18 E, "34N" east of it: every through voyage
crosses the boundary near Komarom), `sog_kn`, `cargo` (container / bulk / tanker: the label),
`heading`. Defects a real export has: AIS shadow gaps of 1-4 h, repeated pings, a few fixes
20-60 km off, a few rows with northing 0. Also writes raw/barges_lonlat.csv (the same rows in
longitude / latitude, what the analyst converts to after the zone line) for scripts that need
one CRS. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

# The river, Vienna -> Budapest (lon, lat), roughly along the Danube's course.
RIVER = np.array(
    [
        (16.37, 48.22), (16.55, 48.17), (16.80, 48.13), (16.98, 48.13), (17.11, 48.14),
        (17.25, 48.05), (17.45, 47.90), (17.64, 47.76), (17.85, 47.75), (18.05, 47.76),
        (18.13, 47.76), (18.40, 47.75), (18.55, 47.77), (18.74, 47.80), (18.90, 47.81),
        (19.05, 47.78), (19.13, 47.73), (19.09, 47.62), (19.05, 47.50),
    ]
)  # fmt: skip
LOCKS_KM = (58.0, 118.0)  # Freudenau-like and Gabcikovo-like locks, km from Vienna
CARGO_SPEED = {"container": 3.6, "bulk": 3.0, "tanker": 2.6}  # m/s through water, typical


def river_km() -> tuple[np.ndarray, np.ndarray]:
    """Cumulative km along RIVER and the vertices in local metres (equirectangular)."""
    lat0 = np.radians(RIVER[:, 1].mean())
    xy = np.c_[RIVER[:, 0] * 111_320 * np.cos(lat0), RIVER[:, 1] * 110_540]
    seg = np.hypot(*np.diff(xy, axis=0).T)
    return np.r_[0, np.cumsum(seg)] / 1000, xy


def along(km: np.ndarray, cum: np.ndarray) -> np.ndarray:
    lon = np.interp(km, cum, RIVER[:, 0])
    lat = np.interp(km, cum, RIVER[:, 1])
    return np.c_[lon, lat]


def voyage(
    rng: np.random.Generator, cum: np.ndarray, cargo: str, start: pd.Timestamp
) -> pd.DataFrame:
    """One barge's voyage: positions every 10 s along the river, then AIS-like irregular pings."""
    total = cum[-1]
    downstream = rng.random() < 0.5
    a, b = sorted(rng.uniform(0, total, 2))
    if b - a < 60:
        a, b = (0.0, total) if rng.random() < 0.5 else (max(0.0, a - 60), min(total, b + 60))
    speed = CARGO_SPEED[cargo] * (1.25 if downstream else 0.8) * rng.uniform(0.85, 1.15)
    km, t, dt = [], [], 10.0
    pos, now = (a if downstream else b), 0.0
    waited = set()
    while (pos < b) if downstream else (pos > a):
        for i, lk in enumerate(LOCKS_KM):
            if i not in waited and abs(pos - lk) < speed * dt / 1000:
                waited.add(i)
                wait = rng.uniform(1200, 3600)  # a lock: 20-60 min stopped
                km += [pos] * int(wait / dt)
                t += list(now + dt * np.arange(int(wait / dt)))
                now += dt * int(wait / dt)
        v = speed * (1 + 0.08 * np.sin(now / 1800)) * rng.uniform(0.97, 1.03)
        pos += (1 if downstream else -1) * v * dt / 1000
        km.append(pos)
        t.append(now)
        now += dt
    km_a, t_a = np.asarray(km), np.asarray(t)
    # AIS inland: irregular 1-30 min between pings (lognormal around 6 min)
    keep, s = [], 0.0
    while s < t_a[-1]:
        keep.append(int(np.searchsorted(t_a, s)))
        s += float(np.clip(rng.lognormal(np.log(360), 0.8), 60, 1800))
    keep = np.unique(np.minimum(keep, len(t_a) - 1))
    if rng.random() < 0.35 and len(keep) > 30:  # an AIS shadow of 1-4 h
        g0 = int(rng.integers(8, len(keep) - 15))
        gap = rng.uniform(3600, 14400)
        keep = keep[(t_a[keep] < t_a[keep[g0]]) | (t_a[keep] > t_a[keep[g0]] + gap)]
    ll = along(km_a[keep], cum)
    noise = rng.normal(0, 8, (len(keep), 2)) / np.array([75_000, 111_000])
    sog = np.r_[np.abs(np.diff(km_a))[np.minimum(keep, len(km_a) - 2)]] * 1000 / dt / 0.5144
    return pd.DataFrame(
        {
            "t": start + pd.to_timedelta(t_a[keep], unit="s"),
            "lon": ll[:, 0] + noise[:, 0],
            "lat": ll[:, 1] + noise[:, 1],
            "sog_kn": np.round(sog, 1),
            "cargo": cargo,
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.environ.get("NEWUSER40", "/tmp/newuser40"))
    ap.add_argument("--seed", type=int, default=40)
    ap.add_argument("--barges", type=int, default=150)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    cum, _ = river_km()
    t0 = pd.Timestamp("2026-03-02 00:00")
    parts = []
    for i in range(args.barges):
        cargo = str(rng.choice(list(CARGO_SPEED), p=[0.4, 0.35, 0.25]))
        start = t0 + pd.Timedelta(hours=float(rng.uniform(0, 24 * 28)))
        v = voyage(rng, cum, cargo, start.round("s"))
        v.insert(0, "barge_no", 230_100 + 7 * i)
        parts.append(v)
    df = pd.concat(parts, ignore_index=True)
    # a few fixes 20-60 km off (multipath, a wrong GNSS), kept in their time order
    bad = rng.choice(len(df), 9, replace=False)
    df.loc[bad, "lat"] += rng.choice([-1, 1], 9) * rng.uniform(0.2, 0.55, 9)
    # repeated pings: the same row twice (AIS repeats)
    dup = df.iloc[rng.choice(len(df), 40, replace=False)]
    df = pd.concat([df, dup]).sort_values(["barge_no", "t"], kind="stable", ignore_index=True)
    df["utm_zone"] = np.where(df["lon"] < 18.0, "33N", "34N")
    east, north = np.empty(len(df)), np.empty(len(df))
    for zone, epsg in (("33N", 32633), ("34N", 32634)):
        m = (df["utm_zone"] == zone).to_numpy()
        tr = Transformer.from_crs(4326, epsg, always_xy=True)
        east[m], north[m] = tr.transform(df.loc[m, "lon"].to_numpy(), df.loc[m, "lat"].to_numpy())
    df["easting"], df["northing"] = east.round(1), north.round(1)
    zero = rng.choice(len(df), 5, replace=False)
    df.loc[zero, ["easting", "northing"]] = 0.0
    df["ping_local"] = (
        df["t"].dt.tz_localize("UTC").dt.tz_convert("Europe/Budapest").dt.tz_localize(None)
    ).dt.strftime("%Y-%m-%d %H:%M:%S")
    root = Path(args.root) / "raw"
    root.mkdir(parents=True, exist_ok=True)
    cols = ["barge_no", "ping_local", "easting", "northing", "utm_zone", "sog_kn", "cargo"]
    df[cols].to_csv(root / "barges.csv", index=False)
    ll = df[["barge_no", "ping_local", "lat", "lon", "sog_kn", "cargo"]].copy()
    ll.loc[zero, ["lat", "lon"]] = 0.0
    ll.to_csv(root / "barges_lonlat.csv", index=False)
    print(f"{len(df)} pings, {df.barge_no.nunique()} barges -> {root / 'barges.csv'}")


if __name__ == "__main__":
    main()
