"""Set 29's expected answers (ask29), with pandas over the raw CSVs that gen.py wrote; no trajlm import
(the trip table, haversine and the night rule are ask26's truth helpers, the summing helpers ask27's, all
trajlm-free). Writes $ASK29_OUT/truth.json.

Rules (docs/llm.md "Session 29 (ask29)", the same as sets 26-28): a trip's length is the sum of its
fix-to-fix great-circle steps, its duration last fix minus first, its speed length / duration (a mean speed
is the mean of the trips'; a pace is 60 over that speed, minutes per km); hours, weekdays and dates are the
trip's start on the data's local clock (Vienna, Toronto, Valencia); "the night of D" the trips starting
from noon on D to noon on D+1; a dated distance / time adds each step on the local date it began; stopped
(standing still, idle) = steps slower than 1 m/s; time within a circle = steps with both fixes inside.
    python scripts/ask29/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK29_OUT", "/tmp/ask29"))


t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
hav, trips, day_km, night = t26.hav, t26.trips, t26.day_km, t26.night
on, step_sum, inside_s = t27.on, t27.step_sum, t27.inside_s
MI = 1609.344
slow = lambda s: s.m / s.s < 1.0  # noqa: E731


def truth() -> dict:
    T = {}
    # A: piste grooming, naive Vienna time
    a = pd.read_csv(OUT / "piste.csv", sep=";", decimal=",")
    a["t"] = pd.to_datetime(a.Zeit, format="%d.%m.%Y %H:%M:%S")
    A, As = trips(a, "Einsatz", "t", "Breite", "Laenge", "Taetigkeit", "Fahrzeug")
    groom = A[A.label == "grooming"]
    T["A1"] = len(night(groom[groom.veh == "PB-02"], "2026-11-28"))
    T["A2"] = groom[groom.veh == "PB-01"].m.sum() / 1000
    T["A3"] = A[A.veh.str.startswith("PB")].groupby("veh").m.sum().idxmax()
    T["_A_km_per_machine"] = (A.groupby("veh").m.sum() / 1000).round(2).to_dict()
    T["A4"] = A[(A.veh == "WINCH-5") & (A.label == "winch grooming")].kmh.mean()
    T["A5"] = night(A[A.veh == "PB-03"], "2026-11-29").dur.sum() / 3600
    T["A6"] = on(A[A.veh == "PB-01"], "2026-12-01").start.min().strftime("%H:%M")
    T["A7"] = int((A.h >= 21).sum())
    T["A8"] = step_sum(As, A.index[A.veh == "PB-02"], slow, "2026-11-30") / 60
    T["A9"] = A[A.label == "transfer"].m.max() / 1000
    T["A10"] = int((groom.dur > 90 * 60).sum())
    T["A11"] = day_km(A, As, "2026-12-02", "WINCH-5")
    r3 = on(A[A.veh == "PB-03"], "2026-11-28").index
    T["A12"] = inside_s(a, As, "Einsatz", "t", "Breite", "Laenge", r3, 47.1290, 10.2680, 500) / 60
    T["A13"] = A.dur.mean() / 60
    T["A14"] = day_km(A, As, "2026-11-27")
    T["A15"] = int(((A.veh == "WINCH-5") & (A.label == "transfer")).sum())

    # B: hospital, UTC ISO read in Toronto time
    b = pd.read_csv(OUT / "hospital.csv")
    b["t"] = (
        pd.to_datetime(b.timestamp, utc=True).dt.tz_convert("America/Toronto").dt.tz_localize(None)
    )
    B, Bs = trips(b, "job_id", "t", "lat", "lon", "job_type", "mover")
    T["B1"] = len(on(B[B.veh == "AGV-2"], "2026-12-02"))
    T["B2"] = day_km(B, Bs, "2026-12-01", "POR-14") * 1000
    T["B3"] = B[B.veh.str.startswith("AGV")].kmh.mean()
    T["B4"] = B[B.veh.str.startswith("POR")].groupby("veh").m.sum().idxmax()
    T["_B_km_per_mover"] = (B.groupby("veh").m.sum() / 1000).round(3).to_dict()
    T["B5"] = len(on(B[B.label == "specimens"], "2026-12-03"))
    T["B6"] = B[B.label == "meals"].dur.max() / 60
    T["B7"] = int(((B.label == "linen") & (B.dur > 10 * 60)).sum())
    T["B8"] = step_sum(Bs, B.index[B.veh == "AGV-3"], slow, "2026-11-30") / 60
    T["B9"] = on(B[B.veh == "POR-22"], "2026-12-04").start.min().strftime("%H:%M")
    T["B10"] = int((B.h < 8).sum())
    T["B11"] = int((B.h >= 17).sum())
    T["B12"] = B[B.label == "pharmacy"].dur.mean() / 60
    a1 = on(B[B.veh == "AGV-1"], "2026-12-01").index
    T["B13"] = inside_s(b, Bs, "job_id", "t", "lat", "lon", a1, 43.6580, -79.3900, 25) / 60
    T["B14"] = B[B.veh == "AGV-1"].m.sum() / 1000
    T["B15"] = B[B.veh == "POR-14"].kmh.mean() / 3.6

    # C: marathon, naive Valencia time (a date column beside a time of day)
    c = pd.read_csv(OUT / "marathon.csv")
    c["t"] = pd.to_datetime(c.date + " " + c.clock)
    c["runner"] = c.bib
    C, Cs = trips(c, "bib", "t", "lat", "lon", "race", "runner")
    mar, ten = C[C.label == "marathon"], C[C.label == "10k"]
    T["C1"] = len(mar)
    T["C2"] = C.loc[2003].dur / 60
    T["C3"] = str(mar.kmh.idxmax())
    T["C4"] = 60 / C.loc[2010].kmh
    T["C5"] = int((mar.dur < 3 * 3600).sum())
    T["C6"] = C.loc[2007].m / 1000
    T["C7"] = mar.end.max().strftime("%H:%M")
    T["C8"] = ten.kmh.mean()
    T["C9"] = int((C.m > 40000).sum())
    T["C10"] = C.m.sum() / 1000
    T["C11"] = ten.dur.max() / 60
    T["C12"] = step_sum(Cs, [2013], slow) / 60
    T["C13"] = mar.dur.mean() / 3600
    T["C14"] = C.loc[1].start.strftime("%H:%M")
    T["C15"] = C.loc[2001].m / MI
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
