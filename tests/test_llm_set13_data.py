"""Set 13's held-out data (seed 13), its expected answers with pandas, and its 50 questions.

Solent harbour (Europe/London, BST from 29 March 2026): ferries, cargo ships, tankers, tugs and a pilot boat by
MMSI, 60 s fixes, anchor spells. Adelaide (Australia/Adelaide, daylight saving ends 5 April 2026): school-run cars
FAM-xx, telematics cars POL-xxxx, bike-share bikes BK-xxx, courier vans CR-xx with delivery stops, walking tours.
Own column names and naive local times, ingested with --tz as docs/data.md says. Written from README.md and
docs/llm.md only, before any rule change (docs/llm.md "Session 15 (ask13)").
"""

import math

import numpy as np
import pandas as pd

R = 6371000.0
RH = 6371008.8


def step(lat, lon, dist_m, bearing_deg):
    b = math.radians(bearing_deg)
    dlat = dist_m * math.cos(b) / R
    dlon = dist_m * math.sin(b) / (R * math.cos(math.radians(lat)))
    return lat + math.degrees(dlat), lon + math.degrees(dlon)


def track(rng, lat, lon, t0, dt, legs, jitter_m=1.5):
    """legs: list of (n_steps, speed_mps, bearing) ; speed 0 = stop (jitter only)."""
    rows = [(t0, lat, lon)]
    t = t0
    for n, v, brg in legs:
        for _ in range(n):
            t = t + pd.Timedelta(seconds=dt)
            if v > 0:
                lat, lon = step(lat, lon, v * dt * rng.uniform(0.93, 1.07), brg + rng.normal(0, 4))
                rows.append((t, lat, lon))
            else:
                jl, jo = step(lat, lon, rng.uniform(0, jitter_m), rng.uniform(0, 360))
                rows.append((t, jl, jo))
    return rows


def solent(rng):
    kn = 0.514444
    types = {
        "ferry": (15, 19),
        "cargo": (10, 14),
        "tug": (5, 8),
        "pilot": (18, 24),
        "tanker": (9, 12),
    }
    ships = {
        "ferry": [235010001, 235010002, 235010003],
        "cargo": [636019001, 477220002, 538000777],
        "tug": [235099101, 235099102],
        "pilot": [235088001],
        "tanker": [311000456, 248700900],
    }
    out = []
    vid = 0
    days = pd.date_range("2026-03-23", "2026-04-05", freq="D")
    for day in days:
        for typ, ids in ships.items():
            for mmsi in ids:
                nv = {"ferry": 2, "cargo": 1, "tug": 1, "pilot": 1, "tanker": 1}[typ]
                if typ in ("cargo", "tanker") and rng.random() < 0.45:
                    continue
                if typ in ("tug", "pilot") and rng.random() < 0.4:
                    continue
                for k in range(nv):
                    hour = (
                        rng.uniform(0, 23) if typ != "ferry" else (6.5 + 8 * k + rng.uniform(0, 5))
                    )
                    t0 = day + pd.Timedelta(hours=hour)
                    t0 = t0.floor("min")
                    lat, lon = 50.70 + rng.uniform(0, 0.12), -1.45 + rng.uniform(0, 0.35)
                    lo, hi = types[typ]
                    legs = []
                    for _j in range(rng.integers(2, 4)):
                        legs.append(
                            (
                                int(rng.integers(15, 70)),
                                rng.uniform(lo, hi) * kn,
                                rng.uniform(0, 360),
                            )
                        )
                    if typ in ("cargo", "tanker") and rng.random() < 0.6:
                        anchor = int(rng.choice([rng.integers(20, 40), rng.integers(75, 160)]))
                        legs.insert(1, (anchor, 0, 0))
                    if typ == "tug" and rng.random() < 0.5:
                        legs.insert(1, (int(rng.integers(8, 12)), 0, 0))
                    vid += 1
                    for t, la, lo_ in track(rng, lat, lon, t0, 60, legs):
                        out.append(
                            {
                                "ship_id": mmsi,
                                "passage": f"SOL-{vid:04d}",
                                "when_local": t.strftime("%d/%m/%Y %H:%M:%S"),
                                "y_lat": round(la, 6),
                                "x_lon": round(lo_, 6),
                                "ship_class": typ,
                            }
                        )
    return pd.DataFrame(out)


