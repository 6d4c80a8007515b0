"""Seeded held-out sets for heldout38, logs and warehouses: five kinds no earlier session read
(docs/data.md "Session 38 (heldout38)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout38/gen_logs.py [OUTDIR]   # default $HELDOUT38/raw or /tmp/heldout38/raw
Outputs (under OUTDIR): fleet-search.json (an Elasticsearch `_search` response saved with curl:
`hits.hits[]._source` with `@timestamp` and a `geo_point` as an ARRAY, `[lon, lat]`),
bq-results-20261103-081512.csv (a BigQuery console "Save results" CSV: `ST_GEOGPOINT` as WKT
`POINT(lon lat)`, TIMESTAMP as `2026-11-03 08:00:05.123000 UTC`, rows in no order),
splunk_export.csv (a Splunk search exported as CSV: `_time` with the searcher's offset, the
event in `_raw`, extracted fields), gps.log (`mosquitto_sub -v -t 'fleet/+/gps'`: `TOPIC JSON`
a line, the bike's id only in the topic), telemetry.lp (`influx_inspect export`: InfluxDB line
protocol, `measurement,tags fields ns-epoch`, under its `# DDL` / `# DML` preamble).
Same seed, same bytes.
"""

import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import fleet as _fleet  # noqa: E402
from heldout_common import write_sets  # noqa: E402

FILES = {"elastic": "fleet-search.json", "bigquery": "bq-results-20261103-081512.csv",
         "splunk": "splunk_export.csv", "mqtt": "gps.log", "influx": "telemetry.lp"}  # fmt: skip


