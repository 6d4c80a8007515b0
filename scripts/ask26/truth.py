"""Set 26's expected answers (ask26), with pandas over the raw CSVs that gen.py wrote: own haversine,
no trajlm import. Writes $ASK26_OUT/truth.json.

Rules (stated in docs/llm.md "Session 26 (ask26)"): a trip's length is the sum of its fix-to-fix great-circle
steps, its duration last fix minus first, its speed length / duration; hours, weekdays and dates are the trip's
start in the data's local clock (Sydney, Tokyo, Nairobi); a dated distance ("km on 4 December") adds each step
on the local date it began (a trip over midnight is split there); "the night (shift) of D" is the trips that
start from D 12:00 to D+1 12:00; a stop is a run of steps slower than 1 m/s.
    python scripts/ask26/truth.py
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK26_OUT", "/tmp/ask26"))


def hav(la1, lo1, la2, lo2):
    la1, lo1, la2, lo2 = map(np.radians, (la1, lo1, la2, lo2))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


def steps(df, trip, t, lat, lon):
    """One row per step: trip, start time, metres, seconds."""
    df = df.sort_values([trip, t], kind="stable")
    same = df[trip].eq(df[trip].shift(-1))
    m = hav(df[lat], df[lon], df[lat].shift(-1), df[lon].shift(-1))
    s = (df[t].shift(-1) - df[t]).dt.total_seconds()
    return pd.DataFrame({"trip": df[trip], "t": df[t], "m": m, "s": s})[same.values]


def drop_copies(df, trip, t, lat, lon):
    """docs/llm.md's copy rule: a trip whose lat/lon sequence equals an earlier trip's (times shifted) is
    counted once (identical synthetic commutes hit it: real GPS would not)."""
    df = df.sort_values([trip, t], kind="stable")
    sig = df.groupby(trip, sort=False).apply(
        lambda g: hash(tuple(zip(g[lat], g[lon], strict=True))), include_groups=False
    )
    first = df.groupby(trip, sort=False)[t].min()
    keep = (
        pd.DataFrame({"sig": sig, "first": first}).sort_values("first").drop_duplicates("sig").index
    )
    COPIES.append(len(sig) - len(keep))
    return df[df[trip].isin(keep)]


COPIES: list = []


def trips(df, trip, t, lat, lon, label, veh):
    df = drop_copies(df, trip, t, lat, lon)
    st = steps(df, trip, t, lat, lon)
    g = df.groupby(trip)
    tb = pd.DataFrame(
        {
            "start": g[t].min(),
            "end": g[t].max(),
            "label": g[label].first(),
            "veh": g[veh].first(),
            "m": st.groupby("trip").m.sum(),
            "lat0": g[lat].first(),
            "lon0": g[lon].first(),
        }
    )
    tb["dur"] = (tb.end - tb.start).dt.total_seconds()
    tb["kmh"] = tb.m / tb.dur * 3.6
    tb["h"] = tb.start.dt.hour
    tb["date"] = tb.start.dt.date
    return tb, st


def day_km(tb, st, date, veh=None):
    s = st[st.t.dt.date == pd.Timestamp(date).date()]
    if veh is not None:
        s = s[s.trip.isin(tb.index[tb.veh == veh])]
    return s.m.sum() / 1000


def night(tb, date):
    d = pd.Timestamp(date)
    return tb[(tb.start >= d + pd.Timedelta(hours=12)) & (tb.start < d + pd.Timedelta(hours=36))]


def longest_stop_min(st, trip_ids):
    best = 0.0
    for _, s in st[st.trip.isin(trip_ids)].groupby("trip"):
        slow = (s.m / s.s) < 1.0
        run = 0.0
        for is_slow, sec in zip(slow, s.s, strict=True):
            run = run + sec if is_slow else 0.0
            best = max(best, run)
    return best / 60


def truth() -> dict:
    T = {}
    a = pd.read_csv(OUT / "ambulances.csv", parse_dates=["local_ts"])
    A, As = trips(a, "job_id", "local_ts", "lat", "lon", "crew_type", "unit")
    T["A1"] = len(night(A[A.veh == "AMB-12"], "2026-12-03"))
    T["A2"] = len(A)
    T["A3"] = day_km(A, As, "2026-12-04", "AMB-13")
    T["A4"] = night(A, "2026-12-02").m.sum() / 1000
    T["A5"] = A.groupby("veh").m.sum().idxmax()
    T["A6"] = int((A.h < 6).sum())
    T["A7"] = A[A.label == "intensive care"].dur.mean() / 60
    T["A8"] = len(night(A[A.veh == "AMB-14"], "2026-12-04"))
    per_night = {
        d: len(night(A, d)) for d in ["2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"]
    }
    T["A9"] = f"{max(per_night, key=per_night.get)} ({per_night})"
    a11 = A[
        (A.veh == "AMB-11") & (A.date == pd.Timestamp("2026-12-05").date()) & A.h.between(6, 11)
    ]
    T["A10"] = a11.m.sum() / 1000
    T["A11"] = int(
        (
            (A.veh == "AMB-15") & (A.date == pd.Timestamp("2026-12-03").date()) & A.h.between(6, 11)
        ).sum()
    )
    T["A12"] = A[A.label == "patient transport"].dur.max() / 60
    near = a[hav(a.lat, a.lon, -33.8915, 151.2477) <= 1000].job_id.unique()
    T["A13"] = len(near)
    T["A14"] = night(A[A.veh == "AMB-16"], "2026-12-05").dur.sum() / 3600
    T["A15"] = day_km(A, As, "2026-12-03")
    T["A16"] = A[A.veh == "AMB-11"].kmh.mean()
    nights = pd.Series(
        [(A.start[i] - pd.Timedelta(hours=12)).date() for i in A.index], index=A.index
    )
    c = A.groupby([A.veh, nights]).size()
    T["A17"] = f"{c.idxmax()} {c.max()} (ties: {list(c[c == c.max()].index)})"
    T["A18"] = longest_stop_min(As, night(A[A.veh == "AMB-13"], "2026-12-02").index)
    T["A19"] = int(((A.label == "intensive care") & (A.m > 20000)).sum())

    b = pd.read_csv(OUT / "diary.csv", parse_dates=["time_jst"])
    B, Bs = trips(b, "trip", "time_jst", "latitude", "longitude", "mode", "participant")
    T["B1"] = int((B.veh == "P03").sum())
    T["B2"] = B[(B.veh == "P05") & (B.label == "train")].m.sum() / 1000
    T["B3"] = B[B.label == "walk"].groupby("veh").m.sum().idxmax()
    T["B4"] = int((B.label == "bicycle").sum())
    T["B5"] = B[B.label == "bus"].dur.median() / 60
    T["B6"] = b[b.participant == "P03"].time_jst.dt.date.nunique()
    wk = B.start.dt.day_of_week < 5
    T["B7"] = int((wk & B.h.between(7, 8)).sum())
    T["B8"] = B[B.label == "train"].kmh.mean()
    T["B9"] = int((~wk).sum())
    T["B10"] = day_km(B, Bs, "2026-11-21", "P05")
    p7 = B[(B.veh == "P07") & (B.date == pd.Timestamp("2026-11-17").date())]
    T["B11"] = p7.start.min().strftime("%H:%M")
    T["B12"] = B[B.veh == "P04"].m.max() / 1000
    T["B13"] = B[B.label == "bus"].veh.nunique()
    T["B14"] = B.label.value_counts().idxmax()
    T["B15"] = 100 * (B.label == "walk").mean()
    T["B16"] = int(((B.veh == "P02") & (B.start.dt.day_of_week == 2)).sum())
    T["B17"] = B[(B.veh == "P08") & (B.start.dt.day_of_week == 0)].dur.sum() / 60
    T["B18"] = day_km(B, Bs, "2026-11-20")

    c = pd.read_csv(OUT / "boda.csv")
    c["t"] = pd.to_datetime(c.ts, unit="s") + pd.Timedelta(hours=3)  # Nairobi, UTC+3 all year
    C, Cs = trips(c, "ride_id", "t", "lat", "lng", "service", "rider")
    T["C1"] = int(((C.veh == "BB-04") & (C.date == pd.Timestamp("2026-11-25").date())).sum())
    T["C2"] = int((C.label == "parcel").sum())
    T["C3"] = C.groupby("veh").m.sum().idxmax()
    T["C4"] = C.m.mean() / 1000
    T["C5"] = int((hav(C.lat0, C.lon0, -1.2850, 36.8250) <= 300).sum())
    T["C6"] = int((C.h >= 21).sum())
    T["C7"] = day_km(C, Cs, "2026-11-25", "BB-03")
    T["C8"] = float(C.h.value_counts().idxmax())
    T["C9"] = int(((C.label == "passenger") & (C.dur > 1200)).sum())
    b6 = C[(C.veh == "BB-06") & (C.date == pd.Timestamp("2026-11-24").date())]
    T["C10"] = b6.loc[b6.start.idxmax(), "end"].strftime("%H:%M")
    T["C11"] = C.dur.median() / 60
    T["C12"] = C[C.date == pd.Timestamp("2026-11-26").date()].veh.nunique()
    per = C.groupby([C.veh, C.date]).size()
    T["C13"] = per.idxmax()[0]
    T["C13_note"] = f"{per.max()} rides; ties {list(per[per == per.max()].index)}"
    T["C14"] = day_km(C, Cs, "2026-11-24")
    T["C15"] = C[C.label == "parcel"].kmh.mean()
    T["C16"] = int(((C.veh == "BB-01") & (C.h < 8)).sum())
    T["C17"] = C[C.veh == "BB-05"].dur.sum() / 3600
    # the same per-day totals read the old way (whole trips on their start date): where the two differ
    T["_A3_by_start"] = (
        A[(A.veh == "AMB-13") & (A.date == pd.Timestamp("2026-12-04").date())].m.sum() / 1000
    )
    T["_B10_by_start"] = (
        B[(B.veh == "P05") & (B.date == pd.Timestamp("2026-11-21").date())].m.sum() / 1000
    )
    T["_C7_by_start"] = (
        C[(C.veh == "BB-03") & (C.date == pd.Timestamp("2026-11-25").date())].m.sum() / 1000
    )
    T["_over_midnight"] = {
        "A": int((A.start.dt.date != A.end.dt.date).sum()),
        "B": int((B.start.dt.date != B.end.dt.date).sum()),
        "C": int((C.start.dt.date != C.end.dt.date).sum()),
    }
    T["_copies_left_out"] = list(COPIES)
    return T  # NumPy scalars: write_truth writes them as floats


if __name__ == "__main__":
    write_truth(OUT, truth())
