# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout36, data-lake and feed exports: four kinds no earlier session
read (docs/data.md "Session 36 (heldout36)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout36/gen_lake.py [OUTDIR]   # default $HELDOUT36/raw or /tmp/heldout36/raw
Outputs (under OUTDIR): positions.orc (a Hive / Spark table exported as ORC: naive `event_time`
timestamps, `device_id`), telemetry.avro (a Kafka Connect S3 sink's Avro container: `vehicleId`,
`recordedAt` timestamp-millis, a nested `position` record), vehicle-positions.ndjson.gz (`kcat -C
-J` of a topic: the envelope's `ts` is the broker's create time, the fix and its time are in the
`payload` string), probe_20261103.csv (a HERE-style probe archive: anonymised `PROBE_ID`s,
`SAMPLE_DATE` every minute, `HEADING`, `SPEED` in km/h, rows sorted by time across probes).
Same seed, same bytes.
"""

import gzip
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402


def _fleet(rng, n_movers, lat0, lon0, spread, t0, n_range, dt, speed, stop_p=0.01):
    """Rows (mover index, t, lat, lon, v m/s, heading rad) of n_movers vehicles around a city."""
    rows = []
    for k in range(n_movers):
        lat = lat0 + rng.uniform(-spread, spread)
        lon = lon0 + rng.uniform(-spread, spread)
        t = t0 + pd.Timedelta(minutes=float(rng.uniform(0, 90)))
        for t, lat, lon, v, hd in _legs(rng, lat, lon, t, int(rng.integers(*n_range)), dt, speed,
                                        0.12, stop_p=stop_p):  # fmt: skip
            la, lo = noisy(rng, lat, lon, 4)
            rows.append((k, t, la, lo, v, hd))
    return rows


def orc_lake(rng, out: Path) -> None:
    """`spark.table("fleet.positions").write.orc(...)`, one part file: 12 delivery vans in
    Hamburg every ~30 s; Hive's naive `event_time` (UTC by the platform's convention), `speed_kmh`,
    the partition's `dt` string kept as a column."""
    import pyarrow as pa
    import pyarrow.orc as orc

    rows = _fleet(rng, 12, 53.55, 9.99, 0.05, pd.Timestamp("2026-11-03 06:00"), (150, 300), 30.0,
                  lambda: rng.uniform(4, 14))  # fmt: skip
    rows.sort(key=lambda r: (r[1], r[0]))  # the lake's files are written in time order
    tab = pa.table({
        "device_id": [f"van-{r[0] + 101:04d}" for r in rows],
        "event_time": pa.array([r[1].floor("ms").to_pydatetime() for r in rows], pa.timestamp("ms")),
        "latitude": [round(r[2], 6) for r in rows],
        "longitude": [round(r[3], 6) for r in rows],
        "speed_kmh": [round(r[4] * 3.6, 1) for r in rows],
        "dt": ["2026-11-03"] * len(rows),
    })  # fmt: skip
    orc.write_table(tab, str(out / "positions.orc"))


def avro_lake(rng, out: Path) -> None:
    """A Kafka Connect S3 sink's Avro object container: records {vehicleId, recordedAt
    (timestamp-millis), position {latitude, longitude, accuracy}, odometerKm}; 10 cars in Lyon
    every ~10 s, in arrival order (cars interleaved)."""
    import polars as pl

    rows = _fleet(rng, 10, 45.76, 4.84, 0.04, pd.Timestamp("2026-11-03 07:00"), (200, 400), 10.0,
                  lambda: rng.uniform(5, 15))  # fmt: skip
    rows.sort(key=lambda r: (r[1], r[0]))
    df = pl.DataFrame({
        "vehicleId": [f"LY-{r[0] * 37 + 1000}" for r in rows],
        "recordedAt": pl.Series([r[1].floor("ms").to_pydatetime() for r in rows]).cast(pl.Datetime("ms")),
        "position": [{"latitude": round(r[2], 6), "longitude": round(r[3], 6),
                      "accuracy": round(float(rng.uniform(3, 12)), 1)} for r in rows],
        "odometerKm": [round(float(1000 + i * 0.01), 2) for i in range(len(rows))],
    })  # fmt: skip
    df.write_avro(out / "telemetry.avro")


