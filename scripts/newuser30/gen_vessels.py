"""Session 30 new-user data: a seeded AIS-like feed of vessels calling at one port, as Polars.

What it writes: 40 vessels (MMSI 9-digit integers), each sailing in from 15-30 km offshore at
9-14 kn, slowing to ~3 kn in the harbour, moored 1-2.5 h (SOG 0.0, COG 360 = "not available",
a report every ~3 min as Class A does at berth), then sailing out on another bearing. Reports
are irregular as received AIS is: 2 s to 6 min apart (log-normal, median ~40 s underway),
positions with ~8 m noise, SOG in knots (0.1 kn resolution), COG in degrees (0.1), Heading 511
(= not available) on a fifth of reports, UTC times. Columns as MarineCadastre writes them:
MMSI, BaseDateTime, LAT, LON, SOG, COG, Heading, VesselName, VesselType.

Command: PYTHONPATH=. python scripts/newuser30/gen_vessels.py [OUT]   (default $NEWUSER30_OUT or
/tmp/newuser30). Outputs: OUT/ais.parquet (Polars, BaseDateTime as Datetime(us, UTC)),
OUT/ais.csv (ISO times with Z), OUT/ais_gaps.csv (every 4th underway report of 6 vessels with
empty LAT/LON, for recover), OUT/od.csv (origin-destination pairs for travel time).
"""

import math
import os
import sys
from pathlib import Path

import numpy as np
import polars as pl

PORT = (51.955, 4.055)  # a berth in a harbour on the North Sea coast (lat, lon)
KNOT = 0.514444
M_PER_DEG_LAT = 111_320.0


