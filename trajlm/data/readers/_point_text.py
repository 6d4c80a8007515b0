"""A point in one text column (session 16): WKT `POINT (lon lat)` (also `POINT Z`, an EWKT
`SRID=4326;` prefix) or `"lat,lon"` / `"lat lon"` / `"(lat, lon)"` text, as phone apps, PostGIS
dumps and spreadsheets write it. Named by giving the same column as latitude and longitude
(`--lat-col geom --lon-col geom`), or recognised by name (`POINT_NAMES`) when the header has no
latitude / longitude columns. CSV input; the parts go on as text to the usual number parsing."""

from __future__ import annotations

import dataclasses

import polars as pl

from trajlm.data.readers._column_map import ColumnMap

LAT, LON = "_point_lat", "_point_lon"
POINT_NAMES = ("geom", "geometry", "wkt", "the_geom", "point", "location", "position", "latlon",
               "lat_lon", "latlng", "lat_lng", "coordinates", "coords", "gps",
               "pos", "loc", "coord")  # regatta / tracker feeds (heldout24)  # fmt: skip
_NUM = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_WKT = rf"(?i)^(?:SRID=\d+;)?\s*POINT\s*(?:ZM|Z|M)?\s*\(\s*(?P<lon>{_NUM})\s+(?P<lat>{_NUM})"
_PAIR = rf"^[\(\[]?\s*(?P<lat>{_NUM})\s*[,; ]\s*(?P<lon>{_NUM})\s*[\)\]]?$"


def one_column(cm: ColumnMap) -> tuple[ColumnMap, list[pl.Expr]]:
    """(the map reading the split parts, the expressions that split cm.lat); unchanged when
    latitude and longitude are two columns."""
    if cm.lat != cm.lon or cm.coord_sources:
        return cm, []
    text = pl.col(cm.lat).cast(pl.Utf8).str.strip_chars()
    wkt, pair = text.str.extract_groups(_WKT), text.str.extract_groups(_PAIR)
    exprs = [
        pl.coalesce(wkt.struct.field("lat"), pair.struct.field("lat")).alias(LAT),
        pl.coalesce(wkt.struct.field("lon"), pair.struct.field("lon")).alias(LON),
    ]
    return dataclasses.replace(cm, lat=LAT, lon=LON), exprs
