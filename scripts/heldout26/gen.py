"""Seeded held-out sets for heldout26: eight kinds and file layouts no earlier session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/generalization.md "Session 26 (heldout26)".
    python scripts/heldout26/gen.py [OUTDIR]     # default $HELDOUT26/raw or /tmp/heldout26/raw
Outputs: endurance_horses.csv, rail_tunnels.parquet, ferry_dateline.geojson, snow_groomers.xlsx,
purse_seiner.csv, refuse_trucks.jsonl, mower_fix.csv, takeout_records.json (all under OUTDIR).
"""

import json
import math
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import noisy, step, write_sets  # noqa: E402


def endurance_horses(rng, out: Path) -> None:
    """An endurance ride exported with fitparse to CSV: semicircle positions, 5 s, vet-gate holds,
    records without a fix (empty position), 1 % duplicated rows."""
    rows = []
    for k in range(30):
        bib = f"{101 + k}"
        lat, lon = 43.93 + rng.uniform(-0.02, 0.02), 2.10 + rng.uniform(-0.02, 0.02)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-09-12 06:00:00") + pd.Timedelta(seconds=int(rng.integers(0, 1800)))
        for i in range(int(rng.integers(220, 340))):
            hold = 120 <= i < 150  # vet gate
            v = 0.0 if hold else rng.uniform(3.0, 5.5)
            head += rng.normal(0, 0.12)
            lat, lon = step(lat, lon, head, v * 5)
            t += pd.Timedelta(seconds=5)
            la, lo = noisy(rng, lat, lon, 3)
            fix = rng.random() > 0.015
            rows.append(
                (
                    bib,
                    t.strftime("%Y-%m-%d %H:%M:%S"),
                    int(la * 2**31 / 180) if fix else None,
                    int(lo * 2**31 / 180) if fix else None,
                    round(v + rng.normal(0, 0.1), 3) if not hold else 0.0,
                    int(rng.integers(90, 170)),
                )
            )
    cols = ["bib", "timestamp", "position_lat", "position_long", "enhanced_speed", "heart_rate"]
    df = pd.DataFrame(rows, columns=cols)
    df = pd.concat([df, df.sample(frac=0.01, random_state=1)]).sort_index(kind="stable")
    df.to_csv(out / "endurance_horses.csv", index=False)


def rail_tunnels(rng, out: Path) -> None:
    """Intercity trains at 30 s in Parquet, zone-aware Europe/Zurich times, no rows inside tunnels
    (gaps of 2-8 minutes), station dwells."""
    rows = []
    for k in range(32):
        tid = f"IC {700 + 2 * k}"
        lat, lon = 46.95 + rng.uniform(-0.1, 0.1), 7.44 + rng.uniform(-0.2, 0.2)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-06-03 06:00", tz="Europe/Zurich") + pd.Timedelta(minutes=30 * k)
        tunnel = 0
        for i in range(int(rng.integers(150, 220))):
            dwell = i % 60 < 3
            v = 0.0 if dwell else min(55.0, 20 + (i % 60) * 2.0) * rng.uniform(0.95, 1.05)
            head += rng.normal(0, 0.03)
            lat, lon = step(lat, lon, head, v * 30)
            t += pd.Timedelta(seconds=30)
            if tunnel == 0 and rng.random() < 0.02:
                tunnel = int(rng.integers(4, 16))
            if tunnel > 0:
                tunnel -= 1
                continue
            la, lo = noisy(rng, lat, lon, 6)
            rows.append((tid, t, la, lo, round(v * 3.6, 1)))
    df = pd.DataFrame(rows, columns=["train_id", "ts", "latitude", "longitude", "speed_kmh"])
    df.to_parquet(out / "rail_tunnels.parquet", index=False)


def ferry_dateline(rng, out: Path) -> None:
    """Inter-island ferries in Fiji crossing the 180th meridian: a GeoJSON FeatureCollection of
    LineStrings with `coordTimes` (togeojson's layout); half the features were written by a
    plotter that unwraps longitudes past 180 (180.2 instead of -179.8)."""
    feats = []
    for k in range(30):
        lat, lon = -16.80 + rng.uniform(-0.1, 0.1), 179.55 + rng.uniform(-0.05, 0.05)
        head = math.radians(rng.uniform(60, 120))
        if k % 2:
            lat, lon, head = -16.75, -179.6, head + math.pi
        t = pd.Timestamp("2026-04-01 20:00", tz="UTC") + pd.Timedelta(hours=13 * k)
        unwrap = k % 4 < 2
        coords, times = [], []
        for _ in range(int(rng.integers(150, 230))):
            head += rng.normal(0, 0.02)
            lat, lon = step(lat, lon, head, rng.uniform(7.0, 8.5) * 60)
            lon = (lon + 180) % 360 - 180
            t += pd.Timedelta(seconds=60)
            la, lo = noisy(rng, lat, lon, 10)
            if unwrap and lo < 0:
                lo += 360.0
            coords.append([round(lo, 6), round(la, 6)])
            times.append(t.strftime("%Y-%m-%dT%H:%M:%SZ"))
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "vessel": ["Lomaiviti Princess", "Spirit of Harmony"][k % 2],
                    "coordTimes": times,
                },
                "geometry": {"type": "LineString", "coordinates": coords},
            }
        )
    (out / "ferry_dateline.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats})
    )


