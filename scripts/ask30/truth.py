"""Set 30's expected answers (ask30), with pandas over the raw CSVs that gen.py wrote; no trajlm import
(the trip table, haversine and the night rule are ask26's truth helpers, the summing helpers ask27's, all
trajlm-free). Writes $ASK30_OUT/truth.json.

Rules (docs/llm.md "Session 30 (ask30)", the same as sets 26-29): a trip's length is the sum of its
fix-to-fix great-circle steps, its duration last fix minus first, its speed length / duration (a mean speed
is the mean of the trips'); hours, weekdays and dates are the trip's start on the data's local clock (Los
Angeles, London, Paris); "the night of D" the trips starting from noon on D to noon on D+1; a dated distance
adds each step on the local date it began; stopped (idle, parked) = steps slower than 1 m/s; time within a
circle = steps with both fixes inside; "after 6 pm" = starting at 18:00 or later, "between 7 and 9 am" =
07:00 <= start < 09:00.
    python scripts/ask30/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK30_OUT", "/tmp/ask30"))

t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
trips, day_km, night = t26.trips, t26.day_km, t26.night
on, step_sum, inside_s = t27.on, t27.step_sum, t27.inside_s
MI = 1609.344
slow = lambda s: s.m / s.s < 1.0  # noqa: E731


def truth() -> dict:
    T = {}
    # A: vineyard, naive Los Angeles time, US 12-hour times
    a = pd.read_csv(OUT / "vineyard.csv")
    a["t"] = pd.to_datetime(a["Date Time"], format="%m/%d/%Y %I:%M:%S %p")
    A, As = trips(a, "Job ID", "t", "Latitude", "Longitude", "Operation", "Unit")
    tractors = A[A.veh.isin(["T1", "T2", "T3"])]
    T["A1"] = len(on(A[(A.veh == "T2") & (A.label == "spraying")], "2026-12-01"))
    T["A2"] = A[(A.veh == "T1") & (A.label == "mowing")].m.sum() / MI
    T["A3"] = tractors.groupby("veh").m.sum().idxmax()
    T["_A_mi_per_unit"] = (A.groupby("veh").m.sum() / MI).round(2).to_dict()
    T["A4"] = A[(A.veh == "T3") & (A.label == "mowing")].kmh.mean() / 1.609344
    T["A5"] = on(A[A.veh == "ATV-4"], "2026-12-03").dur.sum() / 3600
    T["A6"] = on(A[A.veh == "T1"], "2026-12-02").start.min().strftime("%H:%M")
    T["A7"] = int((A.h < 7).sum())
    T["A8"] = step_sum(As, A.index[A.veh == "ATV-4"], slow, "2026-11-30") / 60
    T["A9"] = A[A.label == "hauling"].m.max() / MI
    T["A10"] = int(((A.label == "mowing") & (A.dur > 90 * 60)).sum())
    T["A11"] = day_km(A, As, "2026-12-04", "T3")
    r1 = on(A[A.veh == "T1"], "2026-12-01").index
    T["A12"] = (
        inside_s(a, As, "Job ID", "t", "Latitude", "Longitude", r1, 38.4050, -122.3600, 200) / 60
    )
    T["A13"] = A.dur.mean() / 60
    T["A14"] = sum(day_km(A, As, "2026-12-05", v) for v in ("T1", "T2", "T3")) * 1000 / MI
    T["A15"] = int(((A.veh == "ATV-4") & (A.label == "pruning")).sum())

    # B: gritters, naive London time, day-first
    b = pd.read_csv(OUT / "gritters.csv")
    b["t"] = pd.to_datetime(b.recorded_at, format="%d/%m/%Y %H:%M:%S")
    B, Bs = trips(b, "run_no", "t", "lat", "lon", "activity", "vehicle")
    grt = B[B.veh.str.startswith("GRT")]
    T["B1"] = len(on(B[(B.veh == "GRT-12") & (B.label == "salting")], "2026-12-03"))
    T["B2"] = B[(B.veh == "GRT-11") & (B.label == "salting")].m.sum() / MI
    T["B3"] = grt.groupby("veh").m.sum().idxmax()
    T["_B_mi_per_vehicle"] = (B.groupby("veh").m.sum() / MI).round(2).to_dict()
    T["B4"] = grt[grt.label == "salting"].kmh.mean() / 1.609344
    T["B5"] = night(B[B.veh == "PLOUGH-2"], "2026-12-03").dur.sum() / 3600
    T["B6"] = on(B[B.veh == "GRT-14"], "2026-12-05").start.min().strftime("%H:%M")
    T["B7"] = int((B.h < 5).sum())
    T["B8"] = B[(B.veh == "GRT-15") & (B.label == "deadhead")].m.sum() / MI
    T["B9"] = B[B.label == "ploughing"].dur.max() / 3600
    T["B10"] = int(((B.label == "salting") & (B.dur > 2 * 3600)).sum())
    sun = on(B[B.veh == "GRT-11"], "2026-12-06")
    T["B11"] = sun[sun.h >= 17].dur.iloc[0] / 60
    T["B12"] = day_km(B, Bs, "2026-12-06")
    T["B13"] = B.dur.mean() / 60
    T["B14"] = int((B.h >= 18).sum())
    T["B15"] = int((B.veh == "PLOUGH-2").sum())

    # C: rebalancing vans, ISO with +01:00, read on the Paris clock
    c = pd.read_csv(OUT / "rebalancing.csv")
    c["t"] = (
        pd.to_datetime(c.horodatage, utc=True).dt.tz_convert("Europe/Paris").dt.tz_localize(None)
    )
    C, Cs = trips(c, "mission", "t", "latitude", "longitude", "type_mission", "vehicule")
    vans = C[C.veh.str.startswith("VAN")]
    T["C1"] = len(on(C[(C.veh == "VAN-07") & (C.label == "rebalancing")], "2026-12-02"))
    T["C2"] = day_km(C, Cs, "2026-12-01", "TRI-3")
    T["C3"] = vans.groupby("veh").m.sum().idxmax()
    T["_C_km_per_vehicle"] = (C.groupby("veh").m.sum() / 1000).round(2).to_dict()
    T["C4"] = vans.kmh.mean()
    T["C5"] = len(on(C[C.label == "battery swap"], "2026-12-04"))
    T["C6"] = C[C.label == "repair"].dur.max() / 60
    T["C7"] = int((C.dur > 2 * 3600).sum())
    T["C8"] = step_sum(Cs, C.index[C.veh == "VAN-12"], slow, "2026-12-03") / 60
    T["C9"] = on(C[C.veh == "VAN-19"], "2026-11-30").end.max().strftime("%H:%M")
    T["C10"] = int(((C.h >= 7) & (C.h < 9)).sum())
    T["C11"] = int((C.h >= 18).sum())
    T["C12"] = C[C.label == "rebalancing"].dur.mean() / 60
    v7 = on(C[C.veh == "VAN-07"], "2026-12-01").index
    T["C13"] = (
        inside_s(c, Cs, "mission", "t", "latitude", "longitude", v7, 48.8400, 2.3700, 150) / 60
    )
    T["C14"] = C.m.sum() / 1000
    T["C15"] = C[C.label == "battery swap"].groupby("veh").size().idxmax()
    T["_C15_counts"] = C[C.label == "battery swap"].groupby("veh").size().to_dict()
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
