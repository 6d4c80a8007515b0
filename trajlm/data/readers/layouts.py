"""Layouts recognised from a CSV / Parquet header alone (used by ``resolve_columns``).

- A named column mapping whose own columns the file has, all of them: the Liverpool bus feed,
  HURDAT hurricanes, trackintel exports, GeoLife's `;` sample, the Danish AIS archive. A file laid out like a known
  data set is read like it (its time format, labels, historical time range), not guessed
  column by column. Mappings whose names are generic (`tid`, `time`, `lat`, `lon`, `label`:
  the MAT animals and vehicles, whose `time` is elapsed hours or seconds) are never matched
  from a header; they stay ``--columns NAME``.
- Time split over year / month / day (and hour / minute / second) columns, when the file has
  no column of that field's recognised names: records tabulated by date (best tracks, daily
  drift buoys) predate GPS, so the 1990 floor for GPS fixes does not apply to them.
"""

from __future__ import annotations

from trajlm.data.readers._common import T_PARTS, ColumnMap
from trajlm.data.readers.tabular import HISTORICAL_MIN_T, PRESETS

# mappings matched from a header; each has at least one column name no other layout uses
AUTO_PRESETS = ("liverpool_bus", "hurricanes", "trackintel", "geolife_small", "dma_ais")
# recognised names of each time part (lower case)
_PART_NAMES = {
    "year": ("year", "yr", "yyyy"),
    "month": ("month", "mon", "mm"),
    "day": ("day", "dd", "day_of_month"),
    "hour": ("hour", "hr", "hh", "hour_utc"),
    "minute": ("minute", "min", "mi"),
    "second": ("second", "sec", "ss"),
}


def _columns_of(cm: ColumnMap) -> set[str]:
    """Every column a mapping reads."""
    names = {cm.lat, cm.lon, *cm.extra.values(), *cm.t_parts.values()}
    if cm.traj_id is not None:
        names.add(cm.traj_id)
    if not cm.t_parts:
        names.add(cm.t)
    return names


def matching_preset(have: list[str], sep: str) -> str | None:
    """The named mapping whose columns are all in the header ``have`` (read with ``sep``)."""
    present = set(have)
    for name in AUTO_PRESETS:
        cm = PRESETS[name]
        if cm.sep == sep and _columns_of(cm) <= present:
            return name
    return None


def date_part_columns(have: list[str]) -> dict[str, str] | None:
    """{part: column} when the header has year, month and day columns (plus any of hour,
    minute, second), matched case-insensitively; None otherwise."""
    lower = {h.strip().lower(): h for h in have}
    parts = {}
    for part in T_PARTS:
        found = [lower[n] for n in _PART_NAMES[part] if n in lower]
        if found:
            parts[part] = found[0]
    return parts if {"year", "month", "day"} <= set(parts) else None


def with_date_parts(cm: ColumnMap, parts: dict[str, str]) -> ColumnMap:
    """``cm`` reading its time from ``parts``, with the historical time floor."""
    import dataclasses

    return dataclasses.replace(cm, t_parts=parts, min_t=HISTORICAL_MIN_T)
