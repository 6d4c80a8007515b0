"""A point in one text column (session 16): WKT `POINT (lon lat)` (also `POINT Z`, an EWKT
`SRID=4326;` prefix) or `"lat,lon"` / `"lat lon"` / `"(lat, lon)"` text, as phone apps, PostGIS
dumps and spreadsheets write it. Named by giving the same column as latitude and longitude
(`--lat-col geom --lon-col geom`), or recognised by name (`POINT_NAMES`) when the header has no
latitude / longitude columns. CSV input; the parts go on as text to the usual number parsing."""

from __future__ import annotations

import dataclasses
import re
import warnings
from pathlib import Path

import polars as pl

from trajlm.data.readers._column_map import ColumnMap
from trajlm.data.readers._point_mix import mixed_orders, row_exprs
from trajlm.errors import TrajlmInputError

LAT, LON = "latitude", "longitude"  # a part's name: point_names
POINT_NAMES = ("geom", "geometry", "wkt", "the_geom", "point", "location", "position", "latlon",
               "lat_lon", "latlng", "lat_lng", "coordinates", "coords", "gps",
               "pos", "loc", "coord")  # regatta / tracker feeds (heldout24)  # fmt: skip
_NUM = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_WKT = rf"(?i)^(?:SRID=\d+;)?\s*POINT\s*(?:ZM|Z|M)?\s*\(\s*(?P<lon>{_NUM})\s+(?P<lat>{_NUM})"
_NO_POINT = r"(?i)^\s*(?:SRID=\d+;)?\s*POINT\s*(?:ZM|Z|M)?\s*(?:EMPTY|\(\s*nan\s+nan[^)]*\))\s*$"
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


def wkt_points(values: list | None) -> bool:
    """Whether sampled text values are WKT / EWKT `POINT (lon lat)` (a column of points
    whatever its name: BigQuery's `ST_GEOGPOINT(lon, lat) AS geog`, a PostGIS `pt`; heldout38):
    at least one with a position, the others too or points with none (empty, `POINT EMPTY`,
    `POINT(NaN NaN)`: rows the row check then names, where one such row made the column no
    point column and the file "missing lat / lon"; badin39)."""
    real = [v for v in values or [] if not _no_position(v)]
    return bool(real) and all(isinstance(v, str) and re.match(_WKT, v) for v in real)


def point_parts(text: str) -> tuple[float, float] | None:
    """(lat, lon) of one WKT `POINT (lon lat)` or `"lat,lon"` text (None: neither), as
    one_column splits a column of them."""
    m = re.match(_WKT, text.strip()) or re.match(_PAIR, text.strip())
    return None if m is None else (float(m["lat"]), float(m["lon"]))


def _no_position(value: object) -> bool:
    """An empty cell or a WKT point without a position (`POINT EMPTY`, `POINT(NaN NaN)`)."""
    return (
        value is None
        or value == ""
        or (isinstance(value, str) and bool(re.match(_NO_POINT, value)))
    )


def lon_first(column: str) -> bool:
    m = _ORDER.search(column)
    return m is not None and m["lat_first"] is None


def one_column(
    cm: ColumnMap, first: str | None = None, wkt_lat_first: bool = False
) -> tuple[ColumnMap, list[pl.Expr]]:
    """(the map reading the split parts, the expressions that split cm.lat); unchanged when
    latitude and longitude are two columns. `first`: which of "lat" / "lon" a "a, b" pair
    writes first (`pair_order`); default: as the name says (`(Long, Lat)`), else lat.
    `wkt_lat_first`: WKT points written `POINT(lat lon)` (its reported motion says so, fix40)."""
    if cm.lat != cm.lon or cm.coord_sources:
        return cm, []
    text = pl.col(cm.lat).cast(pl.Utf8).str.strip_chars()
    wkt, pair = text.str.extract_groups(_WKT), text.str.extract_groups(_PAIR)
    first = first or ("lon" if lon_first(cm.lat) else "lat")  # `(Long, Lat)`
    second = "lat" if first == "lon" else "lon"
    lat, lon = pair.struct.field(first), pair.struct.field(second)
    if first == "row":  # each row in its own order (_point_mix: the orders differ by row)
        lat, lon = row_exprs(pair)
    # a cell that is no pair keeps its text as the latitude, so that the row's refusal names
    # the column and the value (badin29: "field _point_lat: ... value None")
    unread = pl.when(wkt.struct.field("lat").is_null() & lat.is_null() & (text != "")).then(text)
    names = point_names(cm.lat)
    wkt_lat, wkt_lon = ("lon", "lat") if wkt_lat_first else ("lat", "lon")
    exprs = [
        pl.coalesce(wkt.struct.field(wkt_lat), lat, unread).alias(names[0]),
        pl.coalesce(wkt.struct.field(wkt_lon), lon).alias(names[1]),
    ]
    return dataclasses.replace(cm, lat=names[0], lon=names[1]), exprs


