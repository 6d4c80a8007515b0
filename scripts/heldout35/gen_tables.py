# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout35, tables and API dumps: five kinds no earlier session read
(docs/data.md "Session 35 (heldout35)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout35/gen_tables.py [OUTDIR]   # default $HELDOUT35/raw or /tmp/heldout35/raw
Outputs (under OUTDIR): strava_streams/ (Strava API streams, `key_by_type=true`, one file per
activity beside the athlete's `activities.json`), agents_rad.csv (a simulator's log: float Unix
seconds, `heading_rad`, `speed_mps`), motive/ (Motive's `vehicle_locations` API, one file per
vehicle, each record wrapped in `{"vehicle_location": {...}}`), pings_frame.json (a notebook's
`df.to_json("pings_frame.json")`: pandas' default `orient="columns"`, epoch milliseconds),
location_history.csv (Verizon Connect Reveal's Location History report: title lines, Date +
AM/PM Time in US Central, compass-point headings, ignition status).
Same seed, same bytes.
"""

import json
import math
import sys
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402


def strava_streams(rng, out: Path) -> None:
    """Strava API v3 `GET /activities/{id}/streams?keys=latlng,time,altitude,velocity_smooth,
    heartrate&key_by_type=true` saved as `streams_<id>.json`: {"latlng": {"data": [[lat, lng],
    ...], "series_type": "distance", "original_size", "resolution": "high"}, "time": {"data":
    [0, 1, ...]} (seconds since the start), ...}; the start is in the athlete's
    `activities.json` (`GET /athlete/activities`: id, name, type, start_date ISO Z,
    start_date_local, timezone, start_latlng); 6 rides and runs around Boulder."""
    d = out / "strava_streams"
    d.mkdir(exist_ok=True)
    acts = []
    t = pd.Timestamp("2026-06-03 13:10", tz="UTC")
    for k in range(6):
        aid = 14800000000 + int(rng.integers(0, 99999999))
        ride = k % 2 == 0
        lat, lon = 40.015 + rng.uniform(-0.03, 0.03), -105.27 + rng.uniform(-0.04, 0.04)
        start = t
        ll, tt, alt, vel, hr = [], [], [], [], []
        for t, lat, lon, v, _hd in _legs(rng, lat, lon, t, int(rng.integers(400, 1000)),
                                         float(rng.choice([1.0, 2.0])),
                                         (lambda: rng.uniform(5, 10)) if ride
                                         else (lambda: rng.uniform(2.5, 3.8)), 0.05,
                                         stop_p=0.003):  # fmt: skip
            la, lo = noisy(rng, lat, lon, 3)
            ll.append([round(la, 6), round(lo, 6)])
            # Strava's time stream: whole seconds, strictly increasing
            tt.append(max(int(round((t - start).total_seconds())), tt[-1] + 1 if tt else 0))
            alt.append(round(1650 + float(rng.uniform(0, 40)), 1))
            vel.append(round(v, 1))
            hr.append(int(rng.integers(100, 170)))
        n = len(ll)
        doc = {key: {"data": data, "series_type": "distance", "original_size": n,
                     "resolution": "high"}
               for key, data in (("latlng", ll), ("time", tt), ("altitude", alt),
                                 ("velocity_smooth", vel), ("heartrate", hr))}  # fmt: skip
        (d / f"streams_{aid}.json").write_text(json.dumps(doc))
        loc = start.tz_convert("America/Denver")
        acts.append({"resource_state": 2, "name": ("Morning Ride" if ride else "Lunch Run"),
                     "distance": round(sum(vel), 1), "moving_time": tt[-1],
                     "elapsed_time": tt[-1], "type": "Ride" if ride else "Run",
                     "sport_type": "Ride" if ride else "Run", "id": aid,
                     "start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "start_date_local": loc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "timezone": "(GMT-07:00) America/Denver", "utc_offset": -21600.0,
                     "start_latlng": ll[0], "end_latlng": ll[-1]})  # fmt: skip
        t += pd.Timedelta(days=1, hours=float(rng.uniform(-3, 3)))
    (d / "activities.json").write_text(json.dumps(acts[::-1], indent=1))


def agents_rad(rng, out: Path) -> None:
    """A delivery-robot simulator's log as its Python writer leaves it: `stamp` (float Unix
    seconds, 6 decimals), `agent`, `lat`, `lon`, `speed_mps`, `heading_rad` (compass bearing in
    radians, -pi..pi), `battery`; 14 sidewalk robots in Tallinn, 0.5-2 s steps, rows in time
    order across robots."""
    rows = []
    for k in range(14):
        t = pd.Timestamp("2026-11-23 08:00", tz="UTC") + pd.Timedelta(
            seconds=float(rng.uniform(0, 1800))
        )
        lat, lon = 59.437 + rng.uniform(-0.01, 0.01), 24.745 + rng.uniform(-0.02, 0.02)
        dt = float(rng.choice([0.5, 1.0, 2.0]))
        for t, lat, lon, v, hd in _legs(rng, lat, lon, t, int(rng.integers(300, 800)), dt,
                                        lambda: rng.uniform(0.8, 1.8), 0.08, stop_p=0.01,
                                        stop_n=(5, 40)):  # fmt: skip
            la, lo = noisy(rng, lat, lon, 0.5)
            h = math.atan2(math.sin(hd), math.cos(hd))
            rows.append((t, f"{t.value / 1e9:.6f},robot-{k:02d},{la:.7f},{lo:.7f},{v:.3f},"
                            f"{h:.4f},{100 - len(rows) % 50 * 0.4:.1f}"))  # fmt: skip
    rows.sort(key=lambda r: r[0])
    text = "stamp,agent,lat,lon,speed_mps,heading_rad,battery\n"
    (out / "agents_rad.csv").write_text(text + "\n".join(r for _, r in rows) + "\n")


def motive(rng, out: Path) -> None:
    """Motive (KeepTruckin) `GET /v1/vehicle_locations/{vehicle_id}?start_date=&end_date=` saved
    one file per truck `vehicle_locations_<id>.json`: {"vehicle_locations": [{"vehicle_location":
    {"id", "located_at" (ISO Z), "lat", "lon", "bearing", "kph", "description", "odometer",
    "engine_hours", "fuel", "type" (vehicle_moving / ignition_off / ...), "driver": {"id",
    "first_name", "last_name"}}}]} (the truck's id only in the URL and the file name); 8 trucks
    around Dallas over two days, a fix every 1-5 min while moving, newest first."""
    d = out / "motive"
    d.mkdir(exist_ok=True)
    for k in range(8):
        vid = 410000 + int(rng.integers(0, 99999))
        driver = {"id": 900 + k, "first_name": ["Joe", "Ana", "Raj", "Li", "Sam", "Eva", "Tom",
                                               "Kay"][k], "last_name": "Driver"}  # fmt: skip
        recs = []
        t = pd.Timestamp("2026-07-13 12:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 120))
        )
        odo = float(rng.uniform(50000, 300000))
        for _day in range(2):
            for _trip in range(int(rng.integers(2, 5))):
                lat, lon = 32.78 + rng.uniform(-0.2, 0.2), -96.80 + rng.uniform(-0.3, 0.3)
                for t, lat, lon, v, hd in _legs(rng, lat, lon, t, int(rng.integers(25, 90)),
                                                float(rng.choice([60.0, 120.0, 300.0])),
                                                lambda: rng.uniform(12, 30), 0.1,
                                                stop_p=0.03):  # fmt: skip
                    la, lo = noisy(rng, lat, lon, 8)
                    odo += v * 60 / 1609.344
                    recs.append({"vehicle_location": {
                        "id": int(rng.integers(10**9, 2 * 10**9)),
                        "located_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "lat": round(la, 5), "lon": round(lo, 5),
                        "bearing": round(math.degrees(hd) % 360, 1), "kph": round(v * 3.6, 1),
                        "description": "Dallas, TX", "odometer": round(odo, 1),
                        "engine_hours": None, "fuel": None,
                        "type": "vehicle_moving" if v > 0 else "vehicle_stopped",
                        "driver": driver}})  # fmt: skip
                t += pd.Timedelta(minutes=float(rng.uniform(30, 150)))
            t = t.normalize() + pd.Timedelta(days=1, hours=12)
        recs.reverse()
        (d / f"vehicle_locations_{vid}.json").write_text(json.dumps({"vehicle_locations": recs}))


def pings_frame(rng, out: Path) -> None:
    """A notebook's `df.to_json("pings_frame.json")` of a scooter frame: pandas' default
    `orient="columns"` ({"column": {"row label": value}}), its datetime column as epoch
    milliseconds (pandas' default `date_unit="ms"`), the row labels a filtered frame's own
    (not 0..n-1); columns `scooter`, `ts`, `lat`, `lng`, `battery`; 20 scooters in Lisbon, a
    ping every 5-30 s."""
    recs = []
    for k in range(20):
        t = pd.Timestamp("2026-05-28 07:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 180))
        )
        for _ride in range(int(rng.integers(2, 5))):
            lat, lon = 38.72 + rng.uniform(-0.03, 0.03), -9.14 + rng.uniform(-0.04, 0.04)
            for t, lat, lon, _v, _hd in _legs(rng, lat, lon, t, int(rng.integers(30, 120)),
                                              float(rng.uniform(5, 30)),
                                              lambda: rng.uniform(3, 7), 0.1, stop_p=0.02):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 4)
                recs.append({"scooter": f"LX{k:03d}", "ts": t.tz_localize(None).floor("ms"),
                             "lat": la, "lng": lo, "battery": int(rng.integers(10, 100))})  # fmt: skip
            t += pd.Timedelta(minutes=float(rng.uniform(20, 120)))
    df = pd.DataFrame(recs).sort_values("ts")
    df = df[df["battery"] > 12]  # the notebook's filter: the row labels keep their gaps
    with warnings.catch_warnings():  # pandas 3 warns that its default will change
        warnings.simplefilter("ignore")
        df.to_json(out / "pings_frame.json")  # the default a notebook gets


_POINTS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]


def verizon_history(rng, out: Path) -> None:
    """Verizon Connect Reveal's "Location History" report saved as CSV: three title lines and
    a blank one above the header (the account, the date range "(CST)"), then `Vehicle Name`,
    `Vehicle #`, `Driver Name`, `Date` (mm/dd/yyyy), `Time` (hh:mm:ss AM/PM, the account's
    zone: US Central, CST in November), `Status` (Ignition On / Moving / Idle / Stop / Ignition
    Off), `Speed (mph)`, `Heading` (compass points N, NE, ...), `Address`, `Latitude`,
    `Longitude`, `Odometer (mi)`, `Engine Hours`; 10 service trucks around Houston over two
    days, a row every 30 s - 2 min while moving, rows grouped by vehicle."""
    lines = ["Location History Report", "Account: Gulf Coast Plumbing LLC",
             "Date Range: 11/02/2026 12:00 AM - 11/03/2026 11:59 PM (CST)", "",
             "Vehicle Name,Vehicle #,Driver Name,Date,Time,Status,Speed (mph),Heading,Address,"
             "Latitude,Longitude,Odometer (mi),Engine Hours"]  # fmt: skip
    for k in range(10):
        name, driver = f"Truck {k + 11}", ["Mike Davis", "Luis Ortega", "Tanya Reed", "Omar Said",
                                            "Kim Tran", "Bo Jones", "Ada Park", "Raul Vega",
                                            "Jen Lutz", "Ty Webb"][k]  # fmt: skip
        odo, hours = float(rng.uniform(20000, 90000)), float(rng.uniform(900, 4000))
        t = pd.Timestamp("2026-11-02 13:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 60))
        )
        for _day in range(2):
            for _job in range(int(rng.integers(2, 5))):
                lat, lon = 29.76 + rng.uniform(-0.15, 0.15), -95.37 + rng.uniform(-0.2, 0.2)
                trip = list(_legs(rng, lat, lon, t, int(rng.integers(15, 60)),
                                  float(rng.choice([30.0, 60.0, 120.0])),
                                  lambda: rng.uniform(8, 25), 0.1, stop_p=0.04))  # fmt: skip
                for j, (t, lat, lon, v, hd) in enumerate(trip):
                    la, lo = noisy(rng, lat, lon, 6)
                    odo += v * 60 / 1609.344
                    hours += 1 / 60
                    status = ("Ignition On" if j == 0 else "Ignition Off" if j == len(trip) - 1
                              else "Moving" if v > 0 else "Idle")  # fmt: skip
                    loc = t.tz_convert("America/Chicago")
                    point = _POINTS[int(((math.degrees(hd) % 360) + 22.5) // 45) % 8]
                    lines.append(f'{name},{k + 11},{driver},{loc.strftime("%m/%d/%Y")},'
                                 f'{loc.strftime("%I:%M:%S %p")},{status},{v / 0.44704:.0f},'
                                 f'{point},"{int(rng.integers(100, 9999))} Main St, Houston, TX",'
                                 f"{la:.6f},{lo:.6f},{odo:.1f},{hours:.1f}")  # fmt: skip
                t += pd.Timedelta(minutes=float(rng.uniform(20, 90)))
            t = t.normalize() + pd.Timedelta(days=1, hours=13, minutes=int(rng.integers(0, 60)))
    (out / "location_history.csv").write_text("\n".join(lines) + "\n")


FILES = {"strava_streams": "strava_streams/", "agents_rad": "agents_rad.csv",
         "motive": "motive/", "pings_frame": "pings_frame.json",
         "verizon_history": "location_history.csv"}  # fmt: skip

if __name__ == "__main__":
    write_sets(
        [strava_streams, agents_rad, motive, pings_frame, verizon_history], "HELDOUT35", 3510, FILES
    )
