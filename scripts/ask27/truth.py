"""Set 27's expected answers (ask27), with pandas over the raw CSVs that gen.py wrote; no trajlm import
(the trip table, haversine and copy rule are ask26's truth helpers, also trajlm-free). Writes
$ASK27_OUT/truth.json.

Rules (stated in docs/llm.md "Session 27 (ask27)"): a trip's length is the sum of its fix-to-fix great-circle
steps, its duration last fix minus first, its speed length / duration (a mean speed is the mean of the trips');
hours, weekdays and dates are the trip's start in the data's local clock (London, UTC, Chicago, London); a dated
distance / time adds each step on the local date it began; stopped = steps slower than 1 m/s; time above a
speed = steps faster than it; time within a circle = steps with both fixes inside; night = starts 22:00-06:00.
The vests are 10 Hz: the truths use every raw fix (`_1hz` keys: the same on the first fix of each second).
    python scripts/ask27/truth.py
"""

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK27_OUT", "/tmp/ask27"))
_spec = importlib.util.spec_from_file_location(
    "ask26_truth", Path(__file__).parents[1] / "ask26" / "truth.py"
)
t26 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(t26)
hav, trips, day_km, longest_stop_min = t26.hav, t26.trips, t26.day_km, t26.longest_stop_min
MI, NM = 1609.344, 1852.0


def on(tb, date):
    return tb[tb.date == pd.Timestamp(date).date()]


def step_sum(st, trip_ids, mask=None, date=None):
    """Seconds of the steps of `trip_ids` (on local `date` if given) where `mask(step)` holds."""
    s = st[st.trip.isin(trip_ids)]
    if date is not None:
        s = s[s.t.dt.date == pd.Timestamp(date).date()]
    keep = mask(s) if mask is not None else np.ones(len(s), bool)
    return float(s.s[keep].sum())


def inside_s(raw, st, trip_col, t_col, lat, lon, trip_ids, plat, plon, r_m):
    """Steps whose both fixes lie within r_m of (plat, plon)."""
    d = raw[raw[trip_col].isin(trip_ids)].sort_values([trip_col, t_col], kind="stable")
    inn = hav(d[lat], d[lon], plat, plon) <= r_m
    same = d[trip_col].eq(d[trip_col].shift(-1))
    both = inn & inn.shift(-1, fill_value=False) & same
    dt = (d[t_col].shift(-1) - d[t_col]).dt.total_seconds()
    return float(dt[both].sum())


