"""Set 40b's expected answers (ask40b), with pandas over the raw CSVs that gen.py wrote under $ASK40B_OUT; no trajlm
import (ask26's trip table, ask27's date helper, ask34's clock through scripts/ask38/truth.py; ask38b's pick and
ask40's nth: all trajlm-free). Writes $ASK40B_OUT/truth.json. Words: questions.py's docstring.
    ASK40B_OUT=/tmp/ask40b python scripts/ask40b/truth.py
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK40B_OUT", "/tmp/ask40b"))
os.environ.setdefault("ASK38_OUT", str(OUT))
os.environ.setdefault("ASK40_OUT", str(OUT))
t38 = _load("ask38_truth", "ask38/truth.py")
trips, on, local, t26 = t38.trips, t38.on, t38.local, t38.t26
pick = _load("ask38b_truth", "ask38b/truth.py").pick  # the largest / smallest, refusing a near tie
t40 = _load("ask40_truth", "ask40/truth.py")
nth, idset = t40.nth, t40.idset  # the n-th largest refusing a near tie; score's idset
MI = 1609.344


def truth() -> dict:
    T = {}
    c = pd.read_csv(OUT / "cabs.csv")
    c["t"] = local(pd.to_datetime(c.ts_ms, unit="ms", utc=True), "Europe/Dublin")
    C, _ = trips(c, "fare_id", "t", "lat", "lon", "fare_type", "cab")
    d = on(C, "2026-11-07")
    T["T1"] = d[d.veh == "CAB-14"].m.sum() / 1000
    hail = C[C.label == "hail"].groupby("h").size()
    T["T2"], T["_T2_n"] = int(pick(hail)), hail.to_dict()
    non_rank = C[C.label != "rank"].groupby("veh").size().astype(float)
    T["T3"], T["_T3_n"] = pick(non_rank), non_rank.to_dict()
    T["T4"] = nth(C[C.veh == "CAB-14"].dur, 4) / 60
    T["T5"] = int((C.m > 5 * MI).sum())

    k = pd.read_csv(OUT / "trucks.csv")
    k["t"] = pd.to_datetime(k.recorded).dt.tz_localize(
        None
    )  # +02:00 = Cape Town wall clock all year
    K, _ = trips(k, "round_no", "t", "lat", "lon", "service", "truck")
    T["K1"] = int((on(K, "2026-02-12").label == "recycling").sum())
    tue = on(K, "2026-02-10").groupby("veh").dur.sum() / 3600
    T["K2"], T["_K2_h"] = pick(tue), tue.round(2).to_dict()
    T["K3"] = K[K.label == "recycling"].kmh.mean() / 3.6
    T["K4"] = idset(
        sorted(K.veh.unique()), set(K.veh.unique()) - set(K[K.label == "recycling"].veh)
    )

    e = pd.read_csv(OUT / "elephants.csv")
    e["t"] = local(pd.to_datetime(e.fix_utc, utc=True), "Africa/Gaborone")
    E, _ = trips(e, "bout", "t", "lat", "lon", "sex_class", "elephant")
    d = on(E, "2026-04-14")
    T["E1"] = d[d.veh == "Tumelo"].m.sum() / 1000
    km = E.groupby("veh").m.sum() / 1000
    second_least = nth(-km, 2)
    T["E2"], T["_E2_km"] = str(km.index[-km == second_least][0]), km.round(1).to_dict()
    d = on(E, "2026-04-15")
    T["E3"] = d[d.label == "cow"].dur.sum() / 3600
    T["E4"] = E[E.veh == "Kagiso"].kmh.max() * 1000 / 60
    T["E5"] = idset(sorted(E.veh.unique()), set(E.veh.unique()) - set(on(E, "2026-04-16").veh))

    h = pd.read_csv(OUT / "helis.csv")
    h["t"] = pd.to_datetime(h.local_time)  # naive Queenstown wall clock
    H, _ = trips(h, "flight_no", "t", "lat", "lon", "flight_kind", "rego")
    d = on(H, "2026-02-14")
    T["H1"] = int(((d.veh == "ZK-HBA") & (d.label == "scenic")).sum())
    T["H2"] = H[H.label == "heliski"].dur.min() / 60
    hours = H[H.label != "heliski"].groupby("veh").dur.sum() / 3600
    T["H3"], T["_H3_h"] = pick(hours), hours.round(2).to_dict()
    d = on(H, "2026-02-09")
    d = d[d.veh == "ZK-HBC"]
    at = pd.Timestamp("2026-02-09 15:00")
    T["H4"] = bool(((d.start <= at) & (d.end >= at)).any())
    T["_H4_trips"] = [f"{s:%H:%M}-{e:%H:%M}" for s, e in zip(d.start, d.end, strict=True)]
    T["_copies"] = list(t26.COPIES)
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
