"""Set 34's expected answers (ask34), with pandas over the raw CSVs that gen.py wrote; no trajlm import (the trip
table, steps and haversine are ask26's truth helpers, the date / summing helpers ask27's, all trajlm-free).
Writes $ASK34_OUT/truth.json; the four leftovers' truths come from set 33's truth.json ($ASK33_OUT).

Rules (docs/llm.md "Session 34 (ask34)", the same as sets 26-33, and questions.py's words): a trip's length is
the sum of its fix-to-fix great-circle steps, its duration last fix minus first, its speed length / duration (a
mean speed is the mean of the trips', a median the median of the trips'); hours, weekdays and dates are the
trip's start on the data's local clock (Brussels, Toronto, Nairobi); a dated distance adds each step on the
local date it began; stopped = steps slower than 1 m/s, a stop a run of them; on the collars a step across a
silence of more than 6 h adds no distance.
    python scripts/ask34/truth.py
"""

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script as _load  # noqa: E402
from ask_study_common import write_truth  # noqa: E402

OUT = Path(os.environ.get("ASK34_OUT", "/tmp/ask34"))
OUT33 = Path(os.environ.get("ASK33_OUT", "/tmp/ask33"))
t26 = _load("ask26_truth", "ask26/truth.py")
os.environ.setdefault("ASK27_OUT", str(OUT))
t27 = _load("ask27_truth", "ask27/truth.py")
trips, steps, on, step_sum = t26.trips, t26.steps, t27.on, t27.step_sum
NM = 1852.0
slow = lambda s: s.m / s.s < 1.0  # noqa: E731


def local(s: pd.Series, zone: str) -> pd.Series:
    """UTC instants -> naive wall-clock times of ``zone``."""
    return s.dt.tz_convert(zone).dt.tz_localize(None)


def longest_stop_s(st: pd.DataFrame) -> pd.Series:
    """Each trip's longest run of steps slower than 1 m/s, in seconds."""
    best = {}
    for trip, s in st.groupby("trip"):
        run = top = 0.0
        for is_slow, sec in zip(slow(s), s.s, strict=True):
            run = run + sec if is_slow else 0.0
            top = max(top, run)
        best[trip] = top
    return pd.Series(best)


def dated_km(st: pd.DataFrame, owner: pd.Series) -> pd.DataFrame:
    """km per (owner, local date the step began)."""
    s = st.assign(veh=st.trip.map(owner), date=st.t.dt.date)
    return s.groupby(["veh", "date"]).m.sum().div(1000).rename("km").reset_index()


