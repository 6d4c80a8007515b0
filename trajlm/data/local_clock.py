"""A store's or a frame's local clock, one rule everywhere (session 36, leftover36).

A clock is an IANA zone name (`America/Los_Angeles`: daylight time followed) or a fixed UTC
offset (`+03:30`, `--utc-offset 3.5` at ingest). Polars reads zone names and whole-hour
offsets but no `+03:30`, so a fixed offset that no IANA zone keeps all year (-3.5, +10.5) made
`trajlm eval --holdout-by hour` leave out the local hours and `resplit` say none: a fixed offset
is a valid clock, and its local hours are the UTC time shifted by it (``wall_clock``).
``zones_at`` names the zones that keep an offset all year, canonical names first
(`Asia/Kolkata`, not its old link `Asia/Calcutta`).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import polars as pl

_FIXED = re.compile(r"(?P<sign>[+-])(?P<h>\d{2}):(?P<m>\d{2})")


class OffsetZone(str):
    """The zone a caller's ``utc_offset=H`` was read in (`Etc/GMT-2` for 2): a str, so every
    zone reader takes it, that remembers the hours given, so a refusal says ``utc_offset=2``
    while a caller's own ``tz='Etc/GMT-2'`` is said back as given (leftover35's left item)."""

    hours: float

    def __new__(cls, zone: str, hours: float) -> OffsetZone:
        made = super().__new__(cls, zone)
        made.hours = hours
        return made


def fixed_offset_s(zone: str | None) -> int | None:
    """Seconds ahead of UTC of a fixed offset written `+03:30` / `-03:30`; None for a zone name."""
    m = _FIXED.fullmatch(zone or "")
    if m is None:
        return None
    return (1 if m["sign"] == "+" else -1) * (int(m["h"]) * 3600 + int(m["m"]) * 60)


def offset_text(offset_s: int) -> str:
    """A fixed offset as the clock a store keeps (`+03:30`, `-10:00`)."""
    return f"{'+-'[offset_s < 0]}{abs(offset_s) // 3600:02d}:{abs(offset_s) % 3600 // 60:02d}"


def wall_clock(t: pl.Series, zone: str) -> pl.Series:
    """Datetimes ``t`` (UTC: naive or aware) on the clock ``zone``: converted into an IANA zone
    (aware), or shifted by a fixed offset (`+03:30`; naive: Polars has no such zone). Hours,
    weekdays and dates read off either are local."""
    utc = t.dt.replace_time_zone("UTC") if t.dtype.time_zone is None else t  # type: ignore[union-attr]
    off = fixed_offset_s(zone)
    if off is None:
        return utc.dt.convert_time_zone(zone)
    return utc.dt.replace_time_zone(None).dt.offset_by(f"{off}s")


def known_clock(zone: str) -> bool:
    """Whether ``wall_clock`` reads ``zone``: a fixed offset, or a zone Polars knows."""
    if fixed_offset_s(zone) is not None:
        return True
    try:
        pl.Series([0], dtype=pl.Datetime("us", "UTC")).dt.convert_time_zone(zone)
    except Exception:  # noqa: BLE001 - polars' error names no option
        return False
    return True


@cache
def _canonical() -> frozenset[str]:
    """The zones tzdata lists as zones, not links (`Asia/Kolkata`; `Asia/Calcutta` is a link):
    its `zone1970.tab` / `zone.tab`, from the system or the tzdata package; empty if neither."""
    import zoneinfo

    folders = [Path(p) for p in zoneinfo.TZPATH]
    try:
        import tzdata  # noqa: PLC0415 - optional; Python's own fallback for zone data

        folders.append(Path(tzdata.__file__).parent / "zoneinfo")
    except ImportError:
        pass
    names: set[str] = set()
    for folder in folders:
        for tab in ("zone1970.tab", "zone.tab"):
            if (folder / tab).is_file():
                for line in (folder / tab).read_text(encoding="utf-8").splitlines():
                    if line and not line.startswith("#") and len(cols := line.split("\t")) > 2:
                        names.add(cols[2])
    return frozenset(names)


def zones_at(offset_s: int) -> list[str]:
    """Up to three IANA zones at ``offset_s`` in January and July (no DST either way):
    canonical names first (``_canonical``), then name order. The zones a fixed offset is read
    in where one keeps it (store.store_zone; a frame's refused `utc_offset=5.5` names them)."""
    from zoneinfo import ZoneInfo, available_timezones

    winter, summer = dt.datetime(2025, 1, 15), dt.datetime(2025, 7, 15)
    found = []
    for name in sorted(available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/")):
            continue
        zone = ZoneInfo(name)
        if all(zone.utcoffset(d).total_seconds() == offset_s for d in (winter, summer)):
            found.append(name)
    canonical = _canonical()
    return sorted(found, key=lambda n: n not in canonical)[:3]
