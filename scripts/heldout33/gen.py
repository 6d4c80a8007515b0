# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout33: eight kinds and file layouts no earlier session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/data.md "Session 33 (heldout33)".
    python scripts/heldout33/gen.py [OUTDIR]     # default $HELDOUT33/raw or /tmp/heldout33/raw
Outputs (under OUTDIR): torque_logs/ (Torque Pro OBD-II trackLog CSVs), bus_gpsd.json
(`gpspipe -w` JSON lines), sortie.acmi (Tacview text), drones.czml (Cesium), fleet_influx.csv
(InfluxDB annotated CSV, long format), drone_tlogs/ (MAVLink .tlog), taxi_pings.csv.bz2,
pings_geohash.csv. Same seed, same bytes.
"""

import bz2
import json
import math
import struct
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402

from trajlm.data.readers.flight_logs import mavlink_packet  # noqa: E402


def _fresh(d: Path, pattern: str) -> Path:
    d.mkdir(exist_ok=True)
    for old in d.glob(pattern):  # names come from the seed: no file of another run kept
        old.unlink()
    return d


def torque_logs(rng, out: Path) -> None:
    """Torque Pro (Android OBD-II app) trip logs, one `trackLog-YYYY-Mon-DD_HH-MM-SS.csv` per
    trip: `GPS Time` ("Mon Mar 02 07:41:12 GMT+01:00 2026", the phone's zone), `Device Time`
    (day-first, local, ms), then ` Longitude`, ` Latitude` (longitude FIRST, names with a
    leading space), GPS speed, HDOP, OBD columns with `-` where the ECU did not answer; one car
    around Munich, 7 trips over 3 days, a row every 1-3 s; one file holds a second header line
    (logging restarted into the same file)."""
    d = _fresh(out / "torque_logs", "*.csv")
    head = ("GPS Time, Device Time, Longitude, Latitude,GPS Speed (Meters/second), Horizontal "
            "Dilution of Precision, Altitude, Bearing, G(x), G(y), G(z), G(calibrated),Speed "
            "(OBD)(km/h),Engine RPM(rpm),Engine Coolant Temperature(°C)")  # fmt: skip
    t = pd.Timestamp("2026-03-02 06:40", tz="UTC")
    for trip in range(7):
        lat, lon = 48.14 + rng.uniform(-0.05, 0.05), 11.58 + rng.uniform(-0.08, 0.08)
        rows = [head]
        loc0 = (t + pd.Timedelta(hours=1)).tz_localize(None)
        for t, lat, lon, v, hd in _legs(rng, lat, lon, t, int(rng.integers(250, 500)), 2.0,
                                        lambda: rng.uniform(6, 22), 0.08, stop_p=0.01):  # fmt: skip
            loc = (t + pd.Timedelta(hours=1)).tz_localize(None)  # CET, before the DST change
            la, lo = noisy(rng, lat, lon, 3)
            obd = "-" if rng.random() < 0.05 else f"{v * 3.6:.0f}"
            rows.append(
                f"{loc.strftime('%a %b %d %H:%M:%S')} GMT+01:00 {loc.year},"
                f"{loc.strftime('%d-%b-%Y %H:%M:%S')}.{loc.microsecond // 1000:03d},"
                f"{lo:.7f},{la:.7f},{v:.2f},{rng.uniform(0.6, 1.8):.1f},"
                f"{rng.uniform(510, 540):.1f},{math.degrees(hd) % 360:.1f},"
                f"{rng.normal(0, 0.1):.3f},{rng.normal(0, 0.1):.3f},{rng.normal(1, 0.05):.3f},"
                f"{rng.normal(0, 0.1):.3f},{obd},{rng.uniform(800, 2800):.0f},{rng.uniform(70, 92):.0f}"
            )
            if trip == 3 and len(rows) == 120:  # logging stopped and restarted: a header again
                rows.append(head)
        name = f"trackLog-{loc0.strftime('%Y-%b-%d_%H-%M-%S')}.csv"
        (d / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
        t += pd.Timedelta(hours=float(rng.uniform(3, 14)))


def bus_gpsd(rng, out: Path) -> None:
    """`gpspipe -w` captured on a Raspberry Pi in a shuttle bus (JSON objects, one a line):
    VERSION / DEVICES / WATCH at each start, then TPV reports every 1 s (`mode` 1 = no fix,
    without lat / lon, in the depot's garage and a tunnel; `time` ISO with ms, `altHAE`, `epx` /
    `epy` metres) and SKY reports every 5 s; two days of 3 runs around Lyon."""
    lines = []
    t = pd.Timestamp("2026-05-11 05:30", tz="UTC")
    dev = "/dev/ttyACM0"
    for day in range(2):
        lines += [
            json.dumps({"class": "VERSION", "release": "3.25", "rev": "3.25",
                        "proto_major": 3, "proto_minor": 15}),
            json.dumps({"class": "DEVICES", "devices": [{"class": "DEVICE", "path": dev,
                        "driver": "u-blox", "activated": t.isoformat(), "native": 1,
                        "bps": 9600, "parity": "N", "stopbits": 1, "cycle": 1.0}]}),
            json.dumps({"class": "WATCH", "enable": True, "json": True}),
        ]  # fmt: skip
        for _run in range(3):
            lat, lon = 45.76 + rng.uniform(-0.03, 0.03), 4.84 + rng.uniform(-0.04, 0.04)
            tunnel = int(rng.integers(100, 300))
            for k, (t, lat, lon, v, hd) in enumerate(
                _legs(rng, lat, lon, t, int(rng.integers(500, 900)), 1.0,
                      lambda: rng.uniform(4, 14), 0.05, stop_p=0.01)
            ):  # fmt: skip
                when = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
                if k < 15 or tunnel <= k < tunnel + 40:  # cold start / tunnel: no fix
                    rec = {"class": "TPV", "device": dev, "mode": 1, "time": when}
                else:
                    la, lo = noisy(rng, lat, lon, 3)
                    rec = {"class": "TPV", "device": dev, "mode": 3, "time": when,
                           "ept": 0.005, "lat": round(la, 9), "lon": round(lo, 9),
                           "altHAE": round(rng.uniform(160, 200), 3),
                           "altMSL": round(rng.uniform(110, 150), 3), "epx": 4.2, "epy": 5.1,
                           "epv": 9.8, "track": round(math.degrees(hd) % 360, 4),
                           "speed": round(v, 3), "climb": 0.0, "eps": 10.2}  # fmt: skip
                lines.append(json.dumps(rec))
                if k % 5 == 0:
                    lines.append(json.dumps({"class": "SKY", "device": dev, "time": when,
                                             "hdop": 1.1, "nSat": 14, "uSat": 9}))  # fmt: skip
            t += pd.Timedelta(minutes=float(rng.uniform(40, 120)))
        t = pd.Timestamp("2026-05-12 05:30", tz="UTC") + pd.Timedelta(minutes=day * 3)
    (out / "bus_gpsd.json").write_text("\n".join(lines) + "\n")


def sortie_acmi(rng, out: Path) -> None:
    """A Tacview flight recording (`.acmi`, text): `FileType=text/acmi/tacview`, global
    properties on object 0 (ReferenceTime, ReferenceLongitude / Latitude), `#<seconds>` frames,
    `<hex id>,T=lon|lat|alt|roll|pitch|yaw,...` lines whose lon / lat are OFFSETS from the
    reference and whose empty fields keep the last value; 4 jets over Nevada for 25 min at 1 s,
    a ground radar written once, a jet removed (`-id`) when it lands."""
    ref_lon, ref_lat = -116.0, 36.0
    lines = ["\ufeffFileType=text/acmi/tacview", "FileVersion=2.2",
             "0,ReferenceTime=2026-03-02T17:00:00Z", f"0,ReferenceLongitude={ref_lon:.0f}",
             f"0,ReferenceLatitude={ref_lat:.0f}", "0,DataSource=DCS 2.9.3",
             "0,Title=Red Flag 26-2 sortie 3", "0,Author=ops"]  # fmt: skip
    jets = []
    for k in range(4):
        lat, lon = 36.2 + rng.uniform(-0.3, 0.3), -115.8 + rng.uniform(-0.3, 0.3)
        walk = list(_legs(rng, lat, lon, pd.Timestamp(0, tz="UTC"), 1500 - 200 * k, 1.0,
                          lambda: rng.uniform(180, 260), 0.03))  # fmt: skip
        jets.append((f"{0x101 + k:x}", walk, 1500 - 200 * k))
    last: dict[str, tuple[str, str]] = {}
    for s in range(1500):
        frame = [f"#{s:.2f}" if s % 2 else f"#{s}"]
        if s == 0:  # a ground radar, written once
            frame.append("4f1,T=-0.1234|0.3456|1210,Type=Ground+Static+Radar,Name=TPS-75")
        for j, (oid, walk, n) in enumerate(jets):
            if s == n:
                frame.append(f"-{oid}")
                continue
            if s > n:
                continue
            _t, lat, lon, _v, hd = walk[s]
            lo, la = f"{lon - ref_lon:.7f}", f"{lat - ref_lat:.7f}"
            alt = f"{6000 + 300 * math.sin(s / 90):.1f}"
            p_lo, p_la = last.get(oid, ("", ""))
            roll = f"{rng.normal(0, 5):.1f}"
            yaw = f"{math.degrees(hd) % 360:.1f}"
            fields = f"{'' if lo == p_lo else lo}|{'' if la == p_la else la}|{alt}|{roll}|1.2|{yaw}"
            extra = f",Type=Air+FixedWing,Name=F-16C_50,Pilot=Viper 1-{j + 1}" if s == 0 else ""
            frame.append(f"{oid},T={fields}{extra}")
            last[oid] = (lo, la)
        lines += frame
    (out / "sortie.acmi").write_text("\n".join(lines) + "\n", encoding="utf-8")


def drones_czml(rng, out: Path) -> None:
    """A Cesium CZML document (JSON array of packets): a `document` packet with a clock, then one
    packet per drone with `position.epoch` and `cartographicDegrees` = [seconds, lon, lat,
    height, seconds, ...] (LONGITUDE first, times as seconds after the epoch); one drone's
    samples carry ISO dates instead of seconds; a packet for a static ground station; 5 drones
    over Zurich, a sample every 5 s for 20-40 min."""
    pk = [{"id": "document", "name": "inspection flights", "version": "1.0",
           "clock": {"interval": "2026-06-02T08:00:00Z/2026-06-02T10:00:00Z",
                     "currentTime": "2026-06-02T08:00:00Z", "multiplier": 10}},
          {"id": "gcs", "name": "ground station", "position": {
              "cartographicDegrees": [8.5417, 47.3769, 420.0]}}]  # fmt: skip
    for k in range(5):
        epoch = pd.Timestamp("2026-06-02 08:00", tz="UTC") + pd.Timedelta(minutes=12 * k)
        lat, lon = 47.37 + rng.uniform(-0.02, 0.02), 8.54 + rng.uniform(-0.03, 0.03)
        arr: list = []
        for t, lat, lon, _v, _hd in _legs(rng, lat, lon, epoch, int(rng.integers(240, 480)), 5.0,
                                         lambda: rng.uniform(3, 12), 0.15, stop_p=0.02):  # fmt: skip
            when: object = round((t - epoch).total_seconds(), 3)
            if k == 4:
                when = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
            arr += [when, round(lon, 7), round(lat, 7), round(float(rng.uniform(440, 520)), 1)]
        pos = {"interpolationAlgorithm": "LAGRANGE", "interpolationDegree": 1,
               "cartographicDegrees": arr}  # fmt: skip
        if k != 4:
            pos["epoch"] = epoch.strftime("%Y-%m-%dT%H:%M:%SZ")
        pk.append({"id": f"drone-{k + 1}", "name": f"M300 #{k + 1}", "position": pos,
                   "path": {"width": 2, "leadTime": 0, "trailTime": 600}})  # fmt: skip
    (out / "drones.czml").write_text(json.dumps(pk, indent=1))


def fleet_influx(rng, out: Path) -> None:
    """An InfluxDB 2 query result downloaded as annotated CSV (Data Explorer -> CSV, no
    pivot): `#group` / `#datatype` / `#default` lines, then `,result,table,_start,_stop,_time,
    _value,_field,_measurement,vehicle`: LONG format, one row per (time, field) with `_field` in
    lat / lon / speed and a table per (field, vehicle); 6 vans around Rotterdam, a point every
    10-30 s over two days."""
    head = ["#group,false,false,true,true,false,false,true,true,true",
            "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,"
            "string,string,string", "#default,_result,,,,,,,,",
            ",result,table,_start,_stop,_time,_value,_field,_measurement,vehicle"]  # fmt: skip
    start, stop = "2026-04-13T00:00:00Z", "2026-04-15T00:00:00Z"
    tables = []
    for k in range(6):
        van = f"van-{k + 1:02d}"
        pts = []
        t = pd.Timestamp("2026-04-13 06:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 60))
        )
        for _run in range(4):
            lat, lon = 51.92 + rng.uniform(-0.04, 0.04), 4.48 + rng.uniform(-0.07, 0.07)
            for t, lat, lon, v, _hd in _legs(rng, lat, lon, t, int(rng.integers(60, 140)),
                                             float(rng.uniform(10, 30)),
                                             lambda: rng.uniform(5, 15), 0.2, stop_p=0.03):  # fmt: skip
                pts.append((t, *noisy(rng, lat, lon, 4), v))
            t += pd.Timedelta(hours=float(rng.uniform(1, 8)))
        for field, at in (("lat", 1), ("lon", 2), ("speed", 3)):
            tables.append((van, field, [(p[0], p[at]) for p in pts]))
    rows, n = [], 0
    for van, field, vals in sorted(tables, key=lambda x: (x[1], x[0])):  # Flux groups by key
        for t, v in vals:
            when = t.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
            rows.append(f",,{n},{start},{stop},{when},{v:.7f},{field},gps,{van}")
        n += 1
    (out / "fleet_influx.csv").write_text("\r\n".join(head + rows) + "\r\n\r\n")


def drone_tlogs(rng, out: Path) -> None:
    """QGroundControl / Mission Planner telemetry logs (`.tlog`, binary): each record an 8-byte
    big-endian Unix time in microseconds (the ground station's clock) and a MAVLink v2 packet;
    HEARTBEAT 1 Hz, ATTITUDE 4 Hz, GPS_RAW_INT and GLOBAL_POSITION_INT (lat / lon 1e-7 deg) 2 Hz;
    GLOBAL_POSITION_INT is 0 / 0 until the GPS has its fix; 4 survey flights of 8-15 min near
    Adelaide (one drone, sysid 1; a second one, sysid 2, on the same link in the last log)."""
    d = _fresh(out / "drone_tlogs", "*.tlog")
    t0 = pd.Timestamp("2026-02-16 23:10", tz="UTC")
    for f in range(4):
        recs, seq = [], 0
        drones = (1, 2) if f == 3 else (1,)
        walks = {}
        for sid in drones:
            lat, lon = -34.93 + rng.uniform(-0.02, 0.02), 138.60 + rng.uniform(-0.03, 0.03)
            n = int(rng.integers(960, 1800))
            walks[sid] = list(_legs(rng, lat, lon, t0, n, 0.5, lambda: rng.uniform(4, 12), 0.1))
        n = max(len(w) for w in walks.values())
        for i in range(n):
            for sid, walk in walks.items():
                if i >= len(walk):
                    continue
                t, lat, lon, v, hd = walk[i]
                boot = int((t - t0).total_seconds() * 1000) + 30000
                stamp = struct.pack(">Q", t.value // 1000)
                fix = i >= 40  # 20 s before the first fix
                if i % 2 == 0:
                    hb = struct.pack("<IBBBBB", 3, 2, 3, 0x51, 4, 3)
                    recs.append(stamp + mavlink_packet(0, hb, seq, sid))
                    seq += 1
                for q in range(2):
                    att = struct.pack("<I6f", boot + 250 * q, *rng.normal(0, 0.05, 3), 0, 0, 0)
                    recs.append(stamp + mavlink_packet(30, att, seq, sid))
                    seq += 1
                la, lo = noisy(rng, lat, lon, 1.5)
                gps = struct.pack("<QiiiHHHHBB", t.value // 1000, round(la * 1e7) if fix else 0,
                                  round(lo * 1e7) if fix else 0, 60000, 80, 120,
                                  round(v * 100), round(math.degrees(hd) % 360 * 100),
                                  3 if fix else 1, 14 if fix else 3)  # fmt: skip
                recs.append(stamp + mavlink_packet(24, gps, seq, sid))
                pos = struct.pack("<IiiiihhhH", boot, round(la * 1e7) if fix else 0,
                                  round(lo * 1e7) if fix else 0, 60000, 40000,
                                  round(v * 100 * math.cos(hd)), round(v * 100 * math.sin(hd)),
                                  0, round(math.degrees(hd) % 360 * 100))  # fmt: skip
                recs.append(stamp + mavlink_packet(33, pos, seq + 1, sid))
                seq += 2
        (d / f"{t0.strftime('%Y-%m-%d %H-%M-%S')}.tlog").write_bytes(b"".join(recs))
        t0 += pd.Timedelta(minutes=float(rng.uniform(40, 300)))


def taxi_pings(rng, out: Path) -> None:
    """A public taxi GPS data set as published on a data portal, bzip2-compressed
    (`taxi_pings.csv.bz2`): `taxi_id,timestamp,latitude,longitude,speed_kmh,occupied`, naive
    local times (Singapore) with a note in the portal's readme; 20 taxis, a ping every 30-60 s
    over one day's shift."""
    rows = ["taxi_id,timestamp,latitude,longitude,speed_kmh,occupied"]
    for k in range(20):
        taxi = f"SH{int(rng.integers(1000, 9999))}{chr(65 + k)}"
        t = pd.Timestamp("2026-01-19 06:00") + pd.Timedelta(minutes=int(rng.integers(0, 120)))
        for _trip in range(int(rng.integers(4, 8))):
            lat, lon = 1.33 + rng.uniform(-0.06, 0.06), 103.84 + rng.uniform(-0.1, 0.1)
            occ = int(rng.integers(0, 2))
            for t, lat, lon, v, _hd in _legs(rng, lat, lon, t, int(rng.integers(20, 60)),
                                             float(rng.uniform(30, 60)),
                                             lambda: rng.uniform(5, 18), 0.25, stop_p=0.05):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 5)
                rows.append(f"{taxi},{t.strftime('%Y-%m-%d %H:%M:%S')},{la:.6f},{lo:.6f},"
                            f"{v * 3.6:.1f},{occ}")  # fmt: skip
            t += pd.Timedelta(minutes=float(rng.uniform(35, 120)))
    (out / "taxi_pings.csv.bz2").write_bytes(bz2.compress(("\n".join(rows) + "\n").encode()))


_B32 = "0123456789bcdefghjkmnpqrstuvwxyz"


def _geohash(lat: float, lon: float, n: int) -> str:
    lo, hi = [-90.0, -180.0], [90.0, 180.0]
    bits, out, even = 0, "", True
    while len(out) < n:
        for _ in range(5):
            i = 1 if even else 0
            mid = (lo[i] + hi[i]) / 2
            v = lon if even else lat
            bits = bits * 2 + (v >= mid)
            (lo if v >= mid else hi)[i] = mid
            even = not even
        out, bits = out + _B32[bits], 0
    return out


def pings_geohash(rng, out: Path) -> None:
    """A location-data vendor's sample (privacy-reduced): `ad_id` (hashed), `geohash` (8
    characters, ~38 x 19 m cells, no latitude / longitude column), `event_ts` (Unix seconds),
    `horizontal_accuracy`, `platform`; 25 phones around Austin over two days, a ping every
    1-5 min while moving."""
    rows = ["ad_id,geohash,event_ts,horizontal_accuracy,platform"]
    for k in range(25):
        ad = "".join(rng.choice(list("0123456789abcdef"), 32))
        t = pd.Timestamp("2026-02-09 13:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 200))
        )
        for _trip in range(int(rng.integers(3, 6))):
            lat, lon = 30.27 + rng.uniform(-0.06, 0.06), -97.74 + rng.uniform(-0.08, 0.08)
            for t, lat, lon, _v, _hd in _legs(rng, lat, lon, t, int(rng.integers(12, 40)),
                                              float(rng.uniform(60, 300)),
                                              lambda: rng.uniform(1, 14), 0.3, stop_p=0.05):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 10)
                rows.append(f"{ad},{_geohash(la, lo, 8)},{t.value // 10**9},"
                            f"{rng.uniform(5, 60):.0f},{'ios' if k % 3 else 'android'}")  # fmt: skip
            t += pd.Timedelta(hours=float(rng.uniform(1, 9)))
    (out / "pings_geohash.csv").write_text("\n".join(rows) + "\n")


FILES = {"torque_logs": "torque_logs", "bus_gpsd": "bus_gpsd.json",
         "sortie_acmi": "sortie.acmi", "drones_czml": "drones.czml",
         "fleet_influx": "fleet_influx.csv", "drone_tlogs": "drone_tlogs",
         "taxi_pings": "taxi_pings.csv.bz2", "pings_geohash": "pings_geohash.csv"}  # fmt: skip

if __name__ == "__main__":
    write_sets([torque_logs, bus_gpsd, sortie_acmi, drones_czml, fleet_influx, drone_tlogs,
                taxi_pings, pings_geohash], "HELDOUT33", 3300, FILES)  # fmt: skip
