"""Generators for tests/test_formats16*.py: device and app files written from their published
layouts (FIT protocol 2.0 with sensors, laps and multisport sessions; GPX TrackPointExtension v1/v2;
TCX with HeartRateBpm / Cadence / ActivityExtension; Strava / Garmin / Apple Health export zips).
Places in no shared data set (Ljubljana, Queenstown, Boulder, Reykjavik)."""

from __future__ import annotations

import csv
import gzip
import io
import math
import struct
import zipfile
from datetime import UTC, datetime

T0 = 1_785_000_000  # 2026-07-25T17:20:00Z
FIT_EPOCH = 631_065_600
_CRC = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
        0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]  # fmt: skip
SPORTS = {"running": 1, "cycling": 2, "transition": 3, "swimming": 5, "hiking": 17}


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def track(n: int = 40, dt: int = 2, lat0: float = 46.0511, lon0: float = 14.5051, t0: int = T0):
    """n fixes (t, lat, lon, alt_m, hr, cad, power_w, speed_mps, temp_c) along a curve."""
    return [
        (t0 + dt * i, round(lat0 + 1.9e-4 * i, 7), round(lon0 + 2e-4 * math.sin(i / 5) + 1e-4 * i, 7),
         300.0 + i % 7, 110 + i % 50, 80 + i % 11, 150 + 3 * i, round(4 + (i % 9) / 4, 3), 17 + i % 4)
        for i in range(n)
    ]  # fmt: skip


def _crc(data: bytes, crc: int = 0) -> int:
    for b in data:
        for nib in (b & 0xF, b >> 4):
            tmp = _CRC[crc & 0xF]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC[nib]
    return crc


def _defn(local: int, glob: int, fields) -> bytes:
    b = bytes([0x40 | local, 0, 0]) + struct.pack("<HB", glob, len(fields))
    return b + b"".join(bytes(f) for f in fields)


def write_fit(legs: list[tuple[str, list]]) -> bytes:
    """A FIT activity: file_id, then per leg (sport name, points) a sport message, timer events,
    `record`s with position, enhanced_altitude, heart_rate, cadence, power, enhanced_speed and
    temperature, a lap; the sessions (one per leg, with its sport) at the end, as devices write."""
    t0 = legs[0][1][0][0]
    r = _defn(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (3, 4, 0x8C), (4, 4, 0x86)])
    r += bytes([0]) + struct.pack("<BHII", 4, 1, 3344556677, t0 - FIT_EPOCH)
    rec = [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (78, 4, 0x86), (3, 1, 0x02), (4, 1, 0x02)]
    r += _defn(1, 20, rec + [(7, 2, 0x84), (73, 4, 0x86), (13, 1, 0x01)])
    r += _defn(2, 18, [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (5, 1, 0x00), (254, 2, 0x84)])
    r += _defn(3, 12, [(0, 1, 0x00)])
    r += _defn(4, 19, [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (25, 1, 0x00)])
    r += _defn(5, 21, [(253, 4, 0x86), (0, 1, 0x00), (1, 1, 0x00)])
    sessions = []
    for sport, pts in legs:
        s = SPORTS[sport]
        ta, tb = pts[0][0] - FIT_EPOCH, pts[-1][0] - FIT_EPOCH
        r += bytes([3, s]) + bytes([5]) + struct.pack("<IBB", ta, 0, 0)
        for t, la, lo, alt, hr, cad, pw, sp, tc in pts:
            sla, slo = round(la * 2**31 / 180), round(lo * 2**31 / 180)
            r += bytes([1]) + struct.pack("<IiiIBBHIb", t - FIT_EPOCH, sla, slo, round((alt + 500) * 5),
                                          hr, cad, pw, round(sp * 1000), tc)  # fmt: skip
        r += bytes([5]) + struct.pack("<IBB", tb, 0, 4)
        r += bytes([4]) + struct.pack("<IIIB", tb, ta, (tb - ta) * 1000, s)
        sessions.append((tb, ta, s))
    for k, (tb, ta, s) in enumerate(sessions):
        r += bytes([2]) + struct.pack("<IIIBH", tb, ta, (tb - ta) * 1000, s, k)
    h = struct.pack("<BBHI4s", 14, 0x20, 2132, len(r), b".FIT")
    body = h + struct.pack("<H", _crc(h)) + r
    return body + struct.pack("<H", _crc(body))


