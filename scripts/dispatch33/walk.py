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
    """The model's 10-minute answer against the truth, beside holding the last fix and
    constant velocity, for vans parked at the cut (still for 30 s) and moving ones."""
    p = model.predict(live, seconds_ahead=[600], latest=True)
    ends = live.groupby("van_id").tail(2).groupby("van_id")
    rows = []
    for r in p.itertuples():
        a, b = ends.get_group(r.van_id).iloc[0], ends.get_group(r.van_id).iloc[1]
        dt = (b.timestamp - a.timestamp).total_seconds()
        k = (r.timestamp - b.timestamp).total_seconds() / dt
        cv = (b.lat + k * (b.lat - a.lat), b.lon + k * (b.lon - a.lon))
        true = truth_at(r.van_id, r.timestamp)
        parked = truth_at(r.van_id, b.timestamp) == truth_at(
            r.van_id, b.timestamp - pd.Timedelta(seconds=30)
        )
        rows.append({"van": r.van_id, "parked": parked, "model": metres(r.lat, r.lon, *true),
                     "hold_last": metres(b.lat, b.lon, *true), "const_velocity": metres(*cv, *true)})  # fmt: skip
    tab = pd.DataFrame(rows)
    print("10-min error (m), median by parked:")
    print(tab.groupby("parked")[["model", "hold_last", "const_velocity"]].median().round(0))
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
    "2d reach without the van_id column: every van x every stop",
    lambda: model.reach(live, to=next3[["stop_id", "lat", "lon"]], radius_m=50, horizon_s=1800),
)
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
step(
    "4b' ... with stop_minutes=2 (a delivery is 2-8 min)",
    lambda: trajlm.places(live[live["van_id"] == "van12"], stop_minutes=2, radius_m=40),
)
step("4c any call that says 'parked now'?", lambda: trajlm.stays(live))
v7 = live[live["van_id"] == "van07"]


def fill_gap():
    got = model.recover(v7, every="30s").query("recovered")
    err = [metres(r.lat, r.lon, *truth_at("van07", r.timestamp)) for r in got.itertuples()]
    print("recovered", len(got), "error m median", np.median(err), "max", np.max(err))
    return got


step("5a recover van07's gap (no empty rows: every=)", fill_gap)
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
step(
    "7' next_place van03, stop_minutes=2, radius_m=40",
    lambda: trajlm.next_place(
        history[history["van_id"] == "van03"], stop_minutes=2, radius_m=40, traj_col="van_id"
    ),
)


def behind():
    """Each van's last delivered stop (behind it now): said reached vs truly reached again."""
    done_stops = stops[np.array(done)].groupby("van_id").tail(1)
    got = model.reach(live, to=done_stops[["van_id", "stop_id", "lat", "lon"]],
                      memory=history, radius_m=50, horizon_s=1800)  # fmt: skip
    again = []
    for r in got.itertuples():
        g = truth[(truth["van_id"] == r.van_id) & (truth["t"] > NOW.timestamp() + 60)
                  & (truth["t"] <= NOW.timestamp() + 1800)]  # fmt: skip
        again.append(bool((metres(g["lat"], g["lon"], r.target_lat, r.target_lon) < 50).any()))
    got = got.assign(truly_again=again)
    print("said reached (eta > 60 s):", int((got["reached"] & (got["eta_s"] > 60)).sum()),
          "truly passed again:", int(got["truly_again"].sum()), "of", len(got))  # fmt: skip
    return got[["van_id", "stop_id", "reached", "eta_s", "engine", "truly_again"]]


step("2e the stop behind each van", behind)
