"""Seeded held-out sets for heldout37, message-bus and data-science files: four kinds no earlier
session read (docs/data.md "Session 37 (heldout37)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout37/gen_bus.py [OUTDIR]   # default $HELDOUT37/raw or /tmp/heldout37/raw
Outputs (under OUTDIR): fleet-positions-1-2026-11-03-08-00-07-5d1e.gz (an AWS Kinesis Data
Firehose S3 object, GZIP: JSON records written back to back with no separator), 12.avro (an
Azure Event Hubs Capture file: `SequenceNumber`, `Offset`, `EnqueuedTimeUtc`, the
`SystemProperties` / `Properties` maps and `Body`, the device's JSON as *bytes*; deflate blocks),
positions.msgpack (a NATS subscriber's dump: MessagePack maps back to back), trajectories.npz
(NumPy arrays of one length, one per column, as `np.savez_compressed` writes them).
Same seed, same bytes.
"""

import gzip
import io
import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import fleet as _fleet  # noqa: E402
from heldout_common import write_sets  # noqa: E402

FILES = {"firehose": "fleet-positions-1-2026-11-03-08-00-07-5d1e.gz", "eventhubs": "12.avro",
         "msgpack": "positions.msgpack", "npz": "trajectories.npz"}  # fmt: skip


def firehose(rng, out: Path) -> None:
    """14 delivery trucks in Rotterdam, one GZIP object of Firehose's S3 delivery: the producer's
    JSON records concatenated as Firehose writes them (`{...}{...}`, no newline), `eventTime`
    ISO UTC with milliseconds, every ~10 s."""
    t0 = pd.Timestamp("2026-11-03 08:00", tz="UTC")
    rows = _fleet(rng, 51.92, 4.48, 0.05, t0, 14, (150, 320), 10.0, lambda: rng.uniform(5, 16),
                  lambda k: f"truck-{k + 3:02d}")  # fmt: skip
    recs = [
        json.dumps(
            {
                "deviceId": d,
                "eventTime": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "lat": la,
                "lng": lo,
                "speedKmh": round(v * 3.6, 1),
                "ignition": v > 0,
            }
        )  # fmt: skip
        for d, t, la, lo, v in rows
    ]
    with gzip.GzipFile(out / FILES["firehose"], "wb", mtime=0) as f:
        f.write("".join(recs).encode())


# -- Avro object container, written by hand (no fastavro here): the Capture schema exactly ----
CAPTURE_SCHEMA = {"type": "record", "name": "EventData", "namespace": "Microsoft.ServiceBus.Messaging",
                  "fields": [{"name": "SequenceNumber", "type": "long"},
                             {"name": "Offset", "type": "string"},
                             {"name": "EnqueuedTimeUtc", "type": "string"},
                             {"name": "SystemProperties", "type": {"type": "map", "values": ["long", "double", "string", "bytes"]}},
                             {"name": "Properties", "type": {"type": "map", "values": ["long", "double", "string", "bytes", "null"]}},
                             {"name": "Body", "type": ["null", "bytes"]}]}  # fmt: skip


def _long(n: int) -> bytes:
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n & ~0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _bytes(b: bytes) -> bytes:
    return _long(len(b)) + b


def _str_map(d: dict, branch: int) -> bytes:  # every value the union's string branch
    if not d:
        return _long(0)
    body = b"".join(_bytes(k.encode()) + _long(branch) + _bytes(v.encode()) for k, v in d.items())
    return _long(len(d)) + body + _long(0)


