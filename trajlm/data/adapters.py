"""Adapters between the canonical table and MovingPandas.

MovingPandas (and its geopandas/shapely stack) is optional: it is imported only when an adapter
is called, and a clear ImportError says how to install it. Times go through pandas as tz-naive
UTC datetimes (MovingPandas' convention); positions as WGS84 (EPSG:4326) points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.schema import DropReport, conform

_INSTALL = (
    "this adapter needs MovingPandas: pip install movingpandas "
    "(or pip install 'trajlm[geo]' movingpandas), which brings geopandas and shapely"
)


def _require_movingpandas() -> Any:
    try:
        import movingpandas
    except ImportError as e:
        raise ImportError(_INSTALL) from e
    return movingpandas


def to_movingpandas(df: pl.DataFrame) -> Any:
    """Canonical table -> movingpandas.TrajectoryCollection (one Trajectory per traj_id).

    Optional columns ride along as GeoDataFrame columns; the index is the tz-naive UTC time.
    """
    mpd = _require_movingpandas()
    import geopandas as gpd
    import pandas as pd

    pdf = conform(df).to_pandas()
    pdf["time"] = pd.to_datetime(pdf["t"], unit="s")  # tz-naive UTC
    geometry = gpd.points_from_xy(pdf["lon"], pdf["lat"])
    gdf = gpd.GeoDataFrame(pdf, geometry=geometry, crs="EPSG:4326").set_index("time")
    return mpd.TrajectoryCollection(gdf, traj_id_col="traj_id")


def from_movingpandas(tc: Any) -> tuple[pl.DataFrame, DropReport]:
    """movingpandas.TrajectoryCollection (or a single Trajectory) -> canonical table.

    Geometries are reprojected to EPSG:4326 when the collection has another CRS; non-geometry
    columns are kept. Times are floored to whole seconds; tz-aware times are converted to UTC.
    Loops over trajectories (not points): each one's arrays are converted in bulk.
    """
    _require_movingpandas()
    trajs = getattr(tc, "trajectories", None) or [tc]
    parts, n_in = [], 0
    for traj in trajs:
        gdf = traj.df
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        idx = gdf.index
        if getattr(idx, "tz", None) is not None:
            idx = idx.tz_convert("UTC").tz_localize(None)
        t_s = idx.values.astype("datetime64[s]").astype(np.int64)
        rest = gdf.drop(columns=[gdf.geometry.name]).reset_index(drop=True)
        rest = rest.drop(columns=[c for c in ("traj_id", "t", "lat", "lon") if c in rest.columns])
        part = pl.DataFrame({
            "traj_id": [str(traj.id)] * len(t_s), "t": t_s,
            "lat": gdf.geometry.y.to_numpy(np.float64), "lon": gdf.geometry.x.to_numpy(np.float64),
        })  # fmt: skip
        if len(rest.columns):  # optional columns ride along (none: a 0-height frame)
            part = part.hstack(pl.from_pandas(rest).get_columns())
        parts.append(part)
        n_in += len(part)
    if not parts:
        from trajlm.data.schema import empty_table

        return empty_table(), DropReport()
    return conform(pl.concat(parts, how="diagonal_relaxed")), DropReport(rows_in=n_in)
