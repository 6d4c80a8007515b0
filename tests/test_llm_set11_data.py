"""Set 11's three held-out data sets (seeded) and the per-trip measures its expectations are
computed from with pandas, independently of trajlm (tests/test_llm_set11.py; no tests here).

Each data set has its own column names and LOCAL times, as a user's export would:
- Lyon (Europe/Paris; daylight saving starts 29 March 2026): delivery vans VAN-01..03 (label
  van; stops of 3-25 min, some late-evening rounds), two cyclists (bike), four study
  participants' walks (walk), 9 March - 5 April 2026;
- Denver (America/Denver; DST from 8 March): school buses BUS7/12/15 (bus; a morning and an
  afternoon run each weekday) and flights out of DEN (plane), 2-27 March 2026;
- Etosha (UTC+2): collared elephants, lions and a zebra, one track per 12 h, June 2026.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

R = 6371008.8


def move(lat: float, lon: float, bearing_deg: float, dist_m: float) -> tuple[float, float]:
    b = math.radians(bearing_deg)
    dlon = dist_m * math.sin(b) / (R * math.cos(math.radians(lat)))
    return lat + math.degrees(dist_m * math.cos(b) / R), lon + math.degrees(dlon)


def track(rng, t0, lat, lon, segments, dt, noise_m=1.5):
    """segments: ('move', seconds, speed m/s, bearing) or ('stop', seconds); fixes every dt s."""
    rows, t = [(t0, lat, lon)], t0
    for seg in segments:
        for _ in range(max(1, int(round(seg[1] / dt)))):
            t = t + timedelta(seconds=dt)
            if seg[0] == "move":
                lat, lon = move(lat, lon, seg[3] + rng.normal(0, 8), seg[2] * dt)
            rows.append((t, lat, lon))
    return [(t, *move(a, o, rng.uniform(0, 360), abs(rng.normal(0, noise_m)))) for t, a, o in rows]


def lyon(rng) -> pd.DataFrame:
    rows, n, depot = [], 0, (45.7300, 4.8600)
    homes = {"P01": (45.7578, 4.8320), "P02": (45.7700, 4.8500), "P03": (45.7480, 4.8420),
             "P04": (45.7605, 4.8590)}  # fmt: skip
    for day in range(28):
        d = datetime(2026, 3, 9) + timedelta(days=day)
        if d.weekday() < 6:
            for v in ["VAN-01", "VAN-02", "VAN-03"]:
                if rng.random() < 0.15:
                    continue
                h = rng.uniform(19, 21.5) if rng.random() < 0.25 else rng.uniform(6, 9.5)
                segs = []
                for _ in range(int(rng.integers(3, 7))):
                    segs += [("move", rng.uniform(240, 900), rng.uniform(5, 12), rng.uniform(0, 360)),
                             ("stop", rng.uniform(3, 25) * 60)]  # fmt: skip
                segs.append(
                    ("move", rng.uniform(300, 900), rng.uniform(6, 12), rng.uniform(0, 360))
                )
                start = move(*depot, rng.uniform(0, 360), rng.uniform(0, 1500))
                n += 1
                for t, la, lo in track(rng, d + timedelta(hours=h), *start, segs, 30):
                    rows.append((f"LY-D{n:04d}", v, "van", t, la, lo))
        for r in ["rider_anna", "rider_ben"]:
            if rng.random() < 0.45:
                continue
            long = d.weekday() >= 5
            t0 = d + timedelta(hours=rng.uniform(7, 10) if long else rng.uniform(17, 19))
            left = rng.uniform(2.5, 4) * 3600 if long else rng.uniform(0.75, 1.5) * 3600
            spd, segs = rng.uniform(6.5, 8.8), []
            while left > 0:
                s = min(left, rng.uniform(600, 1500))
                segs.append(("move", s, spd * rng.uniform(0.85, 1.15), rng.uniform(0, 360)))
                left -= s
            if long:
                segs.insert(len(segs) // 2, ("stop", rng.uniform(8, 20) * 60))
            n += 1
            for t, la, lo in track(rng, t0, 45.7640, 4.8357, segs, 20):
                rows.append((f"LY-R{n:04d}", r, "bike", t, la, lo))
        for p in homes:
            if rng.random() < 0.5:
                continue
            t0 = d + timedelta(hours=rng.uniform(7, 21))
            segs = [("move", rng.uniform(300, 900), rng.uniform(1.1, 1.6), rng.uniform(0, 360))]
            if rng.random() < 0.6:
                segs += [("stop", rng.uniform(2, 30) * 60),
                         ("move", rng.uniform(300, 900), rng.uniform(1.1, 1.6), rng.uniform(0, 360))]  # fmt: skip
            n += 1
            for t, la, lo in track(rng, t0, *homes[p], segs, 30):
                rows.append((f"LY-W{n:04d}", p, "walk", t, la, lo))
    df = pd.DataFrame(rows, columns=["job", "unit", "kind", "local_time", "lat_wgs", "lon_wgs"])
    df["local_time"] = df["local_time"].dt.strftime("%d/%m/%Y %H:%M:%S")
    return df


def denver(rng) -> pd.DataFrame:
    rows, n, school = [], 0, (39.7392, -104.9903)
    for day in range(26):
        d = datetime(2026, 3, 2) + timedelta(days=day)
        if d.weekday() < 5:
            for b in ["BUS7", "BUS12", "BUS15"]:
                for h in (rng.uniform(6.4, 7.1), rng.uniform(14.6, 15.4)):
                    if rng.random() < 0.1:
                        continue
                    segs = []
                    for _ in range(int(rng.integers(6, 12))):
                        segs += [("move", rng.uniform(60, 240), rng.uniform(7, 14), rng.uniform(0, 360)),
                                 ("stop", rng.uniform(30, 120))]  # fmt: skip
                    if rng.random() < 0.2:
                        segs.append(("stop", rng.uniform(6, 15) * 60))  # a wait at school
                    start = move(*school, rng.uniform(0, 360), rng.uniform(500, 4000))
                    n += 1
                    for t, la, lo in track(rng, d + timedelta(hours=h), *start, segs, 15):
                        rows.append((f"SB-{n:04d}", b, "bus", t, la, lo))
        for _ in range(int(rng.integers(1, 4))):
            t0, dur = d + timedelta(hours=rng.uniform(5, 23)), rng.uniform(35, 80) * 60
            segs = [
                ("move", 300, 70, 70),
                ("move", dur - 300, rng.uniform(190, 235), rng.uniform(0, 360)),
            ]
            tail = ["N301UA", "N455DL", "N812SW", "N77AA"][int(rng.integers(0, 4))]
            n += 1
            for t, la, lo in track(rng, t0, 39.8561, -104.6737, segs, 30, noise_m=5):
                rows.append((f"FL-{n:04d}", tail, "plane", t, la, lo))
    cols = ["run_id", "fleet_no", "category", "stamp", "northing_deg", "easting_deg"]
    df = pd.DataFrame(rows, columns=cols)
    df["stamp"] = df["stamp"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return df


def etosha(rng) -> pd.DataFrame:
    rows, n = [], 0
    animals = {"ELE-1": "elephant", "ELE-2": "elephant", "LION-1": "lion", "LION-2": "lion",
               "ZEB-1": "zebra"}  # fmt: skip
    at = {a: move(-19.18, 15.92, rng.uniform(0, 360), rng.uniform(2000, 15000)) for a in animals}
    for day in range(21):
        d = datetime(2026, 6, 1) + timedelta(days=day)
        for a, sp in animals.items():
            for half, h in (("night", 18), ("day", 6)):
                active = (half == "night") == (sp == "lion")
                v = rng.uniform(0.4, 1.0) if active else rng.uniform(0.05, 0.3)
                v *= 0.8 if (sp != "lion" and half == "night") else 1.0
                segs, left = [], 12 * 3600
                while left > 0:
                    s = min(left, rng.uniform(1800, 5400))
                    still = rng.random() < 0.3
                    segs.append(
                        ("stop", s)
                        if still
                        else ("move", s, v * rng.uniform(0.7, 1.3), rng.uniform(0, 360))
                    )
                    left -= s
                n += 1
                pts = track(rng, d + timedelta(hours=h), *at[a], segs, 600, noise_m=3)
                at[a] = pts[-1][1:]
                rows += [(f"ET-{n:04d}", a, sp, t, la, lo) for t, la, lo in pts[:-1]]
    df = pd.DataFrame(rows, columns=["fix_block", "collar", "species", "when", "la", "lo"])
    df["when"] = df["when"].dt.strftime("%Y-%m-%d %H:%M")
    return df


# name -> (generator, traj, vehicle, label, time column, lat, lon, zone, time format)
SOURCES = {
    "lyon": (lyon, "job", "unit", "kind", "local_time", "lat_wgs", "lon_wgs", "Europe/Paris", "%d/%m/%Y %H:%M:%S"),
    "denver": (denver, "run_id", "fleet_no", "category", "stamp", "northing_deg", "easting_deg", "America/Denver", None),
    "etosha": (etosha, "fix_block", "collar", "species", "when", "la", "lo", "Etc/GMT-2", None),
}  # fmt: skip


def frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(11)  # one stream, in this order (as /tmp/ask11/gen.py)
    return {name: src[0](rng) for name, src in SOURCES.items()}


def hav(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * R * np.arcsin(np.sqrt(a))


def trips(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """One row per trip, from the raw rows: start local ('sl') and UTC ('su'), duration,
    length (haversine), mean speed, longest stop (consecutive steps under 1 m/s), points."""
    _, tid, veh, lab, tcol, la, lo, zone, fmt = SOURCES[name]
    df = df.copy()
    df["tl"] = pd.to_datetime(df[tcol], format=fmt)
    df["tu"] = df["tl"].dt.tz_localize(zone).dt.tz_convert("UTC").dt.tz_localize(None)
    out = []
    for k, g in df.sort_values([tid, "tu"]).groupby(tid, sort=False):
        lat, lon = g[la].to_numpy(), g[lo].to_numpy()
        ts = (g["tu"] - pd.Timestamp(0)).dt.total_seconds().to_numpy()
        step, dt = hav(lat[:-1], lon[:-1], lat[1:], lon[1:]), np.diff(ts)
        best = run = 0.0
        for slow, d in zip(step / np.maximum(dt, 1) < 1.0, dt, strict=True):
            run = run + d if slow else 0.0
            best = max(best, run)
        dur = ts[-1] - ts[0]
        out.append(dict(id=k, veh=g[veh].iloc[0], label=g[lab].iloc[0], sl=g["tl"].iloc[0],
                        su=g["tu"].iloc[0], dur=dur, len=step.sum(), kmh=step.sum() / dur * 3.6,
                        stop=best, lat=lat, lon=lon))  # fmt: skip
    return pd.DataFrame(out)
