"""Set 39's expected answers (ask39), with pandas over the raw CSVs that gen.py wrote under $ASK39_OUT; no trajlm
import (ask26's trip table / steps, ask27's date helper, ask34's clock, through scripts/ask38/truth.py: all
trajlm-free). Writes $ASK39_OUT/truth.json. Words: questions.py's docstring.
    ASK39_OUT=/tmp/ask39 python scripts/ask39/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK39_OUT", "/tmp/ask39"))
os.environ.setdefault("ASK38_OUT", str(OUT))
t38 = _load("ask38_truth", "ask38/truth.py")
trips, steps, on, local, t26, MI = t38.trips, t38.steps, t38.on, t38.local, t38.t26, t38.MI
pick = _load("ask38b_truth", "ask38b/truth.py").pick  # the largest / smallest, refusing a near tie


def between(st: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """Steps whose both fixes fall on local dates first..last (a step's ``t`` is its first fix, ``s`` its seconds;
    corrected after the fresh read: the first version took ``t`` as the last fix, see docs/llm.md)."""
    d0, d1 = pd.Timestamp(first).date(), pd.Timestamp(last).date()
    start = st.t.dt.date
    end = (st.t + pd.to_timedelta(st.s, unit="s")).dt.date
    return st[(start >= d0) & (end <= d1)]


def truth() -> dict:
    T = {}
    r = pd.read_csv(OUT / "kruger.csv")
    r["t"] = local(pd.to_datetime(r.fix_time_utc, utc=True), "Africa/Johannesburg")
    Rs = steps(r, "animal", "t", "lat", "lon")
    km = Rs.groupby("trip").m.sum() / 1000
    T["R1"] = km["L02"]
    hy = km[["H01", "H02"]]
    T["R2"], T["_R2_km"] = pick(hy), hy.round(2).to_dict()
    d = r.t.dt.date
    T["R3"] = int(
        (
            (r.animal == "L03")
            & (d >= pd.Timestamp("2026-06-01").date())
            & (d <= pd.Timestamp("2026-06-07").date())
        ).sum()
    )
    h01 = between(Rs[Rs.trip == "H01"], "2026-06-10", "2026-06-10")
    T["R4"], T["_R4_mi"] = h01.m.sum() / 1000, h01.m.sum() / MI

    o = pd.read_csv(OUT / "orders.csv")
    o["t"] = pd.to_datetime(o.order_time)  # naive Bengaluru wall clock
    Io, _ = trips(o, "order_id", "t", "lat", "lng", "vehicle", "rider_id")
    tue = on(Io, "2026-05-05")
    T["I1"] = tue[tue.veh == "RID-104"].m.sum() / 1000
    wed = on(Io, "2026-05-06")
    T["I2"] = int((wed.label == "ev").sum())
    T["I3"] = Io.dur.mean() / 60
    sat = on(Io, "2026-05-09").groupby("veh").size()
    T["I4"], T["_I4_n"] = pick(sat.astype(float)), sat.to_dict()
    T["I5"] = int(((Io.h >= 12) & (Io.h < 15)).sum())

    t = pd.read_csv(OUT / "teen.csv")
    t["t"] = local(pd.to_datetime(t.ts, unit="s", utc=True), "Europe/Dublin")
    t["me"] = "me"
    Tt, _ = trips(t, "trip", "t", "lat", "lon", "how", "me")
    sat9 = on(Tt, "2026-05-09")
    T["T1"] = sat9[sat9.label == "scooter"].m.sum() / 1000
    T["T2"] = Tt[Tt.label == "scooter"].m.max() / 1000
    walk = Tt[Tt.label == "walk"]
    w1 = walk[(walk.start >= "2026-05-04") & (walk.start < "2026-05-11")].m.sum() / 1000
    w2 = walk[(walk.start >= "2026-05-11") & (walk.start < "2026-05-18")].m.sum() / 1000
    T["T3"], T["_T3_km"] = bool(w2 > w1), [round(float(w1), 2), round(float(w2), 2)]
    T["T4"] = int((Tt.label == "bus").sum())

    h = pd.read_csv(OUT / "lorries.csv")
    h["t"] = local(pd.to_datetime(h.timestamp, utc=True), "Europe/London")
    H, _ = trips(h, "job_no", "t", "lat", "lon", "trailer", "reg")
    T["H1"] = H[H.veh == "YX21 ABC"].m.sum() / MI
    n = H.groupby("veh").size()
    T["H2"], T["_H2_n"] = pick(n.astype(float), lowest=True), n.to_dict()
    a = int(((H.start >= "2026-06-01") & (H.start < "2026-06-08")).sum())
    b = int(((H.start >= "2026-06-08") & (H.start < "2026-06-15")).sum())
    T["H3"], T["_H3_n"] = bool(b > a), [a, b]
    T["H4"] = H[H.label == "fridge"].dur.mean() / 60
    T["H5"], T["_H5_mph"] = H.kmh.mean(), H.kmh.mean() * 1000 / MI
    T["_copies"] = list(t26.COPIES)
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
