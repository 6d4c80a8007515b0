"""Seeded held-out sets for heldout27: eight kinds and file layouts no earlier session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/generalization.md "Session 27 (heldout27)".
    python scripts/heldout27/gen.py [OUTDIR]     # default $HELDOUT27/raw or /tmp/heldout27/raw
Outputs (under OUTDIR): stork_ornitela.csv, yacht_race.json, formula_e_motec.csv,
tokyo_couriers.csv (cp932), kobo_survey.json, glider_flights.geojson, school_buses.csv,
canal_barges.csv. Same seed, same bytes.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import noisy, step, write_sets  # noqa: E402


def stork_ornitela(rng, out: Path) -> None:
    """White storks migrating from Germany towards the Sahel, an Ornitela logger's CSV: one fix an
    hour (a few seconds late), `UTC_datetime` beside split `UTC_date` / `UTC_time`, flights of
    8-15 m/s by day and roosts at night, failed fixes written as 0 / 0 with satcount 0."""
    rows = []
    for k in range(24):
        dev = 203410 + k
        lat, lon = 52.4 + rng.uniform(-0.8, 0.8), 12.9 + rng.uniform(-1.5, 1.5)
        head = math.radians(rng.uniform(150, 200))
        t = pd.Timestamp("2026-08-18 00:00") + pd.Timedelta(days=int(rng.integers(0, 6)))
        for _ in range(int(rng.integers(240, 330))):
            hour = (t.hour + 1) % 24
            flying = 8 <= hour <= 17 and rng.random() > 0.15
            v = rng.uniform(8, 15) if flying else 0.0
            head += rng.normal(0, 0.15)
            if flying:
                lat, lon = step(lat, lon, head, v * 3600 * rng.uniform(0.3, 0.8))
            t = t.floor("h") + pd.Timedelta(hours=1, seconds=int(rng.integers(2, 40)))
            la, lo = noisy(rng, lat, lon, 8)
            ok = rng.random() > 0.03
            rows.append(
                (
                    dev,
                    t.strftime("%Y-%m-%d %H:%M:%S"),
                    t.strftime("%Y-%m-%d"),
                    t.strftime("%H:%M:%S"),
                    "GPS",
                    int(rng.integers(5, 12)) if ok else 0,
                    int(rng.integers(3900, 4150)),
                    round(rng.uniform(0.7, 2.5), 1) if ok else 0.0,
                    round(la, 7) if ok else 0,
                    round(lo, 7) if ok else 0,
                    int(rng.integers(40, 1500)) if flying else int(rng.integers(30, 200)),
                    round(v * 3.6, 1),
                    int(math.degrees(head) % 360),
                )
            )
    cols = ["device_id", "UTC_datetime", "UTC_date", "UTC_time", "datatype", "satcount",
            "U_bat_mV", "hdop", "Latitude", "Longitude", "Altitude_m", "speed_km_h",
            "direction_deg"]  # fmt: skip
    pd.DataFrame(rows, columns=cols).to_csv(out / "stork_ornitela.csv", index=False)


def yacht_race(rng, out: Path) -> None:
    """A one-design yacht race from a race tracker's JSON (one object, `teams` -> `moments`):
    30 s fixes as epoch seconds, boats tacking upwind every 3-8 minutes then running downwind;
    the tracker re-sends 2 % of its moments (same `at`)."""
    teams = []
    wind_from = math.radians(225.0)
    for k in range(26):
        lat, lon = 50.77 + rng.uniform(-0.01, 0.01), -1.30 + rng.uniform(-0.01, 0.01)
        tack = 1 if k % 2 else -1
        t0 = int(pd.Timestamp("2026-08-01 11:00", tz="UTC").value // 10**9) + 86400 * (k // 9)
        t = t0 + int(rng.integers(0, 120))
        moments, until_tack = [], int(rng.integers(6, 16))
        n = int(rng.integers(180, 260))
        for i in range(n):
            upwind = i < n * 0.6
            if upwind:
                until_tack -= 1
                if until_tack <= 0:
                    tack, until_tack = -tack, int(rng.integers(6, 16))
                head = wind_from + tack * math.radians(42) + rng.normal(0, 0.05)
                v = rng.uniform(3.0, 3.8) if until_tack < 14 else 1.5  # speed lost in the tack
            else:
                head = wind_from + math.pi + rng.normal(0, 0.12)
                v = rng.uniform(4.0, 5.5)
            lat, lon = step(lat, lon, head, v * 30)
            t += 30
            la, lo = noisy(rng, lat, lon, 4)
            m = {"at": t, "lat": round(la, 6), "lon": round(lo, 6),
                 "sog": round(v / 0.514444, 1), "cog": int(math.degrees(head) % 360)}  # fmt: skip
            moments.append(m)
            if rng.random() < 0.02:
                moments.append(dict(m))
        teams.append({"id": 9100 + k, "name": f"J/70 {k + 1:02d}", "sail": f"GBR {1400 + k}",
                      "moments": moments})  # fmt: skip
    race = {"race": "Solent J/70 Cup", "start": "2026-08-01T11:00:00Z", "teams": teams}
    (out / "yacht_race.json").write_text(json.dumps(race))


def formula_e_motec(rng, out: Path) -> None:
    """A Formula-E car's MoTeC i2 CSV export at 10 Hz: a metadata preamble (log date and time), a
    units row and a blank row under the header, `Time` in seconds since the log started, three
    outings with the logger off in the pits between them, GPS dropouts as 0 / 0."""
    # a 2.4 km street circuit: a rounded rectangle with a chicane
    pts = []
    for a in np.linspace(0, 2 * math.pi, 400, endpoint=False):
        r = 380 + 120 * math.cos(2 * a) + 40 * math.sin(5 * a)
        pts.append((r * math.cos(a), 0.55 * r * math.sin(a)))
    pts = np.array(pts)
    seg = np.hypot(*np.diff(np.vstack([pts, pts[:1]]), axis=0).T)
    along_at = np.concatenate([[0], np.cumsum(seg)])
    lap_m = along_at[-1]
    lat0, lon0 = 52.4730, 13.4000
    lines = []
    clock, dist, lap = 0.0, 0.0, 0
    for _outing in range(3):
        for _ in range(int(rng.integers(7, 10)) * 10 * 70):
            pos = dist % lap_m
            j = int(np.searchsorted(along_at, pos, side="right") - 1) % len(pts)
            seg_a = pts[j]
            curv = abs(120 * math.cos(2 * (j / len(pts)) * 2 * math.pi))
            v = 25 + 30 * (1 - curv / 120) + rng.normal(0, 0.5)
            x, y = seg_a + np.array(pts[(j + 1) % len(pts)] - seg_a) * (pos - along_at[j]) / seg[j]
            lat = lat0 + y / 111320.0
            lon = lon0 + x / (111320.0 * math.cos(math.radians(lat0)))
            la, lo = noisy(rng, lat, lon, 0.8)
            gps = rng.random() > 0.004
            lap = int(dist // lap_m) + 1
            lines.append(
                f'"{clock:.3f}","{dist:.1f}","{la if gps else 0:.7f}","{lo if gps else 0:.7f}",'
                f'"{v * 3.6:.1f}","{lap}"'
            )
            dist += v * 0.1
            clock += 0.1
        clock += 600 + rng.uniform(0, 300)  # in the pits, logger off
    head = [
        '"Format","MoTeC CSV File"',
        '"Venue","Tempelhof Street Circuit"',
        '"Vehicle","Gen3 Car 23"',
        '"Driver","B. Example"',
        '"Device","ADL3"',
        '"Comment","FP2"',
        '"Log Date","05/06/2026"',
        '"Log Time","14:03:11"',
        '"Sample Rate","10","Hz"',
        f'"Duration","{clock:.3f}","s"',
        "",
        '"Time","Distance","GPS Latitude","GPS Longitude","Ground Speed","Lap Number"',
        '"s","m","deg","deg","km/h",""',
        "",
    ]
    (out / "formula_e_motec.csv").write_text("\n".join(head + lines) + "\n")


def tokyo_couriers(rng, out: Path) -> None:
    """Bicycle couriers in Tokyo from a dispatch system's CSV in Shift-JIS (cp932): Japanese
    headers, local JST times as `2026/12/01 09:15:30`, 5 s fixes, a delivery stop every
    600-1200 m, 1 % rows with an empty position."""
    rows = []
    for k in range(30):
        rider = f"R{3001 + k % 10}"
        lat, lon = 35.68 + rng.uniform(-0.03, 0.03), 139.76 + rng.uniform(-0.04, 0.04)
        head = math.radians(float(rng.choice([0, 90, 180, 270])) + 20)
        t = pd.Timestamp("2026-12-01 09:00") + pd.Timedelta(
            days=k // 10, minutes=int(rng.integers(0, 300))
        )
        since, stop, target = 0.0, 0, rng.uniform(600, 1200)
        for _ in range(int(rng.integers(220, 320))):
            if stop:
                v, stop, status = 0.0, stop - 1, "配達中"
            else:
                v, status = rng.uniform(4.0, 7.0), "移動中"
                since += v * 5
                if since > target:
                    stop, since, target = int(rng.integers(12, 30)), 0.0, rng.uniform(600, 1200)
                if rng.random() < 0.04:
                    head += math.radians(float(rng.choice([-90, 90])))
            lat, lon = step(lat, lon, head, v * 5)
            t += pd.Timedelta(seconds=5)
            la, lo = noisy(rng, lat, lon, 5)
            ok = rng.random() > 0.01
            rows.append(
                (
                    rider,
                    t.strftime("%Y/%m/%d %H:%M:%S"),
                    f"{la:.6f}" if ok else "",
                    f"{lo:.6f}" if ok else "",
                    round(v * 3.6, 1),
                    status,
                )
            )
    df = pd.DataFrame(rows, columns=["配達員ID", "記録日時", "緯度", "経度", "速度(km/h)", "状態"])
    df.to_csv(out / "tokyo_couriers.csv", index=False, encoding="cp932")


def kobo_survey(rng, out: Path) -> None:
    """A household survey's KoboToolbox API JSON (`results`): one submission every 8-25 minutes per
    enumerator's day, the geopoint as text `"lat lon alt acc"` under a group path, `_geolocation`
    as [lat, lon] ([null, null] where no fix was taken), `start` local with +03:00, and
    `_submission_time` in UTC hours later (uploaded at the office)."""
    results = []
    idx = 0
    for k in range(72):
        who = ["amina", "joseph", "wanjiru", "otieno", "faith", "kiprop"][k % 6]
        lat, lon = -0.52 + rng.uniform(-0.08, 0.08), 35.27 + rng.uniform(-0.08, 0.08)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-11-02 08:00", tz="Africa/Nairobi") + pd.Timedelta(
            days=k // 6, minutes=int(rng.integers(0, 60))
        )
        upload = t.normalize() + pd.Timedelta(hours=19)
        for _ in range(int(rng.integers(25, 40))):
            gap = int(rng.integers(8 * 60, 25 * 60))  # a household interview, then a walk
            head += rng.normal(0, 0.4)
            lat, lon = step(lat, lon, head, rng.uniform(0.3, 0.8) * gap)
            t += pd.Timedelta(seconds=gap)
            la, lo = noisy(rng, lat, lon, 6)
            acc = round(float(rng.uniform(3, 15)), 1)
            ok = rng.random() > 0.03
            idx += 1
            results.append(
                {
                    "_id": 88100000 + idx,
                    "start": t.isoformat(timespec="milliseconds"),
                    "end": (t + pd.Timedelta(minutes=6)).isoformat(timespec="milliseconds"),
                    "enumerator": who,
                    "group_hh/hh_id": f"HH-{k:02d}-{idx:05d}",
                    "group_hh/gps": f"{la:.8f} {lo:.8f} {1850 + rng.normal(0, 5):.1f} {acc}"
                    if ok
                    else "",
                    "_geolocation": [round(la, 8), round(lo, 8)] if ok else [None, None],
                    "_submission_time": upload.tz_convert("UTC")
                    .tz_localize(None)
                    .isoformat(timespec="seconds"),
                    "_status": "submitted_via_web",
                }
            )
    (out / "kobo_survey.json").write_text(
        json.dumps({"count": len(results), "next": None, "previous": None, "results": results})
    )


def glider_flights(rng, out: Path) -> None:
    """Sailplane flights as a GeoJSON FeatureCollection of 3-D Points ([lon, lat, alt m]) at 2 s,
    `time` with a +02:00 offset and a `flight` property; thermals circled at 22-26 m/s (a circle
    in ~20 s) then straight glides at 35-45 m/s, 0.5 % fixes repeated with the same time."""
    feats = []
    for k in range(24):
        lat, lon = 50.60 + rng.uniform(-0.05, 0.05), 9.95 + rng.uniform(-0.08, 0.08)
        alt = 600.0
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-07-14 11:00", tz="Europe/Berlin") + pd.Timedelta(
            days=k // 8, minutes=int(rng.integers(0, 120))
        )
        mode, left = "glide", int(rng.integers(40, 120))
        for _ in range(int(rng.integers(260, 360))):
            left -= 1
            if left <= 0:
                mode = "thermal" if mode == "glide" else "glide"
                left = int(rng.integers(40, 120)) if mode == "glide" else int(rng.integers(30, 90))
            if mode == "thermal":
                v, head, alt = rng.uniform(22, 26), head + 2 * math.pi / 10, alt + 2 * 2.0
            else:
                v, head, alt = rng.uniform(35, 45), head + rng.normal(0, 0.02), alt - 2 * 1.2
            lat, lon = step(lat, lon, head, v * 2)
            t += pd.Timedelta(seconds=2)
            la, lo = noisy(rng, lat, lon, 3)
            f = {
                "type": "Feature",
                "geometry": {"type": "Point",
                             "coordinates": [round(lo, 6), round(la, 6), round(alt, 1)]},
                "properties": {"flight": f"D-{k + 1:04d}", "time": t.isoformat(), "mode": mode},
            }  # fmt: skip
            feats.append(f)
            if rng.random() < 0.005:
                feats.append(json.loads(json.dumps(f)))
    (out / "glider_flights.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats})
    )


def school_buses(rng, out: Path) -> None:
    """A school-bus fleet's vehicle-location report from a fleet telematics web export: the zone in
    the header (`Time (CST)`), 12-hour times `12/01/2026 7:02:13 AM`, the position as one
    `"lat, lon"` text column, speed in mph, an address with commas; 10 s, a stop every ~400 m."""
    rows = []
    for k in range(30):
        bus = f"Bus {12 + k % 15}"
        lat, lon = 41.88 + rng.uniform(-0.05, 0.05), -87.70 + rng.uniform(-0.06, 0.06)
        head = math.radians(float(rng.choice([0, 90, 180, 270])))
        t = pd.Timestamp("2026-12-01 06:40") + pd.Timedelta(
            hours=0 if k < 15 else 8, minutes=int(rng.integers(0, 30))
        )
        since, stop = 0.0, 0
        for _ in range(int(rng.integers(180, 260))):
            if stop:
                v, stop = 0.0, stop - 1
            else:
                v = rng.uniform(8, 12)
                since += v * 10
                if since > rng.uniform(350, 450):
                    stop, since = int(rng.integers(2, 5)), 0.0
                if rng.random() < 0.03:
                    head += math.radians(float(rng.choice([-90, 90])))
            lat, lon = step(lat, lon, head, v * 10)
            t += pd.Timedelta(seconds=10)
            la, lo = noisy(rng, lat, lon, 4)
            h12 = t.strftime("%I").lstrip("0")
            rows.append(
                (
                    bus,
                    f"{t.strftime('%m/%d/%Y')} {h12}:{t.strftime('%M:%S %p')}",
                    f"{la:.5f}, {lo:.5f}",
                    f"{int(rng.integers(100, 9999))} W Example St, Chicago, IL",
                    round(v / 0.44704, 1),
                    ["On", "Idle"][v == 0],
                )
            )
    cols = ["Vehicle", "Time (CST)", "Location (Lat, Long)", "Address", "Speed (mph)", "Engine"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "school_buses.csv", index=False)


def canal_barges(rng, out: Path) -> None:
    """Inland barges on a Dutch canal, a skipper app's CSV: `;`-separated, decimal commas, Dutch
    headers, the date (dd-mm-yyyy) and the local time in two columns, 30 s, 2.5-3.5 m/s along
    gentle bends, waits of 15-30 min at locks, 1 % empty positions."""
    rows = []
    for k in range(28):
        ship = ["Johanna", "Avanti", "Eendracht", "Nooit Gedacht"][k % 4]
        lat, lon = 52.09 + rng.uniform(-0.05, 0.05), 5.05 + rng.uniform(-0.08, 0.08)
        head = math.radians(rng.uniform(0, 360))
        t = pd.Timestamp("2026-03-02 06:30") + pd.Timedelta(
            days=k, minutes=int(rng.integers(0, 90))
        )
        lock = 0
        for _ in range(int(rng.integers(200, 280))):
            if lock:
                v, lock = 0.0, lock - 1
            else:
                v = rng.uniform(2.5, 3.5)
                head += rng.normal(0, 0.03)
                if rng.random() < 0.008:
                    lock = int(rng.integers(30, 60))
            lat, lon = step(lat, lon, head, v * 30)
            t += pd.Timedelta(seconds=30)
            la, lo = noisy(rng, lat, lon, 4)
            ok = rng.random() > 0.01
            rows.append(
                (
                    ship,
                    t.strftime("%d-%m-%Y"),
                    t.strftime("%H:%M:%S"),
                    f"{la:.6f}".replace(".", ",") if ok else "",
                    f"{lo:.6f}".replace(".", ",") if ok else "",
                    f"{v * 3.6:.1f}".replace(".", ","),
                    "schutten" if lock else "varen",
                )
            )
    cols = ["Schip", "Datum", "Tijd", "Breedtegraad", "Lengtegraad", "Snelheid (km/u)", "Status"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "canal_barges.csv", index=False, sep=";")


SETS = [
    stork_ornitela,
    yacht_race,
    formula_e_motec,
    tokyo_couriers,
    kobo_survey,
    glider_flights,
    school_buses,
    canal_barges,
]
FILES = {
    "stork_ornitela": "stork_ornitela.csv",
    "yacht_race": "yacht_race.json",
    "formula_e_motec": "formula_e_motec.csv",
    "tokyo_couriers": "tokyo_couriers.csv",
    "kobo_survey": "kobo_survey.json",
    "glider_flights": "glider_flights.geojson",
    "school_buses": "school_buses.csv",
    "canal_barges": "canal_barges.csv",
}


def main() -> None:
    write_sets(SETS, "HELDOUT27", 2700, FILES)


if __name__ == "__main__":
    main()
