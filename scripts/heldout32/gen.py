# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout32: eight kinds and file layouts no earlier session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/data.md "Session 32 (heldout32)".
    python scripts/heldout32/gen.py [OUTDIR]     # default $HELDOUT32/raw or /tmp/heldout32/raw
Outputs (under OUTDIR): aware_phones.db (SQLite), wialon_wln/ (a folder of .wln files),
ublox_ubx/ (a folder of u-center .ubx logs), fleet_calc.ods, saildrone_ncCF.nc (NetCDF 3),
tracker_de.tsv, opentracks.kmz, scooters.parquet. Same seed, same bytes.
"""

import math
import sqlite3
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402

from trajlm.data.readers.binary_logs import ubx_message  # noqa: E402


def aware_phones(rng, out: Path) -> None:
    """A smartphone mobility study's AWARE framework database (SQLite, as the client stores it):
    table `locations` (`_id, timestamp` ms, `device_id` UUID, `double_latitude`,
    `double_longitude`, `double_bearing`, `double_speed`, `double_altitude`, `provider`,
    `accuracy`, `label`) beside `aware_device` and a larger `battery` table; 12 participants in
    Helsinki over 3 days, a fix every 60-180 s while moving (walk / tram), 6 % `network` fixes
    with 1-2 km accuracy."""
    path = out / "aware_phones.db"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE aware_device (_id INTEGER PRIMARY KEY, timestamp REAL, "
               "device_id TEXT, manufacturer TEXT, model TEXT, label TEXT)")  # fmt: skip
    db.execute("CREATE TABLE battery (_id INTEGER PRIMARY KEY, timestamp REAL, device_id TEXT, "
               "battery_level INTEGER, battery_status INTEGER)")  # fmt: skip
    db.execute("CREATE TABLE locations (_id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL "
               "DEFAULT 0, device_id TEXT DEFAULT '', double_latitude REAL DEFAULT 0, "
               "double_longitude REAL DEFAULT 0, double_bearing REAL DEFAULT 0, double_speed "
               "REAL DEFAULT 0, double_altitude REAL DEFAULT 0, provider TEXT DEFAULT '', "
               "accuracy INTEGER DEFAULT 0, label TEXT DEFAULT '')")  # fmt: skip
    for k in range(12):
        a, b, c, d, e = (int(rng.integers(0, m)) for m in (16**8, 16**4, 16**3, 16**3, 16**12))
        dev = f"{a:08x}-{b:04x}-4{c:03x}-a{d:03x}-{e:012x}"
        db.execute("INSERT INTO aware_device VALUES (NULL, ?, ?, ?, ?, ?)",
                   (1767600000000.0 + k, dev, "samsung", "SM-A536B", f"P{k + 1:02d}"))  # fmt: skip
        for day in range(3):
            t = pd.Timestamp("2026-01-05 06:30", tz="UTC") + pd.Timedelta(
                days=day, minutes=int(rng.integers(0, 90))
            )
            for _trip in range(int(rng.integers(2, 4))):
                lat, lon = 60.17 + rng.uniform(-0.03, 0.03), 24.94 + rng.uniform(-0.06, 0.06)
                spd = rng.choice([1.3, 7.0])
                for t, lat, lon, v, head in _legs(rng, lat, lon, t, int(rng.integers(15, 40)),
                                                  float(rng.uniform(60, 180)),
                                                  lambda s=spd: rng.uniform(0.7, 1.2) * s,
                                                  0.3, stop_p=0.05):  # fmt: skip
                    net = rng.random() < 0.06
                    la, lo = noisy(rng, lat, lon, 1500 if net else 8)
                    db.execute(
                        "INSERT INTO locations VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
                        (t.value / 1e6, dev, la, lo, math.degrees(head) % 360, v,
                         rng.uniform(5, 40), "network" if net else "gps",
                         int(rng.uniform(1000, 2000) if net else rng.uniform(3, 20))),
                    )  # fmt: skip
                t += pd.Timedelta(hours=float(rng.uniform(2, 5)))
        for i in range(600):
            db.execute("INSERT INTO battery VALUES (NULL, ?, ?, ?, 2)",
                       (1767600000000.0 + i * 600000, dev, int(100 - i % 100)))  # fmt: skip
    db.commit()
    db.close()


def wialon_wln(rng, out: Path) -> None:
    """Wialon message exports (`.wln`, one file a unit, named after the unit): no header, one
    `REG;unix_s;lon;lat;speed_kmh;course;ALT:..,pwr_ext:..,hdop:..;in1:..,,SATS:..;;;;` line a
    message (longitude BEFORE latitude), every 15-45 s while moving; 8 trucks around Minsk, two
    days of runs each."""
    d = out / "wialon_wln"
    d.mkdir(exist_ok=True)
    for old in d.glob("*.wln"):  # a unit's name comes from the seed: no file of another run kept
        old.unlink()
    for k in range(8):
        lines = []
        t = pd.Timestamp("2026-04-06 05:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 120))
        )
        for _run in range(5):
            lat, lon = 53.90 + rng.uniform(-0.1, 0.1), 27.56 + rng.uniform(-0.15, 0.15)
            for t, lat, lon, v, head in _legs(rng, lat, lon, t, int(rng.integers(60, 150)), 30,
                                              lambda: rng.uniform(5, 20), 0.2, stop_p=0.04):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 4)
                lines.append(
                    f"REG;{t.value // 10**9};{lo:.6f};{la:.6f};{v * 3.6:.0f};"
                    f"{math.degrees(head) % 360:.0f};ALT:{rng.uniform(200, 260):.1f},"
                    f"pwr_ext:{rng.uniform(12.1, 13.9):.3f},hdop:{rng.uniform(0.6, 1.6):.1f};"
                    f"in1:0,,SATS:{int(rng.integers(7, 15))},gsm:4;;;;"
                )
            t += pd.Timedelta(hours=float(rng.uniform(1, 6)))
        name = f"MAZ-{5340 + k} {int(rng.integers(1000, 9999))} AX-7"
        (d / f"{name}.wln").write_text("\r\n".join(lines) + "\r\n")


def _nav_pvt(t: pd.Timestamp, lat, lon, h, v, head, fix: int, nsv: int) -> bytes:
    itow = int(((t.day_of_week + 1) % 7 * 86400 + t.hour * 3600 + t.minute * 60 + t.second) * 1000
               + t.microsecond // 1000 + 18000)  # fmt: skip
    nano = (t.microsecond % 1000) * 1000
    p = struct.pack(
        "<IHBBBBBBIiBBBBiiiiIIiiiiiIIHBBBBBBihH",
        itow, t.year, t.month, t.day, t.hour, t.minute, t.second, 0x07 if fix else 0x00,
        30, nano, fix, 0x01 if fix else 0, 0xEA, nsv, round(lon * 1e7), round(lat * 1e7),
        round(h * 1000), round((h - 20) * 1000), 2500, 3500,
        round(v * math.cos(head) * 1000), round(v * math.sin(head) * 1000), 0, round(v * 1000),
        round(math.degrees(head) % 360 * 1e5), 400, 800000, 150, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    return ubx_message(0x01, 0x07, p)


def _nmea(body: str) -> bytes:
    c = 0
    for ch in body:
        c ^= ord(ch)
    return f"${body}*{c:02X}\r\n".encode()


def ublox_ubx(rng, out: Path) -> None:
    """u-center logs of a u-blox receiver on test drives (`.ubx`, one file a drive): UBX
    NAV-PVT at 1 Hz interleaved with the receiver's NMEA ($GNRMC, $GNGGA) and UBX NAV-SAT
    blocks; the first 20-40 epochs have no fix (fixType 0). 5 drives around Zurich."""
    d = out / "ublox_ubx"
    d.mkdir(exist_ok=True)
    for k in range(5):
        buf = bytearray()
        t = t0 = pd.Timestamp("2026-06-15 07:10:00") + pd.Timedelta(days=k % 2, hours=k * 2)
        lat, lon = 47.37 + rng.uniform(-0.02, 0.02), 8.54 + rng.uniform(-0.03, 0.03)
        nofix = int(rng.integers(20, 40))
        for i, (t, lat, lon, v, head) in enumerate(
            _legs(rng, lat, lon, t, int(rng.integers(900, 1500)), 1.0,
                  lambda: rng.uniform(6, 16), 0.05, stop_p=0.004, stop_n=(20, 60))
        ):  # fmt: skip
            t = t0 + pd.Timedelta(seconds=i)  # the receiver's 1 Hz epochs
            fix = 0 if i < nofix else 3
            la, lo = noisy(rng, lat, lon, 1.5)
            buf += _nav_pvt(
                t, la if fix else 0.0, lo if fix else 0.0, 430.0, v, head, fix, 4 if not fix else 14
            )
            if fix:
                ns, ew = "N" if la >= 0 else "S", "E" if lo >= 0 else "W"
                dm_lat = f"{int(abs(la)):02d}{(abs(la) % 1) * 60:08.5f}"
                dm_lon = f"{int(abs(lo)):03d}{(abs(lo) % 1) * 60:08.5f}"
                buf += _nmea(
                    f"GNRMC,{t:%H%M%S}.00,A,{dm_lat},{ns},{dm_lon},{ew},"
                    f"{v / 0.514444:.3f},{math.degrees(head) % 360:.2f},{t:%d%m%y},,,A,V"
                )
                buf += _nmea(f"GNGGA,{t:%H%M%S}.00,{dm_lat},{ns},{dm_lon},{ew},1,14,0.78,430.0,M,"
                             f"47.4,M,,")  # fmt: skip
            if i % 10 == 0:  # NAV-SAT: 8 + 12 a satellite
                buf += ubx_message(0x01, 0x35, bytes(8 + 12 * 20))
        (d / f"drive_{k + 1:02d}_{t:%Y%m%d}.ubx").write_bytes(bytes(buf))


def _ods_cell(v) -> str:
    if isinstance(v, pd.Timestamp):
        return (f'<table:table-cell office:value-type="date" office:date-value="{v:%Y-%m-%dT%H:%M:%S}">'
                f"<text:p>{v:%d.%m.%Y %H:%M:%S}</text:p></table:table-cell>")  # fmt: skip
    if isinstance(v, float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{v}">'
            f"<text:p>{v}</text:p></table:table-cell>"
        )
    if v is None:
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'


def _member(name: str, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A zip member with a fixed date, so the same seed writes the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = method
    return info


def fleet_calc(rng, out: Path) -> None:
    """A fleet portal's report saved in LibreOffice Calc (`.ods`): a title row, an empty row,
    then `Vehicle | Date/Time (UTC) | Latitude | Longitude | Speed (km/h) | Ignition`, date cells
    typed as dates, an empty `Driver` column written as one repeated cell; a second sheet with
    the report's settings. 14 service vans around Lyon over 2 days."""
    rows = [["Position report - all vehicles", None, None, None, None, None], [None] * 6,
            ["Vehicle", "Date/Time (UTC)", "Latitude", "Longitude", "Speed (km/h)", "Ignition"]]  # fmt: skip
    for k in range(14):
        van = f"FR-{int(rng.integers(100, 999))}-{chr(65 + k)}{chr(70 + k % 7)}"
        for day in range(2):
            t = pd.Timestamp("2026-09-14 07:00") + pd.Timedelta(
                days=day, minutes=int(rng.integers(0, 90))
            )
            for _run in range(3):
                lat, lon = 45.76 + rng.uniform(-0.05, 0.05), 4.84 + rng.uniform(-0.07, 0.07)
                for t, lat, lon, v, _h in _legs(rng, lat, lon, t, int(rng.integers(30, 70)), 60,
                                                lambda: rng.uniform(3, 14), 0.3, stop_p=0.05):  # fmt: skip
                    la, lo = noisy(rng, lat, lon, 5)
                    rows.append([van, t.floor("s"), round(la, 6), round(lo, 6), float(round(v * 3.6)),
                                 "ON" if v > 0 else "OFF"])  # fmt: skip
                t += pd.Timedelta(hours=float(rng.uniform(1, 3)))
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in r)
        + '<table:table-cell table:number-columns-repeated="3"/></table:table-row>'
        for r in rows
    ) + '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'  # fmt: skip
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.3">'
        '<office:body><office:spreadsheet><table:table table:name="Positions">'
        f"{body}</table:table>"
        '<table:table table:name="Settings"><table:table-row>'
        + _ods_cell("Period") + _ods_cell("14.09.2026 - 15.09.2026")
        + "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )  # fmt: skip
    with zipfile.ZipFile(out / "fleet_calc.ods", "w") as z:
        z.writestr(_member("mimetype", zipfile.ZIP_STORED),
                   "application/vnd.oasis.opendocument.spreadsheet")  # fmt: skip
        z.writestr(_member("META-INF/manifest.xml"),
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                   'manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                   'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                   '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')  # fmt: skip
        z.writestr(_member("content.xml"), content)


