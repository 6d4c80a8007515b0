"""badin32: badin31's three silent wrongs and their neighbours, one line a case (classified by
hand in scripts/badin32/classes.py): lat / lon in radians at ingest (with and without a
reported speed, and real tracks near 0 N 0 E that must stay quiet), a dead-reckoning course in
radians (eastbound and northbound ships, real courses of 5 and 90 degrees), a slow ship's m/s
under a knots name (and a real 3.6 kn ship, a 0.3 kn ship at anchor).
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin32/silent31.py [OUT_DIR]
(default /tmp/badin32/silent31)
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402
from ingest_cases import IngestCases  # noqa: E402

from trajlm.eval.dead_reckoning import DeadReckoning  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin32/silent31")
CASES = IngestCases(OUT, ("radian", "rror"), width=2, said=320)


def ingest(name: str, text: str) -> None:
    CASES(name, text, "csv", (), lambda df, first: f" n={df.height} first={first}")


def rows(cell, header: str = "id,time,lat,lon") -> str:
    return header + "\n" + "".join(cell(k) + "\n" for k in range(12))


step = 40 / 6371008.8 / math.cos(0.7182)  # 40 m east at Porto, in radians of longitude
ingest("radians (0.7182, -0.1503), no speed (badin31 readers 61)", rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d},0.71820,{-0.15027 + 2e-6 * k}"))  # fmt: skip
ingest("radians, a car at 19.4 kn (sog_kn)", rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d},0.7182000,{-0.15027 + step * k:.9f},19.4", "id,time,lat,lon,sog_kn"))  # fmt: skip
ingest("degrees near 0 N 1 E, a ship at 9.7 kn", rows(lambda k: f"s,2026-03-01 10:{k:02d}:00,0.5,{1.0 + 0.0027 * k:.5f},9.7", "id,time,lat,lon,sog_kn"))  # fmt: skip
ingest("degrees near 0 N 1 E, a ship, no speed", rows(lambda k: f"s,2026-03-01 10:{k:02d}:00,0.5,{1.0 + 0.0027 * k:.5f}"))  # fmt: skip
ingest("degrees at 0 N 0 E, a buoy drifting 0.3 m/s", rows(lambda k: f"b,2026-03-01 10:{k:02d}:00,0.0,{1e-5 + 0.00016 * k:.5f}"))  # fmt: skip

say = Cases(got=120, warn=200, warn_total=260, flush=True)
say.n = CASES.n
T0 = 1772359200


def ship(sog: float, cog: float, dlat: float = 1e-3, dlon: float = 0.0) -> pl.DataFrame:
    return pl.DataFrame({"mmsi": ["235071200"] * 8, "t": [T0 + 60 * k for k in range(8)],
                         "lat": [53.87 + dlat * k for k in range(8)],
                         "lon": [6.72 + dlon * k for k in range(8)],
                         "sog_kn": [sog] * 8, "cog_deg": [cog] * 8})  # fmt: skip


def dr(df: pl.DataFrame):
    return lambda: DeadReckoning().predict(df, steps=2).select("lat", "lon").rows()


say("DR northbound, COG 1.5708 (badin31 surfaces 27)", dr(ship(3.7, 1.5708)))
say("DR eastbound at 2.1 kn, COG 1.5708 (radians)", dr(ship(2.1, 1.5708, dlat=0.0, dlon=1e-3)))
say("DR southbound, COG 3.1416 (radians)", dr(ship(3.6, 3.1416, dlat=-1e-3)))
say("DR NNE, COG 5 (degrees)", dr(ship(3.6, 5.0, dlon=1.4e-4)))
say("DR eastbound, COG 90 (degrees)", dr(ship(2.1, 90.0, dlat=0.0, dlon=1e-3)))
say("DR 1.85 'kn' that is m/s (badin31 surfaces 28)", dr(ship(1.85, 0.0)))
say("DR 3.6 kn, true knots", dr(ship(3.6, 0.0)))
say("DR 0.3 kn at anchor, swinging 11 m a minute", dr(ship(0.3, 0.0, dlat=1e-4)))
