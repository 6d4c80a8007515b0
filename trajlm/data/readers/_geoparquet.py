"""Point positions from a GeoParquet `geometry` column (what GeoPandas `to_parquet` writes).

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
