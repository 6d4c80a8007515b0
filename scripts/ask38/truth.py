"""Set 38's expected answers (ask38), with pandas over the raw CSVs that gen.py wrote; no trajlm import (ask26's
trip table / steps, ask27's date helper, ask34's clock: all trajlm-free). Writes $ASK38_OUT/truth.json.
Words: questions.py's docstring.
    python scripts/ask38/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK38_OUT", "/tmp/ask38"))
t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
os.environ.setdefault("ASK34_OUT", str(OUT))
t34 = _load("ask34_truth", "ask34/truth.py")
trips, steps, on, local = t26.trips, t26.steps, t27.on, t34.local
MI = 1609.344


def top(s: pd.Series) -> str:
    """The index of the largest value, refusing a tie (a question with two answers is a bad question)."""
    s = s.sort_values(ascending=False)
    assert len(s) < 2 or s.iloc[0] > s.iloc[1] * 1.02, f"near tie: {s.head(3).to_dict()}"
    return s.index[0]


def truth() -> dict:
    T = {}
    k = pd.read_csv(OUT / "couriers.csv")
    k["t"] = pd.to_datetime(k.recorded_at)  # naive Amsterdam wall clock
    K, _ = trips(k, "drop_id", "t", "latitude", "longitude", "bike_type", "bike")
    T["K1"] = int((on(K, "2026-03-18").veh == "CB-13").sum())
    km = K.groupby("veh").m.sum() / 1000
    T["K2"], T["_K2_km"] = top(km), km.round(2).to_dict()
    T["K3"] = K[K.label == "cargo"].dur.mean() / 60
    T["K4"] = int((K.dur > 20 * 60).sum())
    T["K5"] = K[K.label == "ebike"].kmh.mean()
    T["K6"] = on(K, "2026-03-21").start.min().strftime("%H:%M")

    g = pd.read_csv(OUT / "apron.csv")
    g["t"] = local(pd.to_datetime(g.ts_ms, unit="ms", utc=True), "Europe/Berlin")
    G, _ = trips(g, "task", "t", "lat", "lon", "vtype", "unit")
    T["G1"] = int((G.label == "fuel").sum())
    wed = on(G, "2026-02-11")
    tkm = wed[wed.label == "tug"].groupby("veh").m.sum() / 1000
    T["G2"], T["_G2_km"] = top(tkm), tkm.round(2).to_dict()
    T["G3"] = G.m.max() / 1000
    thu = on(G, "2026-02-12")
    T["G4"] = thu[thu.label == "bus"].dur.sum() / 3600
    T["G5"] = float((G.label == "tug").mean())
    night = G[G.h < 5].groupby("veh").size()
    T["G6"], T["_G6_n"] = top(night), night.to_dict()

    w = pd.read_csv(OUT / "collars.csv")
    w["t"] = local(pd.to_datetime(w.acq_time_utc, utc=True), "America/Denver")
    Ws = steps(w, "collar_id", "t", "lat", "lon")
    wkm = Ws.groupby("trip").m.sum() / 1000
    T["W1"] = wkm["F07"]
    T["W2"], T["_W2_km"] = top(wkm), wkm.round(1).to_dict()
    T["W3"] = int((w.collar_id == "M03").sum())
    T["W4"] = int(w[w.collar_id == "F12"].t.dt.date.nunique())
    m03 = Ws[Ws.trip == "M03"]
    T["W5"] = m03.groupby(m03.t.dt.date).m.sum().mean() / 1000

    s = pd.read_csv(OUT / "rides.csv")
    s["t"] = local(pd.to_datetime(s.started_local, utc=True), "America/Chicago")
    S, _ = trips(s, "ride_id", "t", "lat", "lon", "rider_type", "bike_id")
    d = S.start.dt.normalize()
    T["S1"] = int(((d >= "2026-03-15") & (d <= "2026-03-21")).sum())
    T["S2"] = int((S.label == "casual").sum())
    T["S3"] = S[S.label == "member"].m.mean() / MI
    n = S.groupby("veh").size()
    T["S4"], T["_S4_n"] = n.sort_values().index[-1], n.sort_values().tail(3).to_dict()
    T["S5"] = int(((S.h >= 17) & (S.h < 19) & (S.start.dt.day_of_week < 5)).sum())
    T["S6"] = S.dur.max() / 60
    T["_copies"] = list(t26.COPIES)
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
