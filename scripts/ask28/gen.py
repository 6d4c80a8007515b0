"""Set 28's three data sets (ask28), seeded, written before any answer was read.

Writes under $ASK28_OUT (default /tmp/ask28):
- waste.csv: a Dutch city's refuse collection (ISO times with a +01:00 offset, Amsterdam; 10-s fixes;
  refuse lorries RCV-11 / RCV-12 / RCV-14 and a street sweeper SWEEP-3; Mon 16 - Sat 21 Nov 2026;
  task_type "collection round" / "tip run" (to the incinerator); RCV-14 in the workshop on Thursday);
- rowing.csv: a rowing club's outings on a river (UTC epoch seconds, asked in Europe/London; 5-s fixes;
  boats M8A, W8B, M4X, W1X; Thu 5 - Sun 15 Nov 2026; piece "steady state" / "pieces" / "race");
- drone.csv: a survey firm's drone sorties (US month-first 12-hour clock `mm/dd/YYYY hh:MM:SS AM`,
  naive America/Denver; 2-s fixes; airframes M300-A / M300-B / EVO-2; Mon 9 - Fri 13 Nov 2026;
  job "mapping" / "inspection").

    python scripts/ask28/gen.py        # then bash scripts/ask28/ingest.sh
"""

import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK28_OUT", "/tmp/ask28"))
rng = np.random.default_rng(28)


def path(points, t0, kmh, step_s, dwells=(), noise_m=1.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


def waste() -> pd.DataFrame:
    depot = (52.3600, 4.9000)
    incinerator = (52.4000, 4.8300)  # ~6 km north-west
    rows, n = [], 0
    for day in pd.date_range("2026-11-16", "2026-11-21"):
        for unit in ["RCV-11", "RCV-12", "RCV-14", "SWEEP-3"]:
            if unit == "RCV-14" and day.day == 19:  # the workshop
                continue
            if unit != "SWEEP-3" and day.day_of_week == 5:  # no collection on Saturday
                continue
            t = day + pd.Timedelta(hours=6, minutes=int(rng.integers(0, 40)))
            rounds = 1 if unit == "SWEEP-3" else int(rng.integers(2, 4))
            for _ in range(rounds):
                n += 1
                area = offset(*depot, rng.uniform(1, 4), rng.uniform(0, 360))
                pts = [depot] + [
                    offset(*area, rng.uniform(0.1, 0.9), rng.uniform(0, 360))
                    for _ in range(int(rng.integers(14, 24)))
                ]
                kmh = 8 if unit == "SWEEP-3" else 14
                dw = [rng.uniform(0.5, 2.0) for _ in pts]  # bins / kerbs
                T, LA, LO = path(pts + [depot], t, kmh, 10, dwells=dw, noise_m=1.5)
                label = "sweeping" if unit == "SWEEP-3" else "collection round"
                rows += [(unit, n, a, b, c, label) for a, b, c in zip(T, LA, LO, strict=True)]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(5, 15)))
                if unit == "SWEEP-3":
                    continue
                n += 1  # a tip run after every round: depot -> incinerator (tipping) -> depot
                T, LA, LO = path(
                    [depot, incinerator, depot],
                    t,
                    38,
                    10,
                    dwells=(rng.uniform(8, 20),),
                    noise_m=1.5,
                )
                rows += [(unit, n, a, b, c, "tip run") for a, b, c in zip(T, LA, LO, strict=True)]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(10, 30)))
    df = pd.DataFrame(rows, columns=["lorry", "task", "ts", "lat", "lon", "task_type"])
    df["time"] = df.ts.dt.strftime("%Y-%m-%dT%H:%M:%S+01:00")
    return df[["lorry", "task", "time", "lat", "lon", "task_type"]]