def point_names(column: str) -> tuple[str, str]:
    """The names of a point column's two parts, as a row's refusal names its field."""
    return f"{column} [{LAT}]", f"{column} [{LON}]"


# A pair's latitude beyond this in every fix, and within it in every fix read the other way round:
# the values are written in the other order than the name says (badin27: a Chicago bus under
# `Location (Long, Lat)` landed at latitude -87.7, near the South Pole, with no word)
POLAR_DEG = 80.0


def pair_order(raw: pl.DataFrame, column: str, path: Path | None = None) -> tuple[str, str | None]:
    """("lat" or "lon": which a point column's "a, b" pairs write first, the line that says why
    where that is not the order its name gives) from a chunk of its text: the name's order (a
    lon-first name `Location (Long, Lat)`; else lat first), unless the values say otherwise: a
    first or second number outside [-90, 90] is no latitude; every fix beyond 80 degrees of
    latitude as named and none the other way round is read the other way round. Said, not
    refused: both readings are degrees, the line names the column, a value and both readings.
    Rows written in different orders (`_point_mix`): "row" (each row in its own order) where
    every row's values tell it, said; else refused in one line naming the rows."""
    named = "lon" if lon_first(column) else "lat"
    pair = pl.col(column).cast(pl.Utf8).str.strip_chars().str.extract_groups(_PAIR)
    where = (pl.lit("line ") + pl.col("_line").cast(pl.Utf8) if "_line" in raw.columns
             else pl.lit("row ") + pl.int_range(pl.len()).cast(pl.Utf8))  # fmt: skip
    ab = raw.select(pair.struct.field("lat").cast(pl.Float64, strict=False).alias("a"),
                    pair.struct.field("lon").cast(pl.Float64, strict=False).alias("b"),
                    pl.col(column).alias("text"), where.alias("where")).drop_nulls(["a", "b"])  # fmt: skip
    if not ab.height:
        return named, None
    if mixed := mixed_orders(ab["a"].to_numpy(), ab["b"].to_numpy(), ab["where"].to_list(), column):
        if mixed[0] == "row":
            return "row", mixed[1]
        raise TrajlmInputError(
            mixed[1], path=path, field=column,
            hint="write one order in the column, or the two numbers in two columns named as "
            "latitude and longitude (--lat-col / --lon-col)",
        )  # fmt: skip
    lat_named, lat_other = (ab["a"], ab["b"]) if named == "lat" else (ab["b"], ab["a"])
    other = "lon" if named == "lat" else "lat"
    out_named, out_other = bool((lat_named.abs() > 90).any()), bool((lat_other.abs() > 90).any())
    polar = bool((lat_named.abs() > POLAR_DEG).all()) and not bool(
        (lat_other.abs() > POLAR_DEG).any()
    )
    if not ((out_named and not out_other) or (not out_named and not out_other and polar)):
        return named, None
    k = int((lat_named.abs() > 90).arg_max() or 0) if out_named else 0
    why = (f"{lat_named[k]:g} is no latitude" if out_named
           else f"read {named} first, every fix lies beyond {POLAR_DEG:g} degrees of latitude")  # fmt: skip
    said = "the name says" if _ORDER.search(column) else "points are usually written"
    return other, (
        f"{column!r} holds {ab['text'][k]!r}: read {other} first, not {named} first as {said} "
        f"({why}); write the values in the order the column's name gives if this is wrong"
    )


