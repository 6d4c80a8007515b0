"""Set 38b's expected answers (ask38b), with pandas over the raw CSVs that scripts/ask38/gen.py wrote under
$ASK38_OUT; no trajlm import (ask26's trip table / steps, ask27's date helper, ask34's clock: all trajlm-free).
Writes $ASK38_OUT/truth38b.json. Words: questions.py's docstring.
    ASK38_OUT=/tmp/ask38b python scripts/ask38b/truth.py
"""

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402

OUT = Path(os.environ.get("ASK38_OUT", "/tmp/ask38"))
t38 = _load(
    "ask38_truth", "ask38/truth.py"
)  # its helpers: ask26's trip table, ask27's date, ask34's clock
trips, steps, on, local, t26 = t38.trips, t38.steps, t38.on, t38.local, t38.t26
MI, KN = t38.MI, 1.852


def pick(s: pd.Series, lowest: bool = False) -> str:
    """The index of the largest (or smallest) value, refusing a near tie (a question with two answers is a bad
    question)."""
    s = s.sort_values(ascending=lowest)
    a, b = s.iloc[0], s.iloc[1]
    assert abs(a - b) > 0.02 * max(abs(a), abs(b)), f"near tie: {s.head(3).to_dict()}"
    return str(s.index[0])


def truth() -> dict:
    T = {}
    k = pd.read_csv(OUT / "couriers.csv")
    k["t"] = pd.to_datetime(k.recorded_at)  # naive Amsterdam wall clock
    K, _ = trips(k, "drop_id", "t", "latitude", "longitude", "bike_type", "bike")
    T["K1"] = int((on(K, "2026-03-20").veh == "CB-15").sum())
    tue = on(K, "2026-03-17").groupby("veh").m.sum() / 1000
    T["K2"], T["_K2_km"] = pick(tue, lowest=True), tue.round(2).to_dict()
    mon = on(K, "2026-03-16")
    T["K3"] = mon[mon.label == "cargo"].m.sum() / 1000
    T["K4"] = len(on(K, "2026-03-20"))
    T["K5"] = K[K.label == "ebike"].m.mean() / 1000

    g = pd.read_csv(OUT / "apron.csv")
    g["t"] = local(pd.to_datetime(g.ts_ms, unit="ms", utc=True), "Europe/Berlin")
    G, _ = trips(g, "task", "t", "lat", "lon", "vtype", "unit")
    T["G1"] = G[G.label == "tug"].kmh.mean() / KN
    T["G2"] = int((on(G, "2026-02-09").veh == "TUG-3").sum())
    T["G3"] = int((G.dur > 600).sum())
    fuel = G[G.label == "fuel"].groupby("veh").m.sum() / 1000
    T["G4"], T["_G4_km"] = pick(fuel), fuel.round(2).to_dict()

    w = pd.read_csv(OUT / "collars.csv")
    w["t"] = local(pd.to_datetime(w.acq_time_utc, utc=True), "America/Denver")
    Ws = steps(w, "collar_id", "t", "lat", "lon")
    wkm = Ws.groupby("trip").m.sum() / 1000
    T["W1"] = wkm["M05"] * 1000 / MI
    T["W2"], T["_W2_km"] = pick(wkm, lowest=True), wkm.round(1).to_dict()
    f07 = w[(w.collar_id == "F07") & (w.t.dt.date >= pd.Timestamp("2026-04-01").date())]
    f07 = f07[f07.t.dt.date <= pd.Timestamp("2026-04-07").date()]
    T["W3"] = steps(f07, "collar_id", "t", "lat", "lon").m.sum() / 1000
    T["W4"] = int((w.collar_id == "F11").sum())

    s = pd.read_csv(OUT / "rides.csv")
    s["t"] = local(pd.to_datetime(s.started_local, utc=True), "America/Chicago")
    S, _ = trips(s, "ride_id", "t", "lat", "lon", "rider_type", "bike_id")
    T["S1"] = S[S.veh == "B1007"].m.sum() / MI
    T["S2"] = len(on(S, "2026-03-10"))
    T["S3"] = S[S.label == "casual"].kmh.mean() * 1000 / MI
    T["S4"] = int((S.dur < 600).sum())
    wd = S.groupby(S.start.dt.day_name()).size()
    T["S5"], T["_S5_n"] = pick(wd.astype(float)), wd.to_dict()
    T["_copies"] = list(t26.COPIES)
    return T


if __name__ == "__main__":
    T = truth()
    T = {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in T.items()}
    (OUT / "truth38b.json").write_text(json.dumps(T, indent=1, default=str))
    for k, v in T.items():
        print(k, v)
