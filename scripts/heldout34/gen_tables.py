# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout34, text tables: four kinds and file layouts no earlier
session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/data.md "Session 34 (heldout34)".
    python scripts/heldout34/gen_tables.py [OUTDIR]   # default $HELDOUT34/raw or /tmp/heldout34/raw
Outputs (under OUTDIR): ais_2024_01_05.csv.zst (MarineCadastre daily AIS, zstd), scooter_dump.tgz
(a nightly tar of day folders), walkers_mf.csv (OGC Moving Features CSV), pings_postgis.csv
(psql `\\copy ... CSV HEADER` with hex EWKB points and `+01` offsets). Same seed, same bytes.
"""

import gzip
import io
import math
import struct
import sys
import tarfile
from pathlib import Path

import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402


def ais_zst(rng, out: Path) -> None:
    """NOAA MarineCadastre's 2024 daily AIS file as downloaded (`AIS_2024_01_05.csv.zst`,
    Zstandard, not zip): MMSI, BaseDateTime (ISO `2024-01-05T00:00:03`, UTC), LAT, LON, SOG,
    COG, Heading (511 = not available), VesselName, IMO, CallSign, VesselType, Status, Length,
    Width, Draft, Cargo, TransceiverClass; rows in time order across ships (not grouped by
    MMSI); 18 ships off Los Angeles / Long Beach, a report every 10 s to 3 min."""
    head = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,"
            "Status,Length,Width,Draft,Cargo,TransceiverClass")  # fmt: skip
    rows = []
    for k in range(18):
        mmsi = 366000000 + int(rng.integers(0, 999999))
        name = f"PACIFIC {chr(65 + k)}{k}"
        cls = "A" if k % 4 else "B"
        t = pd.Timestamp("2024-01-05", tz="UTC") + pd.Timedelta(minutes=int(rng.integers(0, 90)))
        lat, lon = 33.70 + rng.uniform(-0.08, 0.05), -118.25 + rng.uniform(-0.15, 0.15)
        dt = 10.0 if cls == "A" else 180.0
        n = int(rng.integers(300, 700)) if cls == "A" else int(rng.integers(60, 150))
        for t, lat, lon, v, hd in _legs(rng, lat, lon, t, n, dt, lambda: rng.uniform(3, 8),
                                        0.03, stop_p=0.003, stop_n=(20, 60)):  # fmt: skip
            la, lo = noisy(rng, lat, lon, 4)
            cog = math.degrees(hd) % 360
            heading = "511" if cls == "B" else f"{cog + rng.normal(0, 2):.0f}"
            rows.append((t, f"{mmsi},{t.strftime('%Y-%m-%dT%H:%M:%S')},{la:.5f},{lo:.5f},"
                            f"{v / 0.514444:.1f},{cog:.1f},{heading},{name},"
                            f"{'' if cls == 'B' else f'IMO{9300000 + k}'},WDK{k:04d},"
                            f"{70 if cls == 'A' else 37},{0 if v > 0 else 5},"
                            f"{190 if cls == 'A' else 12},{32 if cls == 'A' else 4},"
                            f"{11.2 if cls == 'A' else ''},{70 if cls == 'A' else ''},{cls}"))  # fmt: skip
    rows.sort(key=lambda r: r[0])
    text = (head + "\n" + "\n".join(r for _, r in rows) + "\n").encode()
    with pa.CompressedOutputStream(str(out / "ais_2024_01_05.csv.zst"), "zstd") as f:
        f.write(text)


def scooter_tgz(rng, out: Path) -> None:
    """A shared-scooter operator's nightly dump as `tar czf`: `export/2026-04-0D/pings.csv`, one
    folder a day (3 days) plus a README.txt; `scooter_id,ts,lat,lng,battery_pct,ride_id`, `ts`
    ISO with a `Z`, a ping every 5-15 s during rides; 30 scooters in Lisbon."""
    days: dict[str, list[str]] = {}
    for k in range(30):
        sid = f"SC-{1000 + k}"
        for d in range(3):
            day = pd.Timestamp("2026-04-03", tz="UTC") + pd.Timedelta(days=d)
            t = day + pd.Timedelta(hours=float(rng.uniform(7, 10)))
            lines = days.setdefault(day.strftime("%Y-%m-%d"), [])
            for r in range(int(rng.integers(1, 4))):
                ride = f"R{k:02d}{d}{r}{int(rng.integers(100, 999))}"
                lat, lon = 38.72 + rng.uniform(-0.03, 0.03), -9.14 + rng.uniform(-0.04, 0.04)
                batt = float(rng.uniform(40, 100))
                for t, lat, lon, _v, _hd in _legs(rng, lat, lon, t, int(rng.integers(40, 140)),
                                                  float(rng.uniform(5, 15)),
                                                  lambda: rng.uniform(3, 7), 0.12, stop_p=0.02):  # fmt: skip
                    la, lo = noisy(rng, lat, lon, 4)
                    batt -= 0.05
                    lines.append(f"{sid},{t.strftime('%Y-%m-%dT%H:%M:%SZ')},{la:.6f},{lo:.6f},"
                                 f"{batt:.0f},{ride}")  # fmt: skip
                t += pd.Timedelta(hours=float(rng.uniform(1, 4)))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:

        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1775433600
            tar.addfile(info, io.BytesIO(data))

        add("export/README.txt", b"nightly export, one folder a day, UTC times\n")
        for day, lines in sorted(days.items()):
            lines.sort(key=lambda s: s.split(",")[1])
            text = "scooter_id,ts,lat,lng,battery_pct,ride_id\n" + "\n".join(lines) + "\n"
            add(f"export/{day}/pings.csv", text.encode())
    with gzip.GzipFile(out / "scooter_dump.tgz", "wb", mtime=0) as gz:  # same seed, same bytes
        gz.write(buf.getvalue())


def walkers_mf(rng, out: Path) -> None:
    """An OGC Moving Features CSV (OGC 14-084r2) from a crowd-simulation / pedestrian-tracking
    tool: `@stboundedby,urn:x-ogc:def:crs:EPSG:6.6:4326,2D,<lat lon>,<lat lon>,<start>,<end>,sec`
    then `@columns,mfidref,trajectory,state,xsd:token`, then one row per segment: mover id,
    start and end second (counted from the bounded-by start), the segment's start and end
    positions as `lat lon lat lon` (EPSG:4326's own axis order: LATITUDE first), a state;
    40 pedestrians around Tokyo Station, a segment every 2-4 s."""
    t0 = pd.Timestamp("2026-05-20 00:30:00", tz="UTC")
    rows, lats, lons, ends = [], [], [], []
    for k in range(40):
        start = float(rng.uniform(0, 1800))
        lat, lon = 35.681 + rng.uniform(-0.004, 0.004), 139.767 + rng.uniform(-0.005, 0.005)
        prev = (start, lat, lon)
        for t, lat, lon, v, _hd in _legs(rng, lat, lon, t0 + pd.Timedelta(seconds=start),
                                         int(rng.integers(60, 200)), 3.0,
                                         lambda: rng.uniform(0.8, 1.8), 0.2, stop_p=0.03):  # fmt: skip
            s = round((t - t0).total_seconds(), 1)
            la, lo = noisy(rng, lat, lon, 0.3)
            rows.append(f"p{k + 1:03d},{prev[0]:.1f},{s:.1f},{prev[1]:.7f} {prev[2]:.7f} "
                        f"{la:.7f} {lo:.7f},{'walking' if v > 0 else 'standing'}")  # fmt: skip
            prev = (s, la, lo)
            lats.append(la)
            lons.append(lo)
            ends.append(s)
    end = t0 + pd.Timedelta(seconds=max(ends))
    head = [f"@stboundedby,urn:x-ogc:def:crs:EPSG:6.6:4326,2D,{min(lats):.6f} {min(lons):.6f},"
            f"{max(lats):.6f} {max(lons):.6f},{t0.strftime('%Y-%m-%dT%H:%M:%SZ')},"
            f"{end.strftime('%Y-%m-%dT%H:%M:%SZ')},sec",
            "@columns,mfidref,trajectory,state,xsd:token"]  # fmt: skip
    (out / "walkers_mf.csv").write_text("\n".join(head + rows) + "\n")


def _ewkb_point(lon: float, lat: float) -> str:
    return (struct.pack("<BII", 1, 0x20000001, 4326) + struct.pack("<dd", lon, lat)).hex().upper()


def pings_postgis(rng, out: Path) -> None:
    """`psql -c "\\copy (SELECT vehicle_id, recorded_at, speed_kmh, geom FROM pings ORDER BY 2)
    TO 'pings_postgis.csv' CSV HEADER"` from a Berlin fleet database: `recorded_at` a
    timestamptz printed in the session's zone (`2026-03-02 08:15:03.25+01`, fractions trimmed,
    hour-only offset), `geom` a PostGIS geometry printed as hex EWKB (SRID 4326 point, x = lon),
    no latitude / longitude column; 12 delivery vans, a fix every 5-20 s; empty speeds."""
    rows = []
    for k in range(12):
        vid = f"B-DL {4100 + k}"
        t = pd.Timestamp("2026-03-02 06:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 60))
        )
        for _trip in range(int(rng.integers(3, 6))):
            lat, lon = 52.52 + rng.uniform(-0.06, 0.06), 13.40 + rng.uniform(-0.1, 0.1)
            for t, lat, lon, v, _hd in _legs(rng, lat, lon, t, int(rng.integers(60, 200)),
                                             float(rng.uniform(5, 20)),
                                             lambda: rng.uniform(4, 15), 0.1, stop_p=0.02):  # fmt: skip
                t = t.floor("10ms")
                la, lo = noisy(rng, lat, lon, 4)
                loc = t.tz_convert("Europe/Berlin")
                frac = f"{loc.microsecond / 1e6:.2f}"[1:].rstrip("0").rstrip(".")
                when = loc.strftime("%Y-%m-%d %H:%M:%S") + frac + "+01"
                speed = "" if rng.random() < 0.05 else f"{v * 3.6:.1f}"
                rows.append((t, f"{vid},{when},{speed},{_ewkb_point(lo, la)}"))
            t += pd.Timedelta(minutes=float(rng.uniform(20, 90)))
    rows.sort(key=lambda r: r[0])
    text = "vehicle_id,recorded_at,speed_kmh,geom\n" + "\n".join(r for _, r in rows) + "\n"
    (out / "pings_postgis.csv").write_text(text)


FILES = {"ais_zst": "ais_2024_01_05.csv.zst", "scooter_tgz": "scooter_dump.tgz",
         "walkers_mf": "walkers_mf.csv", "pings_postgis": "pings_postgis.csv"}  # fmt: skip

if __name__ == "__main__":
    write_sets([ais_zst, scooter_tgz, walkers_mf, pings_postgis], "HELDOUT34", 3400, FILES)
