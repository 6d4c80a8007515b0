"""smallval25: fresh pools (200 trips, seeds 9000+) of three heldout24 kinds (regatta, cargo bike,
Santiago taxis), heldout24's generator for them. python gen_pool.py OUTDIR"""

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
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ships25"))
from gen_ships import noisy, step  # noqa: E402  (heldout24's two helpers, shared)


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