SCHOOL = (-34.9040, 138.6215)


def adelaide(rng):
    out = []
    n = 0
    days = pd.date_range("2026-03-30", "2026-04-12", freq="D")

    def add(dev, kind, rows):
        nonlocal n
        n += 1
        for t, la, lo in rows:
            out.append(
                {
                    "device": dev,
                    "journey": f"ADL{n:04d}",
                    "local_ts": t.strftime("%Y-%m-%dT%H:%M:%S"),
                    "gps_lat": round(la, 6),
                    "gps_lon": round(lo, 6),
                    "kind": kind,
                }
            )

    for day in days:
        wd = day.weekday()
        # school run: FAM-01..FAM-06, weekdays, towards the school then away
        for f in range(1, 7):
            if wd < 5 and rng.random() < 0.8:
                t0 = (day + pd.Timedelta(hours=7.3 + rng.uniform(0, 1.4))).floor("s")
                lat, lon = step(SCHOOL[0], SCHOOL[1], rng.uniform(2500, 5000), rng.uniform(0, 360))
                # head to the school
                d = math.hypot(
                    (SCHOOL[0] - lat) * 111000,
                    (SCHOOL[1] - lon) * 111000 * math.cos(math.radians(lat)),
                )
                brg = (
                    math.degrees(
                        math.atan2((SCHOOL[1] - lon) * math.cos(math.radians(lat)), SCHOOL[0] - lat)
                    )
                    % 360
                )
                v = rng.uniform(8, 13)
                legs = [
                    (int(d / (v * 10)), v, brg),
                    (int(rng.integers(6, 18)), 0, 0),
                    (int(rng.integers(20, 60)), rng.uniform(9, 14), rng.uniform(0, 360)),
                ]
                add(f"FAM-{f:02d}", "car", track(rng, lat, lon, t0, 10, legs))
            if rng.random() < 0.3:
                t0 = (day + pd.Timedelta(hours=rng.uniform(9, 19))).floor("s")
                lat, lon = -34.93 + rng.uniform(-0.04, 0.04), 138.60 + rng.uniform(-0.04, 0.04)
                legs = [
                    (int(rng.integers(30, 120)), rng.uniform(8, 16), rng.uniform(0, 360))
                    for _ in range(2)
                ]
                add(f"FAM-{f:02d}", "car", track(rng, lat, lon, t0, 10, legs))
        # insurance telematics: POL-1001..1005, some night driving, fast roads
        for p in range(1001, 1006):
            for _ in range(int(rng.integers(0, 3))):
                h = rng.choice(
                    [rng.uniform(6, 22), rng.uniform(22, 24), rng.uniform(0, 5.5)],
                    p=[0.7, 0.15, 0.15],
                )
                t0 = (day + pd.Timedelta(hours=float(h))).floor("s")
                lat, lon = -34.93 + rng.uniform(-0.08, 0.08), 138.60 + rng.uniform(-0.08, 0.08)
                legs = [
                    (int(rng.integers(40, 150)), rng.uniform(10, 30), rng.uniform(0, 360))
                    for _ in range(3)
                ]
                add(f"POL-{p}", "car", track(rng, lat, lon, t0, 10, legs))
        # bike share: BK-101..BK-130, short hops
        for b in range(101, 131):
            for _ in range(int(rng.integers(0, 3))):
                t0 = (
                    day
                    + pd.Timedelta(
                        hours=float(
                            rng.choice(
                                [rng.normal(8.2, 0.7), rng.normal(17.5, 1.0), rng.uniform(10, 16)]
                            )
                        )
                    )
                ).floor("s")
                lat, lon = -34.925 + rng.uniform(-0.02, 0.02), 138.60 + rng.uniform(-0.02, 0.02)
                legs = [
                    (int(rng.integers(8, 50)), rng.uniform(3.5, 6.5), rng.uniform(0, 360))
                    for _ in range(2)
                ]
                add(f"BK-{b}", "bike", track(rng, lat, lon, t0, 15, legs))
        # couriers: CR-01..CR-05, vans with delivery stops, weekdays + saturday
        for c in range(1, 6):
            if wd == 6:
                continue
            for r in range(2):
                t0 = (day + pd.Timedelta(hours=8 + 5 * r + rng.uniform(0, 1))).floor("s")
                lat, lon = -34.93 + rng.uniform(-0.05, 0.05), 138.60 + rng.uniform(-0.05, 0.05)
                legs = []
                for _s in range(int(rng.integers(3, 7))):
                    legs.append(
                        (int(rng.integers(10, 30)), rng.uniform(7, 14), rng.uniform(0, 360))
                    )
                    legs.append((int(rng.integers(6, 25)), 0, 0))
                legs.append((int(rng.integers(10, 30)), rng.uniform(7, 14), rng.uniform(0, 360)))
                add(f"CR-{c:02d}", "van", track(rng, lat, lon, t0, 20, legs))
        # walking tours: TOUR-1..3, more at weekends
        for g in range(1, 4):
            if rng.random() < (0.9 if wd >= 5 else 0.35):
                t0 = (
                    day + pd.Timedelta(hours=float(rng.choice([10.0, 14.0])) + rng.uniform(0, 0.3))
                ).floor("s")
                lat, lon = (
                    -34.921 + rng.uniform(-0.005, 0.005),
                    138.599 + rng.uniform(-0.005, 0.005),
                )
                legs = []
                for _s in range(3):
                    legs.append(
                        (
                            int(rng.integers(10, 30)),
                            rng.uniform(0.9, 1.4) + 0.2,
                            rng.uniform(0, 360),
                        )
                    )
                    legs.append((int(rng.integers(10, 20)), 0, 0))
                add(f"TOUR-{g}", "walk", track(rng, lat, lon, t0, 30, legs))
    return pd.DataFrame(out)