def write_gpx(pts, tpx: str = "v1", route: bool = False) -> str:
    """GPX 1.1 with Garmin's TrackPointExtension (v1: ns3 prefix, power outside it as Strava
    writes; v2: gpxtpx prefix with speed, as Suunto writes) or a <rte> with timed <rtept>s."""
    ns = "http://www.garmin.com/xmlschemas/TrackPointExtension/" + ("v1" if tpx == "v1" else "v2")
    p = "ns3" if tpx == "v1" else "gpxtpx"
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx creator="Garmin Connect" version="1.1" '
            f'xmlns="http://www.topografix.com/GPX/1/1" xmlns:{p}="{ns}">')  # fmt: skip
    if route:
        body = "".join(
            f'<rtept lat="{q[1]}" lon="{q[2]}"><time>{iso(q[0])}</time></rtept>' for q in pts
        )
        return head + "<rte><name>timed route</name>" + body + "</rte></gpx>"
    rows = []
    for t, la, lo, alt, hr, cad, pw, sp, tc in pts:
        ext = f"<{p}:atemp>{tc}.0</{p}:atemp><{p}:hr>{hr}</{p}:hr><{p}:cad>{cad}</{p}:cad>"
        ext += f"<{p}:speed>{sp}</{p}:speed>" if tpx == "v2" else ""
        pwx = f"<power>{pw}</power>" if tpx == "v1" else ""
        rows.append(f'<trkpt lat="{la}" lon="{lo}"><ele>{alt}</ele><time>{iso(t)}</time><extensions>'
                    f"{pwx}<{p}:TrackPointExtension>{ext}</{p}:TrackPointExtension></extensions></trkpt>")  # fmt: skip
    return head + "<trk><name>Run</name><trkseg>" + "".join(rows) + "</trkseg></trk></gpx>"


def write_tcx(pts) -> str:
    tp = "".join(
        f"<Trackpoint><Time>{iso(q[0])}</Time><Position><LatitudeDegrees>{q[1]}</LatitudeDegrees>"
        f"<LongitudeDegrees>{q[2]}</LongitudeDegrees></Position><AltitudeMeters>{q[3]}</AltitudeMeters>"
        f"<HeartRateBpm><Value>{q[4]}</Value></HeartRateBpm><Cadence>{q[5]}</Cadence><Extensions>"
        '<TPX xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        f"<Speed>{q[7]}</Speed><Watts>{q[6]}</Watts></TPX></Extensions></Trackpoint>"
        for q in pts
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase xmlns='
            '"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
            f'<Activity Sport="Biking"><Id>{iso(pts[0][0])}</Id><Lap StartTime="{iso(pts[0][0])}">'
            f"<Track>{tp}</Track></Lap></Activity></Activities></TrainingCenterDatabase>")  # fmt: skip


def strava_zip() -> tuple[bytes, dict[str, list]]:
    """A Strava bulk export as downloaded: activities.csv, activities/*.fit.gz / .gpx / .tcx.gz,
    profile.csv, an empty media/ folder."""
    truth, rows, b = (
        {},
        [["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Filename"]],
        io.BytesIO(),
    )
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for k, (kind, typ) in enumerate([("fit.gz", "Ride"), ("gpx", "Run"), ("tcx.gz", "Hike")]):
            aid = str(13_000_000_000 + k)
            pts = track(30, 3, 64.1466 + 0.01 * k, -21.9426, T0 + 86_400 * k)
            if kind == "fit.gz":
                data = gzip.compress(write_fit([("cycling", pts)]))
            elif kind == "gpx":
                data = write_gpx(pts).encode()
            else:
                data = gzip.compress(("          " + write_tcx(pts)).encode())
            z.writestr(f"activities/{aid}.{kind}", data)
            rows.append(
                [aid, "Jun 1, 2026, 8:00:00 AM", f"act {k}", typ, f"activities/{aid}.{kind}"]
            )
            truth[aid] = (typ, pts)
        s = io.StringIO()
        csv.writer(s).writerows(rows)
        z.writestr("activities.csv", s.getvalue())
        z.writestr("profile.csv", "Athlete ID,Email Address\n123,a@b.c\n")
        z.writestr("media/", "")
    return b.getvalue(), truth


def garmin_zip() -> tuple[bytes, dict[str, list]]:
    """Garmin Connect's 'Export your data': FIT files inside a zip inside the export zip, beside
    JSON summaries that hold no points."""
    truth, inner = {}, io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zi:
        for k in range(2):
            pts = track(25, 2, 46.3683 + 0.01 * k, 14.1146, T0 + 86_400 * k)
            name = f"ana@example.com_{21_000_000_000 + k}"
            zi.writestr(name + ".fit", write_fit([("running", pts)]))
            truth[name] = pts
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as zo:
        zo.writestr(
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner.getvalue()
        )
        zo.writestr(
            "DI_CONNECT/DI-Connect-Fitness/ana@example.com_0_summarizedActivities.json", "[{}]"
        )
    return outer.getvalue(), truth