def snow_groomers(rng, out: Path) -> None:
    """Snow groomers at night in an .xlsx: German headers with a units row under the header,
    local (CET) times written as text across midnight, 5 s, up-and-down passes on a slope."""
    rows = []
    for k in range(36):
        unit = f"PB{1 + k % 12:02d}"
        lat, lon = 46.82 + rng.uniform(-0.02, 0.02), 9.82 + rng.uniform(-0.03, 0.03)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-01-10 21:30") + pd.Timedelta(
            days=k // 12, minutes=int(rng.integers(0, 240))
        )
        leg = 0.0
        for _ in range(int(rng.integers(200, 300))):
            v = rng.uniform(2.5, 3.8)
            lat, lon = step(lat, lon, head, v * 5)
            leg += v * 5
            if leg > rng.uniform(350, 500):  # turn at the top / bottom of the piste
                head += math.pi + rng.normal(0, 0.1)
                leg = 0.0
            t += pd.Timedelta(seconds=5)
            la, lo = noisy(rng, lat, lon, 4)
            rows.append(
                (
                    unit,
                    t.strftime("%d.%m.%Y %H:%M:%S"),
                    round(la, 6),
                    round(lo, 6),
                    round(v * 3.6, 1),
                )
            )
    df = pd.DataFrame(rows, columns=["Fahrzeug", "Zeitstempel", "Breite", "Länge", "Geschw."])
    units = pd.DataFrame([["", "MEZ", "°", "°", "km/h"]], columns=df.columns)
    pd.concat([units, df]).to_excel(
        out / "snow_groomers.xlsx", index=False, sheet_name="Positionen"
    )


def _ddm(value: float, pos: str, neg: str, width: int) -> str:
    hemi = pos if value >= 0 else neg
    value = abs(value)
    deg = int(value)
    return f"{deg:0{width}d}°{(value - deg) * 60:06.3f}'{hemi}"


def purse_seiner(rng, out: Path) -> None:
    """Tuna purse-seiners at 2 min (an e-monitoring export): degrees and decimal minutes text,
    `Date/Time (UTC)` as 2026-03-14T05:10Z, searching legs then tight circles while setting the net,
    2 % duplicated rows."""
    rows = []
    for k in range(28):
        vessel = ["Pacific Star", "Ocean Taipan", "Solomon Blue", "Kiribati Sun"][k % 4]
        lat, lon = -5.0 + rng.uniform(-2, 2), 155.0 + rng.uniform(-3, 3)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-03-01 04:00") + pd.Timedelta(days=k)
        circling = 0
        for _ in range(int(rng.integers(160, 240))):
            if circling == 0 and rng.random() < 0.02:
                circling = 12  # a set: one circle of about 24 minutes
            if circling:
                head += 2 * math.pi / 12
                v = 6.0
                circling -= 1
            else:
                head += rng.normal(0, 0.08)
                v = rng.uniform(4.0, 6.5)
            lat, lon = step(lat, lon, head, v * 120)
            t += pd.Timedelta(seconds=120)
            la, lo = noisy(rng, lat, lon, 15)
            rows.append(
                (
                    vessel,
                    t.strftime("%Y-%m-%dT%H:%MZ"),
                    _ddm(la, "N", "S", 2),
                    _ddm(lo, "E", "W", 3),
                    "SET" if circling else "SEARCH",
                )
            )
    df = pd.DataFrame(
        rows, columns=["Vessel Name", "Date/Time (UTC)", "Latitude", "Longitude", "Activity"]
    )
    df = pd.concat([df, df.sample(frac=0.02, random_state=3)]).sort_index(kind="stable")
    df.to_csv(out / "purse_seiner.csv", index=False)


