"""Set 33's expected answers (ask33), with pandas over the raw CSVs that gen.py wrote; no trajlm import (the trip
table and haversine are ask26's truth helpers, the summing helpers ask27's, all trajlm-free). Writes
$ASK33_OUT/truth.json.

Rules (docs/llm.md "Session 33 (ask33)", the same as sets 26-32, and questions.py's words): a trip's length is
the sum of its fix-to-fix great-circle steps, its duration last fix minus first, its speed length / duration (a
mean speed is the mean of the trips'); hours, weekdays and dates are the trip's start on the data's local clock
(Chicago, Copenhagen, Sydney); a dated distance adds each step on the local date it began; stopped = steps slower
than 1 m/s; on the phone study a trip is a move (not labelled "stay"), a stay's length its duration.
    python scripts/ask33/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK33_OUT", "/tmp/ask33"))
os.environ.setdefault("ASK31_OUT", str(OUT))
t31 = _load("ask31_truth", "ask31/truth.py")
trips, day_km, on, step_sum, slow = t31.trips, t31.day_km, t31.on, t31.step_sum, t31.slow
MI, NM = 1609.344, 1852.0


def local(s: pd.Series, zone: str) -> pd.Series:
    """UTC instants -> naive wall-clock times of ``zone``."""
    return s.dt.tz_convert(zone).dt.tz_localize(None)


def never_slow(tb: pd.DataFrame, st: pd.DataFrame) -> pd.Index:
    """The trips of ``tb`` with no step slower than 1 m/s."""
    stopped = st[slow(st)].trip.unique()
    return tb.index[~tb.index.isin(stopped)]


def all_out(tb: pd.DataFrame, units: list, date: str) -> bool:
    return set(units) <= set(on(tb, date).veh)


def truth() -> dict:
    T = {}
    # A: the Chicago fleet, ISO on -06:00 read on the Chicago clock
    a = pd.read_csv(OUT / "fleet.csv")
    a["t"] = local(pd.to_datetime(a.timestamp, utc=True), "America/Chicago")
    A, As = trips(a, "run", "t", "latitude", "longitude", "shift", "unit")
    vans = sorted(v for v in A.veh.unique() if v.startswith("VAN"))
    tue = {v: day_km(A, As, "2026-12-01", v) * 1000 / MI for v in vans}
    T["A1"], T["_A1_mi"] = [max(tue, key=tue.get), max(tue.values())], tue
    T["A2"] = all_out(A, vans, "2026-12-01")
    T["A3"] = all_out(A, vans, "2026-11-30")
    T["A4"] = A[A.veh.str.startswith("EB")].m.sum() / MI
    T["A5"] = int((on(A, "2026-12-03").label == "late").sum())
    V = A[A.veh.str.startswith("VAN")]
    T["A6"] = (V.groupby("veh").m.mean() / MI).to_dict()
    T["A7"] = int(((A.h >= 7) & (A.h < 9)).sum())
    T["A8"] = len(never_slow(V, As))
    T["A9"] = on(A[A.veh == "VAN-02"], "2026-12-04").end.max().strftime("%H:%M")
    eb = A[A.veh.str.startswith("EB")].veh.value_counts()
    T["A10"], T["_A10_n"] = eb.idxmax(), eb.to_dict()
    T["A11"] = V.kmh.mean() / 1.609344
    T["A12"] = V.m.nlargest(3).index.tolist()
    T["_A12_mi"] = (V.m.nlargest(4) / MI).round(3).tolist()

    # B / H: the phone study, ISO on +01:00 read on the Copenhagen clock
    b = pd.read_csv(OUT / "phone.csv")
    b["t"] = local(pd.to_datetime(b.recorded_at, utc=True), "Europe/Copenhagen")
    B, _ = trips(b, "segment_id", "t", "lat", "lon", "activity", "participant_id")
    S, M = B[B.label == "stay"], B[B.label != "stay"]
    T["B1"] = S.dur.nlargest(3).index.tolist()
    T["_B1_h"] = (S.dur.nlargest(4) / 3600).round(3).tolist()
    T["B2"] = (M.groupby("veh").m.mean() / 1000).to_dict()
    T["B3"] = int(((M.label == "bike") & (M.h >= 7) & (M.h < 9)).sum())
    T["B4"] = on(M[(M.veh == "P03") & (M.label == "walk")], "2026-11-18").dur.sum() / 60
    walk = M[M.label == "walk"].groupby("veh").m.sum() / 1000
    T["B5"], T["_B5_km"] = walk.idxmax(), walk.round(2).to_dict()
    T["B6"] = len(on(M[(M.veh == "P05") & (M.label == "bike")], "2026-11-21")) > 0
    T["B7"] = len(on(M[M.veh == "P02"], "2026-11-17"))
    T["B8"] = S[S.veh == "P04"].dur.max() / 3600
    T["B9"] = int(((M.label == "bus") & (M.m > 5000)).sum())
    T["H1"] = M[(M.veh == "P03") & (M.label == "walk")].m.sum() / 1000
    bike_n = M[M.label == "bike"].veh.value_counts()
    T["H2"], T["_H2_n"] = bike_n.idxmax(), bike_n.to_dict()
    T["H3"] = len(on(M[(M.veh == "P06") & (M.label == "bus")], "2026-11-22")) > 0
    T["H4"] = int((M.veh == "P01").sum())

    # C: Sydney ferries, naive UTC read on the Sydney clock
    c = pd.read_csv(OUT / "ferries.csv")
    c["t"] = local(pd.to_datetime(c.time_utc, utc=True), "Australia/Sydney")
    C, Cs = trips(c, "voyage", "t", "lat", "lon", "service", "vessel")
    wed = {v: day_km(C, Cs, "2026-12-02", v) * 1000 / NM for v in sorted(C.veh.unique())}
    T["C1"], T["_C1_nm"] = [max(wed, key=wed.get), max(wed.values())], wed
    X = C[C.label == "crossing"]
    T["C2"] = X.kmh.mean() / 1.852
    T["C3"] = int((X.dur > 45 * 60).sum())
    T["C4"] = len(on(C[C.veh == "Dolphin"], "2026-12-03")) > 0
    T["C5"] = all_out(C, sorted(C.veh.unique()), "2026-12-06")
    T["C6"] = int(((C.label == "charter") & (C.start.dt.day_of_week >= 5)).sum())
    T["C7"] = on(C[C.veh == "Coral"], "2026-11-30").start.min().strftime("%H:%M")
    T["C8"] = step_sum(Cs, C.index[C.veh == "Aurora"], slow, "2026-12-01") / 60
    T["C9"] = len(never_slow(C, Cs))
    T["C10"] = X.kmh.nlargest(3).index.tolist()
    T["_C10_kn"] = (X.kmh.nlargest(4) / 1.852).round(3).tolist()
    T["C11"] = int((C.h < 7).sum())
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
