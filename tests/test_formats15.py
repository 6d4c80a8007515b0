"""Files straight from devices and services (session 15, /tmp/briefs/formats15_report.md): Garmin
FIT, IGC flight logs, raw AIS (!AIVDM with NMEA 4.10 tag blocks), GTFS-realtime VehiclePositions
snapshots, `.gz` of every track format and a Strava bulk-export folder. Every file is generated
here from the published specification; the FIT / AIS / GTFS-rt tests skip (with the reason)
when the optional `trajlm[formats]` libraries are missing. Hostile inputs: test_formats15_hostile.py.
"""

from __future__ import annotations

import gzip
import math
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from reliability_helpers import invoke

from trajlm.data.readers import detect_format, read

T0 = 1_779_000_000  # 2026-05-17T06:40:00Z
FIT_EPOCH = 631_065_600  # 1989-12-31T00:00:00Z
_CRC = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
        0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]  # fmt: skip


def track(n: int = 30, dt: int = 5, lat0: float = 60.17, lon0: float = 24.94, t0: int = T0):
    """n (t, lat, lon) fixes along a curve (a place in no shared data set)."""
    return [(t0 + dt * i, lat0 + 2.1e-4 * i, lon0 + 3e-4 * math.sin(i / 4) + 1.3e-4 * i)
            for i in range(n)]  # fmt: skip


def fit_crc(data: bytes, crc: int = 0) -> int:
    for b in data:
        for nib in (b & 0xF, b >> 4):
            tmp = _CRC[crc & 0xF]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC[nib]
    return crc


def write_fit(points, nofix=(), compressed=()) -> bytes:
    """A FIT activity (protocol 2.0, little endian): file_id, then one `record` per point with
    timestamp, position_lat / position_long (semicircles) and altitude; `nofix` indices get the
    invalid position, `compressed` ones a compressed-timestamp header."""
    recs = (
        bytes([0x40, 0, 0])
        + struct.pack("<HB", 0, 4)
        + bytes([0, 1, 0, 1, 2, 0x84, 3, 4, 0x8C, 4, 4, 0x86])
    )
    recs += bytes([0]) + struct.pack("<BHII", 4, 1, 42, points[0][0] - FIT_EPOCH)
    recs += (
        bytes([0x41, 0, 0])
        + struct.pack("<HB", 20, 4)
        + bytes([253, 4, 0x86, 0, 4, 0x85, 1, 4, 0x85, 2, 2, 0x84])
    )
    recs += (
        bytes([0x42, 0, 0])
        + struct.pack("<HB", 20, 3)
        + bytes([0, 4, 0x85, 1, 4, 0x85, 2, 2, 0x84])
    )
    for i, (t, la, lo) in enumerate(points):
        sla, slo = (
            (0x7FFFFFFF, 0x7FFFFFFF)
            if i in nofix
            else (round(la * 2**31 / 180), round(lo * 2**31 / 180))
        )
        if i in compressed:
            recs += bytes([0x80 | (2 << 5) | ((t - FIT_EPOCH) & 0x1F)]) + struct.pack(
                "<iiH", sla, slo, 2600
            )
        else:
            recs += bytes([0x01]) + struct.pack("<IiiH", t - FIT_EPOCH, sla, slo, 2600)
    head = struct.pack("<BBHI4s", 14, 0x20, 2132, len(recs), b".FIT")
    body = head + struct.pack("<H", fit_crc(head)) + recs
    return body + struct.pack("<H", fit_crc(body))


def semi(v: float) -> float:
    return round(v * 2**31 / 180) * 180 / 2**31


def assert_exact(df, truth, tol_deg: float = 1e-7) -> None:
    """Same times to the second and places within ~1 cm."""
    d = df.sort("t")
    assert d["t"].to_list() == [t for t, _, _ in truth]
    assert (
        max(
            abs(a - la) + abs(b - lo)
            for a, b, (_, la, lo) in zip(d["lat"], d["lon"], truth, strict=True)
        )
        < tol_deg
    )


# ---------------------------------------------------------------- FIT


def test_fit_records_are_read_in_degrees_and_utc(tmp_path):
    pytest.importorskip("fitdecode", reason="FIT needs the optional trajlm[formats] extra")
    pts = track(40)
    (tmp_path / "ride.fit").write_bytes(write_fit(pts, nofix={0, 1}, compressed={10, 11, 12}))
    assert detect_format(tmp_path / "ride.fit") == "fit"
    df, rep = read(tmp_path / "ride.fit")
    assert rep.dropped == {"no_fix": 2} and rep.rows_in == 40
    assert set(df["traj_id"]) == {"ride"}
    assert_exact(df, [(t, semi(la), semi(lo)) for t, la, lo in pts[2:]])
    # a Garmin device's upper-case name, a gzipped Strava copy and a name without suffix
    (tmp_path / "B8E12345.FIT").write_bytes(write_fit(pts))
    (tmp_path / "2.fit.gz").write_bytes(gzip.compress(write_fit(pts)))
    (tmp_path / "download").write_bytes(write_fit(pts))
    for name in ("B8E12345.FIT", "2.fit.gz", "download"):
        assert detect_format(tmp_path / name) == "fit"
        assert len(read(tmp_path / name)[0]) == 40


