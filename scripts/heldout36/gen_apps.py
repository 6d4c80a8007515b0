# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout36, app and service files: four kinds no earlier session read
(docs/data.md "Session 36 (heldout36)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout36/gen_apps.py [OUTDIR]   # default $HELDOUT36/raw or /tmp/heldout36/raw
Outputs (under OUTDIR): valhalla_traces/ (Valhalla `/trace_route` request bodies saved for
map-matching, one file per trip: `shape` [{lat, lon, time (Unix s)}]), endomondo/Workouts/
(Endomondo's 2020 account export: one JSON list of one-key objects a workout, points as
`[{"location": [[{"latitude"}, {"longitude"}]]}, ..., {"timestamp": "Sun Jun 02 07:10:11 UTC
2019"}]`), 202611-citibike-tripdata.csv (Citi Bike's public trip table: starts and ends only),
tracks.topojson (`geo2topo -q 1e5` of GeoJSON LineStrings with `coordTimes`: quantized,
delta-encoded arcs).
Same seed, same bytes.
"""

import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402


def _trip(rng, lat0, lon0, spread, t, n, dt, speed):
    lat = lat0 + rng.uniform(-spread, spread)
    lon = lon0 + rng.uniform(-spread, spread)
    pts = []
    for t, lat, lon, _v, _hd in _legs(rng, lat, lon, t, n, dt, speed, 0.1, stop_p=0.01):
        la, lo = noisy(rng, lat, lon, 3)
        pts.append((t, round(la, 6), round(lo, 6)))
    return pts


def valhalla_traces(rng, out: Path) -> None:
    """10 taxi trips in Barcelona saved as Valhalla `/trace_route` bodies (`trip_<id>.json`):
    {"shape": [{"lat", "lon", "time"}], "costing": "auto", "shape_match": "map_snap",
    "trace_options": {...}, "use_timestamps": true}; `time` whole Unix seconds, ~5 s apart."""
    d = out / "valhalla_traces"
    d.mkdir(exist_ok=True)
    t = pd.Timestamp("2026-11-04 08:00", tz="UTC")
    for k in range(10):
        t = t + pd.Timedelta(minutes=float(rng.uniform(5, 40)))
        pts = _trip(rng, 41.39, 2.17, 0.04, t, int(rng.integers(120, 300)), 5.0,
                    lambda: rng.uniform(4, 13))  # fmt: skip
        shape = [{"lat": la, "lon": lo, "time": int(p.timestamp())} for p, la, lo in pts]
        body = {"shape": shape, "costing": "auto", "shape_match": "map_snap",
                "trace_options": {"search_radius": 25, "gps_accuracy": 5},
                "use_timestamps": True, "directions_options": {"units": "kilometers"}}  # fmt: skip
        (d / f"trip_{7100 + k * 13}.json").write_text(json.dumps(body))


def endomondo(rng, out: Path) -> None:
    """6 runs and rides in Stockholm in Endomondo's account export (`Workouts/<start>.json`): a
    list of one-key objects (name, sport, source, start_time 'YYYY-MM-DD HH:MM:SS.0', duration_s,
    distance_km, points); each point a list of one-key objects, the time a Java Date string."""
    d = out / "endomondo" / "Workouts"
    d.mkdir(parents=True, exist_ok=True)
    t = pd.Timestamp("2019-06-02 07:10:11", tz="UTC")
    for k in range(6):
        run = k % 2 == 0
        pts = _trip(rng, 59.33, 18.06, 0.03, t, int(rng.integers(300, 700)), 3.0,
                    (lambda: rng.uniform(2.6, 3.6)) if run else (lambda: rng.uniform(5, 9)))  # fmt: skip
        points = []
        for p, la, lo in pts:
            points.append([{"location": [[{"latitude": la}, {"longitude": lo}]]},
                           {"altitude": round(float(rng.uniform(10, 40)), 1)},
                           {"timestamp": p.strftime("%a %b %d %H:%M:%S UTC %Y")}])  # fmt: skip
        start = pts[0][0]
        doc = [{"name": f"{'Running' if run else 'Cycling'} {start:%Y-%m-%d}"},
               {"sport": "RUNNING" if run else "CYCLING_SPORT"}, {"source": "TRACK_MOBILE"},
               {"created_date": f"{start:%Y-%m-%d %H:%M:%S}.0"},
               {"start_time": f"{start:%Y-%m-%d %H:%M:%S}.0"},
               {"end_time": f"{pts[-1][0]:%Y-%m-%d %H:%M:%S}.0"},
               {"duration_s": int((pts[-1][0] - start).total_seconds())},
               {"distance_km": round(len(pts) * 0.01, 2)}, {"points": points}]  # fmt: skip
        (d / f"{start:%Y-%m-%d %H:%M:%S}.0.json").write_text(json.dumps(doc, indent=1))
        t = pts[-1][0] + pd.Timedelta(days=int(rng.integers(1, 4)), hours=float(rng.uniform(-2, 2)))


def citibike(rng, out: Path) -> None:
    """Citi Bike's monthly trip table (the 2021+ layout): ride_id, rideable_type, started_at,
    ended_at (local New York time), start / end station name and id, start_lat, start_lng,
    end_lat, end_lng, member_casual; 2,000 rides between 120 stations: starts and ends only."""
    st = [(f"{5000 + 7 * i}.{i % 10}0", f"W {20 + i} St & {['5', '6', '7', '8'][i % 4]} Ave",
           round(40.70 + rng.uniform(0, 0.1), 6), round(-74.01 + rng.uniform(0, 0.06), 6))
          for i in range(120)]  # fmt: skip
    recs = []
    for _ in range(2000):
        a, b = rng.choice(120, 2, replace=False)
        s = pd.Timestamp("2026-11-01") + pd.Timedelta(seconds=float(rng.uniform(0, 29 * 86400)))
        e = s + pd.Timedelta(seconds=float(rng.uniform(240, 2400)))
        recs.append({"ride_id": f"{int(rng.integers(0, 2**62)):016X}",
                     "rideable_type": rng.choice(["classic_bike", "electric_bike"]),
                     "started_at": s.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
                     "ended_at": e.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
                     "start_station_name": st[a][1], "start_station_id": st[a][0],
                     "end_station_name": st[b][1], "end_station_id": st[b][0],
                     "start_lat": st[a][2], "start_lng": st[a][3], "end_lat": st[b][2],
                     "end_lng": st[b][3], "member_casual": rng.choice(["member", "casual"])})  # fmt: skip
    recs.sort(key=lambda r: r["started_at"])
    pd.DataFrame(recs).to_csv(out / "202611-citibike-tripdata.csv", index=False)


def topojson(rng, out: Path) -> None:
    """`togeojson tracks.gpx | geo2topo -q 1e5 tracks=-`: 8 cyclists' tracks in Amsterdam as one
    Topology; each LineString's `arcs` index a quantized, delta-encoded arc, its properties keep
    togeojson's `coordTimes` (ISO Z) and the track's name."""
    q = 100000
    geoms, arcs = [], []
    t = pd.Timestamp("2026-09-12 06:40", tz="UTC")
    tracks = []
    for k in range(8):
        t = t + pd.Timedelta(minutes=float(rng.uniform(10, 60)))
        tracks.append((k, _trip(rng, 52.37, 4.89, 0.03, t, int(rng.integers(200, 500)), 4.0,
                                lambda: rng.uniform(3.5, 7))))  # fmt: skip
    lats = [la for _, p in tracks for _, la, _ in p]
    lons = [lo for _, p in tracks for _, _, lo in p]
    x0, y0 = min(lons), min(lats)
    sx, sy = (max(lons) - x0) / (q - 1), (max(lats) - y0) / (q - 1)
    for k, pts in tracks:
        arc, px, py = [], 0, 0
        for _, la, lo in pts:
            x, y = round((lo - x0) / sx), round((la - y0) / sy)
            arc.append([x - px, y - py])
            px, py = x, y
        geoms.append({"type": "LineString", "arcs": [len(arcs)],
                      "properties": {"name": f"Rit {k + 1}", "type": "cycling",
                                     "time": pts[0][0].strftime("%Y-%m-%dT%H:%M:%SZ"),
                                     "coordTimes": [p.strftime("%Y-%m-%dT%H:%M:%SZ")
                                                    for p, _, _ in pts]}})  # fmt: skip
        arcs.append(arc)
    topo = {"type": "Topology", "objects": {"tracks": {"type": "GeometryCollection",
                                                       "geometries": geoms}},
            "arcs": arcs, "transform": {"scale": [sx, sy], "translate": [x0, y0]},
            "bbox": [x0, y0, max(lons), max(lats)]}  # fmt: skip
    (out / "tracks.topojson").write_text(json.dumps(topo))


FILES = {"valhalla_traces": "valhalla_traces", "endomondo": "endomondo",
         "citibike": "202611-citibike-tripdata.csv", "topojson": "tracks.topojson"}  # fmt: skip

if __name__ == "__main__":
    write_sets([valhalla_traces, endomondo, citibike, topojson], "HELDOUT36", 3610, FILES)
