"""Set 35's expected answers (ask35), with pandas over the raw CSVs that gen.py wrote; no trajlm import (ask26's
trip table / steps, ask27's date helpers, ask34's helpers: all trajlm-free). Writes $ASK35_OUT/truth.json.
The leftovers read set 34's CSVs ($ASK34_OUT) and set 33's ($ASK33_OUT).

Rules (docs/llm.md "Session 35 (ask35)", as sets 26-34, and questions.py's words).
    python scripts/ask35/truth.py
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK35_OUT", "/tmp/ask35"))
OUT34 = Path(os.environ.get("ASK34_OUT", "/tmp/ask34"))
OUT33 = Path(os.environ.get("ASK33_OUT", "/tmp/ask33"))
t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
os.environ.setdefault("ASK34_OUT", str(OUT34))
t34 = _load("ask34_truth", "ask34/truth.py")
trips, steps, on, step_sum = t26.trips, t26.steps, t27.on, t27.step_sum
local, dated_km, longest_stop_s = t34.local, t34.dated_km, t34.longest_stop_s
MI, NM = 1609.344, 1852.0
slow = lambda s: s.m / s.s < 1.0  # noqa: E731


def fastest_km_s(st: pd.DataFrame) -> float:
    """The shortest time (s) for a whole km counted from the start (km 1, 2, ...), by cumulative length."""
    d = np.concatenate([[0.0], st.m.cumsum().to_numpy()])
    t = np.concatenate([[0.0], st.s.cumsum().to_numpy()])
    marks = np.interp(np.arange(0, d[-1] + 1e-9, 1000.0), d, t)
    return float(np.diff(marks).min())


def negative_split(st: pd.DataFrame) -> bool:
    d = np.concatenate([[0.0], st.m.cumsum().to_numpy()])
    t = np.concatenate([[0.0], st.s.cumsum().to_numpy()])
    half = float(np.interp(d[-1] / 2, d, t))
    return t[-1] - half < half


def kde95_km2(lat: np.ndarray, lon: np.ndarray) -> float:
    """Area inside the 95 % isopleth of a Gaussian KDE (reference bandwidth), grid 200 x 200, extent + 3 h."""
    la0 = float(np.mean(lat))
    x = (lon - np.mean(lon)) * 111.32 * np.cos(np.radians(la0))
    y = (lat - la0) * 111.32
    n = len(x)
    h = np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2) * n ** (-1 / 6)
    gx = np.linspace(x.min() - 3 * h, x.max() + 3 * h, 200)
    gy = np.linspace(y.min() - 3 * h, y.max() + 3 * h, 200)
    X, Y = np.meshgrid(gx, gy)
    dens = np.zeros_like(X)
    for xi, yi in zip(x, y, strict=True):
        dens += np.exp(-((X - xi) ** 2 + (Y - yi) ** 2) / (2 * h * h))
    cell = (gx[1] - gx[0]) * (gy[1] - gy[0])
    p = np.sort(dens.ravel())[::-1]
    c = np.cumsum(p) / p.sum()
    k = int(np.searchsorted(c, 0.95)) + 1
    return float(k * cell)


def truth() -> dict:
    T = {}
    # A: bus AVL, ISO -06:00 read on the Edmonton clock
    a = pd.read_csv(OUT / "avl.csv", dtype={"route_id": str})
    a["t"] = local(pd.to_datetime(a.timestamp, utc=True), "America/Edmonton")
    A, As = trips(a, "trip_id", "t", "lat", "lon", "route_id", "vehicle_id")
    T["A1"] = int((on(A, "2026-09-15").label == "14").sum())
    r14 = A[A.label == "14"].sort_values("start")
    gaps = r14.groupby("date").start.diff().dt.total_seconds().dropna() / 60
    T["A2"] = float(gaps.mean())
    wed = (
        dated_km(As, A.veh).query("date == @pd.Timestamp('2026-09-16').date()").set_index("veh").km
    )
    T["A3"], T["_A3_km"] = int(wed.idxmax()), wed.sort_values().tail(3).round(2).to_dict()
    T["A4"] = A[A.label == "7"].kmh.mean()
    T["A5"] = int((A.dur > 45 * 60).sum())
    T["A6"] = on(A[A.label == "22"], "2026-09-14").start.min().strftime("%H:%M")
    T["A7"] = A[A.veh == 8104].m.sum() / 1000
    sp = A.groupby("label").kmh.mean()
    T["A8"], T["_A8_kmh"] = sp.idxmin(), sp.round(2).to_dict()
    T["A9"] = step_sum(As, A.index[A.veh == 8107], slow, "2026-09-17") / 3600
    fri = on(A, "2026-09-18")
    T["A10"] = bool((fri.end.dt.hour >= 21).any())
    T["A11"] = int(A[A.label == "22"].veh.nunique())
    T["A12"] = len(fri)

    # B: van week, ISO Z read on the London clock
    b = pd.read_csv(OUT / "vans.csv")
    b["t"] = local(pd.to_datetime(b.gps_time, utc=True), "Europe/London")
    B, Bs = trips(b, "tour_id", "t", "lat", "lon", "registration", "registration")
    T["B1"] = step_sum(Bs, B.index[B.veh == "LV21 KXP"], slow) / 3600
    T["B2"] = on(B, "2026-09-15").start.min().strftime("%H:%M")
    T["B3"] = t26.day_km(B, Bs, "2026-09-16") * 1000 / MI
    miles = B.groupby("veh").m.sum() / MI
    T["B4"], T["_B4_mi"] = miles.idxmax(), miles.round(1).to_dict()
    T["B5"] = B.m.mean() / MI
    T["B6"] = int((B.dur > 8 * 3600).sum())
    T["B7"] = set(on(B, "2026-09-19").veh) >= set(B.veh)
    fri = on(B, "2026-09-18")
    idle = {v: step_sum(Bs, fri.index[fri.veh == v], slow) / 3600 for v in sorted(set(fri.veh))}
    T["B9"], T["_B9_h"] = max(idle, key=idle.get), {k: round(v, 3) for k, v in idle.items()}
    T["B8"] = B.kmh.mean() / 1.609344
    T["B10"] = on(B, "2026-09-17").end.max().strftime("%H:%M")
    T["B11"] = len(B)
    T["B12"] = t26.day_km(B, Bs, "2026-09-14", "YD70 BHN") * 1000 / MI

    # C: runners, ISO +02:00 read on the Berlin clock
    c = pd.read_csv(OUT / "runs.csv")
    c["t"] = local(pd.to_datetime(c.time, utc=True), "Europe/Berlin")
    C, Cs = trips(c, "activity_id", "t", "lat", "lon", "athlete", "athlete")
    am13 = on(C[C.veh == "Amara"], "2026-09-13").index
    T["C1"] = fastest_km_s(Cs[Cs.trip == am13[0]]) / 60 if len(am13) else None
    jl = C[C.veh == "Jonas"].m.idxmax()
    T["C2"] = negative_split(Cs[Cs.trip == jl])
    T["C3"] = float((C[C.veh == "Luis"].dur / 60 / (C[C.veh == "Luis"].m / 1000)).mean())
    tot = C.groupby("veh").m.sum() / 1000
    T["C4"], T["_C4_km"] = tot.idxmax(), tot.round(2).to_dict()
    T["C5"] = int((C.m > 15000).sum())
    T["C6"] = C.m.max() / 1000
    wk = C[(C.veh == "Amara") & (C.start >= "2026-09-07") & (C.start < "2026-09-14")]
    T["C7"] = wk.m.sum() / 1000
    T["C8"] = C[C.veh == "Jonas"].dur.mean() / 60
    T["C9"] = int((C.veh == "Keiko").sum())
    spd = C.groupby("veh").kmh.mean()
    T["C10"], T["_C10_kmh"] = spd.idxmax(), spd.round(2).to_dict()
    T["C11"] = t26.day_km(C, Cs, "2026-09-20")
    T["C12"] = C[C.veh == "Keiko"].kmh.mean()
    T["_C_runs"] = {k: [str(d) for d in g.date] for k, g in C.groupby("veh")}

    # leftovers. F: set 33's fleet (Chicago)
    f = pd.read_csv(OUT33 / "fleet.csv")
    f["t"] = local(pd.to_datetime(f.timestamp, utc=True), "America/Chicago")
    F, Fs = trips(f, "run", "t", "latitude", "longitude", "shift", "unit")
    stopped = Fs[slow(Fs)].trip.unique()
    F["stops"] = F.index.isin(stopped)
    vans = sorted(F.veh.unique())
    some = sorted(set(F[~F.stops].veh))
    never = sorted(v for v in vans if not F[F.veh == v].stops.any())
    T["F1"] = {"yes": some, "no": sorted(set(vans) - set(some))}
    T["F2"] = {"yes": never, "no": sorted(set(vans) - set(never))}
    # L: set 34's AIS (Brussels)
    s = pd.read_csv(OUT34 / "ais.csv")
    s["t"] = local(pd.to_datetime(s.BaseDateTime, utc=True), "Europe/Brussels")
    L, Ls = trips(s, "VoyageID", "t", "LAT", "LON", "VesselType", "VesselName")
    nm = L.groupby("veh").m.sum() / NM
    big = sorted(nm[nm > 320].index)
    T["L1"] = {"yes": big, "no": sorted(set(L.veh) - set(big))}
    one = sorted(set(L[L.m / NM > 62].veh))
    T["L2"] = {"yes": one, "no": sorted(set(L.veh) - set(one))}
    T["_L_nm_total"], T["_L_nm_max"] = (
        nm.round(1).to_dict(),
        (L.groupby("veh").m.max() / NM).round(1).to_dict(),
    )
    # K: set 34's collars
    k = pd.read_csv(OUT34 / "collars.csv")
    kk = k[k.animal_id == "Kito"]
    T["K1"] = kde95_km2(kk.latitude.to_numpy(), kk.longitude.to_numpy())
    T["_K1_mcp"] = t34.mcp_km2(kk.latitude.to_numpy(), kk.longitude.to_numpy())
    # V: the AIS rows by vessel_name only: a vessel's steps, a silence of > 1 h cuts
    Vs = steps(s, "VesselName", "t", "LAT", "LON")
    Vs = Vs[Vs.s <= 3600]

    def anchored(v: str, date: str) -> bool:
        x = Vs[(Vs.trip == v) & (Vs.t.dt.date == pd.Timestamp(date).date())]
        return bool(slow(x).any())

    T["V1"], T["V2"] = anchored("SCHELDE STAR", "2026-06-10"), anchored("KESTREL", "2026-06-10")
    T["V3"] = Vs[Vs.trip == "KESTREL"].m.sum() / NM
    T["_V_slow_h_by_date"] = {
        v: {str(d): round(float(g[slow(g)].s.sum()) / 3600, 2) for d, g in x.groupby(x.t.dt.date)}
        for v, x in Vs[Vs.trip.isin(["SCHELDE STAR", "KESTREL"])].groupby("trip")
    }
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
