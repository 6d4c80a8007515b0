"""Flight telemetry files written as CSV before the read (`spreadsheet.sheets_as_csv`
through `device_logs.log_files`), each refused with no way on before heldout33 (docs/data.md
"Session 33 (heldout33)"):

- **MAVLink telemetry logs** (`.tlog`, QGroundControl / Mission Planner; binary): each record is
  an 8-byte big-endian Unix time in microseconds (the ground station's clock) and a MAVLink v1 /
  v2 packet. GLOBAL_POSITION_INT (lat / lon 1e-7 degrees) is a row at the record's time; a log
  without it is read from GPS_RAW_INT. 0 / 0 before the GPS fix (GPS_RAW_INT: `fix_type` < 2)
  keeps its time with empty coordinates: `no_fix`, counted. Packets whose checksum fails are
  skipped and counted in one warning. Several vehicles on one link (`sysid`) are movers of
  their own (`vehicle_id`).
- **Tacview ACMI** (`.acmi`, text or Tacview's zipped default): `#seconds` frames after
  `ReferenceTime`, object lines `id,T=lon|lat|alt|...` whose lon / lat are OFFSETS from
  `ReferenceLongitude` / `ReferenceLatitude` and whose empty fields keep the last value; one
  mover per object (`object_id`, `name` from Pilot / Name), `-id` ends it.
- **CZML** (`.czml`, Cesium): czml.py (moved out by leftover34, which reads its ECEF positions).
"""

from __future__ import annotations

import io
import math
import struct
import warnings
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from trajlm.data.readers._file_io import head, write_csv
from trajlm.data.schema import TrajlmInputError

# CRC_EXTRA of the MAVLink messages read or written here (each message definition's seed)
_CRC_EXTRA = {0: 50, 2: 137, 24: 24, 30: 39, 33: 104}
_GLOBAL_POSITION_INT, _GPS_RAW_INT = 33, 24
_TLOG_HEADER = ["time", "vehicle_id", "lat", "lon", "alt_m", "speed_mps", "heading_deg"]


