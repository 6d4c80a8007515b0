"""smallval25: fresh pools (200 trips, seeds 9000+) of heldout24 kinds; a copy of heldout24 gen.py (kept outside the repo). python gen.py OUTDIR"""

import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

WORK = os.environ.get("SMALLVAL25_DIR", "/tmp/smallval25")  # outputs and inputs of the study

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else f"{WORK}/raw")
OUT.mkdir(parents=True, exist_ok=True)
R = 6371000.0


def step(lat, lon, heading, dist):
    dlat = dist * math.cos(heading) / R
    dlon = dist * math.sin(heading) / (R * math.cos(math.radians(lat)))
    lon2 = math.degrees(math.radians(lon) + dlon)
    lon2 = (lon2 + 180) % 360 - 180
    return lat + math.degrees(dlat), lon2


def noisy(rng, lat, lon, sd_m):
    return (
        lat + rng.normal(0, sd_m) / 111320.0,
        lon + rng.normal(0, sd_m) / (111320.0 * math.cos(math.radians(lat))),
    )


def ships(rng):
    rows = []
    for s in range(28):
        imo = 9300000 + int(rng.integers(0, 99999))
        east = s % 2 == 0
        lat, lon = rng.uniform(30, 45), (170.0 if east else -170.0) + rng.uniform(-6, 6)
        head = math.radians(90 if east else 270) + rng.normal(0, 0.15)
        t = pd.Timestamp("2026-03-01", tz="UTC") + pd.Timedelta(hours=float(rng.uniform(0, 200)))
        v = rng.uniform(8, 11)  # m/s (16-21 kn)
        for _ in range(int(rng.integers(150, 260))):
            dt = float(
                rng.choice(
                    [60, 120, 180, 300, 600, 900, 1800], p=[0.1, 0.15, 0.2, 0.25, 0.15, 0.1, 0.05]
                )
            )
            dt += rng.uniform(-20, 20)
            head += rng.normal(0, 0.01)
            lat, lon = step(lat, lon, head, v * dt)
            t += pd.Timedelta(seconds=dt)
            la, lo = noisy(rng, lat, lon, 15)
            rows.append(
                (
                    imo,
                    f"MV PACIFIC {s:02d}",
                    t.strftime("%Y-%m-%d %H:%M"),
                    round(la, 5),
                    round(lo, 5),
                    round(v * 1.94384 + rng.normal(0, 0.3), 1),
                    round(math.degrees(head) % 360),
                )
            )
    df = pd.DataFrame(
        rows, columns=["IMO", "Ship name", "Pos. time (UTC)", "Lat", "Long", "Speed (kn)", "Course"]
    )
    df = pd.concat([df, df.sample(frac=0.02, random_state=1)]).sort_index(kind="stable")
    df.to_csv(OUT / "pacific_ships.csv", sep=";", index=False)


def trams(rng):
    feats = []
    lines = {"D": (48.20, 16.33, 0.6), "O": (48.19, 16.39, 2.0), "71": (48.18, 16.36, 1.2)}
    for k in range(36):
        name, (lat0, lon0, h0) = list(lines.items())[k % 3]
        lat, lon, head = lat0, lon0, h0
        t = pd.Timestamp("2026-05-12 06:00", tz="Europe/Vienna") + pd.Timedelta(
            minutes=int(rng.integers(0, 600))
        )
        veh = f"T-{int(rng.integers(100, 999))}"
        nxt_stop = rng.uniform(300, 500)
        dist = 0.0
        for _i in range(int(rng.integers(200, 330))):
            dt = 10 + rng.normal(0, 0.5)
            if dist >= nxt_stop:  # dwell at a station
                for _ in range(int(rng.integers(2, 5))):
                    t += pd.Timedelta(seconds=dt)
                    la, lo = noisy(rng, lat, lon, 4)
                    feats.append((veh, name, t, la, lo))
                dist, nxt_stop = 0.0, rng.uniform(300, 500)
            v = min(12.0, 3 + dist / 20) if dist < 150 else 11 + rng.normal(0, 1)
            head += rng.normal(0, 0.03) + (0.4 if rng.random() < 0.01 else 0)
            lat, lon = step(lat, lon, head, v * dt)
            dist += v * dt
            t += pd.Timedelta(seconds=dt)
            if rng.random() < 0.03:
                continue  # missed fix
            la, lo = noisy(rng, lat, lon, 4)
            feats.append((veh, name, t, la, lo))
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lo, 6), round(la, 6)]},
                "properties": {"vehicle": v, "line": ln, "ts": t.isoformat(timespec="seconds")},
            }
            for v, ln, t, la, lo in feats
        ],
    }
    (OUT / "vienna_trams.geojson").write_text(json.dumps(fc))


