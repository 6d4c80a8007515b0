"""Session 31 new-user data: a seeded city-council transit feed, as pandas.

What it writes (seeded, no real data):

- `avl.csv`: bus AVL pings as a SIRI-VM / BODS download gives them: `VehicleRef`, `LineRef`,
  `DirectionRef` (outbound / inbound), `DatedVehicleJourneyRef` (one journey = one run of a
  line in one direction), `RecordedAtTime` (ISO with Z), `Latitude`, `Longitude`, `Bearing`.
  3 lines, 3 buses each, 06:00-12:00 UTC. Each bus shuttles terminal to terminal: 15-30 s
  dwell at each stop (pings keep coming, the bus still), 4-9 m/s between stops with a slower
  centre, 6-12 min layover at the terminal (pinged under the NEXT journey's ref, as AVL feeds
  do), pings every 10-40 s (median ~20 s), ~6 m noise, and AVL dropouts (2-6 min with no ping)
  on ~1 in 4 journeys.
- `stops.txt` (GTFS: stop_id, stop_name, stop_lat, stop_lon) and `route_stops.csv` (line,
  direction, stop_sequence, stop_id).
- `avl_gaps.csv`: 8 journeys with every 3rd ping's position blanked (known truth kept in
  `avl_gaps_truth.csv`), for recover.
- `bike_trips.csv`: a shared e-bike / e-scooter trip log as operators publish it (Divvy-like):
  ride_id, rideable_type, started_at, ended_at, start_lat, start_lng, end_lat, end_lng,
  member_casual (one row per trip: no path).
- `scooter_tracks.csv`: 60 e-scooter rides with a GPS fix every 5 s (ride_id, vehicle_id,
  ts, lat, lng), as an operator's telemetry export gives them.

Command: PYTHONPATH=. python scripts/newuser31/gen_transit.py [OUT]   (default $NEWUSER31_OUT or
/tmp/newuser31).
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

CENTRE = (53.800, -1.549)  # a northern English city centre (lat, lon)
M_LAT = 111_320.0
M_LON = M_LAT * math.cos(math.radians(CENTRE[0]))
T0 = pd.Timestamp("2026-03-10T06:00:00Z")


def _ll(x: float, y: float) -> tuple[float, float]:
    """Local metres east / north of the centre -> (lat, lon)."""
    return CENTRE[0] + y / M_LAT, CENTRE[1] + x / M_LON


def _line_path(rng: np.random.Generator, bearing_deg: float, n_stops: int) -> np.ndarray:
    """A route through the centre: a bent polyline ~9 km long, stops every ~350-600 m."""
    b = math.radians(bearing_deg)
    gaps = rng.uniform(350, 600, n_stops - 1)
    s = np.concatenate([[0.0], np.cumsum(gaps)])
    s -= s[-1] / 2  # the centre half-way
    bend = 0.25 * np.sin(s / 2500.0)
    ang = b + bend
    step = np.diff(s, prepend=s[0])
    x = np.cumsum(step * np.sin(ang))
    y = np.cumsum(step * np.cos(ang))
    return np.stack([x - x[len(x) // 2], y - y[len(y) // 2]], 1)


def _journey(rng, stops_xy, t, end_t):
    """One run along stops_xy from time t: (times, xs, ys) at 1 s, the bus's dwell included."""
    ts, xs, ys = [], [], []
    for i in range(len(stops_xy) - 1):
        a, b = stops_xy[i], stops_xy[i + 1]
        dwell = rng.uniform(15, 30) if i > 0 else 0.0
        for k in range(int(dwell)):
            ts.append(t + k)
            xs.append(a[0])
            ys.append(a[1])
        t += int(dwell)
        d = float(np.hypot(*(b - a)))
        centre = np.hypot(*((a + b) / 2)) < 1500
        v = rng.uniform(4, 6) if centre else rng.uniform(6, 9)
        n = max(int(d / v), 1)
        for k in range(n):
            f = k / n
            ts.append(t + k)
            xs.append(a[0] + f * (b[0] - a[0]))
            ys.append(a[1] + f * (b[1] - a[1]))
        t += n
        if t > end_t:
            break
    return np.array(ts), np.array(xs), np.array(ys), t


