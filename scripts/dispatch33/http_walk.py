"""Session 33 (dispatch33): the dispatcher's tool over HTTP: rows as its JSON sends them
(vehicle_id, ISO time, lat, lon), `trajlm serve --model trajlm-small` on a local port.

Command: OMP_NUM_THREADS=1 PYTHONPATH=. python scripts/dispatch33/http_walk.py
(data: scripts/dispatch33/gen.py's seed 0 under $DISPATCH33_OUT; server log under it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]
from newuser_walk import serve_and_post  # noqa: E402

DATA = Path(os.environ.get("DISPATCH33_OUT", "/tmp/dispatch33")) / "seed0"
NOW = pd.Timestamp("2026-12-07 09:30", tz="UTC")

feed = pd.read_csv(DATA / "today.csv", parse_dates=["timestamp"])
live = feed[(feed["timestamp"] <= NOW) & (feed["timestamp"] > NOW - pd.Timedelta(minutes=20))]
stops = pd.read_csv(DATA / "stops_today.csv")
rows = [{"vehicle_id": r.van_id, "t": r.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "lat": r.lat, "lon": r.lon} for r in live.itertuples()]  # fmt: skip
# the next 3 stops of each van: the first 3 of its list after the one it is nearest now
last = live.groupby("van_id").tail(1).set_index("van_id")
to = []
for van, g in stops.groupby("van_id"):
    if van not in last.index:
        continue
    d = (g["lat"] - last.loc[van, "lat"]) ** 2 + (g["lon"] - last.loc[van, "lon"]) ** 2
    nxt = g.iloc[int(d.to_numpy().argmin()) + 1 :].head(3)
    to += [{"lat": r.lat, "lon": r.lon, "id": r.stop_id, "traj_id": van} for r in nxt.itertuples()]
gap = feed[(feed["van_id"] == "van07") & (feed["timestamp"] <= NOW)]
v7 = [{"vehicle_id": "van07", "t": r.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"), "lat": r.lat,
       "lon": r.lon} for r in gap.itertuples()]  # fmt: skip
requests = [
    ("/predict", {"trajectories": rows, "seconds_ahead": [600], "latest": True}),
    ("/reach", {"trajectories": rows, "to": to, "radius_m": 50, "horizon_s": 1800}),
    ("/reach", {"trajectories": rows, "to": [[45.7605, 4.86]], "radius_m": 80, "horizon_s": 1800}),
    ("/recover", {"trajectories": v7, "every": "30s"}),
]
serve_and_post("trajlm-small", 8733, DATA / "http_serve.log", requests, width=700)
