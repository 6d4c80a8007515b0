# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout37, a researcher's and a phone's files: four kinds no earlier
session read (docs/data.md "Session 37 (heldout37)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout37/gen_files.py [OUTDIR]   # default $HELDOUT37/raw or /tmp/heldout37/raw
Outputs (under OUTDIR): biwi_hotel.txt (the ETH / UCY pedestrian benchmark's text form:
headerless, tab-separated `frame ped x y`, metres on the ground plane, a frame every 10 at
25 fps), od_weekday_2026-11.csv (an origin-destination matrix between zones: zone centroids,
departure hour, trip counts; NOT trajectories), tracks.pkl (a pandas DataFrame saved with
`to_pickle`), tracks (OsmAnd's trip-recording SQLite database as pulled from the phone, no
suffix: table `track` lat / lon / alt / speed / hdop / date (Unix ms) / heading / plugins_info).
Same seed, same bytes.
"""

import math
import sqlite3
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402

FILES = {"ethucy": "biwi_hotel.txt", "od_matrix": "od_weekday_2026-11.csv",
         "pickle": "tracks.pkl", "osmand": "tracks"}  # fmt: skip


def ethucy(rng, out: Path) -> None:
    """40 pedestrians crossing a 15 x 12 m hotel entrance, the ETH / UCY text layout (the
    trajectory-prediction benchmark's `biwi_hotel.txt`): `frame\\tped\\tx\\ty`, floats written
    `780.0`, one row per pedestrian per annotated frame (every 10th of 25 fps = 0.4 s), rows in
    frame order, pedestrians overlapping in time."""
    rows = []
    for ped in range(1, 41):
        f0 = int(rng.integers(0, 300)) * 10
        x, y = rng.uniform(-1, 14), rng.choice([-0.5, 11.5])
        head = (math.pi / 2 if y < 0 else -math.pi / 2) + rng.normal(0, 0.3)
        v = rng.uniform(0.9, 1.6)
        for k in range(int(rng.integers(12, 40))):
            head += rng.normal(0, 0.05)
            x += v * 0.4 * math.cos(head) + rng.normal(0, 0.02)
            y += v * 0.4 * math.sin(head) + rng.normal(0, 0.02)
            rows.append((f0 + 10 * k, ped, round(x, 2), round(y, 2)))
    rows.sort()
    text = "".join(f"{f:.1f}\t{p:.1f}\t{x:.2f}\t{y:.2f}\n" for f, p, x, y in rows)
    (out / FILES["ethucy"]).write_text(text)


def od_matrix(rng, out: Path) -> None:
    """A city's weekday OD matrix from a mobile-phone data provider: 30 zones in Madrid, trips
    between zone pairs by departure hour (`origin_zone`, `destination_zone`, `origin_lat`,
    `origin_lon`, `destination_lat`, `destination_lon`, `departure_hour`, `trips`,
    `mean_duration_min`); a matrix of flows, no mover's path."""
    zones = [(f"28079{z:03d}", 40.42 + rng.normal(0, 0.03), -3.70 + rng.normal(0, 0.04))
             for z in range(1, 31)]  # fmt: skip
    rows = []
    for hour in range(24):
        for o in zones:
            for d in zones:
                if o is d or rng.random() < 0.7:
                    continue
                km = math.hypot(o[1] - d[1], (o[2] - d[2]) * 0.77) * 111
                rows.append({"origin_zone": o[0], "destination_zone": d[0],
                             "origin_lat": round(o[1], 5), "origin_lon": round(o[2], 5),
                             "destination_lat": round(d[1], 5), "destination_lon": round(d[2], 5),
                             "departure_hour": hour, "trips": int(rng.integers(5, 400)),
                             "mean_duration_min": round(6 + km * 3.1 + rng.normal(0, 2), 1)})  # fmt: skip
    pd.DataFrame(rows).to_csv(out / FILES["od_matrix"], index=False)


def _walk(rng, lat0, lon0, t, n, dt, speed):
    pts = []
    for t, lat, lon, v, hd in _legs(rng, lat0, lon0, t, n, dt, speed, 0.1, stop_p=0.01):
        la, lo = noisy(rng, lat, lon, 4)
        pts.append((t, round(la, 6), round(lo, 6), round(v, 2), round(math.degrees(hd) % 360, 1)))
    return pts


def pickle(rng, out: Path) -> None:
    """11 delivery riders in Jakarta as an analyst's notebook saved them (`df.to_pickle`):
    `rider_id`, `ts` (datetime64[ns, UTC]), `lat`, `lon`, `speed_mps`."""
    rows = []
    t = pd.Timestamp("2026-11-03 10:00", tz="UTC")
    for k in range(11):
        lat, lon = -6.2 + rng.uniform(-0.05, 0.05), 106.82 + rng.uniform(-0.05, 0.05)
        for p, la, lo, v, _h in _walk(rng, lat, lon, t, int(rng.integers(150, 300)), 10.0,
                                      lambda: rng.uniform(3, 11)):  # fmt: skip
            rows.append((f"R-{5521 + k}", p, la, lo, v))
    df = pd.DataFrame(rows, columns=["rider_id", "ts", "lat", "lon", "speed_mps"])
    df.to_pickle(out / FILES["pickle"])


def osmand(rng, out: Path) -> None:
    """OsmAnd's trip-recording database (`/Android/data/net.osmand/.../databases/tracks`, no
    suffix): table `track` (lat, lon, alt, speed m/s, hdop, date Unix ms, heading, plugins_info)
    with four days' walks and rides at 5 s, hours apart; an empty `point` table (favourites)."""
    path = out / FILES["osmand"]
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE track (lat double, lon double, alt double, speed double, hdop double, "
               "date long, heading float, plugins_info text)")  # fmt: skip
    db.execute("CREATE TABLE point (lat double, lon double, date long, description text, "
               "group_name text)")  # fmt: skip
    t = pd.Timestamp("2026-10-28 07:30", tz="UTC")
    for day in range(4):
        for trip in range(2):
            t0 = t + pd.Timedelta(days=day, hours=trip * 9.5 + float(rng.uniform(0, 0.5)))
            ride = (day + trip) % 2 == 0
            pts = _walk(rng, 52.37 + rng.uniform(-0.02, 0.02), 4.89 + rng.uniform(-0.02, 0.02),
                        t0, int(rng.integers(150, 350)), 5.0,
                        (lambda: rng.uniform(4, 7)) if ride else (lambda: rng.uniform(1.1, 1.6)))  # fmt: skip
            db.executemany("INSERT INTO track VALUES (?,?,?,?,?,?,?,?)",
                           [(la, lo, round(float(rng.uniform(-2, 8)), 1), v,
                             round(float(rng.uniform(3, 12)), 1), int(p.timestamp() * 1000), h, None)
                            for p, la, lo, v, h in pts])  # fmt: skip
    db.commit()
    db.close()


if __name__ == "__main__":
    write_sets([ethucy, od_matrix, pickle, osmand], "HELDOUT37", 3720, FILES)
