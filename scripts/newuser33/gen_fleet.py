"""Session 33 new-user data: a month of a delivery fleet's telematics, as a data lake receives it.

What it writes under OUT (seeded, no real data):

- `raw/region=<north|south|east>/date=<YYYY-MM-DD>.csv`: one file per day and region, as the
  fleet's telematics vendor drops them (Hive-style folders; the region is in the PATH only).
  Vehicle ids are numbered per region (`V0001` ...), so the same id names a different van in
  each region. Days 1-15: `vehicle_id,ts,lat,lon,speed_kmh,heading` (ISO UTC text); from day 16
  the vendor's new schema: `unit_id,ts,lat,lon,speed_kmh,heading,accuracy` (a renamed id
  column and a new accuracy column in metres).
  Each van works a shift (start 05:00-10:00 UTC, 2-4 trips of 15-60 min, parked 15-90 min in
  between: no fixes while the ignition is off), one fix every `interval_s` while driving.
- The month's mishaps: `region=north/date=<day 10>_resend.csv` (the vendor re-sent day 10: the
  same rows in another order and another file name), `region=east/date=<day 25>.csv` cut
  mid-row (the transfer broke: its last line is half a row), day 20 of region south arrives
  late (on night 23, after days 21 and 22; `arrivals.csv` lists the order of arrival).
- `arrivals.csv`: night, file (relative to raw/): the order a nightly job sees the files.
- `truth.json`: fixes written per file, vans per region, the duplicated and truncated files.

Command: PYTHONPATH=. python scripts/newuser33/gen_fleet.py [--out DIR] [--vehicles 2000]
[--days 30] [--interval-s 60] [--seed 33]  (default OUT $NEWUSER33_OUT or /tmp/newuser33/fleet;
2,000 vans x 30 days at 60 s is ~10 M fixes, ~0.8 GB of CSV; --interval-s 120 halves it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path

import numpy as np
import polars as pl

REGIONS = {"north": (53.22, 6.57), "south": (51.44, 5.48), "east": (52.22, 6.89)}  # depot lat, lon
DAY0 = np.datetime64("2026-11-01T00:00:00", "s")
M_LAT = 111_320.0
SCHEMA_CHANGE_DAY = 16  # 1-based: from this day the vendor's v2 columns
RESENT_DAY, LATE_DAY, TRUNCATED_DAY = 10, 20, 25  # north re-sent, south late, east cut


def _van_day(rng: np.random.Generator, depot: tuple[float, float], interval_s: float):
    """One van's shift: (t seconds of day, lat, lon, speed km/h, heading deg) while driving."""
    m_lon = M_LAT * math.cos(math.radians(depot[0]))
    x, y = rng.normal(0, 3_000, 2)  # where the van slept (metres from the depot)
    t = float(rng.uniform(5, 10) * 3600)
    ts, xs, ys, vs, hs = [], [], [], [], []
    heading = rng.uniform(0, 2 * math.pi)
    for _ in range(int(rng.integers(2, 5))):
        n = int(rng.uniform(15, 60) * 60 / interval_s)
        speed = np.clip(rng.normal(11, 3, n), 2, 30)  # m/s
        turn = np.cumsum(rng.normal(0, 0.12, n)) + heading
        dx, dy = speed * interval_s * np.sin(turn), speed * interval_s * np.cos(turn)
        px, py = x + np.cumsum(dx), y + np.cumsum(dy)
        ts.append(t + interval_s * np.arange(1, n + 1))
        xs.append(px), ys.append(py), vs.append(speed * 3.6), hs.append(np.degrees(turn) % 360)
        x, y, heading = px[-1], py[-1], turn[-1] + rng.normal(0, 1.5)
        t = ts[-1][-1] + rng.uniform(15, 90) * 60  # parked, ignition off
    tt, xx, yy = np.concatenate(ts), np.concatenate(xs), np.concatenate(ys)
    lat = depot[0] + (yy + rng.normal(0, 4, len(yy))) / M_LAT
    lon = depot[1] + (xx + rng.normal(0, 4, len(xx))) / m_lon
    return tt, lat, lon, np.concatenate(vs), np.concatenate(hs)


