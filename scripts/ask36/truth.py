"""Set 36's expected answers (ask36), with pandas over the raw CSVs that gen.py wrote; no trajlm import (ask26's
trip table / steps, ask27's date helpers, ask34's helpers: all trajlm-free). Writes $ASK36_OUT/truth.json.
The leftovers read set 35's CSVs ($ASK35_OUT; R's runs from set 35's truth.json, ask35's pandas) and set 33's
($ASK33_OUT).

Rules: docs/llm.md "Session 36 (ask36)", as sets 26-35, and questions.py's words.
    python scripts/ask36/truth.py
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK36_OUT", "/tmp/ask36"))
OUT35 = Path(os.environ.get("ASK35_OUT", "/tmp/ask35"))
OUT33 = Path(os.environ.get("ASK33_OUT", "/tmp/ask33"))
t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
os.environ.setdefault("ASK34_OUT", str(OUT))
t34 = _load("ask34_truth", "ask34/truth.py")
trips, steps, on, step_sum = t26.trips, t26.steps, t27.on, t27.step_sum
local = t34.local
NM = 1852.0
slow = lambda s: s.m / s.s < 1.0  # noqa: E731


def stops_s(st: pd.DataFrame) -> pd.DataFrame:
    """Every stop (a run of steps slower than 1 m/s inside a trip): trip, start time, seconds."""
    rows = []
    for trip, s in st.groupby("trip"):
        run, t0 = 0.0, None
        for is_slow, sec, t in zip(slow(s), s.s, s.t, strict=True):
            if is_slow:
                t0 = t if run == 0 else t0
                run += sec
            elif run:
                rows.append((trip, t0, run))
                run = 0.0
        if run:
            rows.append((trip, t0, run))
    return pd.DataFrame(rows, columns=["trip", "t", "s"])


def truth() -> dict:
    T = {}
    # A: ferries, Unix ms read on the Helsinki clock
    a = pd.read_csv(OUT / "ferries.csv")
    a["t"] = local(pd.to_datetime(a.epoch_ms, unit="ms", utc=True), "Europe/Helsinki")
    A, As = trips(a, "crossing_id", "t", "lat", "lon", "route", "vessel")
    T["A1"] = int((on(A, "2026-06-02").veh == "SUOKKI").sum())
    T["A2"] = A[A.label == "Vallisaari"].dur.mean() / 60
    n = A.groupby("veh").size()
    T["A3"], T["_A3_n"] = n.idxmax(), n.to_dict()
    T["A4"] = step_sum(As, A.index[A.veh == "TOR"], slow, "2026-06-03") / 60
    T["A5"] = int((A.dur > 25 * 60).sum())
    T["A6"] = on(A, "2026-06-07").start.min().strftime("%H:%M")
    T["A7"] = on(A[A.label == "Suomenlinna"], "2026-06-06").end.max().strftime("%H:%M")
    T["A8"] = t26.day_km(A, As, "2026-06-05", "EHRENSVARD") * 1000 / NM
    T["A9"] = bool((on(A, "2026-06-01").veh == "ISLA").any())
    T["A10"] = A.kmh.mean() / 1.852
    wed = {
        v: step_sum(As, A.index[A.veh == v], slow, "2026-06-03") / 60 for v in sorted(set(A.veh))
    }
    T["A11"], T["_A11_min"] = max(wed, key=wed.get), wed
    T["A12"] = int((A.h >= 23).sum())
    T["A13"] = int((on(A, "2026-06-04").label == "Suomenlinna").sum())
    T["A14"] = {k: int(v) for k, v in n.items()}

    # B: taxis, naive local times
    b = pd.read_csv(OUT / "taxis.csv")
    b["t"] = pd.to_datetime(b.timestamp)
    B, Bs = trips(b, "segment", "t", "latitude", "longitude", "status", "licence")
    H = B[B.label == "hired"]
    T["B1"] = int((on(H, "2026-10-05").veh == "LX-1042").sum())
    T["B2"] = float((H.dur > 30 * 60).mean())
    vac = Bs[Bs.trip.isin(B.index[B.label == "vacant"])]
    T["B3"] = vac[vac.t.dt.date == pd.Timestamp("2026-10-06").date()].m.sum() / 1000
    hn = H.groupby("veh").size()
    T["B4"], T["_B4_n"] = hn.idxmax(), hn.to_dict()
    T["B5"] = H.m.mean() / 1000
    T["B6"] = H.m.max() / 1000
    T["B7"] = int((B.start.dt.date != B.end.dt.date).sum())
    hc = B[B.label == "vacant"].groupby("h").size()
    T["B8"], T["_B8_n"] = int(hc.idxmax()), hc.sort_values().tail(3).to_dict()
    T["B9"] = step_sum(Bs, B.index[B.veh == "LX-1107"], None, "2026-10-10") / 3600
    T["B10"] = B[B.label == "vacant"].kmh.mean()
    sun = set(on(B, "2026-10-11").veh)
    T["B11"] = sun >= set(B.veh)
    T["_B11_any_step_on_sunday"] = sorted(
        set(B.veh[B.end.dt.date >= pd.Timestamp("2026-10-11").date()])
    )
    T["B12"] = B[B.veh == "LX-1042"].m.sum() / 1000
    fri = on(H, "2026-10-09")
    T["B13"] = int((fri.h >= 22).sum())
    T["B14"] = {k: int(v) for k, v in hn.items()}

    # C: a phone, ISO Z read on the Toronto clock; no vehicle column
    c = pd.read_csv(OUT / "phone.csv")
    c["t"] = local(pd.to_datetime(c.time, utc=True), "America/Toronto")
    c["me"] = "me"
    C, Cs = trips(c, "segment_id", "t", "lat", "lng", "activity", "me")
    C["month"] = C.start.dt.month
    cyc = C[C.label == "cycling"]
    T["C1"] = cyc[cyc.month == 5].m.sum() / 1000
    T["C2"] = int((C.month == 3).sum())
    T["C3"] = cyc[cyc.month == 6].dur.mean() / 60
    T["C4"] = int(((C.label == "walking") & (C.start.dt.day_of_week >= 5)).sum())
    T["C5"] = C.m.sum() / 1000
    T["C6"] = on(C, "2026-03-03").start.min().strftime("%H:%M")
    mk = cyc.groupby("month").m.sum() / 1000
    names = {1: "January", 2: "February", 3: "March", 4: "April", 5: "May", 6: "June"}
    T["C7"], T["_C7_km"] = names[int(mk.idxmax())], mk.round(1).to_dict()
    T["C8"] = C.m.max() / 1000
    T["C9"] = C[C.month == 2].dur.sum() / 3600
    T["C10"] = cyc.kmh.mean()
    T["C11"] = bool(((C.start >= "2026-04-13") & (C.start < "2026-04-20")).any())
    T["C12"] = int(((C.label == "in_vehicle") & (C.month == 1)).sum())

    # D: set 35's van week, ISO Z read on the London clock
    d = pd.read_csv(OUT35 / "vans.csv")
    d["t"] = local(pd.to_datetime(d.gps_time, utc=True), "Europe/London")
    D, Ds = trips(d, "tour_id", "t", "lat", "lon", "registration", "registration")
    S = stops_s(Ds)
    S["veh"] = S.trip.map(D.veh)
    S["date"] = S.trip.map(D.date)
    mon = pd.Timestamp("2026-09-14").date()
    T["D1"] = int(((S.date == mon) & (S.s > 600)).sum())
    tue = S[(S.veh == "YD70 BHN") & (S.date == pd.Timestamp("2026-09-15").date())]
    T["D2"] = tue.s.max() / 60
    T["D3"] = S[S.veh == "LV21 KXR"].s.mean() / 60
    T["_D_stop_min_by_van"] = (S.groupby("veh").s.mean() / 60).round(2).to_dict()

    # leftovers. P: set 35's bus AVL, read on the Edmonton clock
    p = pd.read_csv(OUT35 / "avl.csv", dtype={"route_id": str})
    p["t"] = local(pd.to_datetime(p.timestamp, utc=True), "America/Edmonton")
    P, _ = trips(p, "trip_id", "t", "lat", "lon", "route_id", "vehicle_id")
    fri = on(P, "2026-09-18")
    late = fri.end >= pd.Timestamp("2026-09-18 21:00")
    T["P1"] = T["P2"] = bool(late.any())
    T["_P_late_trips"] = int(late.sum())
    # F: set 33's fleet (Chicago)
    f = pd.read_csv(OUT33 / "fleet.csv")
    f["t"] = local(pd.to_datetime(f.timestamp, utc=True), "America/Chicago")
    F, _ = trips(f, "run", "t", "latitude", "longitude", "shift", "unit")
    fn = F.groupby("veh").size()
    vans = [v for v in fn.index if v.startswith("VAN-")]
    more = sorted(v for v in vans if fn[v] > fn["VAN-02"])
    T["F1"] = {"yes": more, "no": sorted(set(fn.index) - set(more))}
    T["_F1_n"] = {k: int(v) for k, v in fn.items()}
    # R: set 35's runners: ask35's pandas truths
    t35 = json.loads((OUT35 / "truth.json").read_text())
    T["R1"], T["R2"] = t35["C9"], t35["C1"]
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