def test_fit_without_its_library_is_one_line_naming_the_extra(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "fitdecode", None)  # as if not installed
    (tmp_path / "ride.fit").write_bytes(write_fit(track(5)))
    r = invoke("data", "ingest", tmp_path / "ride.fit", "--out", tmp_path / "st")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "fitdecode" in r.output and "pip install 'trajlm[formats]'" in r.output


# ---------------------------------------------------------------- IGC (pure Python)


def igc(points, new_header: bool = False) -> tuple[str, list]:
    def coord(v, w, pos, neg):
        a = abs(v)
        d, mm = int(a), round((a - int(a)) * 60_000)
        return f"{d:0{w}d}{mm:05d}{pos if v >= 0 else neg}", math.copysign(d + mm / 60_000, v)

    d0 = datetime.fromtimestamp(points[0][0], UTC)
    lines = [
        "AXXX001",
        f"HFDTEDATE:{d0:%d%m%y},01" if new_header else f"HFDTE{d0:%d%m%y}",
        "I013638FXA",
    ]
    truth = []
    for t, la, lo in points:
        (ls, la2), (os_, lo2) = coord(la, 2, "N", "S"), coord(lo, 3, "E", "W")
        lines.append(f"B{datetime.fromtimestamp(t, UTC):%H%M%S}{ls}{os_}A0150001520009")
        truth.append((t, la2, lo2))
    return "\r\n".join([*lines, "LXXX end", "G0123456789ABCDEF"]) + "\r\n", truth


def test_igc_flight_over_midnight_utc_is_dated_by_hfdte(tmp_path):
    t0 = int(datetime(2026, 7, 18, 23, 50, tzinfo=UTC).timestamp())  # an afternoon in California
    text, truth = igc(track(300, dt=4, lat0=37.36, lon0=-118.39, t0=t0))
    (tmp_path / "owens.igc").write_text(text)
    text2, truth2 = igc(track(50, lat0=-33.9, lon0=18.4), new_header=True)
    (tmp_path / "sa.igc").write_text(text2)
    df, rep = read(tmp_path / "owens.igc")
    assert rep.total == 0 and set(df["traj_id"]) == {"owens"}
    assert_exact(df, truth)  # the points after 00:00 UTC are on 19 July
    assert df["elevation_m"][0] == 1520.0
    assert_exact(read(tmp_path / "sa.igc")[0], truth2)  # HFDTEDATE: header, south / east


# ---------------------------------------------------------------- raw AIS


def aivdm_lines(tmp_path: Path):
    """Tag-blocked !AIVDM / !AIVDO sentences of 3 vessels (types 1, 3, 18) with a two-part
    type 5 between them; returns (path, truth {mmsi: [(t, lat, lon)]})."""
    from pyais import decode
    from pyais.encode import encode_dict

    def tag(t):
        body = f"s:r1,c:{t}"
        cs = 0
        for ch in body:
            cs ^= ord(ch)
        return f"\\{body}*{cs:02X}\\"

    lines, truth = [], {}
    for k, (mmsi, typ, st) in enumerate(
        [(224000001, 1, "VDM"), (224000002, 3, "VDM"), (538000003, 18, "VDO")]
    ):
        for t, la, lo in track(12, dt=10, lat0=36.0 + k / 50, lon0=-5.5, t0=T0 + k):
            s = encode_dict({"type": typ, "mmsi": mmsi, "lat": la, "lon": lo, "speed": 9.0, "second": t % 60},
                            talker_id="AI", sentence_type=st)  # fmt: skip
            d = decode(*s).asdict()
            truth.setdefault(str(mmsi), []).append((t, d["lat"], d["lon"]))
            lines += [tag(t) + x for x in s]
    static = encode_dict({"type": 5, "mmsi": 224000001, "shipname": "A", "destination": "B"},
                         talker_id="AI", sentence_type="VDM", seq_id=1)  # fmt: skip
    lines[5:5] = [tag(T0 + 3) + x for x in static]
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(lines) + "\n")
    return path, truth


