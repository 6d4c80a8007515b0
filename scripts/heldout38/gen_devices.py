# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout38, a camera's, a car's and a phone's exports: three kinds no
earlier session read (docs/data.md "Session 38 (heldout38)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout38/gen_devices.py [OUTDIR]   # default $HELDOUT38/raw or /tmp/heldout38/raw
Outputs (under OUTDIR): GX010042-GPS5.csv (GoPro Telemetry Extractor's GPS5 CSV: `cts` ms from
the clip's start, `date` ISO UTC, `GPS (Lat.) [deg]`, `GPS (Long.) [deg]`, `GPS (Alt.) [m]`,
`GPS (2D speed) [m/s]`, ... at ~18 Hz), positions.csv (TeslaMate's `positions` table from
`\\copy ... CSV HEADER`: `id`, `date` timestamp without zone in UTC, `latitude`, `longitude`,
`speed` km/h, ..., `car_id`, `drive_id`), samsunghealth/ (a Samsung Health "Download personal
data" folder: `jsons/com.samsung.shealth.exercise/<d>/<uuid>.com.samsung.health.exercise.
location_data.json`, one per workout: `[{start_time Unix ms, latitude, longitude, altitude,
accuracy}]`, beside the exercise CSV whose rows are the workouts' summaries).
Same seed, same bytes.
"""

import json
import sys
import uuid
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402

FILES = {"gopro": "GX010042-GPS5.csv", "teslamate": "positions.csv",
         "samsung": "samsunghealth"}  # fmt: skip


def _track(rng, lat, lon, t, n, dt, speed, sd=3.0):
    pts = []
    for t, lat, lon, v, _h in _legs(rng, lat, lon, t, n, dt, speed, 0.06, stop_p=0.005):
        la, lo = noisy(rng, lat, lon, sd)
        pts.append((t, round(la, 7), round(lo, 7), round(v, 3)))
    return pts


def gopro(rng, out: Path) -> None:
    """One mountain-bike descent near Innsbruck filmed on a HERO11, its GPS5 stream extracted
    with GoPro Telemetry Extractor: ~18.2 samples a second for 4 minutes; `cts` milliseconds
    from the clip's start, `date` the GPS time, bracketed units in the headers."""
    t0 = pd.Timestamp("2026-09-12 10:41:07.120", tz="UTC")
    pts = _track(rng, 47.2305, 11.3801, t0, 4400, 1 / 18.18, lambda: rng.uniform(5, 11), 1.0)
    rows = [{"cts": round((t - t0).total_seconds() * 1000, 3), "date": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
             "GPS (Lat.) [deg]": la, "GPS (Long.) [deg]": lo,
             "GPS (Alt.) [m]": round(1900 - 0.05 * i + float(rng.normal(0, 0.4)), 3),
             "GPS (2D speed) [m/s]": v, "GPS (3D speed) [m/s]": round(v * 1.01, 3),
             "fix": 3, "precision": int(rng.integers(110, 190))}
            for i, (t, la, lo, v) in enumerate(pts)]  # fmt: skip
    pd.DataFrame(rows).to_csv(out / FILES["gopro"], index=False)


def teslamate(rng, out: Path) -> None:
    """Two cars' positions from a TeslaMate database, `\\copy positions TO 'positions.csv' CSV
    HEADER`: 12 drives over three days (`drive_id`), `date` a timestamp without zone holding
    UTC, `speed` km/h (integer), psql's `t` / `f` booleans and empty NULLs; rows by `id`."""
    rows, pid, drive = [], 1, 0
    for day in range(3):
        for car in (1, 2):
            for trip in range(2):
                drive += 1
                t = pd.Timestamp("2026-11-02 07:10") + pd.Timedelta(days=day, hours=9 * trip,
                                                                     minutes=float(rng.uniform(0, 50)))  # fmt: skip
                lat, lon = (52.09, 5.12) if car == 1 else (52.37, 4.90)
                odo = 18000.0 * car + 60 * day + 30 * trip
                for t, la, lo, v in _track(rng, lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02),
                                           t, int(rng.integers(120, 260)), 15.0, lambda: rng.uniform(8, 25)):  # fmt: skip
                    odo += v * 15 / 1000
                    rows.append({"id": pid, "date": t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], "latitude": la,
                                 "longitude": lo, "speed": int(round(v * 3.6)),
                                 "power": int(rng.integers(-10, 60)), "odometer": round(odo, 3),
                                 "ideal_battery_range_km": None, "battery_level": int(rng.integers(40, 90)),
                                 "outside_temp": 6.5, "elevation": int(rng.integers(-2, 12)),
                                 "fan_status": None, "is_climate_on": "t", "car_id": car,
                                 "drive_id": drive, "battery_heater_on": "f"})  # fmt: skip
                    pid += 1
    pd.DataFrame(rows).sort_values("id").to_csv(out / FILES["teslamate"], index=False)


def samsung(rng, out: Path) -> None:
    """A Samsung Health export folder with 6 runs and walks in Seoul: each workout's route in
    its own `<uuid>.com.samsung.health.exercise.location_data.json` (a list of `start_time`
    Unix ms, `latitude`, `longitude`, `altitude`, `accuracy`, one a second or so), under a
    one-hex-digit folder, beside `com.samsung.shealth.exercise.<stamp>.csv` (a summary row a
    workout, its first line the table's name)."""
    base = out / FILES["samsung"]
    ex = base / "jsons" / "com.samsung.shealth.exercise"
    summary = []
    for k in range(6):
        uid = str(uuid.UUID(int=int(rng.integers(1 << 62)) << 64 | int(rng.integers(1 << 62))))
        t0 = pd.Timestamp("2026-10-20 21:30", tz="UTC") + pd.Timedelta(
            days=k, minutes=float(rng.uniform(0, 60))
        )
        run = k % 2 == 0
        pts = _track(rng, 37.52 + rng.uniform(-0.01, 0.01), 126.98 + rng.uniform(-0.02, 0.02), t0,
                     int(rng.integers(600, 1200)), 1.0,
                     (lambda: rng.uniform(2.6, 3.6)) if run else (lambda: rng.uniform(1.1, 1.5)))  # fmt: skip
        recs = [{"start_time": int(t.timestamp() * 1000), "latitude": la, "longitude": lo,
                 "altitude": round(float(rng.uniform(15, 40)), 1),
                 "accuracy": round(float(rng.uniform(3, 12)), 1)} for t, la, lo, _v in pts]  # fmt: skip
        d = ex / uid[0]
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{uid}.com.samsung.health.exercise.location_data.json").write_text(json.dumps(recs))
        summary.append({"com.samsung.health.exercise.start_time": t0.strftime("%Y-%m-%d %H:%M:%S.000"),
                        "com.samsung.health.exercise.end_time": pts[-1][0].strftime("%Y-%m-%d %H:%M:%S.000"),
                        "com.samsung.health.exercise.exercise_type": 1002 if run else 1001,
                        "com.samsung.health.exercise.distance": 0.0,
                        "com.samsung.health.exercise.location_data": f"{uid}.com.samsung.health.exercise.location_data.json",
                        "com.samsung.health.exercise.datauuid": uid})  # fmt: skip
    csv = base / "com.samsung.shealth.exercise.20261027093012.csv"
    body = pd.DataFrame(summary).to_csv(index=False)
    csv.write_text("com.samsung.shealth.exercise,6313002,4\n" + body)


if __name__ == "__main__":
    write_sets([gopro, teslamate, samsung], "HELDOUT38", 3820, FILES)
