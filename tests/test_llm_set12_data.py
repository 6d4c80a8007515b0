"""Set 12's two held-out data sets (seed 12), in their own column names and naive local times:
Halifax harbour (America/Halifax; tankers, ferries, tugs, fishing boats by MMSI; 60 s fixes,
anchored spells) and Wellington (Pacific/Auckland; ride-hailing drivers DRV-xx, hikers
hiker_xxx, trucks TRK-n). ``write(folder)`` writes halifax.csv and wellington.csv."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd


def write(folder: Path) -> None:
    """Both CSVs into ``folder`` (the same bytes every time)."""
    global rng
    rng = np.random.default_rng(12)
    _halifax(folder)
    _wellington(folder)


M_LAT = 111_195.0


def wellington_rows(rows: list, journey: str, unit: str, category: str) -> list[dict]:
    """The Wellington CSV's records of one generated trip (its own column names)."""
    return [dict(journey=journey, unit=unit, when_local=t.strftime("%Y-%m-%d %H:%M:%S"),
                 y=round(la, 6), x=round(lo, 6), category=category)
            for t, la, lo in rows]  # fmt: skip


def walk(  # noqa: D103
    lat0, lon0, t0, n_moving_legs, speed_ms_range, dt, stops=(), heading0=None
):
    """list of (t, lat, lon): legs of constant heading/speed; stops = list of (after_leg, n_fixes)."""
    rows = [(t0, lat0, lon0)]
    lat, lon, t = lat0, lon0, t0
    hd = rng.uniform(0, 2 * np.pi) if heading0 is None else heading0
    stopd = dict(stops)
    for leg in range(n_moving_legs):
        hd += rng.normal(0, 0.5)
        v = rng.uniform(*speed_ms_range)
        for _ in range(int(rng.integers(5, 15))):
            t = t + timedelta(seconds=dt)
            d = v * dt
            lat += d * np.cos(hd) / M_LAT
            lon += d * np.sin(hd) / (M_LAT * np.cos(np.radians(lat)))
            rows.append((t, lat, lon))
        for _ in range(stopd.get(leg, 0)):
            t = t + timedelta(seconds=dt)
            rows.append((t, lat, lon))
    return rows


H_PIER = (44.6430, -63.5660)  # a pier-ish point on the Halifax waterfront


def _halifax(folder: Path) -> None:  # America/Halifax (DST starts 2026-03-08 02:00)
    types = {
        316001001: "tanker",
        316001002: "tanker",
        316002001: "ferry",
        316002002: "ferry",
        316003001: "tug",
        316003002: "tug",
        316004001: "fishing",
        316004002: "fishing",
    }
    recs = []
    for mmsi, typ in types.items():
        n_voy = {"ferry": 14, "tug": 9, "tanker": 4, "fishing": 6}[typ]
        for k in range(n_voy):
            day = datetime(2026, 3, 2) + timedelta(days=int(rng.integers(0, 14)))
            hour = int(rng.integers(0, 24)) if typ != "ferry" else int(rng.integers(6, 22))
            t0 = day + timedelta(hours=hour, minutes=int(rng.integers(0, 60)))
            if t0.month == 3 and t0.day == 8 and t0.hour == 2:
                t0 += timedelta(hours=1)  # 02:xx does not exist that night
            spd = {
                "tanker": (3.0, 6.5),
                "ferry": (4.5, 7.5),
                "tug": (2.5, 5.5),
                "fishing": (3.0, 5.0),
            }[typ]
            stops = []
            if typ in ("tanker", "fishing") and rng.random() < 0.7:
                stops = [
                    (int(rng.integers(0, 2)), int(rng.integers(10, 90)))
                ]  # anchored, 60 s fixes
            if typ == "ferry" and rng.random() < 0.4:
                stops = [(0, int(rng.integers(2, 8)))]
            rows = walk(
                H_PIER[0] + rng.normal(0, 0.01),
                H_PIER[1] + rng.normal(0, 0.01),
                t0,
                int(rng.integers(2, 6)),
                spd,
                60,
                stops,
            )
            for t, la, lo in rows:
                recs.append(
                    dict(
                        voyage_ref=f"V{mmsi % 100000:05d}-{k:02d}",
                        mmsi=mmsi,
                        local_ts=t.strftime("%Y-%m-%d %H:%M:%S"),
                        lat_dd=round(la, 6),
                        lon_dd=round(lo, 6),
                        vessel_type=typ,
                    )
                )
    h = pd.DataFrame(recs)
    h.to_csv(folder / "halifax.csv", index=False)