def rowing() -> pd.DataFrame:
    """Out and back along a river reach (about 4 km west-east), London local days as UTC epoch seconds."""
    boathouse = (51.4670, -0.2170)
    reach = [offset(*boathouse, 1.0 * k, 80 + 10 * math.sin(k)) for k in range(1, 6)]
    boats = {"M8A": 17, "W8B": 15.5, "M4X": 16, "W1X": 12.5}  # km/h on steady state
    rows, n = [], 0
    for day in pd.date_range("2026-11-05", "2026-11-15"):
        for boat, kmh in boats.items():
            if day.day_of_week in (0, 4) or (boat == "W1X" and day.day_of_week == 2):
                continue  # rest days; the sculler off on Wednesdays
            weekend = day.day_of_week >= 5
            hour = 8 if weekend else 6
            t = day + pd.Timedelta(hours=hour, minutes=int(rng.integers(0, 30)))
            kind = (
                "race"
                if (day.day == 14)
                else ("pieces" if day.day_of_week in (1, 3) else "steady state")
            )
            n += 1
            legs = int(rng.integers(2, 4)) * 2  # up and down the reach
            pts = [boathouse]
            for k in range(legs):
                pts += list(reach) if k % 2 == 0 else list(reversed(reach[:-1])) + [boathouse]
            speed = kmh * (1.2 if kind != "steady state" else 1.0)
            dw = [rng.uniform(1, 4) if (i % 5 == 4) else 0 for i in range(len(pts))]
            T, LA, LO = path(pts, t, speed, 5, dwells=dw, noise_m=2.0)
            rows += [(boat, f"O{n:03d}", a, b, c, kind) for a, b, c in zip(T, LA, LO, strict=True)]
    df = pd.DataFrame(rows, columns=["boat", "outing", "ts", "lat", "lon", "piece"])
    utc = df.ts.dt.tz_localize("Europe/London").dt.tz_convert("UTC")
    df["epoch_s"] = (utc - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(seconds=1)
    return df[["boat", "outing", "epoch_s", "lat", "lon", "piece"]]


def drone() -> pd.DataFrame:
    """Lawnmower passes over sites near Denver at ~10 m/s; inspections fly a short loop and hover."""
    base = (39.7400, -104.9900)
    sites = [offset(*base, rng.uniform(5, 30), rng.uniform(0, 360)) for _ in range(5)]
    frames, n = [], 0
    for day in pd.date_range("2026-11-09", "2026-11-13"):
        site = sites[day.day_of_week]
        for ship in ["M300-A", "M300-B", "EVO-2"]:
            if ship == "EVO-2" and day.day_of_week == 2:
                continue
            t = day + pd.Timedelta(hours=8, minutes=int(rng.integers(0, 60)))
            for _ in range(int(rng.integers(3, 6))):
                n += 1
                if ship == "EVO-2":
                    pts = [site] + [offset(*site, 0.3, b) for b in (0, 120, 240)] + [site]
                    T, LA, LO = path(
                        pts, t, 25, 2, dwells=(rng.uniform(3, 8), rng.uniform(2, 5)), noise_m=0.5
                    )
                    job = "inspection"
                else:
                    pts = [site]
                    o = 0.5 if ship == "M300-B" else 0.0
                    for k in range(int(rng.integers(8, 14))):
                        a = offset(*site, o + 0.05 * k, 90)
                        pts += [a, offset(*a, 0.9, 0)] if k % 2 == 0 else [offset(*a, 0.9, 0), a]
                    pts.append(site)
                    T, LA, LO = path(pts, t, 36, 2, noise_m=0.5)
                    job = "mapping"
                frames.append(
                    pd.DataFrame(
                        {
                            "airframe": ship,
                            "sortie": f"S{n:03d}",
                            "ts": T,
                            "lat": LA,
                            "lon": LO,
                            "job": job,
                        }
                    )
                )
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(10, 40)))  # batteries swapped
    df = pd.concat(frames, ignore_index=True)
    df["datetime"] = df.ts.dt.strftime("%m/%d/%Y %I:%M:%S %p")
    return df[["airframe", "sortie", "datetime", "lat", "lon", "job"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [("waste", waste), ("rowing", rowing), ("drone", drone)]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows")