def mcp_km2(lat: np.ndarray, lon: np.ndarray) -> float:
    """The 100 % minimum convex polygon's area, fixes projected flat (km) around their mean."""
    la0 = float(np.mean(lat))
    pts = sorted(
        set(
            zip(
                (lon - np.mean(lon)) * 111.32 * np.cos(np.radians(la0)),
                (lat - la0) * 111.32,
                strict=True,
            )
        )
    )

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = lower[:-1] + upper[:-1]
    x, y = np.array([p[0] for p in hull]), np.array([p[1] for p in hull])
    return float(0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def truth() -> dict:
    T = {}
    # A: AIS, naive UTC read on the Brussels clock
    a = pd.read_csv(OUT / "ais.csv")
    a["t"] = local(pd.to_datetime(a.BaseDateTime, utc=True), "Europe/Brussels")
    A, As = trips(a, "VoyageID", "t", "LAT", "LON", "VesselType", "VesselName")
    A["stop"] = longest_stop_s(As)
    long_wait = set(A[A.stop > 6 * 3600].veh)
    T["A1"] = {"yes": sorted(long_wait), "no": sorted(set(A.veh) - long_wait)}
    T["_A1_stop_h"] = (A.groupby("veh").stop.max() / 3600).round(2).to_dict()
    T["A2"] = int((A.h < 6).sum())
    T["A3"] = A[A.label == "Tanker"].kmh.mean() / 1.852
    T["A4"] = A[A.label == "Container Ship"].m.sum() / NM
    wed = dated_km(As, A.veh).query("date == @pd.Timestamp('2026-06-10').date()")
    wed = wed.set_index("veh").km
    T["A5"], T["_A5_nm"] = wed.idxmax(), (wed * 1000 / NM).round(2).to_dict()
    T["A6"] = int((on(A, "2026-06-11").label == "Tanker").sum())
    T["A7"] = step_sum(As, A.index[A.veh == "KESTREL"], slow) / 3600
    T["A8"] = bool((A.stop > 12 * 3600).any())
    T["A9"] = on(A[A.veh == "SCHELDE STAR"], "2026-06-12").start.min().strftime("%H:%M")
    T["A10"] = int(A.veh.nunique())
    T["A11"] = A.m.max() / NM
    T["A12"] = int(((A.label == "Bulk Carrier") & (A.dur > 8 * 3600)).sum())
    T["A13"] = bool((on(A[A.veh == "MERIDIAN"], "2026-06-10").stop > 0).any())
    T["A14"] = t26.day_km(A, As, "2026-06-08", "ATLANTIC DAWN") * 1000 / NM

    # B: bike share, Unix seconds read on the Toronto clock
    b = pd.read_csv(OUT / "bikes.csv")
    b["t"] = local(pd.to_datetime(b.ts, unit="s", utc=True), "America/Toronto")
    B, _ = trips(b, "ride_id", "t", "lat", "lng", "bike_type", "bike_id")
    by_hour = B.h.value_counts()
    T["B1"], T["_B1_n"] = int(by_hour.idxmax()), by_hour.sort_index().to_dict()
    T["B2"] = float((B.m < 2000).mean())
    T["B3"] = float(B[B.start.dt.day_of_week >= 5].kmh.median())
    T["B4"] = int(((B.label == "electric") & (B.m > 5000)).sum())
    T["B5"] = B.dur.mean() / 60
    used = B.veh.value_counts()
    T["B6"], T["_B6_n"] = int(used.idxmax()), used.head(4).to_dict()
    T["B7"] = len(on(B, "2026-06-06"))
    T["B8"] = int(((B.h >= 17) & (B.h < 19)).sum())
    T["B9"] = B[B.label == "classic"].m.sum() / 1000
    T["B10"] = len(on(B[B.veh == 4017], "2026-06-07")) > 0
    T["B11"] = B.dur.max() / 60
    T["B12"] = int((B.veh == 4022).sum())
    T["B13"] = B[B.label == "electric"].kmh.mean()
    T["B14"] = int((B.m < 1000).sum())

    # C: collars, ISO UTC read on the Nairobi clock; a step over a silence of > 6 h adds nothing
    c = pd.read_csv(OUT / "collars.csv")
    c["t"] = local(pd.to_datetime(c.fix_time_utc, utc=True), "Africa/Nairobi")
    Cs = steps(c, "animal_id", "t", "latitude", "longitude")
    Cs.loc[Cs.s > 6 * 3600, "m"] = 0.0
    g = c.groupby("animal_id")
    C = pd.DataFrame({"species": g.species.first(), "start": g.t.min(), "end": g.t.max(),
                      "m": Cs.groupby("trip").m.sum()})  # fmt: skip
    C["kmh"] = C.m / (C.end - C.start).dt.total_seconds() * 3.6
    owner = pd.Series(C.index, index=C.index)
    daily = dated_km(Cs, owner)
    tracked = c.assign(date=c.t.dt.date).groupby("animal_id").date.nunique()
    per_day = daily.groupby("veh").km.sum() / tracked
    T["C1"], T["_C1_km_per_day"] = per_day.idxmax(), per_day.round(3).to_dict()
    k = c[c.animal_id == "Kito"]
    T["C2"] = mcp_km2(k.latitude.to_numpy(), k.longitude.to_numpy())
    T["C3"] = C.m["Naserian"] / 1000
    giraffes = C.index[C.species == "giraffe"]
    d5 = daily[daily.date == pd.Timestamp("2026-06-05").date()].set_index("veh").km
    T["C4"] = float(d5.reindex(giraffes).fillna(0).sum())
    d9 = daily[daily.date == pd.Timestamp("2026-06-09").date()].set_index("veh").km
    T["C5"], T["_C5_km"] = d9.idxmax(), d9.round(3).to_dict()
    T["C6"] = int(len(C))
    T["C7"] = bool(
        (c[c.animal_id == "Baraka"].t.dt.date == pd.Timestamp("2026-06-11").date()).any()
    )
    T["C8"] = per_day["Zawadi"]
    T["C9"] = C.m[giraffes].idxmax()
    T["C10"] = C.m[C.species == "elephant"].sum() / 1000
    T["C11"] = C.kmh["Twiga"]
    T["C12"] = C.m[C.species == "elephant"].idxmin()
    T["_C_km"] = (C.m / 1000).round(3).to_dict()

    # the leftovers, on set 33's stores (their truths are set 33's)
    t33 = json.loads((OUT33 / "truth.json").read_text())
    f = pd.read_csv(OUT33 / "fleet.csv")
    T["F1"] = bool({f"VAN-0{i}" for i in range(1, 5)} <= set(f.unit))
    T["F2"] = t33["A11"]
    T["P1"] = t33["B5"]
    # a paraphrase's (scripts/ask34/para.py): the participant with the most km of bike trips on set 33's phone study
    b = pd.read_csv(OUT33 / "phone.csv")
    b["t"] = local(pd.to_datetime(b.recorded_at, utc=True), "Europe/Copenhagen")
    P, _ = trips(b, "segment_id", "t", "lat", "lon", "activity", "participant_id")
    T["_para_P_bike"] = P[P.label == "bike"].groupby("veh").m.sum().idxmax()
    return T


if __name__ == "__main__":
    write_truth(OUT, truth())
