"""Set 40's expected answers (ask40), with pandas over the raw CSVs that gen.py wrote under $ASK40_OUT; no trajlm
import (ask26's trip table, ask27's date helper, ask34's clock, through scripts/ask38/truth.py; ask38b's pick: all
trajlm-free). Writes $ASK40_OUT/truth.json. Words: questions.py's docstring.
    ASK40_OUT=/tmp/ask40 python scripts/ask40/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK40_OUT", "/tmp/ask40"))
os.environ.setdefault("ASK38_OUT", str(OUT))
t38 = _load("ask38_truth", "ask38/truth.py")
trips, on, local, t26 = t38.trips, t38.on, t38.local, t38.t26
pick = _load("ask38b_truth", "ask38b/truth.py").pick  # the largest / smallest, refusing a near tie
MI, KN = 1609.344, 1.852


def nth(s: pd.Series, n: int) -> float:
    """The n-th largest value (1 = the largest), refusing a near tie with either neighbour."""
    v = s.sort_values(ascending=False).to_numpy()
    for a, b in [(v[n - 2], v[n - 1]) if n > 1 else (v[0] * 2, v[0]), (v[n - 1], v[n])]:
        assert abs(a - b) > 0.02 * max(abs(a), abs(b)), f"near tie: {v[: n + 2]}"
    return float(v[n - 1])


def idset(every: list, named: set) -> dict:
    """score's idset: the ids the answer must name and the ones it must not."""
    return {"yes": sorted(named), "no": sorted(set(every) - named)}


def truth() -> dict:
    T = {}
    f = pd.read_csv(OUT / "tractors.csv")
    f["t"] = pd.to_datetime(f.stamp)  # naive Aberdeenshire wall clock
    F, _ = trips(f, "job", "t", "lat", "lon", "work", "tractor")
    d = on(F, "2026-08-17")
    T["F1"] = d[(d.veh == "FENDT724") & (d.label == "road")].m.sum() / MI
    baling = F[F.label == "baling"].groupby("veh").dur.sum() / 3600
    second = nth(baling, 2)
    T["F2"], T["_F2_h"] = str(baling.index[baling == second][0]), baling.round(2).to_dict()
    T["F3"] = int(((F.label == "ploughing") & (F.h >= 7) & (F.h < 9)).sum())
    T["F4"] = idset(sorted(F.veh.unique()), set(F.veh.unique()) - set(F[F.label == "road"].veh))

    n = pd.read_csv(OUT / "buses.csv")
    n["t"] = pd.to_datetime(n.gps_time).dt.tz_localize(None)  # +01:00 = Lagos wall clock all year
    N, _ = trips(n, "run_id", "t", "latitude", "longitude", "run_type", "bus_no")
    d = on(N, "2026-09-15")
    T["N1"] = d[d.veh == "BUS-03"].m.sum() / 1000
    km = N.groupby("veh").m.sum() / 1000
    T["N2"], T["_N2_km"] = str(km.index[km == nth(km, 2)][0]), km.round(1).to_dict()
    d = on(N, "2026-09-21")
    T["N3"] = int(((d.h >= 7) & (d.h < 9)).sum())
    T["N4"] = N[N.label == "morning"].kmh.mean() / (MI / 1000)
    T["N5"] = idset(sorted(N.veh.unique()), set(N.veh.unique()) - set(on(N, "2026-09-18").veh))

    g = pd.read_csv(OUT / "flights.csv")
    g["t"] = local(pd.to_datetime(g.unix_s, unit="s", utc=True), "Australia/Perth")
    D, _ = trips(g, "flight", "t", "lat", "lon", "mission", "drone")
    T["D1"] = nth(D.dur, 3) / 60
    d = on(D, "2026-03-03")
    T["D2"] = int(((d.veh == "UAV-B") & (d.h >= 9) & (d.h < 12)).sum())
    T["D3"] = D[D.label == "mapping"].kmh.mean() / KN
    air = D.groupby("veh").dur.sum() / 60
    T["D4"], T["_D4_min"] = pick(air, lowest=True), air.round(1).to_dict()

    c = pd.read_csv(OUT / "vans.csv")
    c["t"] = local(pd.to_datetime(c.ts, utc=True), "Europe/London")
    C, _ = trips(c, "trip_ref", "t", "lat", "lon", "usage", "vin")
    late = set(c[c.t.dt.hour >= 20].vin)
    T["C1"] = idset(sorted(C.veh.unique()), set(C.veh.unique()) - late)
    T["C2"] = nth(C[C.veh == "VAN-A3"].m, 2) / MI
    d = on(C, "2026-10-07")
    d = d[d.veh == "VAN-A1"]
    w0, w1 = pd.Timestamp("2026-10-07 07:00"), pd.Timestamp("2026-10-07 09:00")
    T["C3"] = bool(((d.start < w1) & (d.end > w0)).any())
    T["_C3_trips"] = [f"{s:%H:%M}-{e:%H:%M}" for s, e in zip(d.start, d.end, strict=True)]
    T["C4"] = int((C.label == "personal").sum())
    T["C5"] = C[C.label == "business"].m.mean() / MI
    T["_copies"] = list(t26.COPIES)
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
