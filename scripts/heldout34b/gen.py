"""heldout34b: four held-out kinds, seeded (docs/data.md "Session 34 (heldout34b)").
    PYTHONPATH=$PWD python scripts/heldout34b/gen.py [OUT]   # default $HELDOUT34B/raw
fieldmaps_tracks.csv   ArcGIS Field Maps location tracking export: x / y in Web Mercator metres,
                       location_timestamp "3/14/2024 9:12:33 AM" (UTC), created_date (batched
                       upload time, the same on many rows), created_user per worker
motive_locations.csv   Motive (KeepTruckin) vehicle locations: Date + Time (12 h) + Time Zone
                       words, Driver, Odometer (mi), Location text
komoot_tours/          Komoot API tour JSON (one file a tour): `date` start, coordinates.items
                       with `t` in ms since the start
sensorthings/          OGC SensorThings API answers, one file a Thing: Things(id)/HistoricalLocations
                       ?$expand=Locations, `time` ISO UTC, a GeoJSON Point per Location
garmin_details/        (a control: read since session 20) Garmin Connect activity-details JSON: metricDescriptors name the columns
                       of each activityDetailMetrics row (directTimestamp in ms, directLatitude...)
"""

import json
import math
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs, noisy, write_sets  # noqa: E402

FILES = {"fieldmaps": "fieldmaps_tracks.csv", "motive": "motive_locations.csv",
         "komoot": "komoot_tours", "sensorthings": "sensorthings", "garmin": "garmin_details"}  # fmt: skip


def _merc(lat: float, lon: float) -> tuple[float, float]:
    x = math.radians(lon) * 6378137.0
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137.0
    return x, y


def fieldmaps(rng, out: Path) -> None:
    rows, oid = [], 0
    for w in range(6):
        t0 = pd.Timestamp("2024-03-14 14:05:00") + pd.Timedelta(minutes=int(rng.integers(0, 90)))
        lat0, lon0 = 44.05 + rng.uniform(-0.05, 0.05), -121.31 + rng.uniform(-0.05, 0.05)
        for t, lat, lon, v, h in legs(
            rng, lat0, lon0, t0, 220, 15, lambda: rng.normal(1.3, 0.3), 0.3
        ):
            oid += 1
            la, lo = noisy(rng, lat, lon, 4)
            x, y = _merc(la, lo)
            up = t.ceil("10min")  # the app uploads in batches
            rows.append({"OBJECTID": oid, "GlobalID": f"{{{oid:08X}-0000-4000-8000-{w:012X}}}",
                         "x": round(x, 2), "y": round(y, 2),
                         "location_timestamp": t.strftime("%-m/%-d/%Y %-I:%M:%S %p"),
                         "horizontal_accuracy": round(rng.uniform(3, 12), 1),
                         "altitude": round(1100 + rng.normal(0, 5), 1), "speed": round(v, 2),
                         "course": round(math.degrees(h) % 360, 1), "full_name": f"Crew {w + 1}",
                         "created_user": f"crew{w + 1}_deschutes",
                         "created_date": up.strftime("%-m/%-d/%Y %-I:%M:%S %p")})  # fmt: skip
    pd.DataFrame(rows).to_csv(out / FILES["fieldmaps"], index=False)


def motive(rng, out: Path) -> None:
    rows = []
    for k in range(5):
        t0 = pd.Timestamp("2024-05-06 06:30:00") + pd.Timedelta(minutes=int(rng.integers(0, 60)))
        lat0, lon0 = 36.74 + rng.uniform(-0.1, 0.1), -119.78 + rng.uniform(-0.1, 0.1)
        odo = float(rng.uniform(20000, 90000))
        for t, lat, lon, v, _h in legs(
            rng, lat0, lon0, t0, 300, 60, lambda: rng.normal(18, 5), 0.15, 0.02
        ):
            odo += v * 60 / 1609.344
            rows.append({"Vehicle": f"TRK-{101 + k}", "Driver": f"Driver {chr(65 + k)}",
                         "Date": t.strftime("%m/%d/%Y"), "Time": t.strftime("%I:%M:%S %p"),
                         "Time Zone": "PDT", "Latitude": round(lat, 6), "Longitude": round(lon, 6),
                         "Location": f"{rng.uniform(0.5, 9):.1f} mi NE of Fresno, CA",
                         "Speed (mph)": round(v * 2.23694, 1), "Odometer (mi)": round(odo, 1)})  # fmt: skip
    pd.DataFrame(rows).to_csv(out / FILES["motive"], index=False)


