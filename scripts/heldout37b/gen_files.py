"""Seeded held-out sets for heldout37b: eight kinds of files a mobility researcher or fleet data
scientist has that no earlier session read (docs/data.md "Session 37 (heldout37b)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout37b/gen_files.py [OUTDIR]   # default $HELDOUT37B/raw or /tmp/heldout37b/raw
Outputs (under OUTDIR): history.json (Home Assistant's `/api/history/period` answer for phones'
`device_tracker` entities), fleet_positions.sql (a `pg_dump --inserts` of a positions table),
trips.geojson (a kepler.gl trip layer: LineStrings of [lon, lat, alt, Unix s]),
WigleWifi_20261103080012.csv (a WiGLE wardriving log: one phone, a row per network seen),
tracks.db (a phone app's track database: `tracks` + `points` joined by `parent_id`), traces/
(Valhalla `trace_route` request bodies, one per bus), positions_xy.csv (QGIS "Save features as"
CSV with GEOMETRY=AS_XY: `X`, `Y` first), trips.json (a deck.gl TripsLayer data file: `path` +
`timestamps` in seconds from the animation's start). Same seed, same bytes.
"""

import json
import math
import sqlite3
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs, noisy, write_sets  # noqa: E402

FILES = {"homeassistant": "history.json", "sqldump": "fleet_positions.sql",
         "kepler": "trips.geojson", "wigle": "WigleWifi_20261103080012.csv",
         "trackdb": "tracks.db", "valhalla": "traces", "qgis_xy": "positions_xy.csv",
         "decktrips": "trips.json"}  # fmt: skip
T0 = pd.Timestamp("2026-11-03 07:00:00", tz="UTC")


def _track(rng, lat0, lon0, t, n, dt, speed, sd=4.0, stop_p=0.01):
    """[(t, lat, lon, v m/s, heading deg)] of one mover, positions with sd metres of noise."""
    out = []
    for tt, lat, lon, v, hd in legs(rng, lat0, lon0, t, n, dt, speed, 0.12, stop_p=stop_p):
        la, lo = noisy(rng, lat, lon, sd)
        out.append((tt, round(la, 6), round(lo, 6), round(v, 2), round(math.degrees(hd) % 360, 1)))
    return out


def _start(rng, k: int) -> pd.Timestamp:
    return T0 + pd.Timedelta(minutes=int(rng.integers(0, 90)) + 7 * k)


def homeassistant(rng, out: Path) -> None:
    """Home Assistant's REST answer `/api/history/period/...?filter_entity_id=device_tracker.*`:
    a list per entity of state objects; the fix in `attributes` (latitude, longitude,
    gps_accuracy, ...), `last_updated` its time, `last_changed` only when the zone state
    changes (home / not_home / Work), `context` ids; 4 phones."""
    hist = []
    for k, who in enumerate(["anna", "ben", "carla", "dev"]):
        states, zone, changed = [], None, None
        for t, la, lo, v, hd in _track(rng, 47.37 + k * 0.01, 8.54, _start(rng, k), 180, 30,
                                       lambda: rng.uniform(0, 12), sd=8, stop_p=0.03):  # fmt: skip
            z = "home" if v < 0.5 and la < 47.375 + k * 0.01 else "not_home"
            if z != zone:
                zone, changed = z, t
            iso = t.isoformat(timespec="microseconds")
            states.append({"entity_id": f"device_tracker.{who}_phone", "state": zone,
                           "attributes": {"source_type": "gps", "battery_level": int(90 - len(states) / 4),
                                          "latitude": la, "longitude": lo,
                                          "gps_accuracy": int(rng.integers(5, 40)),
                                          "altitude": round(410 + rng.normal(0, 3), 1),
                                          "course": hd, "speed": round(v, 1), "vertical_accuracy": 3,
                                          "friendly_name": f"{who.title()} phone"},
                           "last_changed": changed.isoformat(timespec="microseconds"),
                           "last_updated": iso,
                           "context": {"id": f"01JC{rng.integers(10**15, 10**16)}", "parent_id": None,
                                       "user_id": None}})  # fmt: skip
        hist.append(states)
    (out / FILES["homeassistant"]).write_text(json.dumps(hist))


