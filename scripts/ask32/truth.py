"""Set 32's expected answers (ask32), with pandas over the raw CSVs that gen.py wrote and over the real stores'
point files (read as plain parquet rows); no trajlm import (the trip table and haversine are ask26's truth
helpers, the summing helpers ask27's, the real stores' trip table ask31's, all trajlm-free). Writes
$ASK32_OUT/truth.json.

Rules (docs/llm.md "Session 32 (ask32)", the same as sets 26-31): a trip's length is the sum of its fix-to-fix
great-circle steps, its duration last fix minus first, its speed length / duration (a mean speed is the mean of
the trips'); hours, weekdays and dates are the trip's start on the data's local clock (Berlin, Helsinki,
Amsterdam, Madrid; UTC for Porto and GeoLife); a dated distance adds each step on the local date it began;
stopped = steps slower than 1 m/s; a yes / no question is yes when at least one trip matches. On the real stores
a trip's mode is its most common non-null label, GPS jumps add no length, exact copies count once (ask31's rule).
    python scripts/ask32/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK32_OUT", "/tmp/ask32"))
STORES = Path(os.environ.get("ASK32_STORES", "/tmp/stores"))
os.environ.setdefault("ASK31_OUT", str(OUT))
t31 = _load("ask31_truth", "ask31/truth.py")
trips, day_km, on, step_sum, slow, real_trips = (
    t31.trips, t31.day_km, t31.on, t31.step_sum, t31.slow, t31.real_trips)  # fmt: skip
NM = 1852.0


def local(s: pd.Series, zone: str) -> pd.Series:
    """UTC instants -> naive wall-clock times of ``zone``."""
    return s.dt.tz_convert(zone).dt.tz_localize(None)


def truth() -> dict:
    T = {}
    # A: parcel rounds, unix ms read on the Berlin clock
    a = pd.read_csv(OUT / "parcels.csv")
    a["t"] = local(pd.to_datetime(a.ts_ms, unit="ms", utc=True), "Europe/Berlin")
    A, As = trips(a, "round", "t", "lat", "lon", "round_type", "van")
    T["A1"] = len(on(A[A.veh == "VAN-07"], "2026-11-23")) > 0
    T["A2"] = len(on(A[A.veh == "VAN-07"], "2026-11-25")) > 0
    T["A3"] = len(on(A[A.veh == "VAN-11"], "2026-11-24"))
    T["A4"] = A[A.veh.str.startswith("EB")].m.sum() / 1000
    vans = {v: day_km(A, As, "2026-11-27", v) for v in ("VAN-03", "VAN-07", "VAN-11")}
    T["A5"], T["_A5_km"] = max(vans, key=vans.get), vans
    T["A6"] = step_sum(As, A.index[A.veh == "VAN-03"], slow, "2026-11-26") / 60
    T["A7"] = on(A[A.veh == "VAN-07"], "2026-11-28").end.max().strftime("%H:%M")
    T["A8"] = int((A.label == "groceries").sum())

    # B: the mobility study, UTC ISO read on the Helsinki clock
    b = pd.read_csv(OUT / "mobility.csv")
    b["t"] = local(pd.to_datetime(b.time, utc=True), "Europe/Helsinki")
    B, _ = trips(b, "trip_no", "t", "lat", "lon", "mode", "participant_id")
    T["B1"] = len(on(B[B.veh == "P03"], "2026-11-10"))
    T["B2"] = int((B.label == "tram").sum())
    T["B3"] = B[B.label == "walk"].m.mean() / 1000
    bike = B[B.label == "bike"].groupby("veh").m.sum() / 1000
    T["B4"], T["_B4_km"] = bike.idxmax(), bike.round(2).to_dict()
    T["B5"] = int((B.h < 8).sum())
    T["B6"] = B[B.label == "bus"].dur.median() / 60
    T["B7"] = len(on(B[(B.veh == "P05") & (B.label == "tram")], "2026-11-14")) > 0
    T["B8"] = int(((B.label == "car") & (B.m > 10000)).sum())

    # C: harbour craft, unix seconds read on the Amsterdam clock
    c = pd.read_csv(OUT / "harbour.csv")
    c["t"] = local(pd.to_datetime(c.epoch, unit="s", utc=True), "Europe/Amsterdam")
    C, Cs = trips(c, "movement", "t", "lat", "lon", "service", "craft")
    T["C1"] = len(on(C[C.veh == "TUG-21"], "2026-11-24"))
    T["C2"] = C[C.veh.str.startswith("PILOT")].kmh.mean() / 1.852
    tugs = C[C.veh.str.startswith("TUG")].groupby("veh").m.sum() / NM
    T["C3"], T["_C3_nm"] = tugs.idxmax(), tugs.round(2).to_dict()
    T["C4"] = day_km(C, Cs, "2026-11-25", "PILOT-4") * 1000 / NM
    T["C5"] = int(((C.label == "towage") & (C.dur > 3600)).sum())
    T["C6"] = on(C[C.veh == "TUG-22"], "2026-11-26").start.min().strftime("%H:%M")
    T["C7"] = len(on(C[C.veh == "TUG-22"], "2026-11-27")) > 0

    # D: the cycling club, naive Madrid time
    d = pd.read_csv(OUT / "club.csv")
    d["t"] = pd.to_datetime(d.local_time)
    D, Ds = trips(d, "ride", "t", "lat", "lon", "ride_type", "rider")
    T["D1"] = int((D.veh == "Lena").sum())
    T["D2"] = day_km(D, Ds, "2026-10-11", "Sam")
    T["D3"] = D[D.label == "club run"].kmh.mean()
    km = D.groupby("veh").m.sum() / 1000
    T["D4"], T["_D4_km"] = km.idxmax(), km.round(2).to_dict()
    T["D5"] = len(on(D[D.veh == "Marc"], "2026-10-07")) > 0
    T["D6"] = int((D.m > 50000).sum())

    # E: the real Porto store (UTC)
    E, ep = real_trips(STORES / "porto", "vehicle_id")
    ct = ep.groupby("traj_id").call_type.first()
    T["E2"] = int(((ct.reindex(E.index) == "A") & (E.dur > 20 * 60)).sum())
    T["E3"] = bool(((E.veh == "20000320") & (E.h >= 9)).any())
    T["_E3_starts"] = E[E.veh == "20000320"].start.dt.strftime("%H:%M").tolist()

    # F: the real GeoLife store (UTC)
    F, _ = real_trips(STORES / "geolife", "user_id")
    T["F1"] = bool(((F.veh == "068") & (F["mode"] == "subway") & (F.start.dt.year == 2008)).any())
    T["F2"] = int(((F["mode"] == "walk") & (F.m > 5000)).sum())
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