def kafka_ndjson(rng, out: Path) -> None:
    """`kcat -C -t vehicle-positions -J -e | gzip`: one envelope a line {topic, partition, offset,
    tstype, ts (the producer's create time, ms: 0.5-40 s after the fix, batched), broker, key,
    payload (the message as a JSON string: vehicle_id, lat, lon, fix_time ISO Z, speed m/s)};
    16 buses in Dublin every ~15 s, keyed to 4 partitions, read partition by partition."""
    rows = _fleet(rng, 16, 53.35, -6.26, 0.05, pd.Timestamp("2026-11-03 07:30", tz="UTC"),
                  (120, 260), 15.0, lambda: rng.uniform(3, 11), stop_p=0.03)  # fmt: skip
    parts: dict[int, list] = {p: [] for p in range(4)}
    for k, t, la, lo, v, _hd in rows:
        parts[k % 4].append((t, k, la, lo, v))
    lines = []
    for p, recs in parts.items():
        recs.sort(key=lambda r: (r[0], r[1]))
        for off, (t, k, la, lo, v) in enumerate(recs):
            sent = t + pd.Timedelta(seconds=float(rng.uniform(0.5, 40)))
            msg = {"vehicle_id": f"DB{k + 200}", "lat": round(la, 6), "lon": round(lo, 6),
                   "fix_time": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                   "speed": round(v, 2)}  # fmt: skip
            lines.append({"topic": "vehicle-positions", "partition": p, "offset": 88000 + off,
                          "tstype": "create", "ts": int(sent.value // 10**6), "broker": p % 3,
                          "key": f"DB{k + 200}", "payload": json.dumps(msg)})  # fmt: skip
    with gzip.GzipFile(out / "vehicle-positions.ndjson.gz", "wb", mtime=0) as g:
        g.write("".join(json.dumps(x) + "\n" for x in lines).encode())


def here_probe(rng, out: Path) -> None:
    """A HERE-style probe archive (one day, one region): PROBE_ID (anonymised, a new id every
    trip), SAMPLE_DATE 'YYYY-MM-DD HH:MM:SS' UTC every ~60 s, LAT, LON, HEADING (integer degrees),
    SPEED (integer km/h), PROBE_DATA_PROVIDER, SYSTEM_DATE; 60 trips in Chicago, rows sorted by
    time across probes (as the archive is)."""
    rows = _fleet(rng, 60, 41.88, -87.65, 0.08, pd.Timestamp("2026-11-03 12:00"), (25, 70), 60.0,
                  lambda: rng.uniform(6, 25), stop_p=0.02)  # fmt: skip
    rows.sort(key=lambda r: (r[1], r[0]))
    ids = {k: hashlib.sha1(f"probe{k}".encode()).hexdigest()[:24].upper() for k in range(60)}
    provs = ["CONSUMER_A", "FLEET_B", "CONNECTED_CAR_C"]
    recs = []
    for k, t, la, lo, v, hd in rows:
        t = t.floor("s")
        recs.append({"PROBE_ID": ids[k], "SAMPLE_DATE": t.strftime("%Y-%m-%d %H:%M:%S"),
                     "LAT": round(la, 5), "LON": round(lo, 5),
                     "HEADING": int(round((hd * 57.29578) % 360)), "SPEED": int(round(v * 3.6)),
                     "PROBE_DATA_PROVIDER": provs[k % 3],
                     "SYSTEM_DATE": (t + pd.Timedelta(seconds=int(rng.integers(5, 90))))
                     .strftime("%Y-%m-%d %H:%M:%S")})  # fmt: skip
    pd.DataFrame(recs).to_csv(out / "probe_20261103.csv", index=False)


FILES = {"orc_lake": "positions.orc", "avro_lake": "telemetry.avro",
         "kafka_ndjson": "vehicle-positions.ndjson.gz", "here_probe": "probe_20261103.csv"}  # fmt: skip

if __name__ == "__main__":
    write_sets([orc_lake, avro_lake, kafka_ndjson, here_probe], "HELDOUT36", 3600, FILES)
