"""Layouts recognised from a CSV / Parquet header alone (used by ``resolve_columns``).

- A named column mapping whose own columns the file has, all of them: the Liverpool bus feed,
  HURDAT hurricanes, trackintel exports, GeoLife's `;` sample, the Danish AIS archive. A file laid out like a known
  data set is read like it (its time format, labels, historical time range), not guessed
  column by column. Mappings whose names are generic (`tid`, `time`, `lat`, `lon`, `label`:
  the MAT animals and vehicles, whose `time` is elapsed hours or seconds) are never matched
  from a header; they stay ``--columns NAME``.
- A guessed trajectory id that is unique on every sampled row (Traccar's `id`: a row key) gives
  way to an id name of a lower tier (`deviceid`), or is refused naming --traj-col (session 15).
- Time split over year / month / day (and hour / minute / second) columns, when the file has
  no column of that field's recognised names: records tabulated by date (best tracks, daily
  drift buoys) predate GPS, so the 1990 floor for GPS fixes does not apply to them.

Which column tells a file's tracks apart (a row key, several tracks in one file, nested ids):
_track_ids.py (review39b), re-exported here.

Time columns read from a header and its values (epoch units, Date + Time, offsets, zones):
_time_columns.py (session 21), re-exported here.
"""

from __future__ import annotations

import re
from pathlib import Path

from trajlm.data.column_names import UTM_ZONE_NAMES
from trajlm.data.readers._common import T_PARTS, ColumnMap
from trajlm.data.readers._grid_names import named_grid
from trajlm.data.readers._headers import id_sample  # noqa: F401  (re-exported: _column_values)
from trajlm.data.readers._row_zones import (  # noqa: F401 (re-exported: detect)
    zone_beside_given,
    zone_per_row,
)
from trajlm.data.readers._time_columns import (  # noqa: F401  (re-exported: detect, coerce_*)
    BY_SIZE,
    date_column_for,
    epoch_by_size,
    epoch_unit_column,
    lone_local_time,
    offset_column_for,
    study_local_time,
    unknown_zone,
    zoned_time_column,
)
from trajlm.data.readers._track_ids import (  # noqa: F401  (re-exported: detect, _column_steps, coerce)
    MIN_BLOCK_ROWS,
    ROW_KEY,
    ROW_KEY_MIN_ROWS,
    nested_id,
    nested_parent,
    row_key_fallback,
    row_key_read_as_id,
    sample_rows,
    several_tracks,
)
from trajlm.data.readers.tabular import HISTORICAL_MIN_T, PRESETS

# mappings matched from a header; each has at least one column name no other layout uses
AUTO_PRESETS = ("liverpool_bus", "hurricanes", "trackintel", "geolife_small", "dma_ais",
                "dji_flightrecord")  # fmt: skip
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
        names.update(cm.time_columns())
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


_CRS_NAMES = ("epsg", "epsg_code", "srid", "crs", "srs", "coordinate_system")
_EAST = ("east", "easting", "e", "x", "rechtswert", "x_coord", "utm_e", "utm_easting")
NORTH_NAMES = ("north", "northing", "n", "y", "hochwert", "y_coord", "utm_n", "utm_northing")


def declared_crs(path: Path, format: str, sep: str, have: list[str]) -> dict[str, str] | None:
    """A CSV whose rows say their CRS in a column (`epsg` = 25832 on every sampled row, the
    same code): {"crs": "EPSG:25832"} plus "lat" / "lon" for its northing / easting columns
    (east / north, easting / northing, x / y, Rechtswert / Hochwert) when found; else None."""
    from trajlm.data.column_names import normalised

    by = {normalised(c): c for c in have}
    col = next((by[n] for n in _CRS_NAMES if n in by), None)
    if not col and (grid := named_grid(have)):  # `x_rd` / `y_rd` (heldout31, _grid_names)
        return grid
    values = {str(v).strip().upper().removeprefix("EPSG:") for v in
              (id_sample(path, format, sep, col) or [])[:1000] if v not in (None, "")} if col else set()  # fmt: skip
    if not col and (zone := next((by[n] for n in UTM_ZONE_NAMES if n in by), None)):
        # Movebank's `utm-zone` ("32N"; formats21): WGS 84 / UTM, north 326xx, south 327xx
        zones = utm_zones(path, format, sep, zone)
        # N / S: the hemisphere, as Movebank writes it; an MGRS band letter ("33S" is north of
        # the equator there) is not guessed: the projected-coordinates line names --crs
        m = re.fullmatch(r"(\d{1,2})([NS])", zones.pop()) if len(zones) == 1 else None
        if m is None or not 1 <= int(m.group(1)) <= 60:
            return None
        values = {f"{327 if m.group(2) == 'S' else 326}{int(m.group(1)):02d}"}
    if len(values) != 1 or not re.fullmatch(r"\d{4,5}", code := values.pop()):
        return None
    out = {"crs": f"EPSG:{code}"}
    east = next((by[n] for n in _EAST if n in by), None)
    north = next((by[n] for n in NORTH_NAMES if n in by), None)
    if east and north:
        out |= {"lat": north, "lon": east}
    return out


def utm_zones(path: Path, format: str, sep: str, zone: str) -> set[str]:
    """The values of a `utm-zone` column in the sampled rows ("32N", ...)."""
    return {str(v).strip().upper().replace(" ", "") for v in
            (id_sample(path, format, sep, zone) or [])[:1000] if v not in (None, "")}  # fmt: skip


def with_date_parts(cm: ColumnMap, parts: dict[str, str]) -> ColumnMap:
    """``cm`` reading its time from ``parts``, with the historical time floor."""
    import dataclasses

    return dataclasses.replace(cm, t_parts=parts, min_t=HISTORICAL_MIN_T)