def x25_crc(data: bytes, crc: int = 0xFFFF) -> int:
    """MAVLink's CRC-16/MCRF4XX over `data`, from `crc`."""
    for b in data:
        tmp = b ^ (crc & 0xFF)
        tmp = (tmp ^ (tmp << 4)) & 0xFF
        crc = ((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xFFFF
    return crc


def mavlink_packet(
    msgid: int, payload: bytes, seq: int = 0, sysid: int = 1, compid: int = 1
) -> bytes:
    """A MAVLink v2 packet as an autopilot sends it, trailing zero bytes of the payload cut (the
    reader's inverse: test and study fixtures)."""
    body = payload.rstrip(b"\x00") or payload[:1]
    header = bytes([len(body), 0, 0, seq & 0xFF, sysid, compid]) + msgid.to_bytes(3, "little")
    crc = x25_crc(bytes([_CRC_EXTRA[msgid]]), x25_crc(header + body))
    return b"\xfd" + header + body + crc.to_bytes(2, "little")


def _stamp_ok(buf: bytes, i: int) -> bool:
    """Whether `buf[i:i+8]` is a tlog time (2000-2100) followed by a MAVLink start byte."""
    if i + 9 > len(buf) or buf[i + 8] not in (0xFD, 0xFE):
        return False
    us = int.from_bytes(buf[i : i + 8], "big")
    return 946_684_800_000_000 <= us < 4_102_444_800_000_000


def is_tlog(path: Path) -> bool:
    """A `.tlog` file, or any file starting with a tlog record."""
    return path.is_file() and (path.suffix.lower() == ".tlog" or _stamp_ok(head(path, 16), 0))


def _packets(buf: bytes) -> tuple[list[tuple[int, int, int, bytes]], int]:
    """(µs, sysid, msgid, payload zero-padded) of each tlog record, and how many were skipped
    (checksum failed, cut short, or bytes between records: resynchronised at the next record)."""
    out, bad, i = [], 0, 0
    while i + 9 <= len(buf):
        if not _stamp_ok(buf, i):
            bad, i = bad + 1, _resync(buf, i + 1)
            continue
        us, p = int.from_bytes(buf[i : i + 8], "big"), i + 8
        if buf[p] == 0xFD:  # v2: len, incompat, compat, seq, sys, comp, msgid (3)
            n, signed = buf[p + 1], buf[p + 2] & 0x01 if p + 2 < len(buf) else 0
            hdr, msgid, sysid, end = buf[p + 1 : p + 10], None, None, p + 10 + n + 2
            if end <= len(buf):
                msgid, sysid = int.from_bytes(buf[p + 7 : p + 10], "little"), buf[p + 5]
        else:  # v1: len, seq, sys, comp, msgid
            n, signed = buf[p + 1], 0
            hdr, msgid, sysid, end = buf[p + 1 : p + 6], None, None, p + 6 + n + 2
            if end <= len(buf):
                msgid, sysid = buf[p + 5], buf[p + 3]
        if msgid is None:  # cut short: the log ends mid-packet
            bad += 1
            break
        body = buf[end - 2 - n : end - 2]
        extra = _CRC_EXTRA.get(msgid)
        if extra is not None:
            crc = x25_crc(bytes([extra]), x25_crc(hdr + body))
            if crc != int.from_bytes(buf[end - 2 : end], "little"):
                bad, i = bad + 1, _resync(buf, i + 1)
                continue
            out.append((us, sysid, msgid, body.ljust(40, b"\x00")))
        i = end + (13 if signed else 0)
    return out, bad


def _resync(buf: bytes, i: int) -> int:
    while i + 9 <= len(buf) and not _stamp_ok(buf, i):
        i += 1
    return i


def tlog_as_csv(path: Path, out: Path) -> list[str]:
    """A `.tlog`'s positions as `time,vehicle_id,lat,lon,...` rows at `out`; each CSV line's
    record in the log (`GLOBAL_POSITION_INT record 12`, for errors: device_logs.Where)."""
    buf = path.read_bytes()
    if not buf:  # badin33b: was "no GLOBAL_POSITION_INT or GPS_RAW_INT message"
        raise TrajlmInputError("the file is empty (0 bytes); was it copied or downloaded whole?",
                               path=path)  # fmt: skip
    packets, bad = _packets(buf)
    msg = _GLOBAL_POSITION_INT
    if not any(m == msg for _, _, m, _ in packets):
        msg = _GPS_RAW_INT
    rows: list[list[object]] = []
    where = ["header"]
    systems = sorted({s for _, s, m, _ in packets if m == msg})
    for k, (us, sysid, m, p) in enumerate(packets):
        if m != msg:
            continue
        t = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
        when = t.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if m == _GLOBAL_POSITION_INT:
            _boot, lat, lon, alt, _rel, vx, vy, _vz, hdg = struct.unpack_from("<IiiiihhhH", p)
            fix = bool(lat or lon)
            speed, heading = math.hypot(vx, vy) / 100, "" if hdg == 65535 else hdg / 100
        else:
            _us, lat, lon, alt, _eph, _epv, vel, cog, fix_type, _sats = struct.unpack_from(
                "<QiiiHHHHBB", p
            )
            fix = fix_type >= 2 and bool(lat or lon)
            speed = "" if vel == 65535 else vel / 100
            heading = "" if cog == 65535 else cog / 100
        vehicle = path.stem if len(systems) == 1 else f"{path.stem} sysid {sysid}"
        if fix:  # 0 / 0 before the fix: the time kept without a position (`no_fix`, counted)
            rows.append([when, vehicle, lat / 1e7, lon / 1e7, alt / 1000, speed, heading])
        else:
            rows.append([when, vehicle, "", "", "", "", ""])
        where.append(f"{'GLOBAL_POSITION_INT' if m == msg == 33 else 'GPS_RAW_INT'} record {k + 1}")
    if not rows:
        raise TrajlmInputError(
            "a MAVLink telemetry log (.tlog) with no GLOBAL_POSITION_INT or GPS_RAW_INT message"
            # badin33b: records timed in 1970 were skipped unsaid behind this line
            + (
                f" ({bad:,} stretch(es) skipped: a checksum that fails, a record cut short, or "
                "bytes that are no record: a tlog record starts with its time in microseconds "
                "(2000-2100), big-endian)"
                if bad
                else ""
            ),
            path=path,
            hint="the ground station logs what the vehicle streams: enable the POSITION stream "
            "(ArduPilot SRx_POSITION, PX4 mavlink stream), or export the flight's DataFlash / "
            "ULog file",
        )
    if bad:
        warnings.warn(
            f"{path.name}: {bad:,} MAVLink record(s) skipped (checksum failed or cut short)",
            stacklevel=2,
        )
    write_csv(out, _TLOG_HEADER, rows)
    return where


# -- Tacview ACMI ----------------------------------------------------------------------------


def is_acmi(path: Path) -> bool:
    """A Tacview `.acmi` file (text, or zipped: Tacview's default)."""
    if not path.is_file():
        return False
    start = head(path, 64)
    if start.startswith(b"PK"):
        return path.suffix.lower() == ".acmi"
    return b"FileType=text/acmi/tacview" in start


def _acmi_text(path: Path) -> str:
    if head(path, 2) != b"PK":
        return path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        with zipfile.ZipFile(path) as z:
            name = z.namelist()[0]
            return io.TextIOWrapper(z.open(name), encoding="utf-8-sig").read()
    except (zipfile.BadZipFile, IndexError, OSError) as e:
        raise TrajlmInputError(
            f"a zipped Tacview file that does not open ({e or type(e).__name__})", path=path
        ) from None


def _acmi_fields(line: str) -> list[str]:
    """An object line split at its unescaped commas (`\\,` is a comma inside a value)."""
    out, cur, esc = [], [], False
    for ch in line:
        if esc:
            cur.append(ch)
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == ",":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def acmi_as_csv(path: Path, out: Path) -> list[int]:
    """A Tacview recording's object positions as `time,object_id,name,lat,lon,alt_m` rows at
    `out`; each CSV line's line in the (unzipped) file (for errors)."""
    ref_t: datetime | None = None
    ref_lon = ref_lat = 0.0
    now = 0.0
    last: dict[str, list[str]] = {}  # object id -> its last lon, lat, alt as written
    names: dict[str, str] = {}
    rows: list[list[object]] = []
    where, pending, start = [1], "", 0
    for k, raw in enumerate(_acmi_text(path).splitlines(), 1):
        if raw.endswith("\\"):  # a value continued on the next line
            pending, start = pending + raw[:-1] + "\n", start or k
            continue
        line, at = (pending + raw).strip(), start or k
        pending, start = "", 0
        if not line or line.startswith("//") or line.startswith("File"):
            continue
        if line.startswith("#"):
            try:
                now = float(line[1:])
            except ValueError:
                raise TrajlmInputError(
                    f"a Tacview frame line {line[:30]!r} is not #<seconds>", path=path, line=at
                ) from None
            continue
        if line.startswith("-"):
            continue
        oid, *props = _acmi_fields(line)
        values = dict(p.split("=", 1) for p in props if "=" in p)
        if oid == "0":
            if "ReferenceTime" in values:
                ref_t = iso_datetime(path, at, values["ReferenceTime"])
            ref_lon = float(values.get("ReferenceLongitude", ref_lon))
            ref_lat = float(values.get("ReferenceLatitude", ref_lat))
            continue
        if values.get("Pilot") or values.get("Name"):
            names[oid] = " ".join(v for v in (values.get("Pilot"), values.get("Name")) if v)
        if "T" not in values:
            continue
        parts = values["T"].split("|")
        if len(parts) < 3:  # badin33b: a line cut inside T= was an IndexError
            raise TrajlmInputError(
                f"Tacview position T={values['T']!r} holds {len(parts)} field(s), not "
                "lon|lat|alt (a line cut short?)",
                path=path,
                line=at,
            )
        prev = last.get(oid, ["", "", ""])
        pos = [v if v != "" else prev[j] for j, v in enumerate(parts[:3])]
        last[oid] = pos
        if ref_t is None:
            raise TrajlmInputError(
                "a Tacview file with positions before its 0,ReferenceTime= line",
                path=path,
                line=at,
            )
        if pos[0] == "" or pos[1] == "":
            continue  # no position yet
        t = ref_t + timedelta(seconds=now)
        try:
            lon, lat = ref_lon + float(pos[0]), ref_lat + float(pos[1])
        except ValueError:
            raise TrajlmInputError(
                f"Tacview position T={values['T']!r} is not lon|lat|alt numbers",
                path=path,
                line=at,
            ) from None
        rows.append([t.isoformat(timespec="milliseconds").replace("+00:00", "Z"), oid,
                     names.get(oid, ""), f"{lat:.7f}", f"{lon:.7f}", pos[2]])  # fmt: skip
        where.append(at)
    if not rows:
        raise TrajlmInputError("a Tacview file with no object position (T=)", path=path)
    write_csv(out, ["time", "object_id", "name", "lat", "lon", "alt_m"], rows)
    return where


def iso_datetime(path: Path, line: int | None, text: str) -> datetime:
    """An ISO 8601 date-time (UTC where it names no zone); one line naming `path` / `line` if not
    one (Tacview's ReferenceTime, CZML's epochs and sample times)."""
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise TrajlmInputError(
            f"time {text!r} is not an ISO 8601 date-time", path=path, line=line
        ) from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)
