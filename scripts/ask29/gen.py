"""Set 29's three data sets (ask29), seeded, written before any answer was read.

Writes under $ASK29_OUT (default /tmp/ask29):
- piste.csv: an Austrian ski resort's night grooming (`;`-separated, decimal commas, German headers
  Fahrzeug / Einsatz / Zeit / Breite / Laenge / Taetigkeit, dotted day-first times `27.11.2026 21:40:00`,
  naive Vienna time; 10-s fixes; piste bashers PB-01 / PB-02 / PB-03 and a winch cat WINCH-5; seven nights
  Fri 27 Nov - Thu 3 Dec 2026, the late shift running past midnight; Taetigkeit "grooming" /
  "winch grooming" / "transfer"; PB-03 off on the night of Monday 30 Nov);
- hospital.csv: a hospital campus's porters and AGVs (UTC ISO times with milliseconds and a Z, asked in
  America/Toronto; 5-s fixes; AGV-1 / AGV-2 / AGV-3 and porters POR-14 / POR-22; Mon 30 Nov - Fri 4 Dec
  2026, 07:00-19:00 local; job_type "specimens" / "meals" / "linen" / "pharmacy");
- marathon.csv: a city marathon's runner trackers (a `date` column beside a time of day `clock`, naive
  Valencia (Europe/Madrid) time; 15-s fixes; numeric bibs: elites 1-5 and 2001-2015 on the marathon,
  5001-5010 on the 10k; Sunday 29 Nov 2026; bib 2007 stops at about 30 km).

    python scripts/ask29/gen.py        # then bash scripts/ask29/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import km_between, offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK29_OUT", "/tmp/ask29"))
rng = np.random.default_rng(29)
GARAGE = (47.1290, 10.2680)  # the piste bashers' garage at the valley station
LAB = (43.6580, -79.3900)  # the hospital's core lab


def path(points, t0, kmh, step_s, dwells=(), noise_m=1.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


def piste() -> pd.DataFrame:
    """Transfer up to a piste, groom it in up-and-down passes, transfer back; two shifts a night."""
    slopes = [offset(*GARAGE, rng.uniform(1.5, 4.0), rng.uniform(100, 260)) for _ in range(6)]
    rows, n = [], 0
    for night in pd.date_range("2026-11-27", "2026-12-03"):
        for unit in ["PB-01", "PB-02", "PB-03", "WINCH-5"]:
            if unit == "PB-03" and night.day == 30:  # in the workshop
                continue
            for shift_start in (16.5, 21.5):
                t = night + pd.Timedelta(hours=shift_start, minutes=int(rng.integers(0, 50)))
                top = slopes[int(rng.integers(0, len(slopes)))]
                n += 1
                T, LA, LO = path([GARAGE, top], t, 15, 10, noise_m=1.5)
                rows += [(unit, n, a, b, c, "transfer") for a, b, c in zip(T, LA, LO, strict=True)]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(2, 8)))
                n += 1
                pts = [top]
                bottom = offset(*top, 0.9, 0)
                for k in range(int(rng.integers(6, 12))):
                    side = offset(*top, 0.03 * k, 90)
                    low = offset(*bottom, 0.03 * k, 90)
                    pts += [low, side] if k % 2 == 0 else [side, low]
                kmh, label = (5.5, "winch grooming") if unit == "WINCH-5" else (8.5, "grooming")
                dw = [rng.uniform(1, 5) if i % 4 == 3 else 0 for i in range(len(pts))]
                T, LA, LO = path(pts, t, kmh, 10, dwells=dw, noise_m=1.5)
                rows += [(unit, n, a, b, c, label) for a, b, c in zip(T, LA, LO, strict=True)]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(2, 8)))
                n += 1
                T, LA, LO = path([pts[-1], GARAGE], t, 15, 10, dwells=(0,), noise_m=1.5)
                rows += [(unit, n, a, b, c, "transfer") for a, b, c in zip(T, LA, LO, strict=True)]
    df = pd.DataFrame(rows, columns=["Fahrzeug", "Einsatz", "ts", "Breite", "Laenge", "Taetigkeit"])
    df["Zeit"] = df.ts.dt.strftime("%d.%m.%Y %H:%M:%S")
    return df[["Fahrzeug", "Einsatz", "Zeit", "Breite", "Laenge", "Taetigkeit"]]


def hospital() -> pd.DataFrame:
    """Jobs from where the goods are (stores, kitchen, lab, pharmacy) to a ward and back, local day shift."""
    stores = offset(*LAB, 0.15, 200)
    kitchen = offset(*LAB, 0.25, 140)
    pharmacy = offset(*LAB, 0.12, 20)
    wards = [offset(*LAB, rng.uniform(0.1, 0.45), rng.uniform(0, 360)) for _ in range(10)]
    origin = {"specimens": LAB, "meals": kitchen, "linen": stores, "pharmacy": pharmacy}
    rows, n = [], 0
    for day in pd.date_range("2026-11-30", "2026-12-04"):
        for mover in ["AGV-1", "AGV-2", "AGV-3", "POR-14", "POR-22"]:
            robot = mover.startswith("AGV")
            t = day + pd.Timedelta(hours=7, minutes=int(rng.integers(0, 45)))
            while t.hour < 18:
                n += 1
                kind = str(rng.choice(["specimens", "meals", "linen", "pharmacy"]))
                ward = wards[int(rng.integers(0, len(wards)))]
                pts = [origin[kind], ward, origin[kind]]
                dw = (rng.uniform(1, 4),)
                T, LA, LO = path(pts, t, 5.4 if robot else 6.0, 5, dwells=dw, noise_m=1.0)
                rows += [
                    (mover, f"J{n:04d}", a, b, c, kind) for a, b, c in zip(T, LA, LO, strict=True)
                ]
                t = T[-1] + pd.Timedelta(minutes=int(rng.integers(3, 25)))
    df = pd.DataFrame(rows, columns=["mover", "job_id", "ts", "lat", "lon", "job_type"])
    utc = df.ts.dt.tz_localize("America/Toronto").dt.tz_convert("UTC")
    ms = rng.integers(0, 1000, len(df))
    df["timestamp"] = utc.dt.strftime("%Y-%m-%dT%H:%M:%S.") + [f"{m:03d}Z" for m in ms]
    return df[["mover", "job_id", "timestamp", "lat", "lon", "job_type"]]


def marathon() -> pd.DataFrame:
    """A 42.2 km course of loops through the city and a 10 km loop, one tracker fix every 15 s."""
    start = (39.4700, -0.3550)
    loop = [offset(*start, 2.1, b) for b in range(0, 360, 36)] + [start]  # ~15.9 km a lap
    lap_km = sum(km_between(p, q) for p, q in zip([start] + loop[:-1], loop, strict=True))
    marathon_pts = [start] + loop * 2
    extra = 42.195 - 2 * lap_km  # the last part: out and back along the river
    marathon_pts += [offset(*start, extra / 2, 300), start]
    ten = [offset(*start, 1.35, b) for b in range(0, 360, 45)] + [start]  # ~10 km
    frames = []
    race_day = pd.Timestamp("2026-11-29")
    runners = [(b, "marathon", 20.0 + rng.uniform(-0.5, 0.5), 8 * 60 + 15) for b in range(1, 6)]
    runners += [(b, "marathon", rng.uniform(9, 14), 8 * 60 + 30) for b in range(2001, 2016)]
    runners += [(b, "10k", rng.uniform(9, 15), 8 * 60 + 45) for b in range(5001, 5011)]
    for bib, race, kmh, minute in runners:
        t = race_day + pd.Timedelta(minutes=minute, seconds=int(rng.integers(0, 240)))
        pts = marathon_pts if race == "marathon" else [start] + ten
        if bib == 2007:  # drops out at about 30 km
            kmh, pts = 9.5, [start] + loop * 2
        dw = [
            rng.uniform(0.5, 2.0) if (bib % 3 == 0 and i % 7 == 6) else 0 for i in range(len(pts))
        ]
        T, LA, LO = path(pts, t, kmh, 15, dwells=dw, noise_m=3.0)
        frames.append(pd.DataFrame({"bib": bib, "ts": T, "lat": LA, "lon": LO, "race": race}))
    df = pd.concat(frames, ignore_index=True)
    df["date"] = df.ts.dt.strftime("%Y-%m-%d")
    df["clock"] = df.ts.dt.strftime("%H:%M:%S")
    return df[["bib", "date", "clock", "lat", "lon", "race"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    p = piste()
    for c in ("Breite", "Laenge"):
        p[c] = p[c].map(lambda v: f"{v:.7f}".replace(".", ","))
    p.to_csv(OUT / "piste.csv", index=False, sep=";")
    print("piste", len(p), "rows")
    for name, make in [("hospital", hospital), ("marathon", marathon)]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows")
