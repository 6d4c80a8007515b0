# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout35, service / simulator exports: four kinds no earlier
session read (docs/data.md "Session 35 (heldout35)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout35/gen_services.py [OUTDIR]   # default $HELDOUT35/raw or /tmp/heldout35/raw
Outputs (under OUTDIR): fcd.xml (SUMO `--fcd-output` with `--fcd-output.geo`), tracks_query.json
(ArcGIS REST `query?f=json` of a Field Maps tracking layer, Web Mercator), google_fit_location.json
(Google Takeout's `Fit/All Data/` folder: location samples beside step counts), garmin/ (Garmin Connect
activity-details JSON, one file per activity). Same seed, same bytes.
"""

import json
import math
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402

R_MERC = 6378137.0


def sumo_fcd(rng, out: Path) -> None:
    """SUMO's floating-car-data output as `sumo -c run.sumocfg --fcd-output fcd.xml
    --fcd-output.geo true` writes it: `<fcd-export>` of `<timestep time="21600.00">` (simulation
    seconds: 06:00 of an undated day), each holding a `<vehicle id x y angle type speed pos lane
    slope/>` per vehicle on the road (x = longitude, y = latitude with .geo), 1 s steps;
    vehicles enter and leave (flow ids `flow_3.12`); 36 cars and buses over Bologna."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "",
             "<!-- generated on 2026-11-30 09:12:44 by Eclipse SUMO sumo Version 1.21.0",
             "-->", "",
             '<fcd-export xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:noNamespaceSchemaLocation="http://sumo.dlr.de/xsd/fcd_file.xsd">']  # fmt: skip
    by_step: dict[int, list[str]] = {}
    t0 = pd.Timestamp("2026-01-01", tz="UTC")  # only the seconds count
    for k in range(36):
        vid = f"flow_{k % 4}.{k // 4}"
        vtype = "bus" if k % 9 == 0 else "passenger"
        start = 21600 + int(rng.integers(0, 900))
        lat, lon = 44.494 + rng.uniform(-0.02, 0.02), 11.343 + rng.uniform(-0.03, 0.03)
        n = int(rng.integers(240, 700))
        pos = 0.0
        for j, (_t, lat, lon, v, hd) in enumerate(
            _legs(rng, lat, lon, t0, n, 1.0, lambda: rng.uniform(6, 14), 0.04, stop_p=0.01,
                  stop_n=(5, 30))):  # fmt: skip
            pos = (pos + v) % 180
            by_step.setdefault(start + j, []).append(
                f'        <vehicle id="{vid}" x="{lon:.6f}" y="{lat:.6f}" '
                f'angle="{math.degrees(hd) % 360:.2f}" type="{vtype}" speed="{v:.2f}" '
                f'pos="{pos:.2f}" lane="-{int(rng.integers(100, 999))}#{j % 3}_0" slope="0.00"/>')  # fmt: skip
    for s in sorted(by_step):
        lines.append(f'    <timestep time="{s:.2f}">')
        lines += by_step[s]
        lines.append("    </timestep>")
    lines.append("</fcd-export>")
    (out / "fcd.xml").write_text("\n".join(lines) + "\n")


def _merc(lat: float, lon: float) -> tuple[float, float]:
    x = R_MERC * math.radians(lon)
    y = R_MERC * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return x, y


def esri_tracks(rng, out: Path) -> None:
    """An ArcGIS Online Field Maps location-tracking layer queried as `.../query?where=1=1&
    outFields=*&f=json` (Esri JSON FeatureSet): `spatialReference` {wkid 102100, latestWkid
    3857}, `geometry` {x, y} in Web Mercator metres, attributes `objectid`, `globalid`,
    `created_user`, `full_name`, `location_timestamp` (Unix ms), `horizontal_accuracy`, `speed`
    (m/s), `course`, `altitude`, `battery_percentage`, `session_id`; 9 field workers around
    Sacramento, a fix every 5-30 s, rows in objectid order across workers."""
    fields = [("objectid", "esriFieldTypeOID"), ("globalid", "esriFieldTypeGlobalID"),
              ("created_user", "esriFieldTypeString"), ("full_name", "esriFieldTypeString"),
              ("location_timestamp", "esriFieldTypeDate"),
              ("horizontal_accuracy", "esriFieldTypeDouble"), ("speed", "esriFieldTypeDouble"),
              ("course", "esriFieldTypeDouble"), ("altitude", "esriFieldTypeDouble"),
              ("battery_percentage", "esriFieldTypeDouble"),
              ("session_id", "esriFieldTypeGUID")]  # fmt: skip
    rows = []
    names = ["Ana Ruiz", "Ben Okafor", "Chen Wei", "Dana Kim", "Eli Cohen", "Fay Dunn",
             "Gus Lima", "Hana Sato", "Ivo Petrov"]  # fmt: skip
    for _k, name in enumerate(names):
        user = name.split()[0].lower() + "_cityofsac"
        t = pd.Timestamp("2026-10-14 14:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 60))
        )
        for _s in range(int(rng.integers(2, 4))):
            sess = "{{{:08X}-{:04X}-4{:03X}-A{:03X}-{:012X}}}".format(*tuple(int(rng.integers(0, 16**w)) for w in (8, 4, 3, 3, 12)))  # fmt: skip
            lat, lon = 38.58 + rng.uniform(-0.05, 0.05), -121.49 + rng.uniform(-0.06, 0.06)
            for t, lat, lon, v, hd in _legs(rng, lat, lon, t, int(rng.integers(80, 220)),
                                            float(rng.uniform(5, 30)),
                                            lambda: rng.uniform(1, 12), 0.12, stop_p=0.02):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 5)
                x, y = _merc(la, lo)
                rows.append((t, {"created_user": user, "full_name": name,
                                 "location_timestamp": int(t.value // 10**6),
                                 "horizontal_accuracy": round(float(rng.uniform(3, 15)), 1),
                                 "speed": round(v, 2), "course": round(math.degrees(hd) % 360, 1),
                                 "altitude": round(float(rng.uniform(5, 20)), 1),
                                 "battery_percentage": float(int(rng.integers(20, 100))),
                                 "session_id": sess}, (round(x, 4), round(y, 4))))  # fmt: skip
            t += pd.Timedelta(minutes=float(rng.uniform(40, 120)))
    rows.sort(key=lambda r: r[0])
    feats = []
    for i, (_t, a, (x, y)) in enumerate(rows):
        attrs = {"objectid": i + 1, "globalid": f"{{{i:08X}-0000-4000-8000-{i * 7919:012X}}}"}
        attrs.update(a)
        feats.append({"attributes": attrs, "geometry": {"x": x, "y": y}})
    doc = {"objectIdFieldName": "objectid", "uniqueIdField": {"name": "objectid",
           "isSystemMaintained": True}, "globalIdFieldName": "globalid",
           "geometryType": "esriGeometryPoint",
           "spatialReference": {"wkid": 102100, "latestWkid": 3857},
           "fields": [{"name": n, "type": ty, "alias": n} for n, ty in fields],
           "features": feats}  # fmt: skip
    (out / "tracks_query.json").write_text(json.dumps(doc))


def google_fit(rng, out: Path) -> None:
    """Google Takeout's `Fit/All Data/derived_com.google.location.sample_com.google.android.gms_
    merge_location_samples.json`: {"Data Source", "Data Points": [{"fitValue": [latitude,
    longitude, accuracy (m), altitude] as {"value": {"fpVal": x}}, "startTimeNanos",
    "endTimeNanos" (Unix ns, equal), "dataTypeName": "com.google.location.sample",
    "originDataSourceId", "modifiedTimeMillis"}]}; one person's walks and rides in Lyon over
    four days, a fix every 2-60 s."""
    pts = []
    t = pd.Timestamp("2026-09-07 06:40", tz="UTC")
    for _day in range(4):
        for _trip in range(int(rng.integers(2, 4))):
            lat, lon = 45.76 + rng.uniform(-0.03, 0.03), 4.84 + rng.uniform(-0.04, 0.04)
            dt = float(rng.choice([2.0, 10.0, 60.0]))
            for t, lat, lon, _v, _hd in _legs(rng, lat, lon, t, int(rng.integers(60, 200)), dt,
                                             lambda: rng.uniform(1, 6), 0.15, stop_p=0.01):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 6)
                ns = int(t.value)
                pts.append({"fitValue": [{"value": {"fpVal": la}}, {"value": {"fpVal": lo}},
                                         {"value": {"fpVal": float(rng.uniform(4, 25))}},
                                         {"value": {"fpVal": float(rng.uniform(160, 190))}}],
                            "originDataSourceId": "raw:com.google.location.sample:"
                                                  "com.google.android.gms:Pixel 8:a1b2c3d4",
                            "endTimeNanos": ns, "dataTypeName": "com.google.location.sample",
                            "startTimeNanos": ns, "modifiedTimeMillis": ns // 10**6 + 5000})  # fmt: skip
            t += pd.Timedelta(hours=float(rng.uniform(1, 4)))
        t = t.normalize() + pd.Timedelta(days=1, hours=6, minutes=int(rng.integers(0, 90)))
    doc = {"Data Source": "derived:com.google.location.sample:com.google.android.gms:"
                          "merge_location_samples", "Data Points": pts}  # fmt: skip
    name = ("derived_com.google.location.sample_com.google.android.gms_"
            "merge_location_samples.json")  # fmt: skip
    (out / "google_fit").mkdir(exist_ok=True)
    (out / "google_fit" / name).write_text(json.dumps(doc, indent=2))
    steps = [{"fitValue": [{"value": {"intVal": int(rng.integers(5, 90))}}],
              "originDataSourceId": "raw:com.google.step_count.cumulative:Google:Pixel 8",
              "endTimeNanos": p["endTimeNanos"] + 60 * 10**9,
              "dataTypeName": "com.google.step_count.delta",
              "startTimeNanos": p["startTimeNanos"],
              "modifiedTimeMillis": p["modifiedTimeMillis"]} for p in pts[::40]]  # fmt: skip
    (out / "google_fit" / "derived_com.google.step_count.delta_com.google.android.gms_estimated_steps.json").write_text(
        json.dumps({"Data Source": "derived:com.google.step_count.delta:com.google.android.gms:"
                                   "estimated_steps", "Data Points": steps}, indent=2))  # fmt: skip


def garmin_details(rng, out: Path) -> None:
    """Garmin Connect's activity details as the web app fetches them
    (`/activity-service/activity/{id}/details?maxChartSize=2000&maxPolylineSize=4000`), saved one
    file per activity `activity_<id>_details.json`: `activityId`, `metricDescriptors` (each
    {metricsIndex, key, unit}; the order of the list is not the order of the values),
    `activityDetailMetrics` [{"metrics": [...]}] with `directTimestamp` (Unix ms, unit "gmt"),
    `directLatitude`, `directLongitude`, `directSpeed` (m/s), `sumDistance`, `directElevation`,
    `directHeartRate`; `geoPolylineDTO.polyline` [{lat, lon, time, altitude, speed, valid}]; 7
    runs and rides around Vancouver, a sample every 1-5 s."""
    d = out / "garmin"
    d.mkdir(exist_ok=True)
    keys = [("directTimestamp", "gmt"), ("directHeartRate", "bpm"), ("directLatitude", "dd"),
            ("sumDistance", "meter"), ("directLongitude", "dd"), ("directSpeed", "mps"),
            ("directElevation", "meter")]  # fmt: skip
    order = [3, 0, 6, 1, 5, 2, 4]  # metricsIndex of each key: values are not in list order
    t = pd.Timestamp("2026-08-02 14:05", tz="UTC")
    for k in range(7):
        aid = 17000000000 + int(rng.integers(0, 999999999))
        ride = k % 3 == 2
        lat, lon = 49.28 + rng.uniform(-0.03, 0.03), -123.12 + rng.uniform(-0.05, 0.05)
        dist = 0.0
        metrics, poly = [], []
        for t, lat, lon, v, _hd in _legs(rng, lat, lon, t, int(rng.integers(300, 900)),
                                         float(rng.choice([1.0, 3.0, 5.0])),
                                         (lambda: rng.uniform(5, 9)) if ride
                                         else (lambda: rng.uniform(2.5, 3.6)), 0.06,
                                         stop_p=0.004):  # fmt: skip
            la, lo = noisy(rng, lat, lon, 3)
            dist += v
            ms = float(t.value // 10**6)
            vals = {"directTimestamp": ms, "directHeartRate": float(int(rng.integers(110, 170))),
                    "directLatitude": la, "sumDistance": round(dist, 1), "directLongitude": lo,
                    "directSpeed": round(v, 3), "directElevation": round(float(rng.uniform(20, 60)), 1)}  # fmt: skip
            row = [0.0] * 7
            for (key, _u), ix in zip(keys, order, strict=True):
                row[ix] = vals[key]
            metrics.append({"metrics": row})
            poly.append({"lat": la, "lon": lo, "altitude": vals["directElevation"],
                         "time": int(ms), "timerStart": False, "timerStop": False,
                         "distanceFromPreviousPoint": None, "distanceInMeters": None,
                         "speed": round(v, 3), "cumulativeAscent": None,
                         "cumulativeDescent": None, "extendedCoordinate": False,
                         "valid": True})  # fmt: skip
        doc = {"activityId": aid, "measurementCount": 7, "metricsCount": len(metrics),
               "totalMetricsCount": len(metrics),
               "metricDescriptors": [{"metricsIndex": ix, "key": key,
                                      "unit": {"id": 0, "key": u, "factor": 1.0}}
                                     for (key, u), ix in zip(keys, order, strict=True)],
               "activityDetailMetrics": metrics,
               "geoPolylineDTO": {"startPoint": poly[0], "endPoint": poly[-1],
                                  "minLat": min(p["lat"] for p in poly),
                                  "maxLat": max(p["lat"] for p in poly),
                                  "minLon": min(p["lon"] for p in poly),
                                  "maxLon": max(p["lon"] for p in poly), "polyline": poly},
               "heartRateDTOs": None, "detailsAvailable": True}  # fmt: skip
        (d / f"activity_{aid}_details.json").write_text(json.dumps(doc))
        t += pd.Timedelta(days=1, hours=float(rng.uniform(-2, 2)))


FILES = {"sumo_fcd": "fcd.xml", "esri_tracks": "tracks_query.json",
         "google_fit": "google_fit/", "garmin_details": "garmin/"}  # fmt: skip

if __name__ == "__main__":
    write_sets([sumo_fcd, esri_tracks, google_fit, garmin_details], "HELDOUT35", 3500, FILES)