def sqldump(rng, out: Path) -> None:
    """`pg_dump --inserts fleet -t positions`: SET lines, CREATE TABLE with the column names and
    types, one `INSERT INTO public.positions VALUES (...)` per row (no column list), sequences
    and constraints after; 6 vans, `recorded_at` timestamptz text `2026-11-03 08:00:05+00`."""
    lines = ["--\n-- PostgreSQL database dump\n--\n", "-- Dumped from database version 16.4\n",
             "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n"
             "SET standard_conforming_strings = on;\n"
             "SELECT pg_catalog.set_config('search_path', '', false);\n\n",
             "CREATE TABLE public.positions (\n    id bigint NOT NULL,\n    vehicle_id text NOT NULL,\n"
             "    recorded_at timestamp with time zone NOT NULL,\n    lat double precision,\n"
             "    lon double precision,\n    speed_kmh real,\n    note text\n);\n\n",
             "ALTER TABLE public.positions OWNER TO fleet;\n\n",
             "--\n-- Data for Name: positions; Type: TABLE DATA; Schema: public; Owner: fleet\n--\n\n"]  # fmt: skip
    rows = []
    for k in range(6):
        for t, la, lo, v, _ in _track(rng, 52.08, 4.30 + k * 0.01, _start(rng, k), 300, 10,
                                      lambda: rng.uniform(4, 16)):  # fmt: skip
            rows.append((t, f"van-{k + 3:02d}", la, lo, round(v * 3.6, 1)))
    rows.sort()
    for i, (t, vid, la, lo, kmh) in enumerate(rows, 1):
        note = "NULL" if i % 7 else "'driver''s break, gate 2'"
        stamp = t.strftime("%Y-%m-%d %H:%M:%S+00")
        lines.append(f"INSERT INTO public.positions VALUES ({i}, '{vid}', '{stamp}', {la}, {lo}, "
                     f"{kmh}, {note});\n")  # fmt: skip
    lines.append("\n\nALTER TABLE ONLY public.positions\n    ADD CONSTRAINT positions_pkey "
                 "PRIMARY KEY (id);\n\n--\n-- PostgreSQL database dump complete\n--\n\n")  # fmt: skip
    (out / FILES["sqldump"]).write_text("".join(lines))


def kepler(rng, out: Path) -> None:
    """A kepler.gl trip layer: a FeatureCollection of LineStrings whose coordinates are
    [lon, lat, altitude, Unix seconds], properties vehicle_id / vendor; 8 taxis."""
    feats = []
    for k in range(8):
        pts = _track(rng, 40.75, -73.99 + k * 0.005, _start(rng, k), 160, 15,
                     lambda: rng.uniform(2, 14))  # fmt: skip
        coords = [[lo, la, 0, int(t.timestamp())] for t, la, lo, _, _ in pts]
        feats.append({"type": "Feature", "properties": {"vehicle_id": f"T{k + 101}", "vendor": k % 2},
                      "geometry": {"type": "LineString", "coordinates": coords}})  # fmt: skip
    (out / FILES["kepler"]).write_text(json.dumps({"type": "FeatureCollection", "features": feats}))


def wigle(rng, out: Path) -> None:
    """A WiGLE WiFi wardriving CSV from one phone: a pre-header line naming the app and device,
    then `MAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,CurrentLongitude,
    AltitudeMeters,AccuracyMeters,Type`; every ~3 s the phone's fix with the 2-8 networks it saw
    (the MAC is the network, not the mover); local naive times."""
    macs = [":".join(f"{b:02x}" for b in rng.integers(0, 256, 6)) for _ in range(400)]
    rows = ["WigleWifi-1.4,appRelease=2.68,model=Pixel 7,release=14,device=panther,"
            "display=UQ1A.240205.004,board=panther,brand=google,star=Sol,body=3,subBody=0\n",
            "MAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,CurrentLongitude,"
            "AltitudeMeters,AccuracyMeters,Type\n"]  # fmt: skip
    t0 = pd.Timestamp("2026-11-03 08:00:12")
    for t, la, lo, _, _ in _track(rng, 51.5, -0.12, t0, 900, 3, lambda: rng.uniform(3, 13)):
        near = int(la * 3000) % 390  # networks along the road
        for j in rng.choice(10, int(rng.integers(2, 9)), replace=False):
            mac = macs[near + j]
            ssid = f"BT-{mac[-5:].replace(':', '').upper()}" if j % 3 else ""
            rows.append(f"{mac},{ssid},[WPA2-PSK-CCMP][ESS],{t.strftime('%Y-%m-%d %H:%M:%S')},"
                        f"{int(rng.choice([1, 6, 11, 36]))},{int(rng.integers(-92, -40))},{la},{lo},"
                        f"{round(30 + rng.normal(0, 2), 1)},{round(rng.uniform(3, 12), 1)},WIFI\n")  # fmt: skip
    (out / FILES["wigle"]).write_text("".join(rows))