def day_frame(rng, region: str, day: int, vans: int, interval_s: float) -> pl.DataFrame:
    """All fixes of one region on one day (1-based), in the vendor's schema of that day."""
    depot = REGIONS[region]
    parts = []
    for v in range(1, vans + 1):
        if rng.random() < 0.08:  # van off that day (maintenance, no driver)
            continue
        t, lat, lon, kmh, hdg = _van_day(rng, depot, interval_s)
        parts.append((np.full(len(t), f"V{v:04d}"), t, lat, lon, kmh, hdg))
    ids, t, lat, lon, kmh, hdg = (np.concatenate(c) for c in zip(*parts, strict=True))
    stamp = DAY0 + np.timedelta64(day - 1, "D") + t.astype("int64").astype("timedelta64[s]")
    ts = np.datetime_as_string(stamp, unit="s")
    df = pl.DataFrame({"vehicle_id": ids, "ts": [s + "Z" for s in ts], "lat": lat.round(6),
                       "lon": lon.round(6), "speed_kmh": kmh.round(1), "heading": hdg.round(0)})  # fmt: skip
    if day >= SCHEMA_CHANGE_DAY:
        acc = rng.gamma(2.0, 3.0, len(df)).round(1) + 2
        df = df.rename({"vehicle_id": "unit_id"}).with_columns(accuracy=pl.Series(acc))
    return df


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.environ.get("NEWUSER33_OUT", "/tmp/newuser33") + "/fleet")
    ap.add_argument("--vehicles", type=int, default=2000, help="vans in all (split over 3 regions)")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--interval-s", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=33)
    a = ap.parse_args()
    out = Path(a.out)
    if (out / "raw").exists():
        raise SystemExit(f"{out}/raw exists: choose another --out (nothing is overwritten)")
    rng = np.random.default_rng(a.seed)
    per_region = {r: a.vehicles // 3 + (i < a.vehicles % 3) for i, r in enumerate(REGIONS)}
    truth: dict = {"vans": per_region, "files": {}, "interval_s": a.interval_s}
    arrivals = []
    for day in range(1, a.days + 1):
        date = str(np.datetime64(DAY0, "D") + np.timedelta64(day - 1, "D"))
        for region in REGIONS:
            df = day_frame(rng, region, day, per_region[region], a.interval_s)
            rel = f"region={region}/date={date}.csv"
            path = out / "raw" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            df.write_csv(path)
            truth["files"][rel] = len(df)
            night = day + 1 + (2 if (region == "south" and day == LATE_DAY) else 0)
            arrivals.append((night, rel))
            if region == "north" and day == RESENT_DAY:
                rel2 = f"region=north/date={date}_resend.csv"
                df.sample(fraction=1.0, shuffle=True, seed=a.seed).write_csv(out / "raw" / rel2)
                truth["resent"] = [rel, rel2]
                arrivals.append((day + 2, rel2))
            if region == "east" and day == TRUNCATED_DAY:
                raw = path.read_bytes()
                cut = raw.rfind(b"\n", 0, len(raw) - 1) + 33  # half of the last row
                path.write_bytes(raw[:cut])
                truth["truncated"] = {"file": rel, "rows_whole": len(df) - 1, "half_row": 1}
    arrivals.sort(key=lambda r: r[0])
    pl.DataFrame(arrivals, schema=["night", "file"], orient="row").write_csv(out / "arrivals.csv")
    truth["fixes"] = sum(truth["files"].values())
    (out / "truth.json").write_text(json.dumps(truth, indent=1))
    print(
        f"{truth['fixes']:,} fixes in {len(truth['files'])} day files (+1 re-sent) under {out}/raw"
    )


if __name__ == "__main__":
    main()
