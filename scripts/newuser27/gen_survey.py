"""Session 27 new-user test: a smartphone travel-survey export, as a transport-planning student
gets it from the survey app (persona: docs/api.md "Session 27 (newuser27)").

What it writes: 12 participants x 5 weekdays around Chicago's Loop (Wed 28 Oct - Tue 3 Nov 2026,
across the end of daylight time on Sun 1 Nov), one row per GPS fix while a trip is on (the app
sleeps between trips): `person_id, trip_id, local_time` (naive text in America/Chicago, as the
app shows it), `latitude, longitude, accuracy_m, travel_mode` (car / bus / bike / walk). Fixes
every 5-15 s with 5-30 m noise, 2 % with a 60-400 m accuracy; 3-4 trips a day (home -> work,
a lunch walk, work -> home, some evenings out); one night trip home on Sun 1 Nov from 01:40 CDT
to about 01:15 CST (its local times run 01:45 .. 01:59 then 01:00 ..: the hour repeats).
Seeded: the same file every run.

Command: PYTHONPATH=. python scripts/newuser27/gen_survey.py [OUT_DIR]
Output: OUT_DIR/survey.csv (default OUT_DIR: $NEWUSER27_OUT or /tmp/newuser27).
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

LOOP = (41.8826, -87.6278)
M_LAT = 111_320.0
M_LON = 111_320.0 * np.cos(np.radians(LOOP[0]))
SPEED = {"car": 9.0, "bus": 5.5, "bike": 4.5, "walk": 1.35}  # m/s while moving
DAYS = ["2026-10-28", "2026-10-29", "2026-10-30", "2026-11-02", "2026-11-03"]
ZONE = "America/Chicago"


def trip(rng, start_utc: pd.Timestamp, a: np.ndarray, b: np.ndarray, mode: str) -> list[dict]:
    """Fixes of one trip from a to b (metres east / north of the Loop) on a Manhattan path."""
    corner = np.array([b[0], a[1]]) if rng.random() < 0.5 else np.array([a[0], b[1]])
    legs = [(a, corner), (corner, b)]
    rows, t = [], start_utc
    for p, q in legs:
        length = float(np.abs(q - p).sum())
        pos = 0.0
        while pos < length:
            dt = float(rng.uniform(5, 15))
            v = SPEED[mode] * rng.uniform(0.6, 1.2)
            if mode in ("bus", "car") and rng.random() < 0.12:
                v = 0.0  # a light or a bus stop
            pos = min(length, pos + v * dt)
            xy = p + (q - p) * (pos / length if length else 1.0)
            acc = float(rng.uniform(5, 30)) if rng.random() > 0.02 else float(rng.uniform(60, 400))
            noise = rng.normal(0, acc / 2, 2)
            t = t + pd.Timedelta(seconds=dt)
            rows.append(dict(t=t, x=xy[0] + noise[0], y=xy[1] + noise[1], acc=round(acc, 1)))
    return rows


def main(out: Path) -> None:
    rng = np.random.default_rng(27)
    rows = []
    for p in range(12):
        pid = f"P{p + 1:02d}"
        home = rng.uniform(-6000, 6000, 2)
        work = rng.uniform(-1500, 1500, 2)
        commute = rng.choice(["car", "bus", "bike"], p=[0.4, 0.4, 0.2])
        n = 0
        for day in DAYS:
            local = pd.Timestamp(day).tz_localize(ZONE)
            plan = [(7.2 + rng.uniform(0, 1.5), home, work, commute),
                    (12.0 + rng.uniform(0, 0.5), work, work + rng.uniform(-500, 500, 2), "walk"),
                    (16.5 + rng.uniform(0, 2), work, home, commute)]  # fmt: skip
            if rng.random() < 0.3:
                plan.append((19.5 + rng.uniform(0, 1), home, rng.uniform(-3000, 3000, 2), "car"))
            for hour, a, b, mode in plan:
                n += 1
                start = (local + pd.Timedelta(hours=hour)).tz_convert("UTC")
                for r in trip(rng, start, a, b, mode):
                    rows.append(dict(person_id=pid, trip_id=f"{pid}-T{n:03d}", mode=mode, **r))
                if mode == "walk":  # back from lunch
                    n += 1
                    back = start + pd.Timedelta(minutes=40)
                    for r in trip(rng, back, b, a, "walk"):
                        rows.append(dict(person_id=pid, trip_id=f"{pid}-T{n:03d}", mode=mode, **r))
        if pid == "P07":  # a night ride home across the end of daylight time (Sun 1 Nov)
            start = pd.Timestamp("2026-11-01 01:45").tz_localize(ZONE, ambiguous=True)
            far = home + np.array([8000.0, 6000.0])  # ~14 km: about half an hour by car
            for r in trip(rng, start.tz_convert("UTC"), far, home, "car"):
                rows.append(dict(person_id=pid, trip_id=f"{pid}-T{n + 1:03d}", mode="car", **r))
    df = pd.DataFrame(rows)
    local = df["t"].dt.tz_convert(ZONE).dt.tz_localize(None)
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({
        "person_id": df.person_id, "trip_id": df.trip_id,
        "local_time": local.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "latitude": (LOOP[0] + df.y / M_LAT).round(6), "longitude": (LOOP[1] + df.x / M_LON).round(6),
        "accuracy_m": df.acc, "travel_mode": df["mode"],
    }).to_csv(out / "survey.csv", index=False)  # fmt: skip
    print(
        f"wrote {out / 'survey.csv'}: {len(df)} rows, {df.trip_id.nunique()} trips, "
        f"{df.person_id.nunique()} participants"
    )


if __name__ == "__main__":
    main(
        Path(
            sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER27_OUT", "/tmp/newuser27")
        )
    )
