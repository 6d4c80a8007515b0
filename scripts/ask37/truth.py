"""Set 37's expected answers (ask37), with pandas over the raw CSVs that gen.py wrote; no trajlm import (ask26's
trip table / steps, ask27's date helpers, ask34's clock, ask36's stops: all trajlm-free). Writes
$ASK37_OUT/truth.json. The leftovers read set 36's truth.json ($ASK36_OUT: A11, the ferry stopped the longest on
Wednesday) and set 35's ($ASK35_OUT: C9 Keiko's runs, C2 Jonas's negative split), both pandas.

Rules: docs/llm.md "Session 37 (ask37)", as sets 26-36, and questions.py's words.
    python scripts/ask37/truth.py
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK37_OUT", "/tmp/ask37"))
OUT36 = Path(os.environ.get("ASK36_OUT", "/tmp/ask36"))
OUT35 = Path(os.environ.get("ASK35_OUT", "/tmp/ask35"))
t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
os.environ.setdefault("ASK34_OUT", str(OUT))
t34 = _load("ask34_truth", "ask34/truth.py")
t36 = _load("ask36_truth", "ask36/truth.py")
trips, on, step_sum, local, stops_s = t26.trips, t27.on, t27.step_sum, t34.local, t36.stops_s
slow = lambda s: s.m / s.s < 1.0  # noqa: E731


def weeks(tb: pd.DataFrame, first: str, last: str) -> pd.Series:
    """Every Monday from `first` to `last` (the data's span), as "YYYY-MM-DD"."""
    return pd.Series(pd.date_range(first, last, freq="7D").strftime("%Y-%m-%d"))


def truth() -> dict:
    T = {}
    # A: school buses, ISO with their offset read on the Denver clock
    a = pd.read_csv(OUT / "schoolbus.csv")
    a["t"] = local(pd.to_datetime(a.gps_time, utc=True), "America/Denver")
    A, As = trips(a, "run", "t", "lat", "lon", "route", "bus")
    T["A1"] = int((on(A, "2026-11-04").veh == "SB-102").sum())
    T["A2"] = A[A.label == "North"].dur.mean() / 60
    T["A3"] = (A.groupby("label").dur.mean() / 60).to_dict()
    km = A.groupby("veh").m.sum() / 1000
    T["A4"], T["_A4_km"] = km.idxmin(), km.round(2).to_dict()
    T["A5"] = step_sum(As, A.index[A.veh == "SB-103"], slow, "2026-11-03") / 60
    T["A6"] = on(A, "2026-11-02").start.min().strftime("%H:%M")
    thu = on(A, "2026-11-05")
    T["A7"] = int(((thu.h >= 12) & (thu.h < 18)).sum())
    T["A8"] = bool((on(A, "2026-11-04").veh == "SB-104").any())
    T["A9"] = A.kmh.mean()
    T["A10"] = t26.day_km(A, As, "2026-11-06")
    T["A11"] = int((A.dur > 50 * 60).sum())
    S = stops_s(As)
    T["A12"] = int((S.s > 180).sum())
    T["A13"] = A[A.label == "East"].m.max() / 1000

    # B: sweepers, Unix seconds read on the Vienna clock
    b = pd.read_csv(OUT / "sweepers.csv")
    b["t"] = local(pd.to_datetime(b.epoch, unit="s", utc=True), "Europe/Vienna")
    B, Bs = trips(b, "job", "t", "lat", "lon", "mode", "unit")
    sw = B[B.label == "sweeping"]
    mon = Bs[Bs.trip.isin(sw.index) & (Bs.t.dt.date == pd.Timestamp("2026-11-09").date())]
    T["B1"] = mon.m.sum() / 1000
    T["B2"] = step_sum(Bs, sw.index[sw.veh == "SW-02"], None, "2026-11-11") / 3600
    T["B3"] = sw.kmh.mean()
    skm = sw.groupby("veh").m.sum() / 1000
    T["B4"], T["_B4_km"] = skm.idxmax(), skm.round(2).to_dict()
    T["B5"] = set(on(B, "2026-11-14").veh) >= set(B.veh)
    T["B6"] = float((B.label == "transit").mean())
    T["B7"] = {k: int(v) for k, v in sw.groupby("veh").size().items()}
    T["B8"] = on(B, "2026-11-10").start.min().strftime("%H:%M")
    T["B9"] = B[B.veh == "SW-04"].m.sum() / 1000
    T["B10"] = sw.dur.max() / 3600
    T["B11"] = int((B.h < 5).sum())

    # C: telematics, ISO Z read on the Melbourne clock; no label
    c = pd.read_csv(OUT / "telematics.csv")
    c["t"] = local(pd.to_datetime(c.ts, utc=True), "Australia/Melbourne")
    c["none"] = ""
    C, Cs = trips(c, "trip_id", "t", "lat", "lon", "none", "policy")
    night = (C.h >= 22) | (C.h < 6)
    T["C1"] = float(night.mean())
    wk = Cs[Cs.trip.isin(C.index[C.veh == "P-20417"])]
    d = wk.t.dt.date
    T["C2"] = (
        wk[
            (d >= pd.Timestamp("2026-03-09").date()) & (d <= pd.Timestamp("2026-03-15").date())
        ].m.sum()
        / 1000
    )
    T["C3"] = C.m.mean() / 1000
    ckm = C.groupby("veh").m.sum() / 1000
    T["C4"], T["_C4_km"] = ckm.idxmax(), ckm.round(1).to_dict()
    T["C5"] = int((night & (C.veh == "P-20433")).sum())
    T["C6"] = int((C.kmh > 60).sum())
    wkend = C[(C.veh == "P-20428") & (C.start.dt.day_of_week >= 5)]
    T["C7"] = wkend.dur.sum() / 3600
    C["week"] = (
        C.start.dt.normalize() - pd.to_timedelta(C.start.dt.day_of_week, unit="D")
    ).dt.strftime("%Y-%m-%d")
    mondays = weeks(C, "2026-03-02", "2026-03-23")
    n55 = C[C.veh == "P-20455"].groupby("week").size()
    T["C8"] = {w: int(n55.get(w, 0)) for w in mondays}
    T["C9"] = C.groupby("week").kmh.mean().to_dict()
    T["C10"] = len(on(C, "2026-03-14"))
    w16 = C[(C.veh == "P-20455") & (C.week == "2026-03-16")]
    T["C11"] = bool(len(w16))
    T["C12"] = C.m.max() / 1000

    # leftovers: set 36's ferries, set 35's runners (their own pandas truths)
    t36j = json.loads((OUT36 / "truth.json").read_text())
    T["H1"], T["_H1_min"] = t36j["A11"], t36j["_A11_min"]
    t35j = json.loads((OUT35 / "truth.json").read_text())
    T["R1"], T["R2"] = t35j["C9"], t35j["C2"]
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