def komoot(rng, out: Path) -> None:
    d = out / FILES["komoot"]
    d.mkdir(exist_ok=True)
    for k in range(4):
        t0 = pd.Timestamp(f"2024-06-0{k + 1} 07:10:00") + pd.Timedelta(
            seconds=int(rng.integers(0, 3600))
        )
        lat0, lon0 = 47.37 + rng.uniform(-0.1, 0.1), 8.54 + rng.uniform(-0.1, 0.1)
        items = []
        for t, lat, lon, _v, _h in legs(
            rng, lat0, lon0, t0, 400, 3, lambda: rng.normal(6, 1.5), 0.1
        ):
            items.append({"lat": round(lat, 6), "lng": round(lon, 6), "alt": round(420 + rng.normal(0, 3), 1),
                          "t": int((t - t0).total_seconds() * 1000)})  # fmt: skip
        tid = 1500000000 + int(rng.integers(0, 99999999))
        doc = {"id": tid, "type": "tour_recorded", "name": f"Ride {k + 1}", "sport": "touringbicycle",
               "date": (t0 + pd.Timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000+02:00"),
               "distance": 0, "duration": items[-1]["t"] // 1000,
               "_embedded": {"coordinates": {"items": items}}}  # fmt: skip
        (d / f"tour_{tid}.json").write_text(json.dumps(doc))


def garmin(rng, out: Path) -> None:
    d = out / FILES["garmin"]
    d.mkdir(exist_ok=True)
    keys = ["directHeartRate", "directTimestamp", "directLongitude", "sumDistance",
            "directLatitude", "directSpeed", "directElevation"]  # fmt: skip
    for k in range(3):
        t0 = pd.Timestamp(f"2024-04-1{k} 05:40:00") + pd.Timedelta(
            seconds=int(rng.integers(0, 1800))
        )
        lat0, lon0 = 51.50 + rng.uniform(-0.05, 0.05), -0.12 + rng.uniform(-0.05, 0.05)
        metrics, dist = [], 0.0
        for t, lat, lon, v, _h in legs(
            rng, lat0, lon0, t0, 500, 2, lambda: rng.normal(3.0, 0.4), 0.2
        ):
            dist += v * 2
            ms = float((t - pd.Timestamp("1970-01-01")) // pd.Timedelta(milliseconds=1))
            metrics.append({"metrics": [float(rng.integers(120, 170)), ms, round(lon, 7), round(dist, 1),
                                        round(lat, 7), round(v, 3), round(30 + rng.normal(0, 1), 1)]})  # fmt: skip
        aid = 14000000000 + int(rng.integers(0, 999999))
        doc = {"activityId": aid, "measurementCount": len(keys), "metricsCount": len(metrics),
               "metricDescriptors": [{"metricsIndex": i, "key": key, "unit": {"id": i, "key": "x", "factor": 1.0}}
                                     for i, key in enumerate(keys)],
               "activityDetailMetrics": metrics, "geoPolylineDTO": None, "heartRateDTOs": None,
               "detailsAvailable": True}  # fmt: skip
        (d / f"activity_{aid}_details.json").write_text(json.dumps(doc))


def sensorthings(rng, out: Path) -> None:
    d = out / FILES["sensorthings"]
    d.mkdir(exist_ok=True)
    hid = 0
    for k in range(4):
        t0 = pd.Timestamp("2024-09-10 06:00:00") + pd.Timedelta(minutes=int(rng.integers(0, 120)))
        lat0, lon0 = 48.14 + rng.uniform(-0.05, 0.05), 11.58 + rng.uniform(-0.05, 0.05)
        value = []
        for t, lat, lon, _v, _h in legs(
            rng, lat0, lon0, t0, 250, 30, lambda: rng.normal(8, 2), 0.15, 0.03
        ):
            hid += 1
            loc = {
                "@iot.id": 50000 + hid,
                "name": f"bus {k + 1} position",
                "description": "GNSS fix",
                "encodingType": "application/geo+json",
                "location": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            }
            value.append({"@iot.id": hid, "@iot.selfLink": f"https://frost.example.org/v1.1/HistoricalLocations({hid})",
                          "time": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "Locations": [loc]})  # fmt: skip
        value.reverse()  # FROST answers newest first
        doc = {"@iot.count": len(value), "value": value}
        (d / f"thing_{k + 1}_historicallocations.json").write_text(json.dumps(doc))


if __name__ == "__main__":
    write_sets([fieldmaps, motive, komoot, garmin, sensorthings], "HELDOUT34B", 3400, FILES)
