"""Set 39b's expected answers (ask39b), with pandas over the raw CSVs that gen.py wrote under $ASK39B_OUT; no trajlm
import (ask26's trip table, ask27's date helper, ask34's clock, through scripts/ask38/truth.py; ask38b's pick: all
trajlm-free). Writes $ASK39B_OUT/truth.json. Words: questions.py's docstring.
    ASK39B_OUT=/tmp/ask39b python scripts/ask39b/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK39B_OUT", "/tmp/ask39b"))
os.environ.setdefault("ASK38_OUT", str(OUT))
t38 = _load("ask38_truth", "ask38/truth.py")
trips, on, local, t26 = t38.trips, t38.on, t38.local, t38.t26
pick = _load("ask38b_truth", "ask38b/truth.py").pick  # the largest / smallest, refusing a near tie
KN, NM = 1.852, 1852.0


def dates(tb: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """The trips that began on local dates first..last, both included."""
    return tb[(tb.date >= pd.Timestamp(first).date()) & (tb.date <= pd.Timestamp(last).date())]


def truth() -> dict:
    T = {}
    s = pd.read_csv(OUT / "snowcats.csv")
    s["t"] = pd.to_datetime(s.logged)  # naive Whistler wall clock
    S, _ = trips(s, "pass_id", "t", "lat", "lon", "machine", "unit")
    r = dates(S, "2026-01-13", "2026-01-17")
    T["S1"] = r[r.veh == "PB-03"].m.sum() / 1000
    groomers = S[S.label == "groomer"].groupby("veh").dur.sum() / 3600
    T["S2"], T["_S2_h"] = pick(groomers, lowest=True), groomers.round(2).to_dict()
    T["S3"] = S.dur.mean() / 60
    T["S4"] = len(on(S, "2026-01-20"))

    c = pd.read_csv(OUT / "ebikes.csv")
    c["t"] = local(pd.to_datetime(c.time_utc, utc=True), "Europe/Amsterdam")
    C, _ = trips(c, "ride", "t", "lat", "lon", "model", "bike")
    T["C1"] = C.m.median() / 1000
    T["C2"] = float((C.label == "speed").mean())
    T["C3"] = int((C.h < 8).sum())
    T["C4"] = dates(C, "2026-09-03", "2026-09-09").m.sum() / 1000
    T["C5"] = int(on(C, "2026-09-05").veh.nunique())

    v = pd.read_csv(OUT / "vessel.csv")
    v["t"] = pd.to_datetime(v.epoch_ms, unit="ms")  # UTC, the ship's clock
    v["ship"] = "ship"
    V, _ = trips(v, "leg", "t", "lat", "lon", "kind", "ship")
    T["V1"] = V[V.label == "survey"].kmh.mean() / KN
    T["V2"] = V[V.label == "transit"].m.sum() / NM
    T["V3"], T["_V3_km"] = pick(V.m), (V.m / 1000).round(2).sort_values().tail(3).to_dict()
    T["V4"] = int(((V.h >= 6) & (V.h < 18)).sum())
    d4 = on(V, "2026-10-04")
    T["V5"], T["_V5_ends"] = d4.dur.sum() / 3600, [str(x) for x in d4.end]

    a = pd.read_csv(OUT / "drops.csv")
    a["t"] = pd.to_datetime(a["when"])  # naive Sydney wall clock
    A, _ = trips(a, "drop", "t", "lat", "lon", "body", "driver_vehicle")
    thu = on(A, "2026-11-12")
    T["A1"] = int(((thu.label == "ute") & (thu.h >= 12) & (thu.h < 18)).sum())
    T["A2"] = A[A.veh == "UTE-3"].m.sum() / 1000
    vans = A[A.label == "van"].groupby("veh").dur.mean() / 60
    T["A3"], T["_A3_min"] = pick(vans, lowest=True), vans.round(2).to_dict()
    T["A4"] = A.m.max() / 1000
    T["_copies"] = list(t26.COPIES)
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
