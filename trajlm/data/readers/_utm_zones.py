"""A Movebank `utm-zone` column that gives no one CRS (badin21): several zones in one file, a
zone past 60, or no hemisphere letter. Was "they look projected (metres), name their CRS",
though the file names its zones; now one line naming the zones and what to do."""

from __future__ import annotations

from pathlib import Path

from trajlm.data.column_names import UTM_ZONE_NAMES
from trajlm.data.readers.layouts import NORTH_NAMES, utm_zones


def utm_zone_problem(
    path: Path, format: str, sep: str, have: list[str], lat: str
) -> tuple[str, str] | None:
    """(field, why) when the latitude column read is a UTM northing beside a `utm-zone` column
    that gives no one CRS (several zones, a zone past 60, no hemisphere): badin21, was "they
    look projected, name their CRS" though the file names its zones."""
    from trajlm.data.column_names import normalised

    by = {normalised(c): c for c in have}
    zone = next((by[n] for n in UTM_ZONE_NAMES if n in by), None)
    if zone is None or normalised(lat) not in NORTH_NAMES:
        return None
    zones = sorted(utm_zones(path, format, sep, zone))
    if len(zones) > 1:
        why = (f"{len(zones)} UTM zones ({', '.join(zones[:4])}): trajlm reprojects one CRS "
               "per file; write the rows of each zone to their own file (--crs EPSG:326xx for "
               "north, 327xx for south), or export location-lat / location-long")  # fmt: skip
    elif zones:
        why = (f"UTM zone {zones[0]!r} is not a zone 1-60 with its hemisphere N or S (as "
               "Movebank writes it); give --crs EPSG:326xx (north) / 327xx (south)")  # fmt: skip
    else:
        return None
    return zone, why
