"""ask37b's expected answers, with pandas over the raw files (no trajlm import): set 37's CSVs (scripts/ask37/gen.py,
under $ASK37_OUT) through the trajlm-free helpers of sets 26 / 27 / 34, and the pitch's truth/players.csv (under
$ASK37B_PITCH, written by scripts/sports37/gen_tracab.py from its own 25-Hz tracks). Writes $ASK37_OUT/truth37b.json.
Words: questions.py's docstring.
    python scripts/ask37b/truth.py
"""

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402

OUT = Path(os.environ.get("ASK37_OUT", "/tmp/ask37"))
PITCH = Path(os.environ.get("ASK37B_PITCH", "/tmp/ask37b/pitch_raw"))
t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
os.environ.setdefault("ASK34_OUT", str(OUT))
t34 = _load("ask34_truth", "ask34/truth.py")
trips, on, local = t26.trips, t27.on, t34.local


def truth() -> dict:
    T = {}
    a = pd.read_csv(OUT / "schoolbus.csv")
    a["t"] = local(pd.to_datetime(a.gps_time, utc=True), "America/Denver")
    A, _ = trips(a, "run", "t", "lat", "lon", "route", "bus")
    T["A1"] = int((A.veh == "SB-105").sum())
    road = A.groupby("veh").dur.sum() / 3600
    T["A2"], T["_A2_h"] = road.idxmax(), road.round(3).to_dict()
    T["A3"] = on(A, "2026-11-03").end.max().strftime("%H:%M")
    T["A4"] = A[A.label == "South"].m.sum() / 1000
    T["A5"] = A[A.label == "East"].dur.mean() / 60

    b = pd.read_csv(OUT / "sweepers.csv")
    b["t"] = local(pd.to_datetime(b.epoch, unit="s", utc=True), "Europe/Vienna")
    B, _ = trips(b, "job", "t", "lat", "lon", "mode", "unit")
    T["B1"] = (B.groupby("veh").m.sum() / 1000).to_dict()
    T["B2"] = float((B.label == "sweeping").mean())
    T["B3"] = len(on(B, "2026-11-12"))
    T["B4"] = B[B.label == "transit"].kmh.mean()

    c = pd.read_csv(OUT / "telematics.csv")
    c["t"] = local(pd.to_datetime(c.ts, utc=True), "Australia/Melbourne")
    c["none"] = ""
    C, _ = trips(c, "trip_id", "t", "lat", "lon", "none", "policy")
    T["C1"] = len(C)
    T["C2"] = C.dur.max() / 60
    T["C3"] = C[C.veh == "P-20462"].m.sum() / 1000
    n = C.groupby("veh").size()
    T["C4"], T["_C4_n"] = n.idxmax(), n.to_dict()
    T["C5"] = int((C.h >= 22).sum())

    p = pd.read_csv(PITCH / "truth" / "players.csv")
    p["id"] = p.player.str.lower()
    T["P1"] = float(p[(p.id == "home_6") & (p.half == 1)].distance_m.iloc[0])
    T["P2"] = p[p.id.str.startswith("away_") & (p.half == 2)].distance_m.sum() / 1000
    T["P3"] = int(p[p.id.str.startswith("home_") & (p.half == 2)].sprints_over_7mps.sum())
    T["P4"] = float(p[p.id == "away_16"].top_speed_mps.max())
    return T


if __name__ == "__main__":
    T = {
        k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in truth().items()
    }
    (OUT / "truth37b.json").write_text(json.dumps(T, indent=1, default=str))
    for k, v in T.items():
        print(k, v)