def generate(out: Path, seed: int = 31) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    lines = {"4": 20.0, "16": 75.0, "42": 140.0}
    stops, route_stops, rows = [], [], []
    names = ["Park Lane", "Market St", "Station", "Infirmary", "Library", "Town Hall", "Bridge",
             "Church", "School", "Mill", "Bus Station", "Arena", "College", "Depot", "Green",
             "Square", "Road End", "Crescent", "Avenue", "Gardens"]  # fmt: skip
    paths = {}
    for li, (line, bearing) in enumerate(lines.items()):
        xy = _line_path(rng, bearing, int(rng.integers(16, 21)))
        paths[line] = xy
        for k, (x, y) in enumerate(xy):
            lat, lon = _ll(x, y)
            sid = f"450{li}{k:03d}"
            stops.append((sid, f"{names[k % len(names)]} ({line})", round(lat, 6), round(lon, 6)))
            route_stops.append((line, "outbound", k + 1, sid))
            route_stops.append((line, "inbound", len(xy) - k, sid))
    end = 6 * 3600
    gap_journeys = []
    for line, xy in paths.items():
        for bus in range(3):
            vref = f"YJ{int(line):02d}{bus}BUS"
            t = int(bus * rng.uniform(800, 1100))
            direction = 0
            jn = 0
            while t < end:
                route = xy if direction == 0 else xy[::-1]
                jref = f"{line}-{bus}-{jn:02d}"
                # the layover at this journey's first terminal, pinged under this journey's ref
                lay = int(rng.uniform(360, 720)) if jn > 0 else int(rng.uniform(60, 180))
                ts = [np.arange(t, t + lay)]
                xs = [np.full(lay, route[0][0])]
                ys = [np.full(lay, route[0][1])]
                t += lay
                jt, jx, jy, t = _journey(rng, route, t, end)
                ts.append(jt)
                xs.append(jx)
                ys.append(jy)
                ts, xs, ys = map(np.concatenate, (ts, xs, ys))
                # pings every 10-40 s
                keep = [0]
                while keep[-1] < len(ts) - 1:
                    keep.append(min(keep[-1] + int(rng.choice([10, 15, 20, 20, 25, 30, 40])),
                                    len(ts) - 1))  # fmt: skip
                keep = np.array(sorted(set(keep)))
                if rng.random() < 0.25 and len(keep) > 60:  # an AVL dropout of 2-6 min
                    a = int(rng.integers(20, len(keep) - 30))
                    gap_s = rng.uniform(120, 360)
                    drop = (ts[keep] > ts[keep[a]]) & (ts[keep] < ts[keep[a]] + gap_s)
                    keep = keep[~drop]
                px = xs[keep] + rng.normal(0, 6, len(keep))
                py = ys[keep] + rng.normal(0, 6, len(keep))
                brg = (np.degrees(np.arctan2(np.gradient(px), np.gradient(py))) % 360).round()
                for k, i in enumerate(keep):
                    lat, lon = _ll(px[k], py[k])
                    rows.append((vref, line, "outbound" if direction == 0 else "inbound", jref,
                                 T0 + pd.Timedelta(seconds=int(ts[i])), lat, lon, brg[k]))  # fmt: skip
                gap_journeys.append(jref)
                direction, jn = 1 - direction, jn + 1
    cols = ["VehicleRef", "LineRef", "DirectionRef", "DatedVehicleJourneyRef", "RecordedAtTime",
            "Latitude", "Longitude", "Bearing"]  # fmt: skip
    avl = pd.DataFrame(rows, columns=cols).sort_values(["VehicleRef", "RecordedAtTime"])
    avl["Latitude"] = avl["Latitude"].round(6)
    avl["Longitude"] = avl["Longitude"].round(6)
    iso = avl.assign(RecordedAtTime=avl["RecordedAtTime"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    iso.to_csv(out / "avl.csv", index=False)
    pd.DataFrame(stops, columns=["stop_id", "stop_name", "stop_lat", "stop_lon"]).to_csv(
        out / "stops.txt", index=False
    )
    pd.DataFrame(route_stops, columns=["line", "direction", "stop_sequence", "stop_id"]).to_csv(
        out / "route_stops.csv", index=False
    )
    # recover: 8 mid-morning journeys with every 3rd ping's position hidden
    pick = sorted(rng.choice(sorted(set(avl["DatedVehicleJourneyRef"])), 8, replace=False))
    g = iso[iso["DatedVehicleJourneyRef"].isin(pick)].copy().reset_index(drop=True)
    hide = (g.groupby("DatedVehicleJourneyRef").cumcount() % 3 == 2).to_numpy()
    g.loc[hide].to_csv(out / "avl_gaps_truth.csv", index=False)
    g.loc[hide, ["Latitude", "Longitude"]] = np.nan
    g.to_csv(out / "avl_gaps.csv", index=False)
    # bikes: a trip log (OD rows) and scooter GPS tracks
    n = 400
    start = T0 + pd.to_timedelta(rng.uniform(0, end, n), unit="s")
    sx, sy = rng.normal(0, 1500, n), rng.normal(0, 1500, n)
    dist = rng.gamma(2.0, 700, n) + 200
    ang = rng.uniform(0, 2 * math.pi, n)
    ex, ey = sx + dist * np.sin(ang), sy + dist * np.cos(ang)
    speed = rng.uniform(3.0, 6.0, n)
    dur = dist * 1.3 / speed + rng.uniform(30, 120, n)
    slat, slon = _ll(sx, sy)
    elat, elon = _ll(ex, ey)
    bikes = pd.DataFrame({
        "ride_id": [f"R{k:05X}" for k in range(n)],
        "rideable_type": rng.choice(["electric_bike", "classic_bike", "electric_scooter"], n),
        "started_at": start.strftime("%Y-%m-%d %H:%M:%S"),
        "ended_at": (start + pd.to_timedelta(dur, unit="s")).strftime("%Y-%m-%d %H:%M:%S"),
        "start_lat": np.round(slat, 6), "start_lng": np.round(slon, 6),
        "end_lat": np.round(elat, 6), "end_lng": np.round(elon, 6),
        "member_casual": rng.choice(["member", "casual"], n),
    })  # fmt: skip
    bikes.to_csv(out / "bike_trips.csv", index=False)
    tracks = []
    for k in range(60):
        x, y = rng.normal(0, 1200, 2)
        h = rng.uniform(0, 2 * math.pi)
        v = rng.uniform(3.5, 6.0)
        # a scooter's rides do not overlap: its k-th ride in the k-th 2-h block
        t = T0 + pd.Timedelta(seconds=float(7200 * (k // 25) + rng.uniform(0, 3600)))
        for i in range(int(rng.integers(40, 120))):
            h += rng.normal(0, 0.12)
            x, y = x + 5 * v * math.sin(h), y + 5 * v * math.cos(h)
            lat, lon = _ll(x + rng.normal(0, 4), y + rng.normal(0, 4))
            tracks.append(
                (f"S{k:03d}", f"SC{k % 25:03d}", (t + pd.Timedelta(seconds=5 * i)), lat, lon)
            )
    sc = pd.DataFrame(tracks, columns=["ride_id", "vehicle_id", "ts", "lat", "lng"])
    sc["ts"] = sc["ts"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    sc.to_csv(out / "scooter_tracks.csv", index=False)
    counts = {
        "avl_rows": len(avl),
        "buses": avl["VehicleRef"].nunique(),
        "journeys": avl["DatedVehicleJourneyRef"].nunique(),
        "stops": len(stops),
        "hidden": int(hide.sum()),
        "bike_trips": n,
        "scooter_rows": len(sc),
    }
    return counts


if __name__ == "__main__":
    out = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER31_OUT", "/tmp/newuser31")
    )
    print(generate(out))
