"""Session 18 (ask16) held-out data (seed 16), its expected answers with pandas, and its 40 questions.

Chicago buses (America/Chicago, daylight saving from 8 March 2026): 10 buses CTA-nnn on three services (bus,
express, night owl), one to three runs a day with dwell stops and layovers, 20 s fixes; own column names and naive
local times, ingested with --tz. Madrid delivery rounds (Europe/Madrid, daylight saving from 29 March 2026): five
vans and a cargo bike, drivers D-name, delivery stops and long idle spells, 30 s fixes; asked as a pandas frame with
tz= and columns=. A Brittany fishing and sailing fleet (UTC Unix seconds): trawlers, yachts and a ferry by MMSI,
60 s fixes. The shared Liverpool bus slice when it is there. Written from README.md and docs/llm.md only, before any
rule change; expected answers with pandas, no trajlm import (docs/llm.md "Session 18 (ask16)").
"""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(16)

M_LAT = 111_320.0


def track(t0, waypoints, speeds, dwell, dt, noise_m=2.5):
    """Points along waypoints; speeds[i] (m/s) on leg i, dwell[i] seconds stopped at waypoint i+1.
    t0: pandas Timestamp (naive local). Returns list of (time, lat, lon)."""
    rows = []
    t = 0.0
    lat0 = waypoints[0][0]
    kx = M_LAT * np.cos(np.radians(lat0))
    pos = np.array(waypoints[0], float)
    rows.append((t, *pos))
    for i in range(len(waypoints) - 1):
        a, b = np.array(waypoints[i], float), np.array(waypoints[i + 1], float)
        dist = np.hypot((b[0] - a[0]) * M_LAT, (b[1] - a[1]) * kx)
        dur = dist / speeds[i]
        n = max(int(dur // dt), 1)
        for k in range(1, n + 1):
            f = k / n
            t += dur / n
            rows.append((t, *(a + f * (b - a))))
        pos = b
        for _ in range(int(dwell[i] // dt)):
            t += dt
            rows.append((t, *pos))
    out = []
    for tt, la, lo in rows:
        la += rng.normal(0, noise_m) / M_LAT
        lo += rng.normal(0, noise_m) / kx
        out.append((t0 + pd.Timedelta(seconds=round(tt)), round(la, 6), round(lo, 6)))
    # drop repeated seconds
    seen, res = set(), []
    for r in out:
        if r[0] not in seen:
            seen.add(r[0])
            res.append(r)
    return res


def jitter(p, m):
    return (
        p[0] + rng.normal(0, m) / M_LAT,
        p[1] + rng.normal(0, m) / (M_LAT * np.cos(np.radians(p[0]))),
    )


def write_csvs(folder) -> dict:
    """The three csv files of the set, seeded: chicago_buses, madrid_vans, brittany_fleet."""
    global rng
    rng = np.random.default_rng(16)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    # ---------------- Chicago buses (America/Chicago; DST starts 8 March 2026) ----------------
    routes = {
        "bus": [
            (41.8781, -87.6298),
            (41.8850, -87.6400),
            (41.8920, -87.6550),
            (41.9000, -87.6700),
            (41.9100, -87.6800),
        ],
        "express": [
            (41.8781, -87.6298),
            (41.8500, -87.6250),
            (41.8200, -87.6200),
            (41.7900, -87.6100),
        ],
        "night owl": [(41.8781, -87.6298), (41.8700, -87.6600), (41.8650, -87.6900)],
    }
    rows = []
    for b in range(1, 11):
        bus = f"CTA-{b:03d}"
        label = "express" if b <= 3 else ("night owl" if b == 10 else "bus")
        for day in pd.date_range("2026-03-02", "2026-03-13"):
            nruns = 0 if (label == "express" and day.weekday() >= 5) else int(rng.integers(1, 4))
            for r in range(nruns):
                if label == "night owl":
                    hour = float(rng.choice([23.0, 0.5, 1.5])) if day.day != 8 else 23.0
                    if hour < 3 and day.day == 8:
                        hour = 23.0
                else:
                    hour = float(
                        rng.choice([6.5, 7.25, 8.0, 9.5, 12.0, 15.0, 16.5, 17.25, 19.0])
                    ) + rng.uniform(0, 0.4)
                t0 = day + pd.Timedelta(hours=hour)
                if day.day == 8 and 2 <= hour < 3:
                    continue
                wps = [jitter(p, 30) for p in routes[label]]
                if r % 2 == 1:
                    wps = wps[::-1]
                sp = [rng.uniform(5, 12) for _ in wps[:-1]]
                dw = [rng.choice([20, 40, 60, 80]) for _ in wps[:-1]]
                if rng.random() < 0.25:
                    dw[len(dw) // 2] = int(rng.choice([360, 480, 600]))  # layover
                dw[-1] = 0
                for tt, la, lo in track(t0, wps, sp, dw, 20):
                    rows.append(
                        (
                            f"R{b:02d}-{day:%m%d}-{r}",
                            tt.strftime("%Y-%m-%d %H:%M:%S"),
                            la,
                            lo,
                            label,
                            bus,
                        )
                    )
    chi = pd.DataFrame(rows, columns=["run_id", "ts_local", "y", "x", "service", "bus_no"])
    chi.to_csv(out / "chicago_buses.csv", index=False)

    # ---------------- Madrid vans (Europe/Madrid; DST 29 March 2026) ----------------
    depot = (40.3900, -3.7000)
    drivers = ["D-ana", "D-luis", "D-marta", "D-jorge", "D-sofia", "D-pablo"]
    rows = []
    for drv in drivers:
        kind = "cargo bike" if drv in ("D-sofia",) else "van"
        for day in pd.date_range("2026-03-23", "2026-04-03"):
            if day.weekday() >= 5 and rng.random() < 0.7:
                continue
            nrounds = int(rng.integers(1, 3))
            start = 7.0 + rng.uniform(0, 1.5)
            for r in range(nrounds):
                t0 = day + pd.Timedelta(hours=start)
                nst = int(rng.integers(3, 7))
                scale = 0.012 if kind == "cargo bike" else 0.04
                stops = [
                    (depot[0] + rng.uniform(-scale, scale), depot[1] + rng.uniform(-scale, scale))
                    for _ in range(nst)
                ]
                wps = [depot, *stops, depot]
                sp = [
                    rng.uniform(3.5, 5.0) if kind == "cargo bike" else rng.uniform(6, 14)
                    for _ in wps[:-1]
                ]
                dw = [int(rng.choice([150, 240, 330, 450])) for _ in wps[:-1]]
                if rng.random() < 0.3:
                    dw[1] = int(rng.choice([1200, 1500, 1800]))  # long idle (lunch / waiting)
                dw[-1] = 0
                tr = track(t0, wps, sp, dw, 30)
                for tt, la, lo in tr:
                    rows.append(
                        (
                            f"{drv[2:].upper()}-{day:%m%d}-{r}",
                            tt.strftime("%Y-%m-%d %H:%M:%S"),
                            la,
                            lo,
                            kind,
                            drv,
                        )
                    )
                start = (tr[-1][0] - day).total_seconds() / 3600 + rng.uniform(0.3, 1.0)
    mad = pd.DataFrame(
        rows,
        columns=["route_no", "local_time", "latitude", "longitude", "vehicle_type", "driver_id"],
    )
    mad.to_csv(out / "madrid_vans.csv", index=False)

    # ---------------- Brittany fishing / sailing fleet (UTC epoch seconds) ----------------
    ports = {"concarneau": (47.8730, -3.9180), "lorient": (47.7300, -3.3700)}
    grounds = [(47.60, -4.20), (47.55, -3.90), (47.50, -4.40), (47.65, -3.60)]
    boats = {
        227100001: "trawler",
        227100002: "trawler",
        227100003: "trawler",
        227100004: "trawler",
        227200005: "sailing",
        227200006: "sailing",
        227300007: "ferry",
    }
    rows = []
    for mmsi, kind in boats.items():
        home = (
            ports["lorient"] if mmsi in (227100003, 227100004, 227300007) else ports["concarneau"]
        )
        day = pd.Timestamp("2026-04-10")
        t = day + pd.Timedelta(hours=float(rng.uniform(2, 8)))
        v = 0
        while t < pd.Timestamp("2026-04-21"):
            if kind == "trawler":
                g = grounds[int(rng.integers(0, 4))]
                fish = [jitter(g, 2000) for _ in range(4)]
                wps = [home, *fish, home]
                sp = (
                    [rng.uniform(4.6, 5.4)]
                    + [rng.uniform(1.6, 2.1) for _ in fish[:-1]]
                    + [rng.uniform(4.6, 5.4)]
                )
                dw = [0] * (len(wps) - 1)
                dw[1] = int(rng.choice([0, 1800, 2700]))
                gap_h = rng.uniform(10, 30)
            elif kind == "sailing":
                other = ports["lorient"] if home == ports["concarneau"] else ports["concarneau"]
                wps = (
                    [home, jitter((47.70, -3.75), 3000), other]
                    if rng.random() < 0.5
                    else [home, jitter((47.75, -3.95), 3000), home]
                )
                sp = [rng.uniform(2.2, 3.6) for _ in wps[:-1]]
                dw = [0] * (len(wps) - 1)
                gap_h = rng.uniform(16, 40)
                home = wps[-1]
            else:
                isl = (47.6430, -3.4630)  # Groix
                wps = [home, isl] if v % 2 == 0 else [isl, home]
                sp = [rng.uniform(7.0, 7.8)]
                dw = [0]
                gap_h = rng.uniform(1.0, 3.0)
            tr = track(t, wps, sp, dw, 60 if kind != "ferry" else 30, noise_m=4)
            for tt, la, lo in tr:
                rows.append(
                    (
                        f"{mmsi}-{v:03d}",
                        int((tt - pd.Timestamp("1970-01-01")).total_seconds()),
                        la,
                        lo,
                        kind,
                        mmsi,
                    )
                )
            v += 1
            t = tr[-1][0] + pd.Timedelta(hours=gap_h)
            if kind == "ferry" and (t.hour >= 20 or t.hour < 6):
                t = (t + pd.Timedelta(hours=10)).normalize() + pd.Timedelta(hours=6.5)
    bre = pd.DataFrame(rows, columns=["voyage", "epoch_s", "lat", "lon", "type", "mmsi"])
    bre.to_csv(out / "brittany_fleet.csv", index=False)
    return {
        k: out / f"{n}.csv"
        for k, n in (
            ("chicago", "chicago_buses"),
            ("madrid", "madrid_vans"),
            ("brittany", "brittany_fleet"),
        )
    }


def hav(lat, lon):
    la, lo = np.radians(lat), np.radians(lon)
    a = (
        np.sin(np.diff(la) / 2) ** 2
        + np.cos(la[:-1]) * np.cos(la[1:]) * np.sin(np.diff(lo) / 2) ** 2
    )
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


def trips(df, tid, t, lat, lon, label=None, veh=None):
    out = []
    for k, g in df.sort_values([tid, t]).groupby(tid, sort=False):
        ts = g[t].to_numpy()
        sec = (ts - ts[0]) / np.timedelta64(1, "s")
        d = hav(g[lat].to_numpy(), g[lon].to_numpy())
        dt = np.diff(sec)
        slow = d / np.maximum(dt, 1e-9) < 1.0
        best = run = 0.0
        for s, x in zip(slow, dt, strict=True):
            run = run + x if s else 0.0
            best = max(best, run)
        la, lo = g[lat].to_numpy(), g[lon].to_numpy()
        out.append(
            dict(
                id=k,
                start=g[t].iloc[0],
                end=g[t].iloc[-1],
                dur=sec[-1],
                m=d.sum(),
                stop=best,
                n=len(g),
                label=g[label].iloc[0] if label else None,
                veh=g[veh].iloc[0] if veh else None,
                slat=la[0],
                slon=lo[0],
                elat=la[-1],
                elon=lo[-1],
            )
        )
    tb = pd.DataFrame(out)
    tb["kmh"] = tb.m / tb.dur * 3.6
    tb["h"] = tb.start.dt.hour + tb.start.dt.minute / 60
    return tb


def near(lat, lon, la0, lo0):
    return hav(np.array([lat, la0]), np.array([lon, lo0]))[0]
