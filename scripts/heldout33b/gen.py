"""heldout33b: four held-out exports no session had used, seeded (docs/data.md "Session 33
(heldout33b)"). Synthetic movers only; no shared data is copied.
    python scripts/heldout33b/gen.py [OUT]   # default $HELDOUT33B/raw, else /tmp/heldout33b/raw
- adsbx_traces: ADS-B Exchange / readsb `trace_full_<icao>.json` files (a folder; two of four
  gzipped under the .json name, as readsb writes them): `timestamp` (Unix s) + `trace` rows
  [seconds after timestamp, lat, lon, alt ("ground" on the ground), gs, track, ...]
- fr24_flights.csv: Flightradar24 flight CSVs joined: Timestamp (Unix s), UTC (ISO Z), Callsign,
  Position ("lat,lon" quoted), Altitude, Speed, Direction
- vans.arrows: an Arrow IPC stream: vehicle, ts timestamp[us, tz=Europe/Madrid], position
  struct<lat, lon>
- logbook_dm.csv: a skipper's logbook: Date (dd/mm/yyyy), Time (local hh:mm, a "UTC+1" header),
  Boat, Lat "41 08.123N", Lon "008 36.456W" (degrees and decimal minutes with hemisphere)
"""

import gzip
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs, write_sets  # noqa: E402

T0 = pd.Timestamp("2026-03-02 07:40:00", tz="UTC")


def adsbx_traces(rng, out: Path) -> None:
    folder = out / "adsbx_traces"
    folder.mkdir(exist_ok=True)
    for k in range(4):
        icao = f"4ca{k:03x}"
        t0 = T0 + pd.Timedelta(minutes=int(rng.integers(0, 120)))
        rows = []
        for i, (t, lat, lon, v, h) in enumerate(
            legs(rng, 53.42 + k * 0.01, -6.27, t0, 400, 5.0, lambda: rng.uniform(150, 230), 0.02)
        ):
            sec = round((t - t0).total_seconds(), 2)
            alt = "ground" if i < 10 else int(1000 + 30 * i)
            rows.append([sec, round(lat, 6), round(lon, 6), alt, round(v * 1.944, 1),
                         round(float(h * 57.29578) % 360, 1), 0, None, None, "adsb_icao"])  # fmt: skip
        doc = {"icao": icao, "r": f"EI-D{k}A", "t": "B738", "dbFlags": 0,
               "timestamp": t0.timestamp(), "trace": rows}  # fmt: skip
        text = json.dumps(doc).encode()
        # readsb / tar1090 write these gzipped; a copy off the receiver keeps the .json name
        # (the last two), one a browser saved is plain (the first two)
        data = gzip.compress(text, mtime=0) if k >= 2 else text
        (folder / f"trace_full_{icao}.json").write_bytes(data)


def fr24_flights(rng, out: Path) -> None:
    lines = ["Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction"]
    for k in range(5):
        t0 = T0 + pd.Timedelta(hours=k)
        for t, lat, lon, v, h in legs(
            rng, 41.24 + k * 0.02, -8.68, t0, 300, 10.0, lambda: rng.uniform(120, 220), 0.03
        ):
            ts = int(t.timestamp())
            utc = pd.Timestamp(ts, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
            lines.append(f'{ts},{utc},TAP{100 + k},"{lat:.5f},{lon:.5f}",{int(5000 + rng.integers(0, 9000))},'
                         f"{int(v * 1.944)},{int(h * 57.3) % 360}")  # fmt: skip
    (out / "fr24_flights.csv").write_text("\n".join(lines) + "\n")


def vans_arrows(rng, out: Path) -> None:
    import pyarrow as pa

    vehicle, ts, pos = [], [], []
    for k in range(6):
        for t, lat, lon, _v, _h in legs(
            rng, 40.42 + k * 0.01, -3.70, T0 + pd.Timedelta(minutes=7 * k), 300, 15.0,
            lambda: rng.uniform(0, 14), 0.1, stop_p=0.02,
        ):  # fmt: skip
            vehicle.append(f"VAN-{k + 1:02d}")
            ts.append(t.tz_convert("Europe/Madrid"))
            pos.append({"lat": round(lat, 6), "lon": round(lon, 6)})
    table = pa.table({
        "vehicle": pa.array(vehicle),
        "ts": pa.array(ts, type=pa.timestamp("us", tz="Europe/Madrid")),
        "position": pa.array(pos, type=pa.struct([("lat", pa.float64()), ("lon", pa.float64())])),
    })  # fmt: skip
    with pa.OSFile(str(out / "vans.arrows"), "wb") as sink:
        with pa.ipc.new_stream(sink, table.schema) as writer:
            for batch in table.to_batches(max_chunksize=500):
                writer.write_batch(batch)


def _dm(value: float, pos: str, neg: str, width: int) -> str:
    hemi = pos if value >= 0 else neg
    value = abs(value)
    deg = int(value)
    return f"{deg:0{width}d} {(value - deg) * 60:06.3f}{hemi}"


def logbook_dm(rng, out: Path) -> None:
    lines = ["Date,Time (UTC+1),Boat,Lat,Lon,SOG kn"]
    for k in range(3):
        t0 = T0 + pd.Timedelta(days=k)
        for t, lat, lon, v, _h in legs(
            rng, 41.14 + k * 0.01, -8.70, t0, 200, 300.0, lambda: rng.uniform(2, 4), 0.05
        ):
            local = t + pd.Timedelta(hours=1)
            lines.append(f"{local:%d/%m/%Y},{local:%H:%M},Boat {k + 1},{_dm(lat, 'N', 'S', 2)},"
                         f"{_dm(lon, 'E', 'W', 3)},{v * 1.944:.1f}")  # fmt: skip
    (out / "logbook_dm.csv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    write_sets([adsbx_traces, fr24_flights, vans_arrows, logbook_dm], "HELDOUT33B", 33200)
