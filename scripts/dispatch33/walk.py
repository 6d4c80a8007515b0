"""Session 33 (dispatch33): a parcel dispatcher's notebook, cell by cell, as README and
docs/api.md say. Data: scripts/dispatch33/gen.py (seed 0). "Now" is 09:30 UTC.

Command: OMP_NUM_THREADS=1 PYTHONPATH=. python -W default scripts/dispatch33/walk.py
(cells: $DISPATCH33_CELLS=predict,reach,... runs only those; data: $DISPATCH33_OUT)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]
from newuser_walk import cells, metres  # noqa: E402

import trajlm  # noqa: E402

DATA = Path(os.environ.get("DISPATCH33_OUT", "/tmp/dispatch33")) / "seed0"
NOW = pd.Timestamp("2026-12-07 09:30", tz="UTC")
step = cells("dispatch33")

feed = pd.read_csv(DATA / "today.csv", parse_dates=["timestamp"])
live = feed[feed["timestamp"] <= NOW]
history = pd.read_csv(DATA / "history.csv", parse_dates=["timestamp"])
stops = pd.read_csv(DATA / "stops_today.csv", parse_dates=["window_start", "window_end"])
truth = pd.read_csv(DATA / "truth_today.csv")
model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)


def truth_at(van: str, t: pd.Timestamp) -> tuple[float, float]:
    g = truth[truth["van_id"] == van]
    i = int(np.searchsorted(g["t"].to_numpy(), t.timestamp()))
    return g["lat"].iloc[min(i, len(g) - 1)], g["lon"].iloc[min(i, len(g) - 1)]


def where_in_10():
    p = model.predict(live, seconds_ahead=[600], latest=True)
    err = [metres(r.lat, r.lon, *truth_at(r.van_id, r.timestamp)) for r in p.itertuples()]
    print("10-min error m: median", np.nanmedian(err), "mean", np.nanmean(err))
    return p


step("1 predict latest 10 min", where_in_10)

# pending stops: the dispatcher's scanner says which are delivered; here: not yet reached by now
last = live.groupby("van_id").tail(1).set_index("van_id")
done = []
for r in stops.itertuples():
    g = truth[(truth["van_id"] == r.van_id) & (truth["t"] <= NOW.timestamp())]
    done.append(bool((metres(g["lat"], g["lon"], r.lat, r.lon) < 20).any()))
pending = stops[~np.array(done)]
next3 = pending.groupby("van_id").head(3)
print("pending stops", len(pending), "next3 rows", len(next3))

step("2a reach next3 as one to= frame (every van x every stop?)",
     lambda: model.reach(live, to=next3, radius_m=50, horizon_s=1800))  # fmt: skip


def per_van_loop():
    out = []
    for van, g in next3.groupby("van_id"):
        out.append(model.reach(live[live["van_id"] == van], to=g, radius_m=50, horizon_s=1800,
                               memory=history))  # fmt: skip
    return pd.concat(out)


step("2b reach per van, loop, memory=history", per_van_loop)
step(
    "2c reach with memory, one call",
    lambda: model.reach(
        live, to=next3[["van_id", "stop_id", "lat", "lon"]], memory=history, horizon_s=1800
    ),
)
urgent = (45.7605, 4.8600)
step("3 nearest van in time to an urgent order",
     lambda: model.reach(live, to=[urgent], radius_m=80, horizon_s=3600, memory=history)
     .sort_values("eta_s").head(5))  # fmt: skip
step(
    "4a van12 parked? predict latest",
    lambda: model.predict(
        live[live["van_id"] == "van12"], seconds_ahead=[60, 300, 600], latest=True
    ),
)
step("4b trajlm.places van12", lambda: trajlm.places(live[live["van_id"] == "van12"]))
step("4c any call that says 'parked now'?", lambda: trajlm.stays(live))
v7 = live[live["van_id"] == "van07"]
step("5a recover van07's gap (no empty rows: every=)",
     lambda: model.recover(v7, every="30s").query("recovered"))  # fmt: skip
v3 = pending[pending["van_id"] == "van03"]
pos = last.loc["van03"]
step(
    "6 van03 remaining route travel_time",
    lambda: model.travel_time(
        np.vstack([[pos.lat, pos.lon], v3[["lat", "lon"]].to_numpy()[:-1]]),
        v3[["lat", "lon"]].to_numpy(),
        depart=NOW,
    ),
)
step("7 next_place van03", lambda: trajlm.next_place(history[history["van_id"] == "van03"]))