def test_aivdm_with_tag_block_times_reads_every_vessel(tmp_path):
    pytest.importorskip("pyais", reason="raw AIS needs the optional trajlm[formats] extra")
    path, truth = aivdm_lines(tmp_path)
    assert detect_format(path) == "aivdm"
    df, rep = read(path)
    assert rep.total == 0 and rep.rows_in == 36  # type 5 is not a point
    for mmsi, pts in truth.items():
        assert_exact(df.filter(df["traj_id"] == mmsi), pts)
    # a time as the first field (logger dumps) reads the same; no time at all is one line
    lines = path.read_text().splitlines()
    plain = [ln.split("\\")[-1] for ln in lines]
    (tmp_path / "dump.txt").write_text(
        "".join(f"{ln.split(',c:')[1][:10]},{p}\n" for ln, p in zip(lines, plain, strict=True))
    )
    assert detect_format(tmp_path / "dump.txt") == "aivdm"
    assert len(read(tmp_path / "dump.txt")[0]) == 36
    (tmp_path / "plain.txt").write_text("\n".join(plain) + "\n")
    r = invoke("data", "ingest", tmp_path / "plain.txt", "--out", tmp_path / "st")
    assert r.exit_code == 2 and "no receiver time" in r.output and "Traceback" not in r.output


# ---------------------------------------------------------------- GTFS-realtime


def feed(snapshot_t: int, vehicles: dict[str, tuple[int | None, float, float]]) -> bytes:
    from google.transit import gtfs_realtime_pb2 as g

    fm = g.FeedMessage()
    fm.header.gtfs_realtime_version = "2.0"
    fm.header.timestamp = snapshot_t
    for vid, (t, la, lo) in vehicles.items():
        e = fm.entity.add()
        e.id = f"e{vid}"
        e.vehicle.vehicle.id = vid
        e.vehicle.trip.trip_id = f"trip{vid}"
        e.vehicle.position.latitude, e.vehicle.position.longitude = la, lo
        if t is not None:
            e.vehicle.timestamp = t
    alert = fm.entity.add()
    alert.id = "alert1"
    alert.alert.header_text.translation.add().text = "detour"
    return fm.SerializeToString()


def test_gtfs_rt_snapshots_folder_gives_one_trajectory_per_vehicle(tmp_path):
    pytest.importorskip(
        "google.transit.gtfs_realtime_pb2",
        reason="GTFS-rt needs the optional trajlm[formats] extra",
    )
    import numpy as np

    a, b = track(20, dt=30, lat0=-34.93, lon0=138.6), track(20, dt=30, lat0=-34.9, lon0=138.62)
    for i in range(20):  # bus 7 reports every other poll (repeats its fix); bus 9 has no own time
        j = i - i % 2
        data = feed(a[i][0], {"7": a[j], "9": (None, b[i][1], b[i][2])})
        (tmp_path / f"vp_{i:02d}.pb").write_bytes(data)
    assert detect_format(tmp_path) == "gtfs_rt"
    (tmp_path / "VehiclePositions").write_bytes(feed(a[0][0], {"7": a[0]}))  # curl -o, no suffix
    assert detect_format(tmp_path / "VehiclePositions") == "gtfs_rt"
    (tmp_path / "VehiclePositions").unlink()
    df, rep = read(tmp_path)
    f32 = [(t, float(np.float32(la)), float(np.float32(lo))) for t, la, lo in a[::2]]
    bus7 = df.filter(df["traj_id"] == "7").unique(["t"], keep="first")
    assert_exact(bus7, f32, tol_deg=1e-12)  # float32 in the feed, stored as given
    bus9 = df.filter(df["traj_id"] == "9")
    assert bus9["t"].to_list() == [t for t, _, _ in a]  # the header's time


# ---------------------------------------------------------------- OziExplorer .plt (pure Python)


def test_ozi_plt_outside_geolife_is_read_and_other_datums_refused(tmp_path):
    pts = track(20, lat0=-34.9, lon0=-56.16)
    head = ["OziExplorer Track Point File Version 2.1", "WGS 84", "Altitude is in Feet", "Reserved 3",
            "0,2,255,walk,0,0,2,8421376", "20"]  # fmt: skip
    rows = [f"{la:.6f},{lo:.6f},{int(i == 12)},{-777 if i == 3 else 100},{t / 86400 + 25569:.7f},,"
            for i, (t, la, lo) in enumerate(pts)]  # fmt: skip
    (tmp_path / "walk.plt").write_text("\r\n".join(head + rows) + "\r\n")
    assert detect_format(tmp_path / "walk.plt") == "ozi" and detect_format(tmp_path) == "ozi"
    df, rep = read(tmp_path / "walk.plt")
    assert rep.total == 0 and sorted(set(df["traj_id"])) == [
        "walk/0",
        "walk/1",
    ]  # break flag at row 12
    assert_exact(df, [(t, round(la, 6), round(lo, 6)) for t, la, lo in pts])
    assert (
        abs(df.sort("t")["elevation_m"][0] - 30.48) < 1e-9
        and df.sort("t")["elevation_m"][3] is None
    )
    head[1] = "Pulkovo 1942 (1)"
    (tmp_path / "other.plt").write_text("\r\n".join(head + rows) + "\r\n")
    r = invoke("data", "ingest", tmp_path / "other.plt", "--out", tmp_path / "st")
    assert r.exit_code == 2 and "only WGS 84" in r.output and "Traceback" not in r.output
