"""Seeded held-out sets for heldout39, IoT clouds' exports: four kinds no earlier session read
(docs/data.md "Session 39 (heldout39)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout39/gen_cloud.py [OUTDIR]   # default $HELDOUT39/raw or /tmp/heldout39/raw
Outputs (under OUTDIR): aws-location/ (one `aws location get-device-position-history` JSON a
truck: `DevicePositions[]` with `Position` = `[lon, lat]`, `SampleTime` = the fix's time and
`ReceivedTime` = the service's, 2-40 s later), AWSDynamoDB/ (a DynamoDB export to S3: manifests
and `data/*.json.gz`, one `{"Item": {...}}` a line in DynamoDB JSON, every value typed `{"N":
"..."}` / `{"S": ...}`, rows in the table's hash order), loc-events.txt (`curl -N` of the
Particle Cloud's event stream: Server-Sent Events, `event: loc` / `data: {...}`, the Tracker
One's fix inside `data` as JSON TEXT with its own `time`; `published_at` = the cloud's),
telemetry.json (ThingsBoard's `values/timeseries?keys=latitude,longitude,speed` REST answer:
one list of `{"ts", "value"}` a key, values as strings, newest first).
Same seed, same bytes.
"""

import gzip
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import fleet as _fleet  # noqa: E402
from heldout_common import write_sets  # noqa: E402

FILES = {"aws": "aws-location", "dynamodb": "AWSDynamoDB", "particle": "loc-events.txt",
         "thingsboard": "telemetry.json"}  # fmt: skip


def _iso(t: pd.Timestamp, ms: bool = True) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" if ms else t.strftime("%Y-%m-%dT%H:%M:%SZ")


def aws(rng, out: Path) -> None:
    """4 trucks in Seattle from an Amazon Location tracker (a fix every ~30 s), one CLI answer a
    truck saved as `truck-NN.json`; the service keeps positions ordered by SampleTime."""
    d = out / FILES["aws"]
    d.mkdir(exist_ok=True)
    t0 = pd.Timestamp("2026-11-17 14:00", tz="UTC")
    rows = _fleet(rng, 47.61, -122.33, 0.05, t0, 4, (150, 280), 30.0, lambda: rng.uniform(6, 16),
                  lambda k: f"truck-{11 + k * 3}")  # fmt: skip
    for dev in sorted({r[0] for r in rows}):
        pos = [{"Accuracy": {"Horizontal": round(float(rng.uniform(3, 25)), 1)}, "DeviceId": dev,
                "Position": [lo, la], "PositionProperties": {"speed_mps": f"{v:.1f}"},
                "ReceivedTime": _iso(t + pd.Timedelta(seconds=float(rng.uniform(2, 40)))),
                "SampleTime": _iso(t, ms=False)}
               for dv, t, la, lo, v in rows if dv == dev]  # fmt: skip
        (d / f"{dev}.json").write_text(json.dumps({"DevicePositions": pos}, indent=4) + "\n")


def dynamodb(rng, out: Path) -> None:
    """8 e-scooters in Stockholm (a fix every ~10 s) written by a Lambda to a `ScooterPings`
    table (`scooterId` hash key, `ts` Unix ms range key), exported to S3 and synced down."""
    base = out / FILES["dynamodb"] / "01764050400000-7c1e9a2f"
    (base / "data").mkdir(parents=True, exist_ok=True)
    t0 = pd.Timestamp("2026-11-25 07:00", tz="UTC")
    rows = _fleet(rng, 59.33, 18.06, 0.03, t0, 8, (120, 240), 10.0, lambda: rng.uniform(3, 7),
                  lambda k: f"SC-{4100 + 17 * k}")  # fmt: skip
    order = rng.permutation(len(rows))
    parts = [order[i::3] for i in range(3)]
    files = []
    for part in parts:
        name = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), 26)) + ".json.gz"
        lines = []
        for i in part:
            sc, t, la, lo, v = rows[i]
            item = {"scooterId": {"S": sc}, "ts": {"N": str(int(t.timestamp() * 1000))},
                    "lat": {"N": f"{la}"}, "lng": {"N": f"{lo}"}, "speedKmh": {"N": f"{v * 3.6:.1f}"},
                    "battery": {"N": str(int(rng.integers(20, 100)))}, "locked": {"BOOL": bool(v == 0)}}  # fmt: skip
            lines.append(json.dumps({"Item": item}))
        (base / "data" / name).write_bytes(
            gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
        )
        files.append({"itemCount": len(lines), "md5Checksum": "", "etag": "",
                      "dataFileS3Key": f"AWSDynamoDB/01764050400000-7c1e9a2f/data/{name}"})  # fmt: skip
    (base / "manifest-files.json").write_text("\n".join(json.dumps(f) for f in files) + "\n")
    (base / "manifest-summary.json").write_text(json.dumps(
        {"version": "2020-06-30", "exportArn": "arn:aws:dynamodb:eu-north-1:123456789012:table/ScooterPings/export/01764050400000-7c1e9a2f",
         "startTime": "2026-11-25T12:00:00.000Z", "tableArn": "arn:aws:dynamodb:eu-north-1:123456789012:table/ScooterPings",
         "exportFormat": "DYNAMODB_JSON", "itemCount": len(rows), "outputFormat": "DYNAMODB_JSON"}))  # fmt: skip


