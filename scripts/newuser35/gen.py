"""A seeded month of e-scooter trips from two operators in the Mobility Data Specification.

newuser35's persona: a city transport department's researcher with the MDS `trips` and
`status_changes` feeds of two operators in Santa Monica / Venice (America/Los_Angeles).
Writes under OUT (default $NEWUSER35 or /tmp/newuser35/raw):

  op_a/trips_0001.json ...     MDS 0.4.1 pages {"version", "data": {"trips": [...]}, "links"},
                               route points every 5 s (with GPS jitter)
  op_b/trips_2026100100.json   MDS 1.2.0 hourly pages, route points every 20-60 s (irregular)
  op_a/status_changes.json     MDS status_changes (trip_start / trip_end / battery_low ...)
  op_b/status_changes.json

Devices are reused across days; a few routes are broken on purpose: no `timestamp` property
(op_a, 3 trips), points listed newest first (op_b, 4 trips), and trips crossing local
midnight. Trips go between ~24 parking corrals with a skewed popularity (the truth for
`trajlm places` is in OUT/../truth/corrals.csv), along a street grid.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

LAT0, LON0 = 34.0100, -118.4900  # Santa Monica
M_LAT = 111_320.0
M_LON = 111_320.0 * math.cos(math.radians(LAT0))
LOCAL = timezone(timedelta(hours=-7))  # PDT (October 2026 is before the 1 Nov change)


def _corrals(rng: np.random.Generator, n: int = 24) -> list[tuple[float, float, float]]:
    """(east_m, north_m, weight): corrals on a 4 x 3 km grid, Zipf-like popularity."""
    out = []
    for i in range(n):
        e = float(rng.uniform(0, 4000))
        nth = float(rng.uniform(0, 3000))
        out.append((e, nth, 1.0 / (i + 1) ** 0.9))
    return out


def _path(rng, a, b, speed, dt_fn):
    """Points along an L-shaped street path from a to b at ~speed m/s, sampled by dt_fn()."""
    (ae, an), (be, bn) = a, b
    if rng.random() < 0.5:
        corner = (be, an)
    else:
        corner = (ae, bn)
    legs = [((ae, an), corner), (corner, (be, bn))]
    pts = [(0.0, ae, an)]
    t = 0.0
    for (xe, xn), (ye, yn) in legs:
        d = math.hypot(ye - xe, yn - xn)
        if d < 1:
            continue
        pos = 0.0
        while True:
            dt = dt_fn()
            v = speed * float(rng.uniform(0.7, 1.2))
            if pos + v * dt >= d:
                rest = (d - pos) / v
                t += rest
                pts.append((t, ye, yn))
                break
            pos += v * dt
            t += dt
            f = pos / d
            pts.append((t, xe + f * (ye - xe), xn + f * (yn - xn)))
    return pts


def _to_lonlat(e: float, n: float) -> tuple[float, float]:
    return LON0 + e / M_LON, LAT0 + n / M_LAT


def _trip(rng, provider, device, vtype, corrals, start_utc, dt_fn, jitter_m, at=None):
    w = np.array([c[2] for c in corrals])
    i, j = rng.choice(len(corrals), size=2, replace=False, p=w / w.sum())
    if at is not None and at != j:  # a scooter's next ride starts where its last one ended
        i = at
    a = (corrals[i][0] + rng.normal(0, 12), corrals[i][1] + rng.normal(0, 12))
    b = (corrals[j][0] + rng.normal(0, 12), corrals[j][1] + rng.normal(0, 12))
    speed = float(rng.uniform(3.5, 6.0))
    pts = _path(rng, a, b, speed, dt_fn)
    t0 = int(start_utc.timestamp() * 1000)
    feats = []
    for t, e, n in pts:
        lon, lat = _to_lonlat(e + rng.normal(0, jitter_m), n + rng.normal(0, jitter_m))
        feats.append(
            {
                "type": "Feature",
                "properties": {"timestamp": t0 + int(round(t * 1000))},
                "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
            }
        )
    dur = pts[-1][0]
    dist = sum(
        math.hypot(pts[k][1] - pts[k - 1][1], pts[k][2] - pts[k - 1][2]) for k in range(1, len(pts))
    )
    trip = {
        "provider_id": provider["id"],
        "provider_name": provider["name"],
        "device_id": device["device_id"],
        "vehicle_id": device["vehicle_id"],
        "vehicle_type": vtype,
        "propulsion_type": ["electric"],
        "trip_id": str(
            uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | int(rng.integers(0, 2**63)))
        ),
        "trip_duration": int(round(dur)),
        "trip_distance": int(round(dist)),
        "route": {"type": "FeatureCollection", "features": feats},
        "accuracy": int(jitter_m) + 2,
        "start_time": t0,
        "end_time": t0 + int(round(dur * 1000)),
        "parking_verification_url": None,
        "standard_cost": 100 + int(dur / 60) * 39,
        "actual_cost": 100 + int(dur / 60) * 39,
    }
    return trip, (i, j)


def _status(trip, event_type, reason, when_ms, feat):
    return {
        "provider_id": trip["provider_id"],
        "provider_name": trip["provider_name"],
        "device_id": trip["device_id"],
        "vehicle_id": trip["vehicle_id"],
        "vehicle_type": trip["vehicle_type"],
        "propulsion_type": ["electric"],
        "event_type": event_type,
        "event_type_reason": reason,
        "event_time": when_ms,
        "event_location": {
            "type": "Feature",
            "properties": {"timestamp": when_ms},
            "geometry": feat["geometry"],
        },
        "associated_trip": trip["trip_id"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.environ.get("NEWUSER35", "/tmp/newuser35") + "/raw")
    ap.add_argument("--seed", type=int, default=35)
    ap.add_argument("--days", type=int, default=31)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    out = Path(args.out)
    truth = out.parent / "truth"
    for d in (out / "op_a", out / "op_b", truth):
        d.mkdir(parents=True, exist_ok=True)
    corrals = _corrals(rng)
    with open(truth / "corrals.csv", "w") as f:
        f.write("corral,lat,lon,weight\n")
        for k, (e, n, w) in enumerate(corrals):
            lon, lat = _to_lonlat(e, n)
            f.write(f"{k},{lat:.6f},{lon:.6f},{w:.4f}\n")
    providers = {
        "op_a": {"id": "63f13c48-34ff-49d2-aca7-cf6a5b6171c3", "name": "Lime-ish", "fleet": 30},
        "op_b": {"id": "c20e08cf-8488-46a6-a66c-5d8fb827f7e0", "name": "Bird-ish", "fleet": 22},
    }
    start_day = datetime(2026, 10, 1, tzinfo=LOCAL)
    counts = {}
    for key, prov in providers.items():
        devices = [
            {
                "device_id": str(uuid.UUID(int=int(rng.integers(0, 2**62)) << 66 | k)),
                "vehicle_id": f"{key[-1].upper()}{k:04d}",
            }
            for k in range(prov["fleet"])
        ]
        if key == "op_a":
            dt_fn = lambda: 5.0  # noqa: E731
            jitter = 4.0
        else:
            dt_fn = lambda: float(rng.uniform(20, 60))  # noqa: E731
            jitter = 8.0
        trips, status = [], []
        for day in range(args.days):
            # each day a random part of the fleet is out; each device does a few trips
            active = rng.choice(len(devices), size=int(len(devices) * 0.6), replace=False)
            for dv in active:
                dev = devices[int(dv)]
                t = start_day + timedelta(days=day, hours=float(rng.uniform(7, 10)))
                at = None
                for _ in range(int(rng.integers(1, 4))):
                    trip, (_, at) = _trip(
                        rng, prov, dev, "scooter", corrals, t.astimezone(UTC), dt_fn, jitter, at
                    )
                    trips.append(trip)
                    feats = trip["route"]["features"]
                    status.append(
                        _status(trip, "trip_start", "trip_start", trip["start_time"], feats[0])
                    )
                    status.append(
                        _status(trip, "trip_end", "trip_end", trip["end_time"], feats[-1])
                    )
                    t = t + timedelta(
                        seconds=trip["trip_duration"] + float(rng.uniform(600, 4 * 3600))
                    )
        # trips crossing local midnight (23:5x PDT -> 00:0x PDT, 06:5x -> 07:0x UTC)
        for k in range(3):
            dev = devices[k]
            t = start_day + timedelta(days=10 + k, hours=23, minutes=52)
            trip, _ = _trip(rng, prov, dev, "scooter", corrals, t.astimezone(UTC), dt_fn, jitter)
            trips.append(trip)
        trips.sort(key=lambda tr: tr["start_time"])
        if key == "op_a":  # three routes without timestamps
            for tr in trips[100:103]:
                for f in tr["route"]["features"]:
                    f["properties"] = {}
        else:  # four routes listed newest first
            for tr in trips[50:54]:
                tr["route"]["features"].reverse()
        counts[key] = len(trips)
        if key == "op_a":
            page = 100
            pages = [trips[i : i + page] for i in range(0, len(trips), page)]
            for p, chunk in enumerate(pages, 1):
                doc = {"version": "0.4.1", "data": {"trips": chunk}, "links": {}}
                if p < len(pages):
                    doc["links"]["next"] = f"https://mds.example/op_a/trips?page={p + 1}"
                (out / key / f"trips_{p:04d}.json").write_text(json.dumps(doc))
        else:  # hourly pages (MDS 1.x end_time=YYYY-MM-DDTHH)
            byhour: dict[str, list] = {}
            for tr in trips:
                h = datetime.fromtimestamp(tr["end_time"] / 1000, UTC).strftime("%Y%m%d%H")
                byhour.setdefault(h, []).append(tr)
            for h, chunk in byhour.items():
                doc = {"version": "1.2.0", "data": {"trips": chunk}}
                (out / key / f"trips_{h}.json").write_text(json.dumps(doc, indent=1))
        status.sort(key=lambda s: s["event_time"])
        sc = {"version": "0.4.1" if key == "op_a" else "1.2.0", "data": {"status_changes": status}}
        (out / key / "status_changes.json").write_text(json.dumps(sc))
    print(json.dumps({"out": str(out), "trips": counts, "corrals": len(corrals)}))


if __name__ == "__main__":
    main()