def trackdb(rng, out: Path) -> None:
    """A phone app's track database: `tracks` (_id, name, descr, activity) and `points`
    (_id, parent_id -> tracks._id, lat, lon, altitude, time in Unix ms, speed, accuracy),
    plus an empty `waypoints`; 7 hikes and rides."""
    p = out / FILES["trackdb"]
    p.unlink(missing_ok=True)
    with sqlite3.connect(p) as db:
        db.execute(
            "CREATE TABLE tracks (_id INTEGER PRIMARY KEY, name TEXT, descr TEXT, activity TEXT)"
        )
        db.execute("CREATE TABLE points (_id INTEGER PRIMARY KEY, parent_id INTEGER, lat REAL, lon REAL,"
                   " altitude REAL, time INTEGER, speed REAL, accuracy REAL)")  # fmt: skip
        db.execute(
            "CREATE TABLE waypoints (_id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL)"
        )
        for k in range(7):
            act = ["hiking", "cycling"][k % 2]
            db.execute("INSERT INTO tracks VALUES (?, ?, ?, ?)",
                       (k + 1, f"{act} {k + 1}", "", act))  # fmt: skip
            t0 = T0 + pd.Timedelta(days=k)
            for t, la, lo, v, _ in _track(rng, 46.6, 10.2 + k * 0.02, t0, 250, 5 if k % 2 else 10,
                                          lambda k=k: rng.uniform(0.8, 1.6) * (5 if k % 2 else 1)):  # fmt: skip
                db.execute("INSERT INTO points (parent_id, lat, lon, altitude, time, speed, accuracy)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (k + 1, la, lo, round(1800 + rng.normal(0, 5), 1),
                            int(t.timestamp() * 1000), v, round(rng.uniform(3, 10), 1)))  # fmt: skip


def valhalla(rng, out: Path) -> None:
    """A folder of Valhalla `trace_route` request bodies saved for map matching, one per bus:
    `{"shape": [{"lat", "lon", "time" (Unix s), "type"}...], "costing": "bus",
    "shape_match": "map_snap", "use_timestamps": true}` (the file name is the bus)."""
    d = out / FILES["valhalla"]
    d.mkdir(exist_ok=True)
    for k in range(6):
        pts = _track(
            rng, 48.14, 11.56 + k * 0.01, _start(rng, k), 200, 8, lambda: rng.uniform(3, 12)
        )
        shape = [
            {"lat": la, "lon": lo, "time": int(t.timestamp()), "type": "via"}
            for t, la, lo, _, _ in pts
        ]
        shape[0]["type"] = shape[-1]["type"] = "break"
        body = {"shape": shape, "costing": "bus", "shape_match": "map_snap", "use_timestamps": True,
                "filters": {"attributes": ["edge.names", "matched.point"], "action": "include"}}  # fmt: skip
        (d / f"bus_{k + 40}.json").write_text(json.dumps(body))


def qgis_xy(rng, out: Path) -> None:
    """QGIS "Export > Save Features As" CSV with GEOMETRY=AS_XY from a point layer in EPSG:4326:
    `X,Y` first, then the layer's fields (`fid`, `unit`, `fix_time`, `speed`); 7 units."""
    rows = []
    for k in range(7):
        for t, la, lo, v, _ in _track(rng, -33.87, 151.2 + k * 0.01, _start(rng, k), 220, 20,
                                      lambda: rng.uniform(2, 15)):  # fmt: skip
            rows.append((t, f"U{k + 1}", la, lo, round(v, 1)))
    rows.sort()
    df = pd.DataFrame([{"X": lo, "Y": la, "fid": i + 1, "unit": u, "fix_time": t.strftime("%Y-%m-%dT%H:%M:%S"),
                        "speed": v} for i, (t, u, la, lo, v) in enumerate(rows)])  # fmt: skip
    df.to_csv(out / FILES["qgis_xy"], index=False)


def decktrips(rng, out: Path) -> None:
    """A deck.gl TripsLayer data file (its examples' `trips.json`): a list of
    `{"vendor", "path": [[lon, lat]...], "timestamps": [seconds from the animation's start]}`,
    no id, no date; 10 trips."""
    trips = []
    for k in range(10):
        t0 = T0 + pd.Timedelta(seconds=int(rng.integers(0, 1800)))
        pts = _track(rng, 40.72, -74.0 + k * 0.004, t0, 120, 10, lambda: rng.uniform(2, 12))
        trips.append({"vendor": k % 2, "path": [[lo, la] for _, la, lo, _, _ in pts],
                      "timestamps": [round((t - T0).total_seconds(), 1) for t, *_ in pts]})  # fmt: skip
    (out / FILES["decktrips"]).write_text(json.dumps(trips))


if __name__ == "__main__":
    write_sets([homeassistant, sqldump, kepler, wigle, trackdb, valhalla, qgis_xy, decktrips],
               "HELDOUT37B", 3750, FILES)  # fmt: skip