def eventhubs(rng, out: Path) -> None:
    """10 e-scooters in Lisbon from an IoT hub routed to Event Hubs, as Capture writes them
    (`<namespace>/<hub>/<partition>/2026/11/03/08/00/12.avro`, saved as 12.avro): `Body` the
    device's JSON bytes (`scooterId`, `gpsTime` Unix ms, `latitude`, `longitude`, `battery`),
    `EnqueuedTimeUtc` the hub's receipt time 1-30 s later as `11/3/2026 8:00:07 AM`."""
    t0 = pd.Timestamp("2026-11-03 08:00", tz="UTC")
    rows = _fleet(rng, 38.72, -9.14, 0.03, t0, 10, (150, 300), 5.0, lambda: rng.uniform(3, 7),
                  lambda k: f"SC{4100 + k * 7}")  # fmt: skip
    buf = io.BytesIO()
    for seq, (d, t, la, lo, _v) in enumerate(rows):
        body = json.dumps({"scooterId": d, "gpsTime": int(t.timestamp() * 1000), "latitude": la,
                           "longitude": lo, "battery": int(rng.integers(20, 100))}).encode()  # fmt: skip
        enq = t + pd.Timedelta(seconds=float(rng.uniform(1, 30)))
        hour = enq.hour % 12 or 12
        enq_text = (
            f"{enq.month}/{enq.day}/{enq.year} {hour}:{enq:%M:%S} {'AM' if enq.hour < 12 else 'PM'}"
        )
        buf.write(_long(4200 + seq) + _bytes(str(1048576 + seq * 320).encode()) + _bytes(enq_text.encode())
                  + _str_map({"iothub-connection-device-id": d}, 2)
                  + _str_map({"iothub-message-schema": "position-v2"}, 2)
                  + _long(1) + _bytes(body))  # fmt: skip
    records = buf.getvalue()
    sync = bytes(rng.integers(0, 256, 16, dtype=np.uint8))
    meta = {"avro.schema": json.dumps(CAPTURE_SCHEMA).encode(), "avro.codec": b"deflate"}
    head = (
        b"Obj\x01"
        + _long(len(meta))
        + b"".join(_bytes(k.encode()) + _bytes(v) for k, v in meta.items())
    )
    head += _long(0) + sync
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = comp.compress(records) + comp.flush()
    (out / FILES["eventhubs"]).write_bytes(head + _long(len(rows)) + _long(len(data)) + data + sync)


# -- MessagePack, written by hand (no msgpack here) -------------------------------------------
def _mp(v) -> bytes:
    if isinstance(v, bool):
        return b"\xc3" if v else b"\xc2"
    if isinstance(v, int):
        return b"\xd3" + struct.pack(">q", v) if v < 0 or v > 127 else bytes([v])
    if isinstance(v, float):
        return b"\xcb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode()
        return (bytes([0xA0 | len(b)]) if len(b) < 32 else b"\xd9" + bytes([len(b)])) + b
    if isinstance(v, dict):
        return bytes([0x80 | len(v)]) + b"".join(_mp(k) + _mp(x) for k, x in v.items())
    raise TypeError(type(v))


def msgpack(rng, out: Path) -> None:
    """12 buses in Zurich from a NATS subject dumped by a subscriber: one MessagePack map a fix
    ({"vid", "ts" Unix s float, "lat", "lon", "hdg", "spd"}), back to back, no framing."""
    t0 = pd.Timestamp("2026-11-03 07:00", tz="UTC")
    rows = _fleet(rng, 47.38, 8.54, 0.04, t0, 12, (150, 300), 8.0, lambda: rng.uniform(4, 12),
                  lambda k: f"VBZ-{310 + k}")  # fmt: skip
    blob = b"".join(_mp({"vid": d, "ts": round(t.timestamp(), 3), "lat": la, "lon": lo,
                         "hdg": int(rng.integers(0, 360)), "spd": v}) for d, t, la, lo, v in rows)  # fmt: skip
    (out / FILES["msgpack"]).write_bytes(blob)


def npz(rng, out: Path) -> None:
    """9 taxis in Chengdu as a researcher saves them for a model (`np.savez_compressed`): arrays
    `traj_id` (int32), `timestamp` (int64 Unix s), `lat`, `lon` (float64), `speed` (float32)."""
    t0 = pd.Timestamp("2026-11-03 09:00", tz="UTC")
    rows = _fleet(rng, 30.66, 104.06, 0.05, t0, 9, (150, 400), 15.0, lambda: rng.uniform(4, 14),
                  lambda k: 1000 + k)  # fmt: skip
    rows.sort(key=lambda r: (r[0], r[1]))
    with open(out / FILES["npz"], "wb") as f:
        np.savez_compressed(f, traj_id=np.array([r[0] for r in rows], np.int32),
                            timestamp=np.array([int(r[1].timestamp()) for r in rows], np.int64),
                            lat=np.array([r[2] for r in rows]), lon=np.array([r[3] for r in rows]),
                            speed=np.array([r[4] for r in rows], np.float32))  # fmt: skip


if __name__ == "__main__":
    write_sets([firehose, eventhubs, msgpack, npz], "HELDOUT37", 3710, FILES)
