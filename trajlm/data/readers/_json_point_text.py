"""A position written as text inside a JSON record (leftover39; session 38 left them unread):
`"position": "40.7128,-74.0060"` (lat, lon as phone apps and spreadsheets write it), a WKT
`"POINT (-74.006 40.7128)"` under a point-named key, or `"geohash": "dr5regw3p"` (the cell's
centre, as the geohash tables read it: long_tables.py). The same rules as a CSV's text point
column (_point_text.py: lat first unless the name or the values say otherwise)."""

from __future__ import annotations

import re
from typing import Any

from trajlm.data.column_names import normalised
from trajlm.data.readers._pair_columns import LAT_FIRST, LON_FIRST_NAMES
from trajlm.data.readers._point_text import POINT_NAMES

_NUM = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_WKT = re.compile(rf"(?i)^(?:SRID=\d+;)?\s*POINT\s*(?:ZM|Z|M)?\s*\(\s*({_NUM})\s+({_NUM})")
_PAIR = re.compile(rf"^[\(\[]?\s*({_NUM})\s*[,; ]\s*({_NUM})\s*[\)\]]?$")
_GEOHASH = re.compile(r"^[0-9b-hjkmnp-z]{5,12}$")


def text_point(key: str, value: Any) -> tuple[float, float] | None:
    """(lat, lon) of a text position under ``key`` (the record's own name for it), else None."""
    if not isinstance(value, str):
        return None
    name = normalised(key.rsplit(".", 1)[-1])
    text = value.strip()
    if "geohash" in name.replace("_", ""):
        if not _GEOHASH.match(text.lower()):
            return None
        from trajlm.data.readers.long_tables import geohash_centre

        lat, lon, _, _ = geohash_centre(text.lower())
        return lat, lon
    if name not in POINT_NAMES + LON_FIRST_NAMES + LAT_FIRST:
        return None
    if m := _WKT.match(text):  # WKT: x (lon) then y (lat)
        return float(m[2]), float(m[1])
    if not (m := _PAIR.match(text)):
        return None
    a, b = float(m[1]), float(m[2])
    lon_first = name in LON_FIRST_NAMES or (abs(a) > 90 and not abs(b) > 90)
    lat, lon = (b, a) if lon_first else (a, b)
    return (lat, lon) if abs(lat) <= 90 and abs(lon) <= 180 else None


def geohash_note(records: list, lat_key: str) -> None:
    """One warning where the records' positions are geohash cells' centres (``lat_key`` the
    flattened `<key>.lat` of a geohash key), with how far off a centre can be, as the geohash
    tables say it (long_tables.geohash_as_csv)."""
    key = lat_key.removesuffix(".lat")
    if key == lat_key or "geohash" not in normalised(key.rsplit(".", 1)[-1]).replace("_", ""):
        return
    import warnings

    from trajlm.data.readers.long_tables import geohash_centre

    codes = [_value(r, key) for r in records]
    sizes = [len(c.strip()) for c in codes if isinstance(c, str) and c.strip()]
    if not sizes:
        return
    dlat, dlon = geohash_centre("s" * min(sizes))[2:]
    warnings.warn(
        f"positions are the centres of the '{key}' geohash cells ({min(sizes)}+ characters: up "
        f"to {dlat * 111_320:,.0f} m north-south, {dlon * 111_320:,.0f} m east-west from the fix "
        "at the equator)",
        stacklevel=2,
    )


def _value(record: Any, key: str) -> Any:
    """The value at a flattened key (`a.b.geohash`) of a record."""
    for part in key.split("."):
        if not isinstance(record, dict):
            return None
        record = record.get(part)
    return record