def _step(lat: float, lon: float, bearing_deg: float, metres: float) -> tuple[float, float]:
    b = math.radians(bearing_deg)
    dlat = metres * math.cos(b) / M_PER_DEG_LAT
    dlon = metres * math.sin(b) / (M_PER_DEG_LAT * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def _bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (b[0] - a[0]) * M_PER_DEG_LAT
    dx = (b[1] - a[1]) * M_PER_DEG_LAT * math.cos(math.radians(a[0]))
    return math.degrees(math.atan2(dx, dy)) % 360


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (b[0] - a[0]) * M_PER_DEG_LAT
    dx = (b[1] - a[1]) * M_PER_DEG_LAT * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def _interval(rng: np.random.Generator, moored: bool) -> float:
    if moored:
        return float(rng.uniform(150, 210))
    return float(np.clip(rng.lognormal(math.log(40), 1.0), 2, 360))


def _sail(rng, pos, t, goal, knots, rows, slow_within_m=3000.0):
    """Reports from pos toward goal; returns the last (pos, t)."""
    cog_bias = rng.normal(0, 2)
    while _dist(pos, goal) > 60:
        dt = _interval(rng, False)
        near = _dist(pos, goal) < slow_within_m
        speed = (3.0 if near else knots) * rng.uniform(0.95, 1.05)
        bearing = _bearing(pos, goal) + cog_bias + rng.normal(0, 1.5)
        pos = _step(*pos, bearing, min(speed * KNOT * dt, _dist(pos, goal)))
        t = t + dt
        rows.append((t, pos, round(speed, 1), round(bearing % 360, 1)))
    return pos, t


def vessel(rng: np.random.Generator, start_s: float) -> list[tuple]:
    rows: list[tuple] = []
    entrance = _step(*PORT, 290.0, 4_000.0)  # the fairway's mouth, 4 km WNW of the berth
    berth = _step(*PORT, rng.uniform(0, 360), rng.uniform(0, 400))
    pos = _step(*entrance, rng.uniform(220, 340), rng.uniform(15_000, 30_000))
    t = start_s
    knots = rng.uniform(9, 14)
    rows.append((t, pos, round(knots, 1), round(_bearing(pos, entrance), 1)))
    pos, t = _sail(rng, pos, t, entrance, knots, rows)
    pos, t = _sail(rng, pos, t, berth, knots, rows)
    stay_end = t + rng.uniform(3_600, 9_000)
    while t < stay_end:  # moored: SOG 0, COG not available (360)
        t += _interval(rng, True)
        rows.append((t, _step(*berth, rng.uniform(0, 360), abs(rng.normal(0, 3))), 0.0, 360.0))
    pos, t = _sail(rng, berth, t, entrance, knots, rows)
    out = _step(*entrance, rng.uniform(220, 340), rng.uniform(12_000, 20_000))
    _sail(rng, pos, t, out, knots, rows, slow_within_m=0.0)
    return rows


def generate(seed: int = 30, n_vessels: int = 40) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    t0 = 1_780_300_800.0  # 2026-06-01 08:00 UTC
    names = ["NORDIC", "MAAS", "ELBE", "RHINE", "SCHELDT", "HUMBER", "THAMES", "TAGUS"]
    frames = []
    for v in range(n_vessels):
        mmsi = int(244_000_000 + rng.integers(100_000, 999_999))
        rows = vessel(rng, t0 + rng.uniform(0, 48 * 3600))
        lat = np.array([r[1][0] for r in rows]) + rng.normal(0, 8, len(rows)) / M_PER_DEG_LAT
        lon = np.array([r[1][1] for r in rows]) + rng.normal(0, 8, len(rows)) / (
            M_PER_DEG_LAT * math.cos(math.radians(PORT[0]))
        )
        heading = [int(round(r[3])) % 360 if r[2] > 0 else 511 for r in rows]
        heading = [511 if rng.random() < 0.2 else h for h in heading]
        frames.append(
            pl.DataFrame(
                {
                    "MMSI": [mmsi] * len(rows),
                    "BaseDateTime": [round(r[0], 0) for r in rows],
                    "LAT": np.round(lat, 6),
                    "LON": np.round(lon, 6),
                    "SOG": [r[2] for r in rows],
                    "COG": [r[3] for r in rows],
                    "Heading": heading,
                    "VesselName": [f"{names[v % len(names)]} {v + 1}"] * len(rows),
                    "VesselType": [70 if v % 3 else 80] * len(rows),
                }
            )
        )
    df = pl.concat(frames)
    df = df.with_columns(
        pl.from_epoch(pl.col("BaseDateTime").cast(pl.Int64), time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.cast_time_unit("us")
    )
    # received AIS: two reports in one second keep the first; rows come in arrival order
    return df.unique(subset=["MMSI", "BaseDateTime"], keep="first", maintain_order=True).sort(
        "BaseDateTime"
    )


def main() -> None:
    out = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER30_OUT", "/tmp/newuser30")
    )
    out.mkdir(parents=True, exist_ok=True)
    df = generate()
    df.write_parquet(out / "ais.parquet")
    df.with_columns(pl.col("BaseDateTime").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).write_csv(
        out / "ais.csv"
    )
    six = df["MMSI"].unique(maintain_order=True).head(6).to_list()
    gaps = df.filter(pl.col("MMSI").is_in(six)).sort(["MMSI", "BaseDateTime"])
    idx = pl.int_range(pl.len()).over("MMSI")
    hide = (idx % 4 == 2) & (pl.col("SOG") > 0) & (idx < pl.len().over("MMSI") - 2)
    gaps = gaps.with_columns(
        pl.when(hide).then(None).otherwise(pl.col("LAT")).alias("LAT"),
        pl.when(hide).then(None).otherwise(pl.col("LON")).alias("LON"),
    )
    gaps.with_columns(pl.col("BaseDateTime").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).write_csv(
        out / "ais_gaps.csv"
    )
    od = pl.DataFrame(
        {
            "o_lat": [51.90, 51.93, 51.85],
            "o_lon": [3.70, 3.80, 3.75],
            "d_lat": [PORT[0]] * 3,
            "d_lon": [PORT[1]] * 3,
            "depart": ["2026-06-02T09:00:00Z", "2026-06-02T13:30:00Z", "2026-06-03T06:15:00Z"],
        }
    )
    od.write_csv(out / "od.csv")
    n_hidden = gaps["LAT"].null_count()
    print(
        f"{df.height} rows, {df['MMSI'].n_unique()} vessels -> {out}/ais.parquet, ais.csv; "
        f"ais_gaps.csv {gaps.height} rows ({n_hidden} hidden); od.csv {od.height} pairs"
    )


if __name__ == "__main__":
    main()
