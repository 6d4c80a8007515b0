"""Time columns read in a zone, from a CSV / Parquet header and a sample of its values: a zone
named in the header (`Time (America/Los_Angeles)`), a local time beside the column naming its
zone (Movebank's `study-local-timestamp` + `study-timezone`), and the columns that name zones.

Split from _time_columns.py by review38b (which re-exports every public name here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_ZONED_NAME = re.compile(r"(?P<name>.+?)\s*[(\[](?P<zone>[A-Za-z]+(?:/[A-Za-z0-9_+\-]+)+)[)\]]")


def zoned_time_column(have: list[str]) -> tuple[str, str] | None:
    """(column, IANA zone) of the one time column whose header names its zone, as fleet
    reports write it (Samsara's `Time (America/Los_Angeles)`, `Date [Europe/Paris]`; session
    19); None when there is none or several, or the zone is unknown."""
    from zoneinfo import ZoneInfo

    from trajlm.data.column_names import TIME, normalised

    found = []
    for c in have:
        m = _ZONED_NAME.fullmatch(c.strip())
        if m and any(normalised(m["name"]) in tier for tier in TIME):
            try:
                ZoneInfo(m["zone"])
            except (KeyError, ValueError):
                continue
            found.append((c, m["zone"]))
    return found[0] if len(found) == 1 else None


def unknown_zone(column: str) -> str | None:
    """The zone a time column's header names (`Time (Mars/Olympus)`) when Python's zone
    database does not know it, else None (badin19: such a column named by hand was read as
    UTC without a word)."""
    from zoneinfo import ZoneInfo

    m = _ZONED_NAME.fullmatch(column.strip())
    if m is None:
        return None
    try:
        ZoneInfo(m["zone"])
    except (KeyError, ValueError):
        return m["zone"]
    return None


# naive local times beside a column naming their zone (session 25, newuser25: a phone study's
# `local_time` + `tz` export was refused, "closest: t -> 'tz'")
LOCAL_TIME_NAMES = ("study_local_timestamp", "local_time", "local_timestamp", "time_local",
                "local_datetime", "datetime_local", "localtime", "local_date_time")  # fmt: skip
ZONE_NAMES = ("study_timezone", "tz", "timezone", "time_zone", "tz_name", "timezone_name",
               "tzid", "tz_id", "zone_name", "iana_timezone", "local_timezone")  # fmt: skip


def lone_local_time(have: list[str]) -> str | None:
    """The one column named as a local clock time (`local_time`, `time_local`, `datetime_local`,
    ...) in a table with no time column of column_names.TIME's names and no column naming a
    zone: its time column (newuser28: a travel survey's `local_time` was refused, "closest: t ->
    'local_time'"). Its zone is unknown: read as UTC unless tz= / --tz gives it, and the
    caller says so (local_time_note)."""
    from trajlm.data.column_names import TIME, normalised

    names = [normalised(c) for c in have]
    if any(n in tier for tier in TIME for n in names) or any(n in ZONE_NAMES for n in names):
        return None
    local = [c for c, n in zip(have, names, strict=True) if n in LOCAL_TIME_NAMES]
    return local[0] if len(local) == 1 else None


def is_local_time_name(column: str) -> bool:
    """True when ``column`` is named as a local clock time (`local_time`, `Time Local`)."""
    from trajlm.data.column_names import normalised

    return normalised(str(column)) in LOCAL_TIME_NAMES


def local_time_note(column: str, give: str) -> str:
    """What reading a column named as local clock times without a zone means, and how to give
    the zone (``give``: `--tz NAME` on the CLI, `tz='Area/City'` in Python)."""
    return (
        f"times in {column!r} are named as local clock times and carry no zone: read as UTC "
        "(durations stay right; hours of day are off by the zone's UTC offset, and an hour "
        f"repeats where daylight time ends): {give} reads them in their zone"
    )


def study_local_time(path: Path, format: str, sep: str, have: list[str]) -> tuple[str, str] | None:
    """(column, zone) for naive local times when the table has no UTC time but a column naming
    their zone with one IANA zone in every row: Movebank's `study-local-timestamp` +
    `study-timezone` (`America/Sao_Paulo`; session 19), a phone study's `local_time` + `tz`
    (`Europe/Berlin`; session 25). None otherwise: several zones (each row would need its own),
    a name Python's zone database does not know (Movebank also writes "Australian Eastern
    Daylight Time"), or not exactly one such pair of columns."""
    from zoneinfo import ZoneInfo

    from trajlm.data.column_names import normalised

    local = [c for c in have if normalised(c) in LOCAL_TIME_NAMES]
    named = [c for c in have if normalised(c) in ZONE_NAMES]
    if len(local) != 1 or len(named) != 1:
        return None
    zones = {str(v).strip() for v in _zone_values(path, format, sep, named[0]) or []}
    if len(zones) != 1:
        return None
    zone = zones.pop()
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError):
        return None
    return local[0], zone


def frame_local_time(df: Any, names: tuple) -> tuple[str, str] | None:
    """``study_local_time`` for a frame (Polars) with no time column of the usual names
    (``names``: column_names.TIME's tiers): (local time column, its one zone), as ingest reads
    the file (session 25: `trajlm predict` of a phone study's CSV was refused)."""
    from zoneinfo import ZoneInfo

    from trajlm.data.column_names import normalised

    have = [str(c) for c in df.columns]
    if any(normalised(c) in tier for tier in names for c in have):
        return None
    local = [c for c in have if normalised(c) in LOCAL_TIME_NAMES]
    named = [c for c in have if normalised(c) in ZONE_NAMES]
    if len(local) != 1 or len(named) != 1:
        return None
    zones = df[named[0]].drop_nulls().cast(str).str.strip_chars().unique().to_list()
    if len(zones) != 1:
        return None
    try:
        ZoneInfo(zones[0])
    except (KeyError, ValueError):
        return None
    return local[0], zones[0]


def _zone_values(path: Path, format: str, sep: str, column: str) -> list | None:
    """The distinct values of `column` over the whole file (a zone that changes after the
    first rows would otherwise read later rows on the wrong clock); None when unreadable."""
    import polars as pl

    if not path.is_file() or path.suffix.lower() in (".zip", ".gz"):
        return None
    try:
        lf = (pl.scan_parquet(path) if format == "parquet"
              else pl.scan_csv(path, separator=sep, infer_schema=False))  # fmt: skip
        return lf.select(pl.col(column).drop_nulls().unique().head(2)).collect()[column].to_list()
    except Exception:  # the reader says what is wrong with the file
        return None


ZONE_COLUMNS = ("time_zone", "timezone", "tz", "zone", "tz_name", "time_zone_name", "utc_offset",
                "tz_offset", "local_time_zone", "timezone_name")  # fmt: skip
