"""Set 31's expected answers (ask31), with pandas over the raw CSVs that gen.py wrote and over the real stores'
point files (read as plain parquet rows); no trajlm import (the trip table and haversine are ask26's truth
helpers, the summing helpers ask27's, all trajlm-free). Writes $ASK31_OUT/truth.json.

Rules (docs/llm.md "Session 31 (ask31)", the same as sets 26-30): a trip's length is the sum of its fix-to-fix
great-circle steps, its duration last fix minus first, its speed length / duration (a mean speed is the mean of
the trips'); hours, weekdays and dates are the trip's start on the data's local clock (Dublin, Melbourne,
Amsterdam; UTC for Porto and GeoLife); a dated distance adds each step on the local date it began; stopped = steps
slower than 1 m/s; time within a circle = steps with both fixes inside; a trip's mode is its most common non-null
label (ties: the first alphabetically); "near a place" = any fix within the radius. On the real stores a step
faster than the data's plausible speed (4 x the 99th percentile of the trips' median step speeds, between 200 km/h
and 340 m/s: docs/llm.md, GPS jumps) adds no length; an exact copy of an earlier trip's fixes is counted once.
    python scripts/ask31/truth.py
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK31_OUT", "/tmp/ask31"))
STORES = Path(os.environ.get("ASK31_STORES", "/tmp/stores"))

t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
trips, day_km, hav, drop_copies = t26.trips, t26.day_km, t26.hav, t26.drop_copies
on, step_sum, inside_s = t27.on, t27.step_sum, t27.inside_s
slow = lambda s: s.m / s.s < 1.0  # noqa: E731


def real_trips(store: Path, veh: str) -> pd.DataFrame:
    """A real store's trip table from its point rows: start (UTC), dur, m (GPS jumps skipped), kmh, mode, veh."""
    p = pd.read_parquet(store / "points")
    p["t"] = pd.to_datetime(p.t, unit="s")
    p = drop_copies(p, "traj_id", "t", "lat", "lon").sort_values(["traj_id", "t"], kind="stable")
    same = p.traj_id.eq(p.traj_id.shift(-1)).values
    d = hav(p.lat, p.lon, p.lat.shift(-1), p.lon.shift(-1)).values
    dt = (p.t.shift(-1) - p.t).dt.total_seconds().values
    st = pd.DataFrame({"trip": p.traj_id.values, "d": d, "dt": dt})[same]
    v = st[st.dt > 0].assign(v=lambda s: s.d / s.dt).groupby("trip").v.median()
    cut = min(340.0, max(200 / 3.6, 4.0 * float(np.quantile(v, 0.99))))
    st.loc[st.d > cut * st.dt.clip(lower=1), "d"] = 0.0
    g = p.groupby("traj_id")
    tb = pd.DataFrame({"start": g.t.min(), "end": g.t.max(), "veh": g[veh].first(),
                       "m": st.groupby("trip").d.sum()})  # fmt: skip
    tb["m"] = tb.m.fillna(0.0)
    if "label" in p.columns:
        lab = p.dropna(subset=["label"]).groupby(["traj_id", "label"]).size().reset_index(name="n")
        lab = lab.sort_values(["traj_id", "n", "label"], ascending=[True, False, True])
        tb["mode"] = lab.drop_duplicates("traj_id").set_index("traj_id").label
    tb["dur"] = (tb.end - tb.start).dt.total_seconds()
    tb["kmh"] = 3.6 * tb.m / tb.dur.clip(lower=1)
    tb["h"] = tb.start.dt.hour
    return tb, p