def _iso_ms(t: pd.Timestamp) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def elastic(rng, out: Path) -> None:
    """9 buses in Antwerp from an index of Filebeat-shipped positions, `curl
    'es:9200/fleet-positions-*/_search?size=10000&sort=@timestamp'` saved as it came:
    `_source.location` a geo_point in Elasticsearch's array form `[lon, lat]`, the bus id in
    `_source.vehicle.id`, `@timestamp` ISO with ms."""
    t0 = pd.Timestamp("2026-11-03 07:00", tz="UTC")
    rows = _fleet(rng, 51.22, 4.40, 0.04, t0, 9, (150, 300), 10.0, lambda: rng.uniform(4, 12),
                  lambda k: f"DL-{2201 + k * 3}")  # fmt: skip
    hits = [{"_index": f"fleet-positions-{t:%Y.%m.%d}", "_id": "".join(rng.choice(list("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), 20)),
             "_score": None,
             "_source": {"@timestamp": _iso_ms(t), "vehicle": {"id": d, "line": f"{10 + int(d[-1])}"},
                         "location": [lo, la], "speed_kmh": round(v * 3.6, 1),
                         "agent": {"type": "filebeat", "version": "8.15.2"}},
             "sort": [int(t.timestamp() * 1000)]} for d, t, la, lo, v in rows]  # fmt: skip
    doc = {"took": 41, "timed_out": False,
           "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
           "hits": {"total": {"value": len(hits), "relation": "eq"}, "max_score": None,
                    "hits": hits}}  # fmt: skip
    (out / FILES["elastic"]).write_text(json.dumps(doc, indent=2))


def bigquery(rng, out: Path) -> None:
    """8 vans in Dublin, `SELECT vehicle_id, ts, ST_GEOGPOINT(lon, lat) AS geog, speed_mps FROM
    fleet.positions` saved from the console as CSV: `geog` WKT `POINT(lon lat)`, `ts`
    BigQuery's TIMESTAMP text (`2026-11-03 08:00:05.123000 UTC`), rows in the order the query's
    workers returned them (no ORDER BY)."""
    t0 = pd.Timestamp("2026-11-03 08:00", tz="UTC")
    rows = _fleet(rng, 53.35, -6.26, 0.04, t0, 8, (150, 300), 15.0, lambda: rng.uniform(4, 13),
                  lambda k: f"VAN{7300 + k * 11}")  # fmt: skip
    df = pd.DataFrame(rows, columns=["vehicle_id", "ts", "lat", "lon", "speed_mps"])
    df["ts"] = df["ts"].dt.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    df["geog"] = [f"POINT({lo} {la})" for la, lo in zip(df.lat, df.lon, strict=True)]
    df = df.sample(frac=1.0, random_state=int(rng.integers(1 << 30)))
    df[["vehicle_id", "ts", "geog", "speed_mps"]].to_csv(out / FILES["bigquery"], index=False)


def splunk(rng, out: Path) -> None:
    """10 trucks in Madrid from `index=telematics sourcetype=fleet:gps | table _time host unit
    lat lon speed _raw`, exported as CSV from a searcher in Europe/Madrid: `_time` with its
    offset (`2026-11-03T09:00:05.000+01:00`), `_raw` the event's JSON text, newest first."""
    t0 = pd.Timestamp("2026-11-03 08:00", tz="UTC")
    rows = _fleet(rng, 40.42, -3.70, 0.05, t0, 10, (150, 300), 10.0, lambda: rng.uniform(5, 15),
                  lambda k: f"M-{4410 + k}")  # fmt: skip
    recs = []
    for d, t, la, lo, v in reversed(rows):
        raw = json.dumps({"unit": d, "ts": int(t.timestamp()), "lat": la, "lon": lo,
                          "speed": round(v * 3.6, 1)})  # fmt: skip
        local = t.tz_convert("Europe/Madrid")
        recs.append({"_time": local.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + local.strftime("%z")[:3] + ":00",
                     "host": f"gw-{int(rng.integers(1, 4))}", "unit": d, "lat": la, "lon": lo,
                     "speed": round(v * 3.6, 1), "_raw": raw})  # fmt: skip
    pd.DataFrame(recs).to_csv(out / FILES["splunk"], index=False)


def mqtt(rng, out: Path) -> None:
    """7 cargo bikes in Copenhagen, `mosquitto_sub -v -t 'fleet/+/gps' > gps.log`: a line per
    message, `fleet/<bike>/gps {"ts": Unix s, "lat", "lon", "alt", "sats"}`: the bike named only
    by the topic."""
    t0 = pd.Timestamp("2026-11-03 06:30", tz="UTC")
    rows = _fleet(rng, 55.68, 12.57, 0.03, t0, 7, (150, 300), 5.0, lambda: rng.uniform(3, 7),
                  lambda k: f"cb{k + 12:03d}")  # fmt: skip
    lines = [f"fleet/{d}/gps " + json.dumps({"ts": int(t.timestamp()), "lat": la, "lon": lo,
             "alt": round(float(rng.uniform(2, 20)), 1), "sats": int(rng.integers(6, 14))},
             separators=(",", ":")) for d, t, la, lo, _v in rows]  # fmt: skip
    (out / FILES["mqtt"]).write_text("\n".join(lines) + "\n")


def influx(rng, out: Path) -> None:
    """6 trackers in Oslo from `influx_inspect export -database telemetry -out telemetry.lp`:
    the `# DDL` / `# DML` preamble, then line protocol `gps,device=trk-07,fleet=north
    lat=59.91,lon=10.75,speed=4.2,hdop=0.9 1762156805000000000` (ns), grouped by series."""
    t0 = pd.Timestamp("2026-11-03 07:00", tz="UTC")
    rows = _fleet(rng, 59.91, 10.75, 0.04, t0, 6, (150, 300), 10.0, lambda: rng.uniform(3, 12),
                  lambda k: f"trk-{k * 5 + 2:02d}")  # fmt: skip
    rows.sort(key=lambda r: (r[0], r[1]))
    head = ["# INFLUXDB EXPORT: 1677-09-21T00:12:43Z - 2262-04-11T23:47:16Z", "# DDL",
            "CREATE DATABASE telemetry WITH NAME autogen", "# DML",
            "# CONTEXT-DATABASE:telemetry", "# CONTEXT-RETENTION-POLICY:autogen",
            "# writing tsm data"]  # fmt: skip
    body = [f"gps,device={d},fleet={'north' if int(d[-2:]) % 2 else 'south'} lat={la},lon={lo},"
            f"speed={v},hdop={round(float(rng.uniform(0.6, 2.5)), 1)} {int(t.value)}"
            for d, t, la, lo, v in rows]  # fmt: skip
    (out / FILES["influx"]).write_text("\n".join(head + body) + "\n")


if __name__ == "__main__":
    write_sets([elastic, bigquery, splunk, mqtt, influx], "HELDOUT38", 3810, FILES)
