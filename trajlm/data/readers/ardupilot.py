"""ArduPilot DataFlash logs as text (`.log`: Mission Planner's "convert to text", the `.bin`
log written out line by line; session 20). `FMT` lines name each message's columns; the `GPS`
messages carry `GWk` (GPS week) and `GMS` (milliseconds into the week), `Status` (3 and up: a 3D
fix), `Lat` / `Lng` (degrees) and `Alt` (metres). The fixes are streamed into a CSV (`time` in
UTC: GPS time less the leap seconds of its date, `lat`, `lon`, `elevation_m`, `nsats`) read as
any CSV: one trajectory per file (no id column). GPS messages before the fix (Status < 3, or
0 / 0) are counted as `no_fix` by leaving their position empty. A second receiver (`GPS2`,
or `GPS` with an `I` instance column > 0) is not read. Binary `.bin` logs: one line saying to
convert them (mavlogdump.py --format csv, or Mission Planner)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

GPS_EPOCH = 315_964_800  # 1980-01-06 00:00:00 UTC
# GPS - UTC (leap seconds) from each date on (IERS bulletins; none announced after 2017)
_LEAP = ((1483228800, 18), (1435708800, 17), (1341100800, 16), (1230768000, 15))
HEADER = ["time", "lat", "lon", "elevation_m", "nsats"]


def is_ardupilot_text(path: Path) -> bool:
    """A text DataFlash log: `FMT, ` lines at its start, one of them defining `GPS`."""
    if not path.is_file() or path.suffix.lower() not in (".log", ".txt"):
        return False
    try:
        with path.open("rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"FMT,") and b", GPS," in head


def _utc(week: float, ms: float) -> str:
    gps = GPS_EPOCH + week * 604_800 + ms / 1000
    leap = next((s for since, s in _LEAP if gps - s >= since), 0)
    return datetime.fromtimestamp(gps - leap, UTC).isoformat(timespec="milliseconds")


def ardupilot_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the GPS fixes of the text DataFlash log `path` as a CSV at `out`; the line of
    `path` each CSV line comes from (None: the header; errors name it, archives.py)."""
    cols: list[str] | None = None
    at: list[int | None] = [None]
    n = 0
    with (
        path.open(encoding="utf-8", errors="replace", newline="") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(HEADER)
        for k, f in enumerate(csv.reader(src, skipinitialspace=True), start=1):
            if not f:
                continue
            if f[0] == "FMT" and len(f) > 5 and f[3] == "GPS":
                cols = f[5:]
                continue
            if f[0] != "GPS" or cols is None:
                continue
            row = dict(zip(cols, f[1:], strict=False))
            if row.get("I", "0") not in ("0", ""):
                continue  # a second receiver
            try:
                when = _utc(float(row["GWk"]), float(row["GMS"]))
                fix = int(float(row.get("Status", "3"))) >= 3 and (row["Lat"], row["Lng"]) != ("0", "0")  # fmt: skip
            except (KeyError, ValueError) as e:
                raise TrajlmInputError(
                    f"a GPS message without a readable GWk / GMS / Status ({e})", path=path, line=k
                ) from None
            if float(row["GWk"]) == 0:
                continue  # no GPS time yet (before the first fix): not a point in time
            w.writerow([when, row["Lat"] if fix else "", row["Lng"] if fix else "",
                        row.get("Alt", ""), row.get("NSats", "")])  # fmt: skip
            at.append(k)
            n += 1
    if n == 0:
        raise TrajlmInputError(
            "an ArduPilot log without GPS messages that have a GPS week (no fix in the flight, "
            "or a log of another vehicle's sensors only)",
            path=path,
        )
    return at
