"""``AnomalyDetector.score``'s worst segment in the caller's CRS (session 20, analyst20).

The table names each trajectory's worst segment by a point, ``seg_lat`` / ``seg_lon`` in WGS84
degrees. On a projected frame (a GeoDataFrame or MovingPandas collection in metres, or a table
read with ``crs=``) those were degrees beside the caller's metres (session 19's note). Now:

- GeoDataFrame / MovingPandas in a CRS other than WGS84: a GeoDataFrame whose geometry (the
  caller's geometry column name) is the segment's point in that CRS; ``seg_lat`` / ``seg_lon``
  are left out;
- a Polars / pandas table read with ``crs=``: ``seg_<lat_col>`` / ``seg_<lon_col>`` (e.g.
  ``seg_northing`` / ``seg_easting``) in that CRS, in their places;
- WGS84 input: unchanged (``seg_lat`` / ``seg_lon`` degrees).

The explanation sentences keep their "near (lat, lon)" degrees: text for a person.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.data import geo

SEG = ("seg_lat", "seg_lon")


def segments_in_caller_crs(table: Any, layout: Any) -> Any:
    """``table`` (the caller's kind, from ``from_canonical``) with the worst segment's point in
    the caller's CRS (module docstring); ``layout`` the input's ``coerce`` layout or None."""
    if layout is None or geo.is_wgs84(layout.crs) or not set(SEG) <= set(table.columns):
        return table
    if layout.kind in ("geopandas", "movingpandas"):
        gpd = geo.require("geopandas")
        pdf = table if hasattr(table, "iloc") else table.to_pandas()
        points = gpd.points_from_xy(pdf["seg_lon"].to_numpy(float), pdf["seg_lat"].to_numpy(float))
        gdf = gpd.GeoDataFrame(pdf.drop(columns=list(SEG)), geometry=points, crs="EPSG:4326")
        gdf = gdf.to_crs(layout.crs)
        name = layout.geometry
        if name and name != "geometry" and name not in gdf.columns:
            gdf = gdf.rename_geometry(name)
        return gdf
    lat = np.asarray(table["seg_lat"], dtype=np.float64)
    lon = np.asarray(table["seg_lon"], dtype=np.float64)
    ok = np.isfinite(lat) & np.isfinite(lon)
    x, y = np.full(len(lat), np.nan), np.full(len(lat), np.nan)
    if ok.any():
        x[ok], y[ok] = geo.from_wgs84(lat[ok], lon[ok], layout.crs)
    names = {"seg_lat": f"seg_{layout.lat_col}", "seg_lon": f"seg_{layout.lon_col}"}
    if hasattr(table, "iloc"):  # pandas
        out = table.copy()
        out["seg_lat"], out["seg_lon"] = y, x
        return out.rename(columns=names)
    import polars as pl

    out = table.with_columns(seg_lat=pl.Series(y), seg_lon=pl.Series(x))
    return out.rename(names)
