"""Session 18 (pervehicle18): questions per vehicle by the three users of set 16, with pandas truths.

Written before the code that answers them (docs/llm.md "Session 18 (pervehicle18)"), on the rows that
`test_llm_ask16_data.write_csvs` writes; no trajlm import. Each expected answer is a dict: ``value`` (in the unit the
question asks, or metres / seconds / trips), ``vehicle`` (the top row's vehicle id, a list when vehicles tie), or
None for a question to refuse.
"""

import pandas as pd
from test_llm_ask16_data import trips

KM, MI, NM, H = 1000.0, 1609.344, 1852.0, 3600.0


def _top(s: pd.Series, ascending: bool = False) -> dict:
    """The vehicle(s) with the largest (smallest) value of a per-vehicle series, and the value."""
    best = s.min() if ascending else s.max()
    ids = sorted(str(v) for v in s[s == best].index)
    return {"vehicle": ids, "value": float(best)}


def _daily(tb: pd.DataFrame) -> pd.Series:
    """Per vehicle: the mean over its local calendar days with trips of the day's total metres."""
    day = tb.start.dt.date
    return tb.groupby([tb.veh, day]).m.sum().groupby(level=0).mean()


def tables(paths: dict) -> dict:
    chi = pd.read_csv(paths["chicago"], parse_dates=["ts_local"])
    mad = pd.read_csv(paths["madrid"], parse_dates=["local_time"])
    bre = pd.read_csv(paths["brittany"])
    bre["ts"] = pd.to_datetime(bre.epoch_s, unit="s")
    return {
        "chicago": trips(chi, "run_id", "ts_local", "y", "x", "service", "bus_no"),
        "madrid": trips(mad, "route_no", "local_time", "latitude", "longitude", "vehicle_type", "driver_id"),
        "brittany": trips(bre, "voyage", "ts", "lat", "lon", "type", "mmsi"),
    }  # fmt: skip


def questions(paths: dict) -> list:
    """(data, question, expected) of the set."""
    T = tables(paths)
    C, M, B = T["chicago"], T["madrid"], T["brittany"]
    Cv, Mv, Bv = C.groupby("veh"), M.groupby("veh"), B.groupby("veh")
    vans = M[M.label == "van"]
    trawl = B[B.label == "trawler"]
    return [
        # --- the Chicago transport planner ---
        ("chicago", "which bus did the most runs?", _top(Cv.size().astype(float))),
        ("chicago", "which bus covered the most miles in total?", _top(Cv.m.sum() / MI)),
        ("chicago", "total km per bus", _top(Cv.m.sum() / KM)),
        ("chicago", "how far did CTA-003 drive in miles?", {"value": float(C[C.veh == "CTA-003"].m.sum() / MI)}),
        ("chicago", "which bus had the fewest express runs?",
         _top(C[C.label == "express"].groupby("veh").size().astype(float), ascending=True)),
        ("chicago", "average run duration per bus in minutes", _top(Cv.dur.mean() / 60)),
        # --- the Madrid logistics manager ---
        ("madrid", "which driver drove the most km overall?", _top(Mv.m.sum() / KM)),
        ("madrid", "distance per van per day in km", _top(_daily(vans) / KM)),
        ("madrid", "how far did D-ana drive in km", {"value": float(M[M.veh == "D-ana"].m.sum() / KM)}),
        ("madrid", "distance covered by D-luis in km", {"value": float(M[M.veh == "D-luis"].m.sum() / KM)}),
        ("madrid", "which driver did the most delivery rounds?", _top(Mv.size().astype(float))),
        ("madrid", "which driver drove the fewest km in total?", _top(Mv.m.sum() / KM, ascending=True)),
        ("madrid", "daily km per driver", _top(_daily(M) / KM)),
        # --- the Brittany fleet analyst ---
        ("brittany", "total hours at sea per vessel", _top(Bv.dur.sum() / H)),
        ("brittany", "which vessel spent the most hours at sea?", _top(Bv.dur.sum() / H)),
        ("brittany", "which trawler made the most voyages?", _top(trawl.groupby("veh").size().astype(float))),
        ("brittany", "which boat sailed the fewest nautical miles in total?", _top(Bv.m.sum() / NM, ascending=True)),
        ("brittany", "how many nautical miles did each vessel sail in total?", _top(Bv.m.sum() / NM)),
        # --- to refuse ---
        ("nocol", "which vehicle drove the most km in total?", None),  # the frame has no vehicle column
        ("brittany", "which vessel had the most passengers?", None),  # not in the trip table
    ]  # fmt: skip


def second(paths: dict) -> list:
    """A second batch by the same users, written after the first code and kept out of it (its first read is the
    measurement; docs/llm.md)."""
    T = tables(paths)
    C, M, B = T["chicago"], T["madrid"], T["brittany"]
    Cv, Mv, Bv = C.groupby("veh"), M.groupby("veh"), B.groupby("veh")
    mar10 = C[C.start.dt.strftime("%m-%d") == "03-10"]
    wkd = M[M.start.dt.weekday < 5]
    return [
        ("chicago", "which bus drove the fewest miles overall?", _top(Cv.m.sum() / MI, ascending=True)),
        ("chicago", "which bus made the most runs on 10 March?", _top(mar10.groupby("veh").size().astype(float))),
        ("chicago", "which of our buses had the highest average speed in mph?", _top(Cv.kmh.mean() / 1.609344)),
        ("chicago", "number of runs per bus", _top(Cv.size().astype(float))),
        ("madrid", "total driving hours per driver", _top(Mv.dur.sum() / H)),
        ("madrid", "which driver did the most km on weekdays?", _top(wkd.groupby("veh").m.sum() / KM)),
        ("madrid", "how far did D-pablo drive in total, in km?", {"value": float(M[M.veh == "D-pablo"].m.sum() / KM)}),
        ("madrid", "which van had the longest average round in km?",
         _top(M[M.label == "van"].groupby("veh").m.mean() / KM)),
        ("brittany", "which vessel sailed the most nautical miles?", _top(Bv.m.sum() / NM)),
        ("brittany", "how many voyages per vessel?", _top(Bv.size().astype(float))),
        ("brittany", "which yacht spent the fewest hours at sea?",
         _top(B[B.label == "sailing"].groupby("veh").dur.sum() / H, ascending=True)),
        ("brittany", "distance covered by 227300007 in nautical miles",
         {"value": float(B[B.veh == 227300007].m.sum() / NM)}),
        ("brittany", "which ship had the most passengers per voyage?", None),
    ]  # fmt: skip
