"""The instant a data logger's relative `Time` counts from, read from its key / value preamble
(session 28, heldout27's left item): a MoTeC i2 CSV export writes `"Log Date","13/03/2026"` and
`"Log Time","10:00:00"` above its header, and its `Time` column counts seconds from there; the
user typed them into `--time-origin` by hand. The logger's clock has no zone: read in `--tz` /
`--utc-offset` when given, else as UTC and said. A date whose day and month cannot be told apart
(both 12 or under) is refused in one line giving both origins."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

_KEYS = {"log date": "date", "log time": "time", "date": "date", "time": "time"}
_BEFORE_1990_S = 631_152_000


def _preamble(path: Path) -> dict[str, str]:
    """{"date" / "time": value} of the key / value lines above a CSV's header (none: {})."""
    from trajlm.data.readers._lines import COMMENT_LINES, comment_lines

    with path.open("rb") as f:
        lines = [f.readline(1 << 16) for _ in range(COMMENT_LINES + 1)]
    out: dict[str, str] = {}
    for line in lines[: comment_lines(lines)]:
        text = line.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
        fields = next(csv.reader([text]), []) if text else []
        if len(fields) >= 2 and (key := _KEYS.get(fields[0].strip().lower())):
            out.setdefault(key, fields[1].strip())
    return out


def _relative(values: list | None) -> bool:
    """Whether a time column's first values are seconds counted from 0 (before 1990 as Unix)."""
    given = [str(v).strip() for v in (values or [])[:50] if v not in (None, "")]
    nums = [float(v) for v in given if re.fullmatch(r"[-+]?\d+(?:\.\d*)?", v)]
    # (a units row under the header, `s`, is no time: MoTeC writes one)
    return len(nums) >= max(1, len(given) - 2) and 0 <= min(nums) and max(nums) < _BEFORE_1990_S


def _dates(text: str) -> list[tuple[int, int, int]]:
    """(year, month, day) readings of a preamble date: ISO, or d/m/y read both ways where it may be."""
    if m := re.fullmatch(r"(\d{4})-(\d\d?)-(\d\d?)", text):
        return [(int(m[1]), int(m[2]), int(m[3]))]
    m = re.fullmatch(r"(\d\d?)[/.\-](\d\d?)[/.\-](\d{4})", text)
    if m is None:
        return []
    a, b, y = int(m[1]), int(m[2]), int(m[3])
    return [r for r in ((y, b, a), (y, a, b)) if 1 <= r[1] <= 12 and 1 <= r[2] <= 31][
        : 1 if a == b else 2
    ]


def preamble_origin(
    path: Path, values: Callable[[], list | None], tz: str | None, utc_offset_s: int
) -> tuple[str, str] | None:
    """(time origin as ISO 8601 with its offset, the line that says so) for a CSV whose preamble
    holds a log date and time and whose time column (`values()`: its first values) counts
    seconds from 0; None otherwise. Refused in one line where day and month cannot be told apart."""
    if not path.is_file() or path.suffix.lower() in (".gz", ".zip"):
        return None
    pre = _preamble(path)
    clock = re.fullmatch(r"(\d\d?):(\d\d)(?::(\d\d))?", pre.get("time", ""))
    days = _dates(pre.get("date", ""))
    if not ({"date", "time"} <= set(pre)) or not _relative(values()):
        return None
    said = f"{pre['date']} {pre['time']}"
    try:
        if clock is None or not days:
            raise ValueError("not a date and a time of day")
        times = [datetime(y, mo, d, int(clock[1]), int(clock[2]), int(clock[3] or 0))
                 for y, mo, d in days]  # fmt: skip
    except ValueError as e:  # 31/02, 25:00, 13/13 or empty: was "day is out of range for month"
        raise TrajlmInputError(  # with no file, or the generic before-1990 line (badin28)
            f"'Time' counts seconds from the preamble's log date and time ({said!r}), which "
            f"are no instant ({e})",
            path=path,
            hint="correct the Log Date / Log Time lines (dd/mm/yyyy or yyyy-mm-dd, hh:mm:ss), "
            "or give --time-origin 2026-03-13T10:00:00Z",
        ) from None
    zone = _zone(tz, utc_offset_s)
    iso = [_with_zone(t, tz, zone) for t in times]
    if len(iso) > 1:
        raise TrajlmInputError(
            f"'Time' counts seconds from the preamble's log date and time ({said}), and "
            "its day and month cannot be told apart",
            path=path,
            hint=f"give --time-origin {iso[0]} (day first) or --time-origin {iso[1]} (month first)",
        )
    where = f"in {tz}" if tz else f"at UTC{zone}" if utc_offset_s else "as UTC (no zone given: --tz NAME reads it in the logger's zone)"  # fmt: skip
    return iso[0], f"times counted from the preamble's log date and time ({said}), read {where}"


def _zone(tz: str | None, utc_offset_s: int) -> str:
    sign, off = ("-" if utc_offset_s < 0 else "+"), abs(utc_offset_s)
    return "Z" if not utc_offset_s else f"{sign}{off // 3600:02d}:{off % 3600 // 60:02d}"


def _with_zone(t: datetime, tz: str | None, zone: str) -> str:
    if tz:
        from zoneinfo import ZoneInfo

        return t.replace(tzinfo=ZoneInfo(tz)).isoformat()
    if zone == "Z":
        return t.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
    sign = -1 if zone[0] == "-" else 1
    off = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])) * sign
    return t.replace(tzinfo=timezone(off)).isoformat()


def title_zone(path: Path) -> tuple[str, object] | None:
    """(the line, its HeaderZone) of a title line above a CSV's header that ends in a zone in
    parentheses: a fleet portal's report says its clock once, above the table (Verizon
    Connect's "Date Range: 11/02/2026 12:00 AM - 11/03/2026 11:59 PM (CST)"; heldout35: its
    naive times were read as UTC, 6 h off, with only the usual note). None: no such line."""
    from trajlm.data.readers._lines import COMMENT_LINES, comment_lines
    from trajlm.data.zone_names import header_zone

    try:
        with path.open("rb") as f:
            lines = [f.readline(1 << 16) for _ in range(COMMENT_LINES + 1)]
    except OSError:
        return None
    for line in lines[: comment_lines(lines)]:
        text = line.decode("utf-8", errors="replace").lstrip("\ufeff").strip().strip(",")
        hz = header_zone(text.strip('"')) if text.endswith(")") else None
        if hz is not None:
            return text, hz
    return None