def storks(rng):
    rows = []
    eid = 1000000
    for b in range(24):
        lat, lon = rng.uniform(47, 53), rng.uniform(8, 14)
        head = math.radians(200) + rng.normal(0, 0.2)
        t = pd.Timestamp("2026-08-20 00:00", tz="UTC")
        ident = f"Stork {chr(65 + b % 26)}{b:02d}"
        for _ in range(14 * 96):  # 14 days of 15-min slots
            t += pd.Timedelta(minutes=15)
            hour = t.hour + 1  # local-ish solar time
            flying = 8 <= hour <= 17 and rng.random() < 0.8
            if flying:
                head += rng.normal(0, 0.25)
                lat, lon = step(lat, lon, head, rng.uniform(6, 14) * 900)
            else:
                lat, lon = step(lat, lon, rng.uniform(0, 6.28), rng.uniform(0, 200))
            if (
                not (6 <= hour <= 19) or rng.random() < 0.1
            ):  # solar tag sleeps at night, misses fixes
                continue
            la, lo = noisy(rng, lat, lon, 8)
            eid += 1
            rows.append(
                (
                    eid,
                    "true",
                    (t + pd.Timedelta(seconds=float(rng.uniform(0, 40)))).strftime(
                        "%Y-%m-%d %H:%M:%S.000"
                    ),
                    round(lo, 7),
                    round(la, 7),
                    int(rng.integers(4, 12)),
                    ident,
                    f"{4000 + b}",
                    "White storks SW flyway",
                )
            )
    df = pd.DataFrame(
        rows,
        columns=[
            "event-id",
            "visible",
            "timestamp",
            "location-long",
            "location-lat",
            "gps:satellite-count",
            "individual-local-identifier",
            "tag-local-identifier",
            "study-name",
        ],
    )
    df.to_csv(OUT / "storks_movebank.csv", index=False)


def ambulances(rng):
    rows = []
    for _k in range(40):
        lat, lon = 51.50 + rng.uniform(-0.05, 0.05), -0.12 + rng.uniform(-0.08, 0.08)
        head = rng.uniform(0, 6.28)
        t = pd.Timestamp("2026-02-10") + pd.Timedelta(seconds=int(rng.integers(0, 6 * 86400)))
        unit = f"AMB{int(rng.integers(10, 99))}"
        siren = "ON" if rng.random() < 0.6 else "OFF"
        for _i in range(int(rng.integers(120, 260))):
            dt = 5
            vmax = 19 if siren == "ON" else 12
            v = max(0.0, vmax + rng.normal(0, 3)) if rng.random() > 0.05 else 0.0
            if rng.random() < 0.05:
                head += rng.choice([-1.57, 1.57])
            lat, lon = step(lat, lon, head, v * dt)
            t += pd.Timedelta(seconds=dt)
            la, lo = noisy(rng, lat, lon, 5)
            rows.append(
                (
                    unit,
                    t.normalize().to_pydatetime().date(),
                    t.strftime("%H:%M:%S"),
                    round(la, 6),
                    round(lo, 6),
                    round(v * 2.23694),
                    siren,
                )
            )
    df = pd.DataFrame(
        rows, columns=["Unit", "Date", "Time", "Latitude", "Longitude", "Speed (mph)", "Siren"]
    )
    with pd.ExcelWriter(OUT / "ambulance_avl.xlsx") as xw:
        df.to_excel(xw, sheet_name="AVL export", index=False)


def ski(rng):
    lines = []
    for k in range(40):
        lat, lon, alt = 46.02 + rng.uniform(-0.01, 0.01), 7.75 + rng.uniform(-0.01, 0.01), 1600.0
        t = pd.Timestamp("2026-02-14 09:00") + pd.Timedelta(minutes=int(rng.integers(0, 300)))
        who = f"skier_{k:03d}"
        for _lap in range(3):
            head = rng.uniform(0, 6.28)
            for _ in range(int(rng.integers(40, 70))):  # lift up: straight, 5 m/s
                lat, lon = step(lat, lon, head, 5 * 4)
                alt += 8
                t += pd.Timedelta(seconds=4)
                la, lo = noisy(rng, lat, lon, 3)
                lines.append((who, t, la, lo, alt, 18))
            head += math.pi
            for j in range(int(rng.integers(40, 70))):  # run down: S-turns, 8-15 m/s
                h = head + 0.7 * math.sin(j / 3)
                v = rng.uniform(8, 15)
                lat, lon = step(lat, lon, h, v * 4)
                alt -= 8
                t += pd.Timedelta(seconds=4)
                la, lo = noisy(rng, lat, lon, 3)
                lines.append((who, t, la, lo, alt, round(v * 3.6)))
    txt = ["Skifahrer;Zeitstempel;Breitengrad;Längengrad;Höhe (m);Geschw. (km/h)"]
    for who, t, la, lo, alt, v in lines:
        txt.append(
            f"{who};{t.strftime('%d.%m.%Y %H:%M:%S')};{la:.6f};{lo:.6f};{alt:.0f};{v}".replace(
                ".", ",", 0
            )
        )
    # decimal commas in the numbers (not in the date)
    out = []
    for ln in txt[1:]:
        p = ln.split(";")
        p[2], p[3] = p[2].replace(".", ","), p[3].replace(".", ",")
        out.append(";".join(p))
    (OUT / "zermatt_ski.csv").write_text("\n".join([txt[0]] + out) + "\n", encoding="latin-1")


