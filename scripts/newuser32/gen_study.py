"""Session 32 new-user data: a seeded smartphone mobility study, as an app's export gives it.

What it writes (seeded, no real data):

- `gps.csv`: one row per location fix as a research app exports it: `participant_id` (P01..),
  `timestamp` (ISO text on the PHONE's UTC offset: most phones on Amsterdam's +01:00, three
  participants' phones left on New York's -05:00 and one on London's +00:00 written as `Z`),
  `latitude`, `longitude`, `accuracy` (metres; indoors 30-80, 1 % cell-tower fixes at
  800-2,000 m). Sampling as such apps do: every 10-30 s while moving, every 5 min while still,
  nothing while the phone sleeps (00:30-06:30) and random 20-90 min gaps (OS killed the app).
  Each participant has a home and a work place (secret), 3 other places, weekday commutes and
  weekend outings by walk / bike / bus / car / train.
- `survey_trips.csv`: the travel diary: participant_id, trip_no, depart (naive local text,
  Europe/Amsterdam, rounded to 5 min as people recall), arrive, stated mode (a few wrong).
- `participants.csv`: participant_id, home_lat, home_lon, work_lat, work_lon (the private table).

Command: PYTHONPATH=. python scripts/newuser32/gen_study.py [OUT] [N_PARTICIPANTS] [DAYS] [SEED]
[--session32] (default OUT $NEWUSER32_OUT or /tmp/newuser32, 40 participants, 14 days, seed 32).
`--session32` writes session 32's data, whose stays at home ended at midnight (no fix from
midnight to the morning trip: next32's finding, fixed in leftover33); newuser32's and stays32's
numbers were measured on it.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

CENTRE = (52.370, 4.895)  # Amsterdam (lat, lon)
M_LAT = 111_320.0
M_LON = M_LAT * math.cos(math.radians(CENTRE[0]))
DAY0 = pd.Timestamp("2026-03-02", tz="Europe/Amsterdam")  # a Monday (CET, +01:00)
SPEED = {"walk": 1.35, "bike": 4.6, "bus": 6.5, "car": 10.0, "train": 22.0}
OTHER_ZONES = {"P05": "America/New_York", "P17": "America/New_York", "P29": "America/New_York",
               "P33": "Europe/London"}  # fmt: skip


def _ll(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local metres east / north of the centre -> (lat, lon)."""
    return CENTRE[0] + np.asarray(y) / M_LAT, CENTRE[1] + np.asarray(x) / M_LON


def _mode_for(d_m: float, rng: np.random.Generator) -> str:
    if d_m < 1_500:
        return rng.choice(["walk", "bike"], p=[0.6, 0.4])
    if d_m < 6_000:
        return rng.choice(["bike", "bus", "car"], p=[0.6, 0.25, 0.15])
    if d_m < 15_000:
        return rng.choice(["bus", "car", "train"], p=[0.3, 0.4, 0.3])
    return rng.choice(["car", "train"], p=[0.4, 0.6])


def _path(rng, a: np.ndarray, b: np.ndarray, mode: str, t0: float) -> tuple[list, list, list]:
    """Second-by-second (t, x, y) from a to b along a bent line; buses stop, trains are straight."""
    d = float(np.hypot(*(b - a)))
    n_bend = 0 if mode == "train" else int(rng.integers(1, 4))
    pts = [a]
    for k in range(1, n_bend + 1):
        f = k / (n_bend + 1)
        off = rng.normal(0, 0.12 * d, 2)
        pts.append(a + f * (b - a) + off)
    pts.append(b)
    ts, xs, ys = [], [], []
    t = t0
    for p, q in zip(pts[:-1], pts[1:], strict=True):
        seg = float(np.hypot(*(q - p)))
        v = SPEED[mode] * rng.uniform(0.8, 1.2)
        n = max(int(seg / v), 1)
        f = np.arange(n) / n
        ts.extend(t + np.arange(n))
        xs.extend(p[0] + f * (q[0] - p[0]))
        ys.extend(p[1] + f * (q[1] - p[1]))
        t += n
        if mode == "bus":  # a stop at each bend
            dwell = int(rng.uniform(20, 60))
            ts.extend(t + np.arange(dwell))
            xs.extend([q[0]] * dwell)
            ys.extend([q[1]] * dwell)
            t += dwell
    return ts, xs, ys


