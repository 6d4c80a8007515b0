"""Point positions from a GeoParquet `geometry` column (what GeoPandas `to_parquet` writes),
or from any one Parquet column holding the point (session 17, `point_xy`): WKB bytes without
`geo` metadata, a struct `{lat, lon}` / `{x, y}`, a GeoArrow `[x, y]` list, or WKT /
`"lat,lon"` text.

A Parquet file whose lat/lon columns are absent but whose `geo` metadata names a primary
geometry column of Points is read through that column: WKB -> x (easting / lon) and y
(northing / lat), in the CRS the metadata declares (none = OGC:CRS84, as the GeoParquet spec
says), reprojected to WGS84 by the tabular reader like a `--crs` column pair.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from trajlm.data.schema import TrajlmInputError

GEO_X, GEO_Y = "_geom_x", "_geom_y"


def geometry_source(schema: Any, path: Path) -> tuple[str, str] | None:
    """(geometry column, CRS string) of a GeoParquet file's arrow schema, or None."""
    meta = schema.metadata or {}
    if b"geo" not in meta:
        return None
    try:
        geo = json.loads(meta[b"geo"])
        col = geo["primary_column"]
        spec = geo["columns"][col]
    except (ValueError, KeyError, TypeError):
        return None
    if col not in schema.names or spec.get("encoding", "WKB").upper() != "WKB":
        return None
    types = spec.get("geometry_types") or []
    if types and not all(t.replace(" Z", "") == "Point" for t in types):
        raise TrajlmInputError(
            f"GeoParquet column {col!r} holds {types}, not Points",
            path=path,
            field=col,
            hint="one row per fix is needed: explode the geometries to points first",
        )
    if "crs" not in spec:
        return col, "OGC:CRS84"
    crs = spec["crs"]
    if crs is None:
        raise TrajlmInputError(
            f"GeoParquet column {col!r} has an unknown CRS (crs: null)",
            path=path,
            field=col,
            hint="set one (gdf.set_crs) before writing, or give lat/lon columns",
        )
    ident = crs.get("id") if isinstance(crs, dict) else None
    if ident and "authority" in ident and "code" in ident:
        return col, f"{ident['authority']}:{ident['code']}"
    return col, json.dumps(crs) if isinstance(crs, dict) else str(crs)


def with_xy(df: pl.DataFrame, col: str) -> pl.DataFrame:
    """`df` with float columns GEO_X, GEO_Y decoded from WKB points in `col` (empty -> null)."""
    import shapely

    geoms = shapely.from_wkb(df[col].to_numpy())
    kinds = set(shapely.get_type_id(geoms[~shapely.is_missing(geoms)]).tolist()) - {0}
    if kinds:
        raise TrajlmInputError(
            f"geometry column {col!r} holds non-Point geometries", field=col,
            hint="one row per fix is needed: explode the geometries to points first",
        )  # fmt: skip
    x, y = shapely.get_x(geoms), shapely.get_y(geoms)
    return df.with_columns(
        pl.Series(GEO_X, x, dtype=pl.Float64).fill_nan(None),
        pl.Series(GEO_Y, y, dtype=pl.Float64).fill_nan(None),
    )


def _geojson_point(df: pl.DataFrame, col: str, field: str) -> pl.DataFrame:
    """A record's nested GeoJSON geometry `{"type": "Point", "coordinates": [lon, lat]}` (an IoT
    telemetry dump's `location`; heldout29's e-bikes were refused "none of them lat/lon", told
    to `df.unnest` on the CLI): lon, lat from its coordinates, in GeoJSON's order."""
    item = pl.col(col).struct.field(field)
    kind = df.schema[col].to_schema()[field]  # type: ignore[union-attr]
    # a LineString's [[lon, lat], ...] too (badin29: a Polars cast error, exit 1)
    if not isinstance(kind, pl.List | pl.Array) or isinstance(kind.inner, pl.List | pl.Array):
        raise TrajlmInputError(
            f"column {col!r} is a geometry whose coordinates are not one [lon, lat] point",
            field=col, hint="one row per fix is needed: give Points, or --lat-col / --lon-col",
        )  # fmt: skip
    item = item.cast(pl.List(pl.Float64), strict=False)
    return df.with_columns(item.list.get(0, null_on_oob=True).alias(GEO_X),
                           item.list.get(1, null_on_oob=True).alias(GEO_Y))  # fmt: skip


_STRUCT_XY = (("lon", "lat"), ("lng", "lat"), ("longitude", "latitude"), ("x", "y"))


def point_xy(df: pl.DataFrame, col: str) -> pl.DataFrame:
    """`df` with GEO_X (lon / easting), GEO_Y (lat / northing) from the point column `col`:
    WKB bytes, a struct with lat/lon (or x/y) fields, a 2-3 item list `[x, y(, z)]`
    (GeoArrow's order) or text (WKT `POINT (x y)`, `"lat,lon"`); anything else is one line."""
    from trajlm.data.readers._point_text import one_column

    dtype = df.schema[col]
    if dtype == pl.Binary or "binary" in str(dtype).lower():  # WKB (also geoarrow.wkb)
        return with_xy(df, col)
    if isinstance(dtype, pl.Struct):
        names = {f.name.lower(): f.name for f in dtype.fields}
        pair = next(
            ((names[x], names[y]) for x, y in _STRUCT_XY if x in names and y in names), None
        )
        if pair is None and "coordinates" in names:  # a GeoJSON Point inside each record
            return _geojson_point(df, col, names["coordinates"])
        if pair is None:
            raise TrajlmInputError(
                f"column {col!r} is a struct with fields {list(names.values())}, none of them "
                "lat/lon or x/y", field=col,
                hint="name the coordinate columns: df.unnest(col), then --lat-col / --lon-col",
            )  # fmt: skip
        x, y = (pl.col(col).struct.field(n).cast(pl.Float64, strict=False) for n in pair)
        return df.with_columns(x.alias(GEO_X), y.alias(GEO_Y))
    if isinstance(dtype, pl.List | pl.Array) and not (
        dtype.inner.is_numeric() or dtype.inner in (pl.Utf8, pl.Null)
    ):
        raise TrajlmInputError(  # [[lon, lat]] (a line's points, a nested export): was a Polars error (badin24)
            f"column {col!r} holds lists of {dtype.inner}, not [x, y] numbers", field=col,
            hint="give one point a row: [lon, lat], or the latitude and longitude columns with --lat-col / --lon-col",
        )  # fmt: skip
    if isinstance(dtype, pl.List | pl.Array):
        item = pl.col(col).cast(pl.List(pl.Float64), strict=False)
        return df.with_columns(item.list.get(0, null_on_oob=True).alias(GEO_X),
                               item.list.get(1, null_on_oob=True).alias(GEO_Y))  # fmt: skip
    if dtype == pl.Utf8:
        from trajlm.data.readers._column_map import ColumnMap

        parts, exprs = one_column(ColumnMap(lat=col, lon=col))
        out = df.with_columns(exprs)
        lat, lon = parts.lat, parts.lon
        return out.with_columns(pl.col(lat).cast(pl.Float64, strict=False).alias(GEO_Y),
                                pl.col(lon).cast(pl.Float64, strict=False).alias(GEO_X)).drop(lat, lon)  # fmt: skip
    raise TrajlmInputError(
        f"column {col!r} ({dtype}) does not hold points: WKB, a struct of lat/lon, an [x, y] "
        "list or WKT text are read", field=col,
        hint="give the latitude and longitude columns with --lat-col / --lon-col",
    )  # fmt: skip