def saildrone_nccf(rng, out: Path) -> None:
    """An ERDDAP `.ncCF` download of uncrewed surface vehicles (NetCDF 3 classic, CF-1.6
    discrete sampling geometry `featureType = "trajectory"`, contiguous ragged array:
    `trajectory(trajectory, strlen)` with `cf_role = trajectory_id`, `rowSize` with
    `sample_dimension = "obs"`, `time(obs)` "seconds since 1970-01-01T00:00:00Z",
    `latitude(obs)`, `longitude(obs)`, `SOG(obs)`); 6 drones, a fix every 5 min for 4 days."""
    from scipy.io import netcdf_file

    ids, sizes, ts, las, los, sogs = [], [], [], [], [], []
    for k in range(6):
        ids.append(f"{1031 + k * 7}")
        t = pd.Timestamp("2026-07-01 00:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 600))
        )
        lat, lon = 36.5 + rng.uniform(-1, 1), -123.5 + rng.uniform(-1, 1)
        n = 0
        for t, lat, lon, v, _h in _legs(rng, lat, lon, t, 4 * 288, 300, lambda: rng.uniform(0.8, 1.6),
                                        0.08):  # fmt: skip
            t = t.floor("s")
            ts.append(t.value // 10**9)
            la, lo = noisy(rng, lat, lon, 3)
            las.append(la)
            los.append(lo)
            sogs.append(v)
            n += 1
        sizes.append(n)
    f = netcdf_file(out / "saildrone_ncCF.nc", "w", version=2)
    f.featureType = b"trajectory"
    f.cdm_data_type = b"Trajectory"
    f.Conventions = b"COARDS, CF-1.6, ACDD-1.3"
    f.title = b"Saildrone surface observations, 2026 deployment"
    f.createDimension("trajectory", len(ids))
    f.createDimension("obs", len(ts))
    f.createDimension("trajectory_strlen", 8)
    v = f.createVariable("trajectory", "c", ("trajectory", "trajectory_strlen"))
    v[:] = np.array([list(s.ljust(8, "\0")) for s in ids], dtype="S1")
    v.cf_role = b"trajectory_id"
    v.long_name = b"Trajectory"
    v = f.createVariable("rowSize", "i", ("trajectory",))
    v[:] = np.array(sizes, dtype="i4")
    v.sample_dimension = b"obs"
    v = f.createVariable("time", "d", ("obs",))
    v[:] = np.array(ts, dtype="f8")
    v.units = b"seconds since 1970-01-01T00:00:00Z"
    v.standard_name = b"time"
    for name, vals, units, std in (("latitude", las, b"degrees_north", b"latitude"),
                                   ("longitude", los, b"degrees_east", b"longitude"),
                                   ("SOG", sogs, b"m s-1", b"platform_speed_wrt_ground")):  # fmt: skip
        v = f.createVariable(name, "d", ("obs",))
        v[:] = np.array(vals, dtype="f8")
        v.units = units
        v.standard_name = std
    f.close()


def tracker_de(rng, out: Path) -> None:
    """A German GPS-tracker portal's "Text (Tabstopp-getrennt)" download (`.tsv`): tabs, decimal
    commas, `Tracker\tZeitpunkt\tBreitengrad\tLängengrad\tHöhe (m)\tGeschwindigkeit (km/h)`,
    `07.12.2026 08:15:03` local (Berlin, no zone), 1-2 minute fixes of 10 bikes on 10 days."""
    lines = ["Tracker\tZeitpunkt\tBreitengrad\tLängengrad\tHöhe (m)\tGeschwindigkeit (km/h)"]
    for _k in range(10):
        tid = f"GT-{int(rng.integers(100000, 999999))}"
        for day in range(0, 20, 2):
            t = pd.Timestamp("2026-11-02 07:00") + pd.Timedelta(
                days=day, minutes=int(rng.integers(0, 600))
            )
            lat, lon = 52.52 + rng.uniform(-0.08, 0.08), 13.40 + rng.uniform(-0.12, 0.12)
            for t, lat, lon, v, _h in _legs(rng, lat, lon, t, int(rng.integers(20, 50)), 90,
                                            lambda: rng.uniform(3, 7), 0.3, stop_p=0.03):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 5)
                lines.append("\t".join([tid, f"{t:%d.%m.%Y %H:%M:%S}", f"{la:.6f}".replace(".", ","),
                                        f"{lo:.6f}".replace(".", ","),
                                        f"{rng.uniform(30, 60):.1f}".replace(".", ","),
                                        f"{v * 3.6:.1f}".replace(".", ",")]))  # fmt: skip
    (out / "tracker_de.tsv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def opentracks(rng, out: Path) -> None:
    """OpenTracks' KMZ export of several recordings (`doc.kml` in a zip): a Placemark a
    recording holding a `gx:MultiTrack` of `gx:Track`s (one per segment: the user paused),
    `<when>` with the phone's offset (`+01:00`), `gx:coord` "lon lat alt", speeds in
    `ExtendedData/SchemaData/gx:SimpleArrayData`, and start / end marker Placemarks (Points
    with no time). 7 rides / runs near Graz."""
    marks = []
    for k in range(7):
        t = pd.Timestamp("2026-03-01 09:00", tz="+01:00") + pd.Timedelta(
            days=k, minutes=int(rng.integers(0, 300))
        )
        lat, lon = 47.07 + rng.uniform(-0.03, 0.03), 15.44 + rng.uniform(-0.04, 0.04)
        tracks = []
        for _seg in range(int(rng.integers(1, 4))):
            whens, coords, speeds = [], [], []
            for t, lat, lon, v, _h in _legs(rng, lat, lon, t, int(rng.integers(80, 200)), 3,
                                            lambda: rng.uniform(2.5, 7), 0.1):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 2)
                whens.append(f"<when>{t.isoformat(timespec='milliseconds')}</when>")
                coords.append(f"<gx:coord>{lo:.6f} {la:.6f} {rng.uniform(340, 400):.1f}</gx:coord>")
                speeds.append(f"<gx:value>{v:.2f}</gx:value>")
            tracks.append("<gx:Track><altitudeMode>absolute</altitudeMode>" + "".join(whens)
                          + "".join(coords) + '<ExtendedData><SchemaData schemaUrl="#schema">'
                          '<gx:SimpleArrayData name="speed">' + "".join(speeds)
                          + "</gx:SimpleArrayData></SchemaData></ExtendedData></gx:Track>")  # fmt: skip
            t += pd.Timedelta(minutes=float(rng.uniform(3, 15)))  # the pause
        name = f"{'Radfahren' if k % 2 else 'Laufen'} {t:%d.%m.%Y}"
        marks.append(f"<Placemark><name>{name} (start)</name><Point><coordinates>{lon:.6f},{lat:.6f}"
                     "</coordinates></Point></Placemark>"
                     f"<Placemark><name>{name}</name><description>OpenTracks</description>"
                     f"<styleUrl>#track</styleUrl><gx:MultiTrack><altitudeMode>absolute</altitudeMode>"
                     f"<gx:interpolate>0</gx:interpolate>{''.join(tracks)}</gx:MultiTrack></Placemark>"
                     f"<Placemark><name>{name} (end)</name><Point><coordinates>{lon:.6f},{lat:.6f}"
                     "</coordinates></Point></Placemark>")  # fmt: skip
    kml = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2" '
           'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><name>OpenTracks</name>'
           '<open>1</open><visibility>1</visibility><Schema id="schema"><gx:SimpleArrayField '
           'name="speed" type="float"><displayName>Speed (m/s)</displayName></gx:SimpleArrayField>'
           f'</Schema>{"".join(marks)}</Document></kml>')  # fmt: skip
    with zipfile.ZipFile(out / "opentracks.kmz", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_member("doc.kml"), kml)


