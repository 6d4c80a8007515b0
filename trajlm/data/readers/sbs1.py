"""SBS-1 BaseStation lines (dump1090 / readsb port 30003; session 20): headerless CSV, 22 fields
a line, `MSG,<type>,<session>,<aircraft>,<hex ident>,<flight>,<date gen>,<time gen>,<date log>,
<time log>,<callsign>,<altitude>,<ground speed>,<track>,<lat>,<lon>,<vertical rate>,<squawk>,
<alert>,<emergency>,<spi>,<on ground>`. The lines with a position (transmission types 2 and 3:
surface and airborne position) are written, streamed, as a CSV with a header (`icao24`, `time` =
the generated date and time, `lat`, `lon`, `altitude_ft`, `callsign`) and read as any CSV:
one trajectory per aircraft (ICAO 24-bit address). dump1090 writes the receiver's clock without a
zone: read as UTC with the note naming --tz, as every naive time. Other lines (identification,
velocity, `SEL` / `ID` / `AIR` / `STA` / `CLK`) hold no position and are not read."""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

_LINE = re.compile(rb"^(MSG,[1-8]|SEL,|ID,|AIR,|STA,|CLK,)")
_SUFFIXES = (".csv", ".txt", ".sbs", ".sbs1", ".basestation", ".log", "")
HEADER = ["icao24", "time", "lat", "lon", "altitude_ft", "callsign", "transmission_type"]


def is_sbs1(path: Path) -> bool:
    """A file whose first non-blank line is a BaseStation message (no header)."""
    if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
        return False
    try:
        with path.open("rb") as f:
            for raw in f:
                if raw.strip():
                    return bool(_LINE.match(raw.lstrip(b"\xef\xbb\xbf"))) and raw.count(b",") >= 15
    except OSError:
        return False
    return False


def sbs1_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the position messages of the BaseStation file `path` as a CSV at `out`; the line
    of `path` each CSV line comes from (None: the header; errors name it, archives.py)."""
    n = cut = 0
    at: list[int | None] = [None]
    with (
        path.open(encoding="utf-8", errors="replace", newline="") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(HEADER)
        for f in (r := csv.reader(src)):
            if f and f[0] == "MSG" and len(f) < 16:  # a line cut short (a dropped connection)
                cut += 1
                continue
            if len(f) < 16 or f[0] != "MSG" or f[1].strip() not in ("2", "3"):
                continue
            if not (f[14].strip() and f[15].strip()):
                continue  # a position message without a position (CPR not yet decoded)
            when = f"{f[6].strip().replace('/', '-')}T{f[7].strip()}"
            w.writerow([f[4].strip().upper(), when, f[14].strip(), f[15].strip(), f[11].strip(),
                        f[10].strip(), f[1].strip()])  # fmt: skip
            at.append(r.line_num)
            n += 1
    if cut:  # was skipped without a word (badin20)
        warnings.warn(
            f"{path.name}: {cut} MSG line(s) cut short (fewer than 16 of 22 fields) skipped",
            stacklevel=2,
        )
    if n == 0:
        raise TrajlmInputError(
            "SBS-1 BaseStation messages, but no position message (MSG,2 / MSG,3 with a latitude "
            "and longitude): no trajectory to read",
            path=path,
        )
    return at