def write_csvs(folder) -> dict:
    """The two CSVs (as the new user wrote them) -> {'solent': path, 'adl': path}."""
    import pathlib

    folder = pathlib.Path(folder)
    rng = np.random.default_rng(13)
    s, a = solent(rng), adelaide(rng)
    paths = {"solent": folder / "solent_ais.csv", "adl": folder / "adelaide_trips.csv"}
    s.to_csv(paths["solent"], index=False)
    a.to_csv(paths["adl"], index=False)
    return paths


INGEST = {
    "solent": [
        "--traj-col",
        "passage",
        "--time-col",
        "when_local",
        "--lat-col",
        "y_lat",
        "--lon-col",
        "x_lon",
        "--vehicle-col",
        "ship_id",
        "--label-col",
        "ship_class",
        "--time-format",
        "%d/%m/%Y %H:%M:%S",
        "--tz",
        "Europe/London",
    ],
    "adl": [
        "--traj-col",
        "journey",
        "--time-col",
        "local_ts",
        "--lat-col",
        "gps_lat",
        "--lon-col",
        "gps_lon",
        "--vehicle-col",
        "device",
        "--label-col",
        "kind",
        "--tz",
        "Australia/Adelaide",
    ],
}


def hav(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * RH * np.arcsin(np.sqrt(a))


def trips(df, tid, veh, t, lat, lon, lab, tz):
    rows = []
    for k, g in df.groupby(tid, sort=False):
        g = g.sort_values("_t")
        la, lo, ts = g[lat].to_numpy(), g[lon].to_numpy(), g["_t"].to_numpy()
        d = hav(la[:-1], lo[:-1], la[1:], lo[1:])
        dt = np.diff(ts).astype("timedelta64[s]").astype(float)
        slow = d / dt < 1.0
        best = cur = 0.0
        for s, x in zip(slow, dt, strict=True):
            cur = cur + x if s else 0.0
            best = max(best, cur)
        near = hav(la, lo, SCHOOL[0], SCHOOL[1]).min()
        st, en = g["_t"].iloc[0], g["_t"].iloc[-1]
        dur = (en - st).total_seconds()
        rows.append(
            dict(
                trip=str(k),
                vehicle=str(g[veh].iloc[0]),
                label=g[lab].iloc[0],
                start=st,
                end=en,
                duration=dur,
                length=d.sum(),
                speed=d.sum() / dur * 3.6,
                stop=best,
                n=len(g),
                near=near,
            )
        )
    return pd.DataFrame(rows)


def trip_tables(s: pd.DataFrame, a: pd.DataFrame) -> dict:
    """Per-trip tables of the raw rows, in local wall-clock time (independent of trajlm)."""
    s = s.copy()
    s["_t"] = pd.to_datetime(s.when_local, format="%d/%m/%Y %H:%M:%S")  # local wall time
    a = a.copy()
    a["_t"] = pd.to_datetime(a.local_ts)
    return {
        "solent": trips(
            s, "passage", "ship_id", "_t", "y_lat", "x_lon", "ship_class", "Europe/London"
        ),
        "adl": trips(
            a, "journey", "device", "_t", "gps_lat", "gps_lon", "kind", "Australia/Adelaide"
        ),
    }


CONV = {
    "kn": 1 / 1.852,
    "km/h": 1,
    "mph": 1 / 1.609344,
    "nm": 1 / 1852,
    "km": 1 / 1000,
    "m": 1,
    "mi": 1 / 1609.344,
    "h": 1 / 3600,
    "min": 1 / 60,
    "s": 1,
}


def filt(t, sp):
    m = pd.Series(True, index=t.index)
    if "label" in sp:
        m &= t.label == sp["label"]
    if "vehicle" in sp:
        m &= t.vehicle == sp["vehicle"]
    if "date" in sp:
        d = t.start.dt.strftime("%Y-%m-%d")
        m &= (d >= sp["date"][0]) & (d <= sp["date"][1])
    if "hours" in sp:
        h0, h1 = sp["hours"]
        h = t.start.dt.hour
        m &= ((h >= h0) & (h < h1)) if h0 < h1 else ((h >= h0) | (h < h1))
    if "weekdays" in sp:
        m &= t.start.dt.day_of_week.isin(sp["weekdays"])
    if "end_weekdays" in sp:
        m &= t.end.dt.day_of_week.isin(sp["end_weekdays"])
    if "near" in sp:
        m &= t.near <= sp["near"]
    if "stop_gt" in sp:
        m &= t.stop > sp["stop_gt"]
    if "speed_gt" in sp:
        m &= t.speed > sp["speed_gt"]
    if "length_gt" in sp:
        m &= t.length > sp["length_gt"]
    if "length_lt" in sp:
        m &= t.length < sp["length_lt"]
    if "dur_gt" in sp:
        m &= t.duration > sp["dur_gt"]
    if "dur_lt" in sp:
        m &= t.duration < sp["dur_lt"]
    return t[m]


def expect(tabs, store, kind, sp):
    t = filt(tabs[store], sp)
    if kind == "refuse":
        return None
    if kind == "hour":
        return int(t.start.dt.hour.value_counts().idxmax())
    if "share" in sp:
        frac = len(filt(t, sp["share"])) / len(t)
        return frac * (100 if sp["unit"] == "%" else 1)
    if sp["agg"] == "count":
        return len(t)
    col = {"speed": "speed", "length": "length", "duration": "duration"}[sp["metric"]]
    c = CONV[sp["unit"]]
    if sp["agg"] == "top":
        mx = t[col].max()
        return {"trips": set(t.trip[t[col] == mx]), "value": mx * c}
    return float(getattr(t[col], sp["agg"])()) * c