def _wellington(folder: Path) -> None:  # Pacific/Auckland (DST ends 2026-04-05 03:00)
    W_C = (-41.2865, 174.7762)
    recs = []
    drivers = [f"DRV-{i:02d}" for i in range(1, 11)]
    for d in drivers:
        for k in range(int(rng.integers(6, 14))):
            day = datetime(2026, 3, 30) + timedelta(days=int(rng.integers(0, 14)))
            t0 = day + timedelta(hours=int(rng.integers(0, 24)), minutes=int(rng.integers(0, 60)))
            if t0.month == 4 and t0.day == 5 and t0.hour == 2:
                t0 += timedelta(hours=1)  # ambiguous hour avoided
            stops = [(0, int(rng.integers(10, 50)))] if rng.random() < 0.3 else []
            rows = walk(
                W_C[0] + rng.normal(0, 0.02),
                W_C[1] + rng.normal(0, 0.02),
                t0,
                int(rng.integers(2, 6)),
                (5, 15),
                30,
                stops,
            )
            recs += wellington_rows(rows, f"RH-{d[-2:]}-{k:02d}", d, "rideshare")
    for i, hk in enumerate(["hiker_ana", "hiker_ben", "hiker_cho", "hiker_dee"]):
        for k in range(int(rng.integers(3, 6))):
            day = datetime(2026, 3, 30) + timedelta(days=int(rng.integers(0, 14)))
            t0 = day + timedelta(hours=int(rng.integers(7, 11)), minutes=int(rng.integers(0, 60)))
            stops = [(1, int(rng.integers(5, 25)))]
            rows = walk(
                -41.2400 + rng.normal(0, 0.02),
                174.7400 + rng.normal(0, 0.02),
                t0,
                int(rng.integers(8, 20)),
                (0.9, 1.5),
                60,
                stops,
            )
            recs += wellington_rows(rows, f"HK-{i}-{k:02d}", hk, "hike")
    for i in range(1, 6):
        for k in range(int(rng.integers(8, 14))):
            day = datetime(2026, 3, 30) + timedelta(days=int(rng.integers(0, 14)))
            t0 = day + timedelta(hours=int(rng.integers(5, 19)), minutes=int(rng.integers(0, 60)))
            stops = (
                [(int(rng.integers(0, 2)), int(rng.integers(4, 40)))] if rng.random() < 0.5 else []
            )
            rows = walk(
                W_C[0] + rng.normal(0, 0.03),
                W_C[1] + rng.normal(0, 0.03),
                t0,
                int(rng.integers(3, 8)),
                (8, 24),
                30,
                stops,
            )
            recs += wellington_rows(rows, f"TK-{i}-{k:02d}", f"TRK-{i}", "truck")
    w = pd.DataFrame(recs)
    w.to_csv(folder / "wellington.csv", index=False)


# the trips measured with pandas, in local time (what the questions' answers are computed from)
def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


def trips(path, tid, ts, lat, lon, veh, lab, tz):
    df = pd.read_csv(path)
    df["t"] = pd.to_datetime(df[ts]).dt.tz_localize(tz)
    out = []
    for k, g in df.sort_values([tid, "t"]).groupby(tid):
        la, lo, t = (
            g[lat].to_numpy(),
            g[lon].to_numpy(),
            (g["t"] - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy(),
        )
        d = haversine(la[:-1], lo[:-1], la[1:], lo[1:])
        dt = np.diff(t)
        slow = d / dt < 1.0
        best = run = 0.0
        for s, x in zip(slow, dt, strict=False):
            run = run + x if s else 0.0
            best = max(best, run)
        dur = t[-1] - t[0]
        out.append(
            dict(
                trip=k,
                vehicle=str(g[veh].iloc[0]),
                label=g[lab].iloc[0],
                start=g["t"].iloc[0],
                duration_s=dur,
                length_m=d.sum(),
                speed_kmh=d.sum() / dur * 3.6,
                stop_s=best,
                lat=la,
                lon=lo,
                ts=t,
            )
        )
    T = pd.DataFrame(out)
    T["hour"] = T.start.dt.hour
    T["dow"] = T.start.dt.day_of_week
    T["date"] = T.start.dt.date.astype(str)
    return T


def tables(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both data sets' trips, measured with pandas in local time."""
    H = trips(
        root / "halifax.csv",
        "voyage_ref",
        "local_ts",
        "lat_dd",
        "lon_dd",
        "mmsi",
        "vessel_type",
        "America/Halifax",
    )
    W = trips(
        root / "wellington.csv",
        "journey",
        "when_local",
        "y",
        "x",
        "unit",
        "category",
        "Pacific/Auckland",
    )
    return H, W


def near(T, la, lo, r):
    return T.apply(lambda r_: bool((haversine(r_.lat, r_.lon, la, lo) <= r).any()), axis=1)