def refuse_trucks(rng, out: Path) -> None:
    """A city's refuse trucks as JSON Lines: `veh`, `ts` epoch milliseconds, `lat` / `lng`, a lift
    flag; 2 s, stop-and-go every ~30 m (a bin lift of 15-25 s), 1 % null positions."""
    lines = []
    for k in range(30):
        veh = f"RT-{104 + k % 15}"
        lat, lon = 53.35 + rng.uniform(-0.03, 0.03), -6.26 + rng.uniform(-0.05, 0.05)
        head = math.radians(float(rng.choice([0, 90, 180, 270])))
        t = pd.Timestamp("2026-07-06 06:00", tz="UTC") + pd.Timedelta(
            days=k // 15, minutes=int(rng.integers(0, 120))
        )
        since, stop = 0.0, 0
        for _ in range(int(rng.integers(250, 380))):
            if stop:
                v, stop = 0.0, stop - 1
            else:
                v = rng.uniform(3, 6)
                since += v * 2
                if since > rng.uniform(25, 35):
                    stop, since = int(rng.integers(8, 13)), 0.0
                if rng.random() < 0.01:
                    head += math.radians(float(rng.choice([-90, 90])))
            lat, lon = step(lat, lon, head, v * 2)
            t += pd.Timedelta(seconds=2)
            la, lo = noisy(rng, lat, lon, 3)
            rec = {
                "veh": veh,
                "ts": int(t.value // 10**6),
                "lat": round(la, 6),
                "lng": round(lo, 6),
                "lift": int(stop > 0),
            }
            if rng.random() < 0.01:
                rec["lat"] = rec["lng"] = None
            lines.append(json.dumps(rec))
    (out / "refuse_trucks.jsonl").write_text("\n".join(lines) + "\n")


def mower_fix(rng, out: Path) -> None:
    """A lawn-mowing robot's `rostopic echo -p /fix` CSV (sensor_msgs/NavSatFix): `%time` and
    `field.header.stamp` in nanoseconds, `field.latitude` / `field.longitude`, status -1 rows
    (no fix) with NaN positions; 1 Hz boustrophedon lanes 0.5 m apart; 30 mowing sessions."""
    rows = []
    seq = 0
    for k in range(30):
        lat0, lon0 = 51.98 + rng.uniform(-0.002, 0.002), 5.66 + rng.uniform(-0.003, 0.003)
        t = pd.Timestamp("2026-05-02 09:00", tz="UTC") + pd.Timedelta(days=k)
        lane, along, direction = 0, 0.0, 1
        for _ in range(int(rng.integers(260, 360))):
            along += 0.45 * direction
            if along > 25 or along < 0:
                direction, lane = -direction, lane + 1
                along = min(max(along, 0.0), 25.0)
            lat, lon = step(lat0, lon0, 0.0, along)
            lat, lon = step(lat, lon, math.pi / 2, lane * 0.5)
            t += pd.Timedelta(seconds=1)
            seq += 1
            ns = int(t.value) + int(rng.integers(0, 5 * 10**6))
            ok = rng.random() > 0.01
            la, lo = noisy(rng, lat, lon, 0.05) if ok else (float("nan"), float("nan"))
            rows.append(
                (
                    ns + 1500000,
                    seq,
                    ns,
                    "gps",
                    2 if ok else -1,
                    1,
                    la,
                    lo,
                    12.3 if ok else float("nan"),
                    0.0025,
                    2,
                )
            )
    cols = [
        "%time", "field.header.seq", "field.header.stamp", "field.header.frame_id", "field.status.status",
        "field.status.service", "field.latitude", "field.longitude", "field.altitude",
        "field.position_covariance0", "field.position_covariance_type",
    ]  # fmt: skip
    pd.DataFrame(rows, columns=cols).to_csv(out / "mower_fix.csv", index=False, float_format="%.9f")


def takeout_records(rng, out: Path) -> None:
    """Google Takeout `Records.json` of one person (a commute a day for 30 days; 10-60 s while
    moving, coarse WIFI / CELL fixes of 100-1500 m accuracy, and a second device (a tablet at
    home) reporting on some days interleaved under another `deviceTag`)."""
    locs = []
    home = (48.137, 11.575)
    for day in range(30):
        lat, lon = noisy(rng, *home, 300)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-10-01 07:00", tz="UTC") + pd.Timedelta(
            days=day, seconds=int(rng.integers(0, 3600))
        )
        for _ in range(int(rng.integers(120, 200))):
            dt = int(rng.integers(10, 60))
            head += rng.normal(0, 0.15)
            lat, lon = step(lat, lon, head, rng.uniform(6, 14) * dt)
            t += pd.Timedelta(seconds=dt)
            src = "GPS" if rng.random() > 0.1 else str(rng.choice(["WIFI", "CELL"]))
            acc = int(rng.integers(3, 20)) if src == "GPS" else int(rng.integers(100, 1500))
            la, lo = noisy(rng, lat, lon, acc / 2)
            stamp = t.strftime("%Y-%m-%dT%H:%M:%S") + (
                f".{int(rng.integers(0, 999)):03d}Z" if rng.random() < 0.7 else "Z"
            )
            locs.append(
                {
                    "latitudeE7": int(la * 1e7),
                    "longitudeE7": int(lo * 1e7),
                    "accuracy": acc,
                    "source": src,
                    "deviceTag": 1234567,
                    "timestamp": stamp,
                }  # fmt: skip
            )
            if day % 5 == 0 and rng.random() < 0.3:  # the tablet at home
                hl, ho = noisy(rng, *home, 20)
                locs.append(
                    {
                        "latitudeE7": int(hl * 1e7),
                        "longitudeE7": int(ho * 1e7),
                        "accuracy": 25,
                        "source": "WIFI",
                        "deviceTag": -987654,
                        "timestamp": (t + pd.Timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    }  # fmt: skip
                )
    (out / "takeout_records.json").write_text(json.dumps({"locations": locs}, indent=2))


SETS = [
    endurance_horses,
    rail_tunnels,
    ferry_dateline,
    snow_groomers,
    purse_seiner,
    refuse_trucks,
    mower_fix,
    takeout_records,
]


def main() -> None:
    write_sets(SETS, "HELDOUT26", 2600)


if __name__ == "__main__":
    main()