# PostGIS' text output of a geometry (`psql \\copy ... CSV`, `COPY TO`): hex (E)WKB, as frames
# read it (coerce_shapes._is_hex_wkb; heldout34: a CSV's `geom` of `0101000020E6100000...` was
# "latitude is missing or not a number" where the same column in a frame was read)
_HEX_WKB = r"^0[01](?:[0-9A-Fa-f]{2}){20,}$"


def hex_points_as_wkt(raw: pl.DataFrame, column: str, crs: str, path: Path) -> pl.DataFrame:
    """`raw` with a point column of hex WKB / EWKB points written as WKT `POINT (x y)` text (the
    usual splitting reads it); unchanged where no value is hex WKB. An EWKB SRID other than
    4326 with the read's CRS left at WGS84 is refused in one line naming it (the numbers are
    no degrees), as a value that is not a point is."""
    text = pl.col(column).cast(pl.Utf8).str.strip_chars()
    hexed = raw.select(text.str.contains(_HEX_WKB).fill_null(False)).to_series()
    if not hexed.any():
        return raw
    import numpy as np
    import shapely
    from shapely.errors import GEOSException

    from trajlm.data.geo import is_wgs84

    values = raw[column].cast(pl.Utf8).str.strip_chars()
    at = hexed.arg_true().to_numpy()
    try:
        geoms = shapely.from_wkb(values.gather(at).to_numpy())
    except (GEOSException, ValueError) as e:
        raise TrajlmInputError(
            f"column {column!r} holds hex text that is no WKB point ({e})", path=path, field=column
        ) from None
    kinds = shapely.get_type_id(geoms)
    srids = shapely.get_srid(geoms)
    if bad := [int(i) for i in at[kinds != 0][:1]]:
        raise TrajlmInputError(
            f"column {column!r} holds a {geoms[kinds != 0][0].geom_type} (value "
            f"{values[bad[0]][:40]!r}), not one point a row",
            path=path, field=column,
            hint="export the points: SELECT ST_AsText(geom) or ST_Y(geom) AS lat, ST_X(geom) AS lon",
        )  # fmt: skip
    other = sorted({int(v) for v in srids} - {0, 4326})
    if other and is_wgs84(crs):
        raise TrajlmInputError(
            f"column {column!r} holds EWKB points with SRID {other[0]}, not degrees (SRID 4326)",
            path=path, field=column,
            hint=f"--crs EPSG:{other[0]} (Python: ColumnMap(crs='EPSG:{other[0]}')), or export "
            "ST_Transform(geom, 4326)",
        )  # fmt: skip
    # POINT EMPTY (WKB's NaN NaN, what PostGIS writes for an empty point) is a row with no
    # position, as an empty cell is (no_fix), not a GEOS error (shapely.get_x raised on it)
    empty = shapely.is_empty(geoms)
    x = np.where(empty, np.nan, shapely.get_x(np.where(empty, None, geoms))).tolist()
    y = np.where(empty, np.nan, shapely.get_y(np.where(empty, None, geoms))).tolist()
    wkt = pl.Series([None if e else f"POINT ({a!r} {b!r})" for a, b, e in zip(x, y, empty, strict=True)],
                    dtype=pl.Utf8)  # fmt: skip
    full = values.scatter(at, wkt)
    return raw.with_columns(full.alias(column))


def point_exprs(
    raw: pl.DataFrame, column: str, cm: ColumnMap, path: Path, t_ms: pl.Expr | None = None
) -> list[pl.Expr]:
    """The expressions splitting a point column, in the order its first chunk's values read
    (`pair_order`); the other order than its name's is said once (session 28). ``t_ms``: the
    rows' times, for WKT points' check by the reported motion (`_wkt_axes`, fix40)."""
    from trajlm.data.readers._wkt_axes import wkt_latitude_first

    first, note = pair_order(raw, column, path)
    if note:
        warnings.warn(f"{path.name}: {note}", stacklevel=2)
    flip = t_ms is not None and wkt_latitude_first(raw, column, _WKT, cm, t_ms, path)
    return one_column(cm, first, wkt_lat_first=flip)[1]