def regatta(rng):
    recs = []
    t0 = 1780000000.0
    for b in range(200):
        lat, lon = 50.77 + rng.uniform(-0.005, 0.005), -1.30 + rng.uniform(-0.005, 0.005)
        boat = f"GBR {int(rng.integers(100, 9999))}"
        tack = 1
        t = t0 + (b // 10) * 7200
        for _i in range(int(rng.integers(250, 400))):
            if rng.random() < 1 / 40:
                tack = -tack
            head = math.radians(0) + tack * math.radians(45) + rng.normal(0, 0.05)
            lat, lon = step(lat, lon, head, rng.uniform(3, 4.5))
            t += 1.0
            if rng.random() < 0.02:
                continue
            la, lo = noisy(rng, lat, lon, 2)
            recs.append(
                {
                    "boat": boat,
                    "t": round(t + rng.uniform(0, 0.2), 2),
                    "pos": [round(lo, 6), round(la, 6)],
                    "hdg": round(math.degrees(head) % 360),
                }
            )
    (OUT / "regatta.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n")


def cargo_bike(rng):
    rows = []
    for k in range(200):
        lat, lon = 52.37 + rng.uniform(-0.02, 0.02), 4.89 + rng.uniform(-0.03, 0.03)
        head = rng.uniform(0, 6.28)
        t = pd.Timestamp("2026-10-20 08:00", tz="Europe/Amsterdam") + pd.Timedelta(
            minutes=int(rng.integers(0, 480))
        )
        courier = f"c{int(rng.integers(1, 15)):02d}"
        for _stop in range(int(rng.integers(4, 8))):
            for _ in range(int(rng.integers(20, 45))):  # ride 3 s
                if rng.random() < 0.08:
                    head += rng.choice([-1.57, 1.57])
                lat, lon = step(lat, lon, head, rng.uniform(4, 6.5) * 3)
                t += pd.Timedelta(seconds=3)
                la, lo = noisy(rng, lat, lon, 4)
                rows.append((courier, f"{courier}-{k:03d}", t, la, lo, False))
            for _ in range(int(rng.integers(10, 40))):  # stop: delivering
                t += pd.Timedelta(seconds=3)
                la, lo = noisy(rng, lat, lon, 6)
                rows.append((courier, f"{courier}-{k:03d}", t, la, lo, True))
    df = pd.DataFrame(
        rows, columns=["courier", "shift_id", "recorded_at", "latitude", "longitude", "at_stop"]
    )
    df["recorded_at"] = df["recorded_at"].astype("datetime64[ns, Europe/Amsterdam]")
    df.to_parquet(OUT / "cargo_bike.parquet", index=False)


def santiago_taxis(rng):
    rows = []
    for _k in range(200):
        lat, lon = -33.45 + rng.uniform(-0.04, 0.04), -70.65 + rng.uniform(-0.05, 0.05)
        head = rng.uniform(0, 6.28)
        t = pd.Timestamp("2026-01-15 07:00") + pd.Timedelta(minutes=int(rng.integers(0, 900)))
        movil = f"{int(rng.integers(1000, 9999))}"
        for _i in range(int(rng.integers(80, 180))):
            if rng.random() < 0.08:
                head += rng.choice([-1.57, 1.57])
            v = max(0.0, rng.normal(9, 4))
            lat, lon = step(lat, lon, head, v * 30)
            t += pd.Timedelta(seconds=30 + int(rng.integers(-3, 4)))
            if rng.random() < 0.04:
                continue
            la, lo = noisy(rng, lat, lon, 8)
            rows.append(
                (
                    movil,
                    t.strftime("%d-%m-%Y %H:%M:%S"),
                    round(la, 6),
                    round(lo, 6),
                    round(v * 3.6, 1),
                )
            )
    df = pd.DataFrame(rows, columns=["movil", "fecha_hora", "latitud", "longitud", "velocidad_kmh"])
    df.to_csv(OUT / "santiago_taxis.csv", index=False)


for i, f in enumerate([regatta, cargo_bike, santiago_taxis]):
    f(np.random.default_rng(9000 + i))
    print("wrote", f.__name__)
