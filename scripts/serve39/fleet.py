"""serve39's held-out fleet: snow ploughs in Oulu (Finland), as a dashboard's feed sends them.

Seeded; no earlier session used it. 12 ploughs over the night of the 2026-03-29 DST change in
Europe/Helsinki (03:00 +02:00 -> 04:00 +03:00): 10-60 s pings, a depot stop (the same point for
minutes), a signal gap (5-20 min), streets on a rough grid at 20-45 km/h. The feed's own names:
`unitId`, `ts` (ISO with the local offset), `latitude` / `longitude` (text in some rows, as a
PHP backend's JSON has it).

    python scripts/serve39/fleet.py --out /tmp/serve39/fleet.json
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

DEPOT = (65.0125, 25.4651)  # Oulu, near the city centre
HELSINKI_WINTER, HELSINKI_SUMMER = timedelta(hours=2), timedelta(hours=3)
DST_UTC = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 EET -> 04:00 EEST


def local_iso(t_utc: float) -> str:
    """The instant as Europe/Helsinki writes it that night (offset +02:00, then +03:00)."""
    when = datetime.fromtimestamp(t_utc, tz=UTC)
    off = HELSINKI_SUMMER if when >= DST_UTC else HELSINKI_WINTER
    return when.astimezone(timezone(off)).isoformat()


def plough(rng: np.random.Generator, unit: str, start_utc: float, n: int) -> list[dict]:
    """One plough's `n` pings: street legs on a grid, one depot stop, one signal gap."""
    lat, lon = DEPOT[0] + rng.normal(0, 0.01), DEPOT[1] + rng.normal(0, 0.02)
    heading = rng.choice([0.0, 90.0, 180.0, 270.0])
    t, rows = start_utc, []
    stop_at, gap_at = int(rng.integers(n // 4, n // 2)), int(rng.integers(n // 2 + 2, n - 4))
    for i in range(n):
        text = rng.random() < 0.3  # a third of the rows carry numbers as text
        rows.append({"unitId": unit, "ts": local_iso(t),
                     "latitude": f"{lat:.6f}" if text else round(lat, 6),
                     "longitude": f"{lon:.6f}" if text else round(lon, 6)})  # fmt: skip
        dt = float(rng.integers(10, 61))
        if stop_at <= i < stop_at + 6:  # a depot stop: GPS jitter in place
            lat, lon = lat + rng.normal(0, 2e-5), lon + rng.normal(0, 4e-5)
        else:
            if rng.random() < 0.15:
                heading = (heading + rng.choice([-90.0, 90.0])) % 360
            speed = rng.uniform(5.5, 12.5)  # m/s
            dist = speed * dt
            lat += dist * math.cos(math.radians(heading)) / 111_320
            lon += dist * math.sin(math.radians(heading)) / (111_320 * math.cos(math.radians(lat)))
        if i == gap_at:
            dt += float(rng.integers(300, 1200))  # a signal gap
        t += dt
    return rows


def make_fleet(seed: int = 39, n_units: int = 12, n_pings: int = 60) -> list[dict]:
    """The fleet's rows, units interleaved in time order as a feed sends them."""
    rng = np.random.default_rng(seed)
    start = DST_UTC.timestamp() - 40 * 60  # 02:20 local: every plough crosses the change
    rows = []
    for k in range(n_units):
        rows += plough(rng, f"PL-{k + 1:02d}", start + float(rng.integers(0, 600)), n_pings)
    return sorted(rows, key=lambda r: datetime.fromisoformat(r["ts"]))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=39)
    ap.add_argument("--units", type=int, default=12)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(make_fleet(a.seed, a.units)))
    print(f"wrote {a.out}")