def truth() -> dict:
    T = {}
    # A: apron, naive London time (= UTC in December)
    a = pd.read_csv(OUT / "apron.csv")
    a["t"] = pd.to_datetime(a.timestamp, format="%d/%m/%Y %H:%M:%S")
    A, As = trips(a, "task_no", "t", "lat", "lon", "vehicle_type", "vehicle_reg")
    T["A1"] = len(on(A[A.veh == "TUG-02"], "2026-12-01"))
    wkend = A.start.dt.day_of_week >= 5
    T["A2"] = int((wkend & (A.label == "baggage tractor")).sum())
    T["A3"] = day_km(A, As, "2026-12-03", "FUEL-1") * 1000 / MI
    fast = lambda s: s.m / s.s > 20 * MI / 3600  # noqa: E731
    T["A4"] = step_sum(As, A.index[A.label == "fuel bowser"], fast) / 60
    b1 = on(A[A.veh == "BAG-01"], "2026-11-30").index
    T["A5"] = inside_s(a, As, "task_no", "t", "lat", "lon", b1, 51.4700, -0.4540, 50) / 60
    T["A6"] = A[A.label == "pushback tug"].dur.mean() / 60
    T["A7"] = int((A.h < 6).sum())
    T["A8"] = A.groupby("veh").m.sum().idxmax()
    T["A9"] = day_km(A, As, "2026-12-04")
    T["A10"] = int(((A.label == "pushback tug") & (A.dur > 900)).sum())
    T["A11"] = longest_stop_min(As, on(A[A.veh == "BAG-01"], "2026-12-02").index)
    T["A12"] = A[A.label == "fuel bowser"].kmh.mean() / 1.609344
    T["A13"] = len(on(A[A.veh == "BAG-03"], "2026-12-03"))

    # B: 10 Hz vests, UTC ISO times with ms (London = UTC in November)
    braw = pd.read_csv(OUT / "vests.csv")
    braw["t"] = pd.to_datetime(braw.utc, format="%Y-%m-%dT%H:%M:%S.%fZ")
    one = (
        braw.assign(sec=braw.t.dt.floor("s"))
        .drop_duplicates(["activity_id", "sec"])
        .drop(columns="sec")
    )
    for suffix, b in (("", braw), ("_1hz", one)):
        B, Bs = trips(b, "activity_id", "t", "lat", "lon", "session_type", "athlete")
        T["B1" + suffix] = on(B[B.veh == "Okafor"], "2026-11-24").m.sum()
        T["B2" + suffix] = B[B.label == "match"].m.sum() / 1000
        T["B3" + suffix] = B[B.label == "match"].groupby("veh").m.sum().idxmax()
        T["B4" + suffix] = step_sum(
            Bs, on(B[B.veh == "Tanaka"], "2026-11-28").index, lambda s: s.m / s.s > 19.8 / 3.6
        )
        T["B5" + suffix] = B[B.veh == "Silva"].kmh.mean() / 3.6
        mo = B[(B.veh == "Moreau") & (B.label == "match")]
        T["B6" + suffix] = mo.m.sum() / (mo.dur.sum() / 60)
        T["B7" + suffix] = int((B.veh == "Kowalski").sum())
        T["B8" + suffix] = B.dur.mean() / 60
        T["B9" + suffix] = day_km(B, Bs, "2026-11-26")
        T["B10" + suffix] = (
            step_sum(Bs, on(B[B.veh == "Lindqvist"], "2026-11-24").index, lambda s: s.m / s.s < 1.0)
            / 60
        )
        T["B11" + suffix] = B[B.label == "match"].groupby("veh").kmh.mean().idxmax()
        T["B12" + suffix] = int((B.m > 3000).sum())
        if not suffix:
            T["_B_max_step_kmh"] = float((Bs.m / Bs.s).max() * 3.6)

    # C: harvest, UTC epoch ms read in Chicago time
    c = pd.read_csv(OUT / "harvest.csv")
    c["t"] = (
        pd.to_datetime(c.gps_time_ms, unit="ms", utc=True)
        .dt.tz_convert("America/Chicago")
        .dt.tz_localize(None)
    )
    C, Cs = trips(c, "job_id", "t", "lat_deg", "lon_deg", "operation", "unit_name")
    semi = C[C.veh == "SEMI-4"]
    T["C1"] = int((semi.start.dt.day_of_week >= 5).sum())
    T["C2"] = day_km(C, Cs, "2026-10-28", "SEMI-4") * 1000 / MI
    T["C3"] = on(C[C.veh == "COMB-2"], "2026-10-29").dur.sum() / 3600
    T["C4"] = C[C.veh.str.startswith("COMB") & (C.label == "harvest")].kmh.mean() / 1.609344
    near = c[hav(c.lat_deg, c.lon_deg, 42.0300, -93.4500) <= 500].job_id.unique()
    T["C6"] = len(near)
    fri = Cs[Cs.t.dt.date == pd.Timestamp("2026-10-30").date()]
    T["C7"] = fri.groupby(fri.trip.map(C.veh)).m.sum().idxmax()
    T["C8"] = step_sum(Cs, C.index[C.veh == "CART-7"], lambda s: s.m / s.s < 1.0, "2026-10-26") / 60
    T["C9"] = C.m.sum() / MI
    T["C10"] = C[(C.veh == "COMB-1") & (C.label == "transport")].m.sum() / 1000
    T["C11"] = on(semi, "2026-11-01").start.min().strftime("%H:%M")
    T["C12"] = on(C, "2026-11-01").dur.sum() / 3600
    T["C13"] = C[(C.veh == "COMB-1") & (C.label == "harvest")].dur.max() / 3600
    T["C15"] = step_sum(Cs, on(semi, "2026-10-29").index, lambda s: s.m / s.s > 55 * MI / 3600) / 60

    # D: lifeboat, naive London time (GMT in November)
    d = pd.read_csv(OUT / "lifeboat.csv", parse_dates=["time_local"])
    D, Ds = trips(d, "launch_id", "time_local", "lat", "lon", "launch_type", "boat")
    T["D1"] = int((D.label == "service").sum())
    T["D2"] = int((D.veh == "17-21").sum())
    T["D3"] = D.m.max() / NM
    T["D4"] = D[(D.veh == "B-905") & (D.label == "exercise")].kmh.mean() / 1.852
    T["D5"] = int((D.m > 10 * NM).sum())
    T["D6"] = len(on(D, "2026-11-14")) + len(on(D, "2026-11-15"))
    T["D8"] = day_km(D, Ds, "2026-11-17", "17-21") * 1000 / NM
    t17 = on(D[D.veh == "17-21"], "2026-11-17")
    T["D9"] = t17.start.min().strftime("%H:%M") if len(t17) else "no launch"
    T["D10"] = int(((D.h >= 22) | (D.h < 6)).sum())
    T["D11"] = D.dur.mean() / 3600
    T["D12"] = D.groupby("veh").m.sum().idxmax()
    near = d[hav(d.lat, d.lon, 50.0470, -5.0440) <= NM].launch_id.unique()
    T["D13"] = len(near)
    T["_weekends"] = {
        "A": sorted({str(x) for x in A.date[A.start.dt.day_of_week >= 5]}),
        "D": sorted({str(x) for x in D.date[D.start.dt.day_of_week >= 5]}),
    }
    T["_over_midnight"] = {
        k: int((v.start.dt.date != v.end.dt.date).sum()) for k, v in (("A", A), ("C", C), ("D", D))
    }
    T["_copies_left_out"] = list(t26.COPIES)
    return T  # NumPy scalars: write_truth writes them as floats


if __name__ == "__main__":
    write_truth(OUT, truth())
