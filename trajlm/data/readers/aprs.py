"""APRS packets as logged text (session 40, heldout40): aprs.fi's raw packets copied out
(`2026-12-05 12:01:05 UTC: OH3ABC-9>APDR16,TCPIP*,qAC,T2FINLAND:=6130.12N/02345.67E>...`), or
an APRS-IS client's log with the time it heard each packet first. Was "missing column(s)"
(read as a CSV of its commas).

Read as a CSV (`time`, `callsign`, `lat`, `lon`, `packet_type`) before the CSV reader:

  * the time is the line's own (when the packet was heard), its zone as written (UTC / Z / an
    offset; none: read as UTC and said, like any naive time);
  * the position is decoded from the packet's information field: uncompressed `DDMM.mmN` /
    `DDDMM.mmE` (ambiguity spaces as 0) after `!`, `=`, or `/` / `@` and their timestamp,
    and the compressed base-91 form (`!/YYYYXXXX...`);
  * other packets (status, telemetry, messages, Mic-E, objects) have no position of their
    station here: rows without one, counted `no_fix` by the reader;
  * the mover is the callsign with its SSID (`OH3ABC-9`: a station's tracker, not its home).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from trajlm.data.readers._file_io import head_lines

# `2026-12-05 12:01:05 UTC: ` / `2026-12-05T12:01:05Z ` then `CALL>DEST[,PATH...]:INFO`
_LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:\s?(?:UTC|GMT|Z|[+-]\d\d:?\d\d))?)"
    r":?\s+(?P<call>[A-Z0-9]{1,7}(?:-[A-Z0-9]{1,2})?)>(?P<path>[^:\s]+):(?P<info>.*)$"
)
_UNCOMPRESSED = re.compile(
    r"(?P<lat>\d\d[\d ]{2}\.[\d ]{2})(?P<ns>[NS]).(?P<lon>\d{3}[\d ]{2}\.[\d ]{2})(?P<ew>[EW])"
)
_COMPRESSED = re.compile(r"[/\\A-Za-j](?P<y>[!-|]{4})(?P<x>[!-|]{4})")
HEAD_BYTES = 8192


def _minutes(text: str, hemi: str, width: int) -> float:
    v = text.replace(" ", "0")
    deg = int(v[:width]) + float(v[width:]) / 60
    return -deg if hemi in "SW" else deg


def _base91(text: str) -> int:
    return sum((ord(c) - 33) * 91 ** (3 - k) for k, c in enumerate(text))


def position(info: str) -> tuple[float, float] | None:
    """(lat, lon) of an APRS information field that reports its station's position, else None."""
    if not info or info[0] not in "!=/@":
        return None
    body = info[1:]
    if info[0] in "/@":  # a 7-character timestamp first: DDHHMMz, DDHHMM/, HHMMSSh
        body = body[7:]
    if m := _UNCOMPRESSED.match(body):
        return _minutes(m["lat"], m["ns"], 2), _minutes(m["lon"], m["ew"], 3)
    if m := _COMPRESSED.match(body):
        lat, lon = 90 - _base91(m["y"]) / 380926, -180 + _base91(m["x"]) / 190463
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return round(lat, 6), round(lon, 6)
    return None


def is_aprs_log(path: Path) -> bool:
    """A text file whose first non-empty lines are timed APRS packets (most of them)."""
    if not path.is_file() or path.suffix.lower() not in (".txt", ".log", ".aprs", ""):
        return False
    lines = head_lines(path, HEAD_BYTES, 30)
    hits = sum(bool(_LINE.match(x)) for x in lines)
    return len(lines) >= 2 and hits >= 0.8 * len(lines)


def aprs_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the packets of the APRS log `path` as a CSV at `out`; the line of `path` each CSV
    line comes from (None: the header). A line that is no timed packet is left out."""
    at: list[int | None] = [None]
    with (
        path.open(encoding="utf-8", errors="replace") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(["time", "callsign", "lat", "lon", "packet_type"])
        for k, line in enumerate(src, start=1):
            m = _LINE.match(line.strip())
            if m is None:
                continue
            pos = position(m["info"])
            lat, lon = pos if pos is not None else ("", "")
            w.writerow([m["time"], m["call"], lat, lon, m["info"][:1]])
            at.append(k)
    return at