def particle(rng, out: Path) -> None:
    """5 Tracker One units in Austin publishing `loc` every ~20 s, the event stream captured
    with `curl -N https://api.particle.io/v1/devices/events/loc -H 'Authorization: ...'`:
    `:ok` then an `event:` / `data:` pair a message, a keep-alive `:` now and then."""
    t0 = pd.Timestamp("2026-11-09 16:00", tz="UTC")
    ids = ["e00fce68" + "".join(rng.choice(list("0123456789abcdef"), 16)) for _ in range(5)]
    rows = _fleet(rng, 30.27, -97.74, 0.04, t0, 5, (120, 220), 20.0, lambda: rng.uniform(5, 14),
                  lambda k: ids[k])  # fmt: skip
    lines, req = [":ok", ""], 1
    for k, (dev, t, la, lo, v) in enumerate(rows):
        sec = int(t.timestamp())
        loc = {"cmd": "loc", "time": sec, "loc": {"lck": 1, "time": sec, "lat": la, "lon": lo,
               "alt": round(float(rng.uniform(140, 190)), 2), "hd": round(float(rng.uniform(0, 360)), 2),
               "spd": round(v, 2), "h_acc": round(float(rng.uniform(2, 9)), 2)},
               "trig": ["time"], "req_id": req}  # fmt: skip
        req += 1
        pub = t + pd.Timedelta(seconds=float(rng.uniform(1, 25)))
        msg = {"data": json.dumps(loc, separators=(",", ":")), "ttl": 60,
               "published_at": _iso(pub), "coreid": dev}  # fmt: skip
        lines += ["event: loc", "data: " + json.dumps(msg, separators=(",", ":")), ""]
        if k % 40 == 39:
            lines += [":", ""]
    (out / FILES["particle"]).write_text("\n".join(lines) + "\n")


def thingsboard(rng, out: Path) -> None:
    """One delivery van in Lyon over 3 working days (a fix every ~20 s while driving, nothing
    overnight), `curl '.../api/plugins/telemetry/DEVICE/<id>/values/timeseries?keys=latitude,
    longitude,speed&startTs=...&endTs=...&limit=50000'`: newest first, values as strings."""
    out_rows = []
    for day in range(3):
        t0 = pd.Timestamp("2026-11-30 07:30", tz="UTC") + pd.Timedelta(days=day)
        for trip in range(3):
            start = t0 + pd.Timedelta(hours=3 * trip)
            out_rows += _fleet(rng, 45.76, 4.84, 0.03, start, 1, (90, 160), 20.0,
                               lambda: rng.uniform(4, 13), lambda k: "van")  # fmt: skip
    doc: dict = {"latitude": [], "longitude": [], "speed": []}
    for _d, t, la, lo, v in sorted(out_rows, key=lambda r: r[1], reverse=True):
        ts = int(t.timestamp() * 1000)
        doc["latitude"].append({"ts": ts, "value": f"{la:.6f}"})
        doc["longitude"].append({"ts": ts, "value": f"{lo:.6f}"})
        doc["speed"].append({"ts": ts, "value": f"{v * 3.6:.1f}"})
    (out / FILES["thingsboard"]).write_text(json.dumps(doc))


if __name__ == "__main__":
    write_sets([aws, dynamodb, particle, thingsboard], "HELDOUT39", 3910, FILES)
