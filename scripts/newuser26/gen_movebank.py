"""Session 26 new-user test, persona (b): a Movebank study export (CSV, Movebank's own columns).

What it writes: 6 lesser black-backed gulls x 20 days commuting between two colonies
(Zeebrugge, Vlissingen) and foraging sites, GPS nominally every hour, as Movebank writes it:
`event-id, visible, timestamp ('2026-06-01 04:00:00.000', UTC), location-long, location-lat,
gps:satellite-count, ground-speed, heading, height-above-ellipsoid, manually-marked-outlier,
algorithm-marked-outlier, sensor-type, individual-taxon-canonical-name, tag-local-identifier,
individual-local-identifier, study-name`. Warts: night-time and low-battery gaps (missing
hours), 1 % outliers 5-40 km off (half marked visible=false / algorithm-marked-outlier, a few
manually-marked-outlier), 10 rows with empty coordinates. Seeded: the same file every run.

Command: PYTHONPATH=. python scripts/newuser26/gen_movebank.py [OUT_DIR]
Output: OUT_DIR/gulls_movebank.csv (default OUT_DIR: $NEWUSER26_OUT or /tmp/newuser26).
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

COLONIES = {"Zeebrugge": (51.335, 3.195), "Vlissingen": (51.450, 3.585)}
FORAGE = [(51.20, 3.40), (51.55, 3.30), (51.30, 3.75), (51.10, 3.10)]


def bird(rng: np.random.Generator, k: int, start: pd.Timestamp) -> pd.DataFrame:
    home = list(COLONIES)[k % 2]
    pos = np.array(COLONIES[home])
    rows = []
    t = start
    target = pos
    for _ in range(20 * 24):
        hour = t.hour
        if rng.random() < 0.15:  # go somewhere new
            if rng.random() < 0.2:
                target = np.array(COLONIES[rng.choice(list(COLONIES))])
            else:
                target = np.array(FORAGE[rng.integers(len(FORAGE))]) + rng.normal(0, 0.02, 2)
        step = target - pos
        km = np.hypot(step[0] * 111, step[1] * 70)
        frac = min(1.0, 35.0 / max(km, 1e-6))  # up to ~35 km per hour
        pos = pos + step * frac + rng.normal(0, 0.0008, 2)
        night = hour >= 21 or hour < 3
        missing = (night and rng.random() < 0.7) or rng.random() < 0.08
        if not missing:
            rows.append((t + pd.Timedelta(seconds=int(rng.integers(0, 40))), pos[1], pos[0], km))
        t += pd.Timedelta(hours=1)
    df = pd.DataFrame(rows, columns=["t", "lon", "lat", "km"])
    df["speed"] = np.clip(df["km"] / 3.6, 0, 18).round(2)
    return df


def main(out_dir: Path) -> Path:
    rng = np.random.default_rng(2026)
    frames = []
    for k in range(6):
        b = bird(rng, k, pd.Timestamp("2026-06-01 00:00", tz="UTC"))
        n = len(b)
        outlier = rng.random(n) < 0.01
        b.loc[outlier, "lat"] += rng.choice([-1, 1], outlier.sum()) * rng.uniform(
            0.05, 0.35, outlier.sum()
        )
        algo = outlier & (rng.random(n) < 0.5)
        manual = outlier & ~algo & (rng.random(n) < 0.5)
        frames.append(pd.DataFrame({
            "visible": np.where(algo | manual, "false", "true"),
            "timestamp": b["t"].dt.strftime("%Y-%m-%d %H:%M:%S.000"),
            "location-long": b["lon"].round(7),
            "location-lat": b["lat"].round(7),
            "gps:satellite-count": rng.integers(4, 12, n),
            "ground-speed": b["speed"],
            "heading": rng.integers(0, 360, n),
            "height-above-ellipsoid": rng.normal(40, 30, n).round(1),
            "manually-marked-outlier": np.where(manual, "true", ""),
            "algorithm-marked-outlier": np.where(algo, "true", ""),
            "sensor-type": "gps",
            "individual-taxon-canonical-name": "Larus fuscus",
            "tag-local-identifier": 5400 + k,
            "individual-local-identifier": f"L{k + 1:02d}-{['H903', 'H904', 'K11', 'K12', 'M7', 'M8'][k]}",
            "study-name": "LBBG_ZEEBRUGGE_SYNTH",
        }))  # fmt: skip
    df = pd.concat(frames, ignore_index=True)
    empty = rng.choice(len(df), 10, replace=False)
    df.loc[empty, ["location-long", "location-lat"]] = np.nan
    df.insert(0, "event-id", np.arange(len(df)) + 1_000_000_000)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "gulls_movebank.csv"
    df.to_csv(path, index=False)
    print(f"wrote {path}: {len(df)} rows, {df['individual-local-identifier'].nunique()} birds")
    return path


if __name__ == "__main__":
    main(
        Path(
            sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER26_OUT", "/tmp/newuser26")
        )
    )
