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


def mixed_point_kinds(records: list) -> str | None:
    """A point-named key that holds `[a, b]` lists in some records and text in others, or
    None: the two are read in different orders (a list as GeoJSON's [lon, lat], text as
    "lat,lon"), so such a key's fixes would land on both sides of the world (badin40: read
    without a word, latitudes from -74 to 40.7)."""
    kinds: dict[str, set[str]] = {}
    for r in records[:2000]:
        for key, v in _point_items(r):
            kinds.setdefault(key, set()).add("list" if isinstance(v, list) else "text")
    return next((k for k, got in kinds.items() if len(got) > 1), None)


def _point_items(record: Any, prefix: str = "", depth: int = 0):  # noqa: ANN202 (iterator)
    """(flattened key, value) of a record's point-named keys holding a list or text."""
    if not isinstance(record, dict) or depth > 2:
        return
    for k, v in record.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from _point_items(v, key + ".", depth + 1)
        elif (
            isinstance(v, list | str)
            and normalised(str(k)) in POINT_NAMES + LON_FIRST_NAMES + LAT_FIRST
        ):
            yield key, v


def unread_text_position(records: list) -> str | None:
    """Why a key that holds a position as text (a point-named key, a geohash) gave none: its
    first unread value and what is read, for the refusal of records with no latitude
    (badin40: `"40.7,-74.0,12.5"`, `"POINT EMPTY"`, a geohash with an `a` were "keys name no
    latitude and no longitude", or "top level is not a JSON object"); None where no such key."""
    for r in records:
        if not isinstance(r, dict):
            continue
        for key, v in r.items():
            name = normalised(str(key).rsplit(".", 1)[-1])
            geohash = "geohash" in name.replace("_", "")
            if not geohash and name not in POINT_NAMES + LON_FIRST_NAMES + LAT_FIRST:
                continue
            if not isinstance(v, str | int | float) or isinstance(v, bool):
                continue
            if isinstance(v, str) and text_point(str(key), v) is not None:
                continue
            if geohash:
                return (f"'{key}' holds {v!r}, no geohash (5-12 of the base-32 characters "
                        "0-9 and b-z without i, l, o: a cell's centre is read)")  # fmt: skip
            return (f"'{key}' holds {v!r}, text that reads as no position: write \"lat,lon\" "
                    "(two numbers in degree ranges) or \"POINT (lon lat)\" (WKT, one point)")  # fmt: skip
    return None


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


_NUMBER_TEXT = re.compile(r"^\s*[-+]?\d+(?:\.\d+)?\s*$")


def text_number_pair(records: list, depth: int = 0, prefix: str = "") -> str | None:
    """Why a point-named key (`location`) of nested records gave no position: it holds a pair
    of numbers written as text (`["-9.14", "38.7"]`, badin40 85: "keys name no latitude and no
    longitude", the key not even listed); None where no such key."""
    for r in records:
        if not isinstance(r, dict) or depth > 3:
            continue
        for key, v in r.items():
            name = normalised(str(key))
            if isinstance(v, dict) and (why := text_number_pair([v], depth + 1, f"{prefix}{key}.")):
                return why
            if name in POINT_NAMES + LON_FIRST_NAMES + LAT_FIRST and isinstance(v, list) \
                    and len(v) == 2 and all(isinstance(x, str) and _NUMBER_TEXT.match(x) for x in v):  # fmt: skip
                return (f"'{prefix}{key}' holds {v!r}: two numbers written as text in a list, "
                        "which is not read as a position; write them as JSON numbers, [lon, lat] "
                        "as GeoJSON and Elasticsearch do, or as \"lat,lon\" text")  # fmt: skip
    return None