def _next_move(visits: list, i: int, place: np.ndarray) -> float | None:
    """When the stay at `place` reached by visit `i` ends: the next visit elsewhere (a day's
    midnight "home" visit is no move), None after the last."""
    return next((t for t, p in visits[i + 1 :] if not np.allclose(p, place)), None)


def participant(pid: str, days: int, rng: np.random.Generator, session32: bool = False):
    """(fixes frame in UTC seconds + local metres, diary rows, private row) for one person.
    ``session32``: session 32's data (next32's finding: a stay at home ended at midnight, the
    day's own "home" visit being skipped as no move, so no fix from midnight to the morning
    trip and the day's first stay unseen; leftover33 fixed it)."""
    home = rng.normal(0, 3_500, 2)
    work = home + rng.normal(0, 5_000, 2) if rng.random() < 0.8 else rng.normal(0, 12_000, 2)
    places = [home + rng.normal(0, 2_500, 2) for _ in range(3)]
    day0 = DAY0.timestamp()
    visits: list[tuple[float, np.ndarray]] = []  # (arrive t, place) in order
    for d in range(days):
        base = day0 + d * 86_400
        weekday = (d % 7) < 5
        plan = [(base, home)]
        if weekday:
            t_go = base + 3600 * rng.uniform(7.2, 9.0)
            plan.append((t_go, work))
            t_back = base + 3600 * rng.uniform(16.5, 18.5)
            if rng.random() < 0.4:
                plan.append((t_back, places[rng.integers(3)]))
                t_back += 3600 * rng.uniform(0.5, 1.5)
            plan.append((t_back, home))
        else:
            t = base + 3600 * rng.uniform(10, 13)
            for _ in range(int(rng.integers(1, 3))):
                plan.append((t, places[rng.integers(3)]))
                t += 3600 * rng.uniform(1, 3)
            plan.append((t, home))
        visits.extend(plan)
    rows_t, rows_x, rows_y, moving = [], [], [], []
    diary = []
    here = home
    trip_no = 0
    for i, (t_leave, dest) in enumerate(visits):
        if np.allclose(dest, here):
            if i == 0 and not session32:  # at home from the first midnight to the first trip
                still = np.arange(t_leave, _next_move(visits, i, here) or t_leave + 3600, 60.0)
                rows_t.extend(still)
                rows_x.extend([here[0]] * len(still))
                rows_y.extend([here[1]] * len(still))
                moving.extend([False] * len(still))
            continue
        d = float(np.hypot(*(dest - here)))
        mode = _mode_for(d, rng)
        ts, xs, ys = _path(rng, here, dest, mode, t_leave)
        if i + 1 < len(visits) and ts[-1] >= visits[i + 1][0] - 600:
            continue  # no room for this trip before the next one: skip it (stay where we are)
        trip_no += 1
        stated = mode if rng.random() > 0.05 else rng.choice(list(SPEED))
        diary.append((pid, trip_no, ts[0], ts[-1], stated, mode))
        rows_t.extend(ts)
        rows_x.extend(xs)
        rows_y.extend(ys)
        moving.extend([True] * len(ts))
        # still at the destination until the next trip (1 s grid only at the sample times)
        t_end = visits[i + 1][0] if i + 1 < len(visits) else ts[-1] + 3600
        if not session32:  # the stay lasts until the next trip, past midnight
            t_end = _next_move(visits, i, dest) or ts[-1] + 3600
        still = np.arange(ts[-1] + 60, t_end, 60.0)
        rows_t.extend(still)
        rows_x.extend([dest[0]] * len(still))
        rows_y.extend([dest[1]] * len(still))
        moving.extend([False] * len(still))
        here = dest
    t = np.asarray(rows_t, float)
    x = np.asarray(rows_x)
    y = np.asarray(rows_y)
    mv = np.asarray(moving)
    order = np.argsort(t, kind="stable")
    t, x, y, mv = t[order], x[order], y[order], mv[order]
    # sampling: moving every 10-30 s, still every 5 min
    keep = np.zeros(len(t), bool)
    last = -1e18
    gap_next = 0.0
    for k in range(len(t)):
        if t[k] - last >= gap_next:
            keep[k] = True
            last = t[k]
            gap_next = rng.uniform(10, 30) if mv[k] else 300.0
    # the phone sleeps 00:30-06:30 local, and the OS kills the app now and then
    local_h = ((t - day0) % 86_400) / 3600
    keep &= ~((local_h > 0.5) & (local_h < 6.5))
    for _ in range(days * 2):
        a = rng.uniform(t[0], t[-1])
        keep &= ~((t > a) & (t < a + rng.uniform(1200, 5400)))
    t, x, y, mv = t[keep], x[keep], y[keep], mv[keep]
    acc = np.where(mv, rng.uniform(4, 15, len(t)), rng.uniform(10, 80, len(t)))
    tower = rng.random(len(t)) < 0.01
    acc[tower] = rng.uniform(800, 2_000, tower.sum())
    noise = acc / 2
    x = x + rng.normal(0, 1, len(t)) * noise
    y = y + rng.normal(0, 1, len(t)) * noise
    lat, lon = _ll(x, y)
    fixes = pd.DataFrame({"participant_id": pid, "t": t, "latitude": lat.round(6),
                          "longitude": lon.round(6), "accuracy": acc.round(1)})  # fmt: skip
    hlat, hlon = _ll(home[0], home[1])
    wlat, wlon = _ll(work[0], work[1])
    private = (pid, round(float(hlat), 6), round(float(hlon), 6),
               round(float(wlat), 6), round(float(wlon), 6))  # fmt: skip
    return fixes, diary, private


