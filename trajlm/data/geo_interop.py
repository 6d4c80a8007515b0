"""Canonical tables as GeoPandas frames (points or one line per trajectory) and GeoParquet
files. Out of data/geo.py (review38), which still holds every name; geopandas and shapely are
imported only when called."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.geo_crs import is_wgs84, parse_crs, require


def to_geopandas(df: pl.DataFrame, kind: str = "points", crs: Any = None) -> Any:
    """Canonical table -> geopandas.GeoDataFrame in EPSG:4326 (or `crs`, reprojected).

    kind="points": one row per point, ``geometry`` a Point, ``time`` a tz-aware UTC datetime,
        every other column kept.
    kind="lines": one row per trajectory: traj_id, t_start, t_end (UTC datetimes), n_points,
        ``t`` (list of UTC Unix seconds, one per vertex) and a LineString geometry (a
        single-point trajectory becomes a zero-length line through that point twice).
    """
    if kind not in ("points", "lines"):
        raise ValueError(f'kind must be "points" or "lines", got {kind!r}')
    gpd = require("geopandas")
    shapely = require("shapely")
    import pandas as pd

    df = df.sort(["traj_id", "t"], maintain_order=True)
    if kind == "points":
        pdf = df.to_pandas()
        pdf["time"] = pd.to_datetime(pdf["t"], unit="s", utc=True)
        geometry = gpd.points_from_xy(pdf["lon"], pdf["lat"])
        gdf = gpd.GeoDataFrame(pdf, geometry=geometry, crs="EPSG:4326")
    else:
        g = df.group_by("traj_id", maintain_order=True).agg(
            pl.col("t").min().alias("t_start"),
            pl.col("t").max().alias("t_end"),
            pl.len().alias("n_points"),
            pl.col("t"),
        )
        xy = np.stack([df["lon"].to_numpy(), df["lat"].to_numpy()], axis=1)
        counts = g["n_points"].to_numpy()
        offsets = np.r_[0, np.cumsum(counts)]
        lines = [
            shapely.LineString(xy[a:b] if b - a >= 2 else np.repeat(xy[a:b], 2, axis=0))
            for a, b in zip(offsets[:-1], offsets[1:], strict=True)
        ]
        pdf = g.to_pandas()
        pdf["t"] = [list(v) for v in g["t"].to_list()]
        for c in ("t_start", "t_end"):
            pdf[c] = pd.to_datetime(pdf[c], unit="s", utc=True)
        gdf = gpd.GeoDataFrame(pdf, geometry=lines, crs="EPSG:4326")
    return gdf if crs is None or is_wgs84(crs) else gdf.to_crs(parse_crs(crs))


def write_geoparquet(
    df: pl.DataFrame, path: str | Path, kind: str = "points", overwrite: bool = False
) -> Path:
    """Write a canonical table as GeoParquet (``to_geopandas(df, kind).to_parquet``): a file
    QGIS, DuckDB-spatial and GeoPandas read as geodata. Refuses to replace an existing file
    unless ``overwrite=True``."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    to_geopandas(df, kind=kind).to_parquet(path)
    return path
