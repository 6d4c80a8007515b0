"""Two receiver / fleet-server logs written as CSV before the read (`spreadsheet.sheets_as_csv`
through `device_logs.log_files`), each refused with no way on before heldout32 (docs/data.md
"Session 32 (heldout32)"):

- **u-blox UBX** (`.ubx`, u-center / `ubxtool` logs; binary): every checksummed UBX-NAV-PVT
  message (class 0x01, id 0x07; 84 or 92 bytes) is a row: its UTC date + time (+ `nano`), lat /
  lon (1e-7 degrees), height, ground speed, motion heading, fix type, satellites and horizontal
  accuracy (`accuracy_m`, so the accuracy rule applies). Epochs without a fix (fixType 0 / 1 or
  `gnssFixOK` clear) keep their time with empty coordinates: `no_fix`, counted. NMEA text and
  other UBX messages between them are skipped. A log with no NAV-PVT is refused in one line
  naming the message to enable.
- **Wialon WLN** (`.wln`, the Wialon fleet server's message export; no header): one
  `REG;unix_s;LON;LAT;speed;course;ALT:..,hdop:..;in1:..,,SATS:..;;;;` line a message. Longitude comes
  BEFORE latitude (the format's order, read as such: a user renaming columns would swap them).

One file = one device = one trajectory named after the file (a folder of them is a fleet)."""

from __future__ import annotations

import struct
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

from trajlm.data.readers._file_io import head, write_csv
from trajlm.data.schema import TrajlmInputError

_SYNC = b"\xb5\x62"
_PVT = struct.Struct("<IHBBBBBBIiBBBBiiiiIIiiiiiIIH")  # the first 78 bytes of NAV-PVT
_PVT_HEADER = ("t", "lat", "lon", "height_m", "speed_mps", "heading_deg", "fix_type",
               "satellites", "accuracy_m")  # fmt: skip


def is_ubx(path: Path) -> bool:
    """A `.ubx` file, or any file starting with a checksummed UBX message."""
    if path.suffix.lower() == ".ubx":
        return True
    start = head(path, 512)
    return start.startswith(_SYNC) and _message_at(start, 0) is not None


def _message_at(buf: bytes, i: int) -> tuple[int, int, bytes] | None:
    """(class, id, payload) of the checksummed UBX message starting at `buf[i]`, else None."""
    if i + 8 > len(buf):
        return None
    n = int.from_bytes(buf[i + 4 : i + 6], "little")
    end = i + 6 + n
    if end + 2 > len(buf):
        return None
    if buf[end : end + 2] != ubx_checksum(buf[i + 2 : end]):
        return None
    return buf[i + 2], buf[i + 3], buf[i + 6 : end]


def ubx_checksum(body: bytes) -> bytes:
    """The two 8-bit Fletcher sums closing a UBX message over its class, id, length and payload."""
    a = b = 0
    for x in body:
        a = (a + x) & 0xFF
        b = (b + a) & 0xFF
    return bytes([a, b])


def ubx_message(cls: int, mid: int, payload: bytes) -> bytes:
    """A UBX message as a receiver writes it (the reader's inverse: test and study fixtures)."""
    body = bytes([cls, mid]) + len(payload).to_bytes(2, "little") + payload
    return _SYNC + body + ubx_checksum(body)


def _pvt_row(p: bytes) -> list[str]:
    f = _PVT.unpack_from(p)
    (_itow, year, month, day, hour, minute, sec, valid, _tacc, nano, fix, flags, _f2, nsv,
     lon, lat, height, _hmsl, hacc, _vacc, _vn, _ve, _vd, gspeed, head_mot, *_rest) = f  # fmt: skip
    try:
        t = datetime(year, month, day, hour, minute, min(sec, 59), tzinfo=UTC)
        t += timedelta(seconds=sec - min(sec, 59), microseconds=nano / 1000)
        when = t.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except ValueError:  # no date yet (cold start): the row stays, to be counted as no fix
        when = ""
    if valid & 0x03 != 0x03 or fix < 2 or not flags & 0x01:
        # the time not yet valid (validDate / validTime), no fix / dead reckoning only, or
        # gnssFixOK clear: kept without a position, so the read counts it as `no_fix`
        return [when, "", "", "", "", "", str(fix), str(nsv), ""]
    return [when, f"{lat / 1e7:.7f}", f"{lon / 1e7:.7f}", f"{height / 1000:.3f}",
            f"{gspeed / 1000:.3f}", f"{head_mot / 1e5:.2f}", str(fix), str(nsv),
            f"{hacc / 1000:.3f}"]  # fmt: skip


