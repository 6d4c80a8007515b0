"""Set 28's expected answers (ask28), with pandas over the raw CSVs that gen.py wrote; no trajlm import
(the trip table and haversine are ask26's truth helpers, the summing helpers ask27's, all trajlm-free).
Writes $ASK28_OUT/truth.json.

Rules (docs/llm.md "Session 28 (ask28)"): a trip's length is the sum of its fix-to-fix great-circle steps,
its duration last fix minus first, its speed length / duration (a mean speed is the mean of the trips');
hours, weekdays and dates are the trip's start on the data's local clock (Amsterdam, London, Denver); a
dated distance / time adds each step on the local date it began; stopped (sitting easy, hovering) = steps
slower than 1 m/s; time above a speed = steps faster than it; time within a circle = steps with both fixes
inside; a split per 500 m is 500 m over the mean speed.
    python scripts/ask28/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK28_OUT", "/tmp/ask28"))


t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
hav, trips, day_km = t26.hav, t26.trips, t26.day_km
on, step_sum, inside_s = t27.on, t27.step_sum, t27.inside_s
MI = 1609.344
slow = lambda s: s.m / s.s < 1.0  # noqa: E731


def truth() -> dict:
    T = {}
    # A: waste, "+01:00" times = Amsterdam local in November
    a = pd.read_csv(OUT / "waste.csv")
    a["t"] = pd.to_datetime(a.time.str[:19], format="%Y-%m-%dT%H:%M:%S")
    A, As = trips(a, "task", "t", "lat", "lon", "task_type", "lorry")
    rnd, tip = A[A.label == "collection round"], A[A.label == "tip run"]
    T["A1"] = len(on(rnd[rnd.veh == "RCV-12"], "2026-11-18"))
    T["A2"] = len(tip)
    s = As[As.trip.isin(tip.index[tip.veh == "RCV-11"])]
    T["A3"] = s.m[s.t.dt.date == pd.Timestamp("2026-11-18").date()].sum() / 1000
    T["A4"] = rnd.kmh.mean()
    T["A5"] = A[A.veh.str.startswith("RCV")].groupby("veh").m.sum().idxmax()
    r14 = on(A[A.veh == "RCV-14"], "2026-11-17").index
    T["A6"] = inside_s(a, As, "task", "t", "lat", "lon", r14, 52.4000, 4.8300, 200) / 60
    T["A7"] = on(A[A.veh == "RCV-12"], "2026-11-20").start.min().strftime("%H:%M")
    T["A8"] = on(A[A.veh == "SWEEP-3"], "2026-11-21").dur.sum() / 3600
    T["A9"] = len(on(A[A.veh == "RCV-14"], "2026-11-19"))
    T["A10"] = tip.dur.max() / 60
    T["A11"] = int((rnd.dur > 90 * 60).sum())
    T["A12"] = step_sum(As, A.index[A.veh == "RCV-11"], slow, "2026-11-16") / 60
    T["A13"] = A[A.veh == "SWEEP-3"].m.sum() / 1000
    T["A14"] = tip.dur.mean() / 60
    T["A15"] = int((A.h < 7).sum())
    T["A16"] = day_km(A, As, "2026-11-16")
    T["A17"] = (
        step_sum(As, A.index[A.veh == "RCV-11"], lambda s: s.m / s.s > 40 / 3.6, "2026-11-17") / 60
    )
    T["_A_tips_per_lorry"] = tip.groupby("veh").size().to_dict()

    # B: rowing, UTC epoch seconds read in London time (GMT in November)
    b = pd.read_csv(OUT / "rowing.csv")
    b["t"] = (
        pd.to_datetime(b.epoch_s, unit="s", utc=True)
        .dt.tz_convert("Europe/London")
        .dt.tz_localize(None)
    )
    B, Bs = trips(b, "outing", "t", "lat", "lon", "piece", "boat")
    T["B1"] = int((B.veh == "M8A").sum())
    T["B2"] = B[B.veh == "W1X"].m.sum() / 1000
    T["B3"] = B[B.veh.isin(["M8A", "W8B"]) & (B.label == "steady state")].kmh.mean()
    T["B4"] = B[B.label == "race"].groupby("veh").m.sum().idxmax()
    T["B5"] = on(B[B.veh == "W8B"], "2026-11-07").dur.sum() / 60
    T["B6"] = 500 / (B[(B.veh == "M4X") & (B.label == "pieces")].kmh.mean() / 3.6)
    T["B7"] = len(on(B, "2026-11-07")) + len(on(B, "2026-11-08"))
    T["B9"] = on(B[B.veh == "M8A"], "2026-11-15").start.min().strftime("%H:%M")
    T["B10"] = day_km(B, Bs, "2026-11-12", "W1X") * 1000
    T["B11"] = B.m.max() / 1000
    T["B12"] = int((B.label == "pieces").sum())
    T["B13"] = step_sum(Bs, on(B[B.veh == "M8A"], "2026-11-10").index, slow) / 60
    T["B14"] = B.dur.mean() / 60
    T["B15"] = int((B.m > 25000).sum())
    T["B16"] = day_km(B, Bs, "2026-11-10")
    T["_B_weekends"] = sorted({str(x) for x in B.date[B.start.dt.day_of_week >= 5]})

    # C: drone, naive Denver 12-hour clock
    c = pd.read_csv(OUT / "drone.csv")
    c["t"] = pd.to_datetime(c.datetime, format="%m/%d/%Y %I:%M:%S %p")
    C, Cs = trips(c, "sortie", "t", "lat", "lon", "job", "airframe")
    T["C1"] = len(on(C[C.veh == "M300-A"], "2026-11-10"))
    T["C2"] = C[C.veh == "EVO-2"].dur.sum() / 3600
    T["C3"] = day_km(C, Cs, "2026-11-10", "M300-B")
    T["C4"] = C.groupby("veh").size().idxmax()
    T["_C_sorties_per_airframe"] = C.groupby("veh").size().to_dict()
    T["C5"] = C.dur.mean() / 60
    T["C6"] = int(((C.label == "mapping") & (C.start.dt.hour >= 10)).sum())
    T["C7"] = step_sum(Cs, on(C[C.veh == "EVO-2"], "2026-11-12").index, slow) / 60
    T["C8"] = C[C.veh == "M300-A"].kmh.mean() / 1.609344
    T["C9"] = int((C.dur > 20 * 60).sum())
    T["C10"] = on(C, "2026-11-09").start.min().strftime("%H:%M")
    T["C11"] = len(on(C[C.label == "inspection"], "2026-11-12"))
    T["C12"] = day_km(C, Cs, "2026-11-13") * 1000 / MI
    T["C13"] = C[C.veh == "M300-B"].m.max() / 1000
    T["C14"] = len(C)
    T["C15"] = C[C.veh == "EVO-2"].kmh.mean() / 3.6
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