def _phone_text(t: pd.Series, zone: str) -> pd.Series:
    """ISO text on the phone's zone offset, as the app writes it."""
    ts = pd.to_datetime(t, unit="s", utc=True).dt.tz_convert(zone)
    text = ts.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    text = text.str.replace(r"([+-]\d\d)(\d\d)$", r"\1:\2", regex=True)
    return text.str.replace("+00:00", "Z", regex=False)


def main(out: Path, n: int = 40, days: int = 14, seed: int = 32, session32: bool = False) -> None:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    frames, diary, private = [], [], []
    for i in range(1, n + 1):
        pid = f"P{i:02d}"
        f, d, p = participant(pid, days, rng, session32)
        f["timestamp"] = _phone_text(f["t"], OTHER_ZONES.get(pid, "Europe/Amsterdam"))
        frames.append(f.drop(columns="t"))
        diary.extend(d)
        private.append(p)
    gps = pd.concat(frames, ignore_index=True)
    gps = gps[["participant_id", "timestamp", "latitude", "longitude", "accuracy"]]
    gps.to_csv(out / "gps.csv", index=False)
    dia = pd.DataFrame(
        diary, columns=["participant_id", "trip_no", "t0", "t1", "mode", "true_mode"]
    )
    for c, name in (("t0", "depart"), ("t1", "arrive")):
        local = pd.to_datetime(dia[c], unit="s", utc=True).dt.tz_convert("Europe/Amsterdam")
        dia[name] = local.dt.round("5min").dt.strftime("%Y-%m-%d %H:%M")
    dia[["participant_id", "trip_no", "depart", "arrive", "mode"]].to_csv(
        out / "survey_trips.csv", index=False
    )
    dia[["participant_id", "trip_no", "t0", "t1", "true_mode"]].to_csv(
        out / "survey_truth.csv", index=False
    )
    pd.DataFrame(private, columns=["participant_id", "home_lat", "home_lon", "work_lat",
                                   "work_lon"]).to_csv(out / "participants.csv", index=False)  # fmt: skip
    print(f"wrote {out}: gps.csv {len(gps):,} fixes of {n} participants x {days} days, "
          f"survey_trips.csv {len(dia):,} trips, participants.csv")  # fmt: skip


if __name__ == "__main__":
    a = [x for x in sys.argv[1:] if x != "--session32"]
    main(
        Path(a[0] if a else os.environ.get("NEWUSER32_OUT", "/tmp/newuser32")),
        int(a[1]) if len(a) > 1 else 40,
        int(a[2]) if len(a) > 2 else 14,
        int(a[3]) if len(a) > 3 else 32,  # stays32: a fresh seed
        "--session32" in sys.argv,  # session 32's data, as newuser32 / stays32 measured it
    )