def ubx_as_csv(path: Path, out: Path) -> list[str]:
    """A u-blox UBX log's NAV-PVT epochs as `t,lat,lon,...` rows at `out`; each CSV line's
    message in the log (`NAV-PVT message 3 (byte 412)`, for errors: device_logs.Where)."""
    buf = path.read_bytes()
    rows, i, pvt, where = [], buf.find(_SYNC), 0, ["byte 0"]
    damaged: list[str] = []  # NAV-PVT headers whose message is cut or fails its checksum
    while i >= 0:
        msg = _message_at(buf, i)
        if msg is None:  # NMEA text, a cut message or a stray 0xB5: look further
            if buf[i + 2 : i + 4] == b"\x01\x07" and len(buf) >= i + 6:
                n = int.from_bytes(buf[i + 4 : i + 6], "little")
                if n in (84, 92):  # NAV-PVT's own lengths: a damaged epoch, not a stray 0xB5
                    damaged.append("cut short at the end of the file" if i + 8 + n > len(buf)
                                   else f"failing its checksum at byte {i}")  # fmt: skip
            i = buf.find(_SYNC, i + 1)
            continue
        cls, mid, payload = msg
        if (cls, mid) == (0x01, 0x07) and len(payload) >= _PVT.size:
            pvt += 1
            rows.append(_pvt_row(payload))
            where.append(f"NAV-PVT message {pvt} (byte {i})")
        i = buf.find(_SYNC, i + 8 + len(payload))
    if not pvt and damaged:  # badin33: was "no UBX-NAV-PVT message" of a damaged log
        raise TrajlmInputError(
            f"a u-blox UBX log whose {len(damaged):,} UBX-NAV-PVT message(s) are all damaged "
            f"(first: {damaged[0]}): the file is corrupt or was cut in transfer",
            path=path,
            hint="copy the log from the receiver again",
        )
    if damaged:  # badin33: a cut last epoch was dropped without a word
        warnings.warn(f"{path.name}: {len(damaged):,} UBX-NAV-PVT message(s) skipped, damaged "
                      f"(first: {damaged[0]}); {pvt:,} read", UserWarning, stacklevel=2)  # fmt: skip
    if not pvt:
        raise TrajlmInputError(
            "a u-blox UBX log with no UBX-NAV-PVT message (the one trajlm reads positions and "
            "times from)",
            path=path,
            hint="enable UBX-NAV-PVT on the receiver (u-center: Messages > UBX > NAV > PVT) "
            "and log again, or export the NMEA sentences (u-center: File > Export) and read those",
        )
    if not any(r[1] for r in rows):  # badin33: was "message 1 field lat: latitude is missing"
        raise TrajlmInputError(
            f"a u-blox UBX log whose {pvt:,} UBX-NAV-PVT epoch(s) all have no position fix "
            "(fixType 0 / 1 or gnssFixOK clear: the receiver never locked on)",
            path=path,
            hint="log again with a sky view until the receiver reports a 3D fix",
        )
    _degrees_in_range(rows, where, path)
    write_csv(out, list(_PVT_HEADER), rows)
    return where


def _degrees_in_range(rows: list[list[str]], where: list[str], path: Path) -> None:
    """Refuse a log whose NAV-PVT positions are mostly beyond +-90 / +-180 degrees: fields of
    1e-7 degrees by definition, so damaged records or another message under NAV-PVT's id, never
    projected metres (fix33: the CSV check said "they look projected", and to name a CRS).
    A few such epochs among good ones are left to the rows' own range check (one line each)."""
    fixes = [(k, float(r[1]), float(r[2])) for k, r in enumerate(rows) if r[1]]
    out = [(k, la, lo) for k, la, lo in fixes if abs(la) > 90 or abs(lo) > 180]
    if fixes and len(out) > len(fixes) / 2:
        k, la, lo = out[0]
        raise TrajlmInputError(
            f"{len(out):,} of {len(fixes):,} UBX-NAV-PVT epochs hold a position out of range "
            f"for NAV-PVT's 1e-7-degree fields (first: {where[k + 1]}: lat {la:.7f}, lon "
            f"{lo:.7f}; latitude is within +-90, longitude +-180): the records are damaged or "
            "not NAV-PVT",
            path=path,
            hint="copy the log from the receiver again; check its firmware's UBX protocol",
        )


# -- Wialon WLN -----------------------------------------------------------------------------

_WLN_HEADER = ["t", "lat", "lon", "speed_kmh", "course", "alt_m", "satellites", "hdop"]
_WLN_PARAMS = {"alt": "alt_m", "sats": "satellites", "hdop": "hdop"}


def is_wln(path: Path) -> bool:
    """A `.wln` file, or a text file whose first line is a Wialon `REG;<unix s>;...` message."""
    if path.suffix.lower() == ".wln":
        return True
    line = head(path, 256).split(b"\n", 1)[0]
    parts = line.split(b";")
    return len(parts) >= 4 and parts[0] == b"REG" and parts[1].strip().isdigit()


def wln_as_csv(path: Path, out: Path) -> list[int]:
    """A Wialon `.wln` file's `REG` messages as `t,lat,lon,...` rows at `out` (the file's
    longitude-first order turned round); each CSV line's line in the file (for errors)."""
    rows, lines = [], [1]
    with path.open(encoding="utf-8", errors="replace") as f:
        for k, line in enumerate(f, 1):
            parts = line.strip().split(";")
            if parts[0] == "REG" and not line.endswith("\n") and len(parts) < 6:
                # badin33: a last line cut in the export was dropped (or read) without a word
                warnings.warn(f"{path.name} line {k}: a REG message cut short at the end of "
                              f"the file ({line.strip()[:60]!r}), skipped", UserWarning,
                              stacklevel=2)  # fmt: skip
                continue
            if len(parts) < 4 or parts[0] != "REG":
                continue  # other message kinds (`SMS`, `CMD`), blank lines: not positions
            unix_s, lon, lat = parts[1], parts[2], parts[3]
            params = dict.fromkeys(_WLN_PARAMS.values(), "")
            for kv in ",".join(parts[6:]).split(","):  # `ALT:..` / `SATS:..` in any group
                key, _, value = kv.partition(":")
                if key.strip().lower() in _WLN_PARAMS:
                    params[_WLN_PARAMS[key.strip().lower()]] = value.strip()
            speed = parts[4] if len(parts) > 4 else ""
            course = parts[5] if len(parts) > 5 else ""
            rows.append([unix_s, lat, lon, speed, course, *params.values()])
            lines.append(k)
    if not rows:
        raise TrajlmInputError(
            "a Wialon .wln file with no REG (position) message",
            path=path,
            hint="export the unit's messages again with positions (Wialon: Messages > Data messages)",
        )
    write_csv(out, _WLN_HEADER, rows)
    return lines
