"""Session 31 (eta31): `TrajLM.reach` backtested on newuser31's synthetic bus feed (a smoke
measurement of the call's behaviour, one seeded feed: not a quality claim).

For cut times every 20 min from 07:00 to 11:00 UTC, each bus's pings up to the cut are the
history; `reach` asks when each stop of the bus's line is first within 60 m in the next 15 min.
Truth: the first of the bus's later pings (or its last fix) within 60 m of the stop. Beside it,
constant velocity from the last two fixes through the same crossing rule (`first_crossing`).
Printed: per engine, how often "reached" agrees with the truth and the ETA error where both
reached (median / mean absolute, s).

Command (after scripts/newuser31/gen_transit.py):
    PYTHONPATH=. python scripts/eta31_reach_backtest.py [FEED_DIR] [OUT_DIR]
FEED_DIR default $NEWUSER31_OUT or /tmp/newuser31; the table goes to OUT_DIR/reach_backtest.csv
(default $ETA31_OUT or /tmp/eta31).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm
from trajlm.api_reach import first_crossing, tangent_metres, time_grid

FEED = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER31_OUT", "/tmp/newuser31"))
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else os.environ.get("ETA31_OUT", "/tmp/eta31"))
RADIUS, HORIZON = 60.0, 900.0


def truth_eta(bus: pd.DataFrame, t_last: pd.Timestamp, stop: tuple[float, float]) -> float:
    """Seconds after `t_last` of the bus's first fix (from its last one on) within RADIUS."""
    ahead = bus[(bus["RecordedAtTime"] >= t_last)
                & (bus["RecordedAtTime"] <= t_last + pd.Timedelta(seconds=HORIZON))]  # fmt: skip
    e, n = tangent_metres(
        ahead["Latitude"].to_numpy(), ahead["Longitude"].to_numpy(), stop[0], stop[1]
    )
    inside = np.hypot(e, n) <= RADIUS
    if not inside.any():
        return np.nan
    return (ahead["RecordedAtTime"].iloc[int(np.argmax(inside))] - t_last).total_seconds()


def const_velocity_eta(hist: pd.DataFrame, stop: tuple[float, float]) -> float:
    """ETA of constant velocity from the last two fixes on the same grid and crossing rule."""
    a, b = hist.iloc[-2], hist.iloc[-1]
    dt = (b["RecordedAtTime"] - a["RecordedAtTime"]).total_seconds()
    e0, n0 = tangent_metres(np.array(b["Latitude"]), np.array(b["Longitude"]), stop[0], stop[1])
    ea, na = tangent_metres(np.array(a["Latitude"]), np.array(a["Longitude"]), stop[0], stop[1])
    secs = np.concatenate([[0.0], time_grid(HORIZON, None, 15.0)])
    ve, vn = (e0 - ea) / dt, (n0 - na) / dt
    eta, _, _ = first_crossing((e0 + ve * secs)[None], (n0 + vn * secs)[None], secs, RADIUS)
    return float(eta[0])


def main() -> None:
    avl = pd.read_csv(FEED / "avl.csv", parse_dates=["RecordedAtTime"])
    stops = pd.read_csv(FEED / "stops.txt", dtype={"stop_id": str}).set_index("stop_id")
    route = pd.read_csv(FEED / "route_stops.csv", dtype={"stop_id": str})
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    rows, spent = [], 0.0
    day = avl["RecordedAtTime"].dt.normalize().iloc[0]
    for cut in pd.date_range(
        day + pd.Timedelta(hours=7), day + pd.Timedelta(hours=11), freq="20min"
    ):
        for line, group in avl.groupby("LineRef"):
            hist = group[group["RecordedAtTime"] <= cut]
            ids = sorted(route.loc[route["line"] == line, "stop_id"].unique())
            to = stops.loc[ids, ["stop_lat", "stop_lon"]]
            start = time.perf_counter()
            out = model.reach(hist, to=to, radius_m=RADIUS, horizon_s=HORIZON)
            spent += time.perf_counter() - start
            for r in out.itertuples(index=False):
                bus = group[group["VehicleRef"] == r.VehicleRef]
                own = hist[hist["DatedVehicleJourneyRef"] == r.DatedVehicleJourneyRef]
                t_last = own["RecordedAtTime"].iloc[-1]
                stop = (r.target_lat, r.target_lon)
                rows.append({"cut": cut, "line": line, "bus": r.VehicleRef, "stop": ids[r.target],
                             "model": r.eta_s, "engine": r.engine,
                             "const_velocity": const_velocity_eta(own, stop) if len(own) > 1 else np.nan,
                             "truth": truth_eta(bus, t_last, stop)})  # fmt: skip
    tab = pd.DataFrame(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    tab.to_csv(OUT / "reach_backtest.csv", index=False)
    print(f"{len(tab)} (bus, stop) queries at {tab['cut'].nunique()} cuts; reach calls "
          f"{spent:.1f} s; engines {sorted(tab['engine'].unique())}")  # fmt: skip
    for what, part in (("all", tab), ("ahead (not at the stop now)", tab[tab["truth"] != 0])):
        truly = part["truth"].notna()
        print(f"{what}: {len(part)} queries, truly reached within {HORIZON:.0f} s: {truly.sum()}")
        for name in ("model", "const_velocity"):
            said = part[name].notna()
            both = said & truly
            err = (part.loc[both, name] - part.loc[both, "truth"]).abs()
            print(f"  {name:15s} agree {np.mean(said == truly):.3f}  hits {both.sum()}  "
                  f"false {int((said & ~truly).sum())}  missed {int((~said & truly).sum())}  "
                  f"|eta err| median {err.median():.0f} s mean {err.mean():.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