def truth() -> dict:
    T = {}
    # A: parking enforcement, unix seconds read on the Dublin clock
    a = pd.read_csv(OUT / "parking.csv")
    a["t"] = (
        pd.to_datetime(a.epoch, unit="s", utc=True)
        .dt.tz_convert("Europe/Dublin")
        .dt.tz_localize(None)
    )
    A, As = trips(a, "patrol_ref", "t", "lat", "lng", "beat", "officer")
    T["A1"] = len(on(A[A.veh == "CEO-07"], "2026-11-25"))
    T["A2"] = A[A.veh.str.startswith("CEO")].m.sum() / 1000
    T["A3"] = A[A.veh.str.startswith("SC")].groupby("veh").m.sum().idxmax()
    T["_A_km_per_unit"] = (A.groupby("veh").m.sum() / 1000).round(2).to_dict()
    T["A4"] = A[A.veh == "CEO-03"].kmh.mean()
    T["A5"] = len(on(A[A.label == "school gates"], "2026-11-26"))
    T["A6"] = step_sum(As, A.index[A.veh == "CEO-11"], slow, "2026-11-24") / 60
    T["A7"] = on(A[A.veh == "SC-2"], "2026-11-27").start.min().strftime("%H:%M")
    T["A8"] = int((A.dur > 2 * 3600).sum())
    T["A9"] = A[A.label == "match day"].dur.max() / 60
    r = on(A[A.veh == "CEO-03"], "2026-11-23").index
    T["A10"] = inside_s(a, As, "patrol_ref", "t", "lat", "lng", r, 51.8975, -8.4650, 300) / 60

    # B: roadside assistance, naive Melbourne time
    b = pd.read_csv(OUT / "roadside.csv")
    b["t"] = pd.to_datetime(b["when"])
    B, Bs = trips(b, "callout", "t", "latitude", "longitude", "job", "unit")
    T["B1"] = len(on(B[B.veh == "PV-5"], "2026-11-24"))
    T["B2"] = len(on(B[B.label == "tow"], "2026-11-28"))
    T["B3"] = B[B.veh.str.startswith("TOW")].groupby("veh").m.sum().idxmax()
    T["_B_km_per_unit"] = (B.groupby("veh").m.sum() / 1000).round(2).to_dict()
    T["B4"] = B.dur.mean() / 60
    T["B5"] = step_sum(Bs, B.index[B.veh == "PV-8"], slow, "2026-11-25") / 60
    T["B6"] = on(B[B.veh == "TOW-2"], "2026-11-29").end.max().strftime("%H:%M")
    T["B7"] = int((B.dur > 90 * 60).sum())
    T["B8"] = sum(day_km(B, Bs, "2026-11-26", v) for v in ("PV-5", "PV-6", "PV-8"))
    T["B9"] = int((B.label == "lockout").sum())
    T["B10"] = int(((B.h >= 7) & (B.h < 9)).sum())

    # C: dog walkers, UTC ISO read on the Amsterdam clock
    c = pd.read_csv(OUT / "dogs.csv")
    c["t"] = pd.to_datetime(c.time, utc=True).dt.tz_convert("Europe/Amsterdam").dt.tz_localize(None)
    C, Cs = trips(c, "walk", "t", "lat", "lon", "walk_type", "walker")
    T["C1"] = len(on(C[C.veh == "Anna"], "2026-11-23"))
    T["C2"] = C[C.veh == "Ben"].m.sum() / 1000
    T["C3"] = C.groupby("veh").m.sum().idxmax()
    T["_C_km_per_walker"] = (C.groupby("veh").m.sum() / 1000).round(2).to_dict()
    T["C4"] = C[C.label == "pack"].m.mean() / 1000
    T["C5"] = len(on(C[C.label == "puppy visit"], "2026-11-25"))
    T["C6"] = C.dur.max() / 60
    T["C7"] = int((C.h >= 14).sum())
    T["C8"] = step_sum(Cs, C.index[C.veh == "Dave"], slow, "2026-11-26") / 60

    # D: the real Porto store (UTC)
    D, dp = real_trips(STORES / "porto", "vehicle_id")
    T["D1"] = int((D.h == 7).sum())
    T["D2"] = D.m.mean() / 1000
    near = dp[hav(dp.lat, dp.lon, 41.1456, -8.6106) <= 500].traj_id.unique()
    T["D3"] = len(near)
    T["D4"] = D.dur.median() / 60
    T["D5"] = int((D.dur > 30 * 60).sum())
    T["D6"] = int((dp.groupby("traj_id").call_type.first() == "C").sum())

    # E: the real GeoLife store (UTC)
    E, _ = real_trips(STORES / "geolife", "user_id")
    T["E1"] = int(((E["mode"] == "bus") & (E.start.dt.year == 2008)).sum())
    T["E2"] = E[E["mode"] == "bike"].kmh.mean()
    sub = E[E["mode"] == "subway"].groupby("veh").size()
    T["E3"] = sub.idxmax()
    T["_E3_counts"] = sub.sort_values(ascending=False).head(4).to_dict()
    T["E4"] = int(((E["mode"] == "taxi") & (E.m > 10000)).sum())
    T["E5"] = E[E["mode"] == "car"].dur.median() / 60
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
