"""A point in one text column (session 16): WKT `POINT (lon lat)` (also `POINT Z`, an EWKT
`SRID=4326;` prefix) or `"lat,lon"` / `"lat lon"` / `"(lat, lon)"` text, as phone apps, PostGIS
dumps and spreadsheets write it. Named by giving the same column as latitude and longitude
(`--lat-col geom --lon-col geom`), or recognised by name (`POINT_NAMES`) when the header has no
latitude / longitude columns. CSV input; the parts go on as text to the usual number parsing."""

from __future__ import annotations

import dataclasses
import re

import polars as pl

from trajlm.data.readers._column_map import ColumnMap

LAT, LON = "_point_lat", "_point_lon"
POINT_NAMES = ("geom", "geometry", "wkt", "the_geom", "point", "location", "position", "latlon",
               "lat_lon", "latlng", "lat_lng", "coordinates", "coords", "gps",
               "pos", "loc", "coord")  # regatta / tracker feeds (heldout24)  # fmt: skip
_NUM = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_WKT = rf"(?i)^(?:SRID=\d+;)?\s*POINT\s*(?:ZM|Z|M)?\s*\(\s*(?P<lon>{_NUM})\s+(?P<lat>{_NUM})"
_PAIR = rf"^[\(\[]?\s*(?P<lat>{_NUM})\s*[,; ]\s*(?P<lon>{_NUM})\s*[\)\]]?$"


# The axis order written after the name (heldout27: a fleet export's `Location (Lat, Long)`
# was refused "missing lat, lon"): a column so named holds both, in that order
_LAT_W, _LON_W = r"(?:lat|latitude|y)", r"(?:lon|long|lng|longitude|x)"
_ORDER = re.compile(
    rf"(?i)\s*[\(\[]\s*(?:(?P<lat_first>{_LAT_W}\s*[,/; ]\s*{_LON_W})|{_LON_W}\s*[,/; ]\s*{_LAT_W})\s*[\)\]]\s*$"
)


def point_named(column: str) -> bool:
    """Whether a column's name says it holds a whole point: a POINT_NAMES name (`location`,
    `geom`) or any name with the axis order after it (`Location (Lat, Long)`, `pos [lon/lat]`)."""
    from trajlm.data.column_names import normalised

    return normalised(column) in POINT_NAMES or _ORDER.search(column) is not None


def _lon_first(column: str) -> bool:
    m = _ORDER.search(column)
    return m is not None and m["lat_first"] is None


def one_column(cm: ColumnMap) -> tuple[ColumnMap, list[pl.Expr]]:
    """(the map reading the split parts, the expressions that split cm.lat); unchanged when
    latitude and longitude are two columns."""
    if cm.lat != cm.lon or cm.coord_sources:
        return cm, []
    text = pl.col(cm.lat).cast(pl.Utf8).str.strip_chars()
    wkt, pair = text.str.extract_groups(_WKT), text.str.extract_groups(_PAIR)
    first, second = ("lon", "lat") if _lon_first(cm.lat) else ("lat", "lon")  # `(Long, Lat)`
    exprs = [
        pl.coalesce(wkt.struct.field("lat"), pair.struct.field(first)).alias(LAT),
        pl.coalesce(wkt.struct.field("lon"), pair.struct.field(second)).alias(LON),
    ]
    return dataclasses.replace(cm, lat=LAT, lon=LON), exprs