def scooters(rng, out: Path) -> None:
    """A micromobility operator's warehouse extract (`.parquet`): `vehicle_id` dictionary
    strings, `event_time` timestamp[us, tz=America/Chicago], `lat` / `lng` float32,
    `battery_pct` int8, `trip_state`; 30 scooters, 3 rides a day for 2 days, a ping every 10 s."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = []
    for _k in range(30):
        vid = f"SCT{int(rng.integers(10**6, 10**7)):07d}"
        for day in range(2):
            t = pd.Timestamp("2026-08-10 08:00", tz="America/Chicago") + pd.Timedelta(
                days=day, minutes=int(rng.integers(0, 120)))  # fmt: skip
            for _ride in range(3):
                lat, lon = 41.88 + rng.uniform(-0.04, 0.04), -87.63 + rng.uniform(-0.04, 0.04)
                for t, lat, lon, _v, _h in _legs(rng, lat, lon, t, int(rng.integers(40, 120)), 10,
                                                lambda: rng.uniform(3, 7), 0.15):  # fmt: skip
                    la, lo = noisy(rng, lat, lon, 3)
                    rows.append((vid, t, la, lo, int(rng.integers(20, 100)), "on_trip"))
                t += pd.Timedelta(hours=float(rng.uniform(1, 4)))
    df = pd.DataFrame(rows, columns=["vehicle_id", "event_time", "lat", "lng", "battery_pct",
                                     "trip_state"])  # fmt: skip
    table = pa.table({
        "vehicle_id": pa.array(df.vehicle_id).dictionary_encode(),
        "event_time": pa.array(df.event_time.dt.as_unit("us"), type=pa.timestamp("us", tz="America/Chicago")),
        "lat": pa.array(df.lat, type=pa.float32()),
        "lng": pa.array(df.lng, type=pa.float32()),
        "battery_pct": pa.array(df.battery_pct, type=pa.int8()),
        "trip_state": pa.array(df.trip_state).dictionary_encode(),
    })  # fmt: skip
    pq.write_table(table, out / "scooters.parquet")


SETS = [aware_phones, wialon_wln, ublox_ubx, fleet_calc, saildrone_nccf, tracker_de, opentracks,
        scooters]  # fmt: skip
FILES = {
    "aware_phones": "aware_phones.db",
    "wialon_wln": "wialon_wln/",
    "ublox_ubx": "ublox_ubx/",
    "fleet_calc": "fleet_calc.ods",
    "saildrone_nccf": "saildrone_ncCF.nc",
    "tracker_de": "tracker_de.tsv",
    "opentracks": "opentracks.kmz",
    "scooters": "scooters.parquet",
}


def main() -> None:
    np.seterr(all="ignore")
    write_sets(SETS, "HELDOUT32", 3200, FILES)


if __name__ == "__main__":
    main()
