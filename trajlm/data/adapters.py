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


def to_movingpandas(
    df: pl.DataFrame, crs: Any = None, traj_dtype: Any = None, points_if_short: bool = False
) -> Any:
    """Canonical table -> movingpandas.TrajectoryCollection (one Trajectory per traj_id).

    Optional columns ride along as GeoDataFrame columns; the index is the tz-naive UTC time.
    ``traj_dtype``: the ids' dtype (``id_dtype``; None = text). ``crs``: the collection's CRS
    (None = WGS84); the points are reprojected before the
    collection is built (a TrajectoryCollection has no ``to_crs``: before session 14 results
    for a projected MovingPandas input failed with an AttributeError).
    """
    mpd = _require_movingpandas()
    import geopandas as gpd
    import pandas as pd

    table = conform(df)
    if traj_dtype is not None:  # the input collection's integer ids (id_dtype), not text
        from trajlm.data.coerce_names import cast_back

        table = table.with_columns(cast_back(table["traj_id"], traj_dtype))
    pdf = table.to_pandas()
    pdf["time"] = pd.to_datetime(pdf["t"], unit="s")  # tz-naive UTC
    geometry = gpd.points_from_xy(pdf["lon"], pdf["lat"])
    gdf = gpd.GeoDataFrame(pdf, geometry=geometry, crs="EPSG:4326").set_index("time")
    if crs is not None and not _is_wgs84(crs):
        gdf = gdf.to_crs(crs)
    short = pdf.groupby("traj_id").size().lt(2)
    if points_if_short and short.any():  # MovingPandas drops trajectories of one point
        from trajlm.errors import warn_at_caller

        warn_at_caller(
            f"{int(short.sum())} of {len(short)} trajectories of the result have one point "
            f"(e.g. {short[short].index[0]!r}), which a MovingPandas TrajectoryCollection "
            "drops: the result is a GeoDataFrame of Points indexed by time (the layout of "
            "to_point_gdf()), traj_id a column"
        )
        return gdf
    return mpd.TrajectoryCollection(gdf, traj_id_col="traj_id")


def collection_crs(tc: Any) -> Any:
    """The one CRS of a Trajectory / TrajectoryCollection, or a one-line TrajlmInputError:
    no CRS (as for a GeoDataFrame: projected numbers were refused as "out of range", degrees
    silently labelled EPSG:4326), trajectories in different CRSs (they came back all in the
    first one's), or a CRS with no way to WGS84 (pyproj's ProjError). gisuser19."""
    from trajlm.data import geo
    from trajlm.data.schema import TrajlmInputError

    trajs = getattr(tc, "trajectories", None) or [tc]
    crss: dict = {}
    for t in trajs:  # the first trajectory of each CRS names it
        crss.setdefault(geo.crs_name(t.crs) if t.crs is not None else None, (t.id, t.crs))
    if None in crss:
        raise TrajlmInputError(
            f"trajectory {crss[None][0]!r} has no CRS",
            field="geometry",
            hint="build the collection from a GeoDataFrame with one (gdf.set_crs('EPSG:4326'))",
        )
    if len(crss) > 1:
        named = ", ".join(f"{k} (e.g. trajectory {v[0]!r})" for k, v in crss.items())
        raise TrajlmInputError(
            f"the collection's trajectories are in different CRSs: {named}",
            field="crs",
            hint="bring them to one first (traj.to_crs(...) on each)",
        )
    crs = next(iter(crss.values()))[1] if crss else None
    if crs is not None and geo.crs_refusal(crs):
        raise TrajlmInputError(geo.crs_refusal(crs), field="crs")
    return crs


def id_dtype(tc: Any) -> Any:
    """The Polars dtype the collection's Trajectory ids come back in: Int64 when every id is
    an integer (MovingPandas keeps ``traj_id_col``'s values), else None (text, as given).
    Before session 19 integer ids came back as the strings '1', '2', ... (gisuser19)."""
    import numbers

    ids = [t.id for t in (getattr(tc, "trajectories", None) or [tc])]
    ints = all(isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in ids)
    return pl.Int64 if ids and ints else None


def _is_wgs84(crs: Any) -> bool:
    from trajlm.data import geo

    return geo.is_wgs84(crs)


def from_movingpandas(tc: Any) -> tuple[pl.DataFrame, DropReport]:
    """movingpandas.TrajectoryCollection (or a single Trajectory) -> canonical table.

    Geometries are reprojected to EPSG:4326 when the collection has another CRS; non-geometry
    columns are kept. Times are floored to whole seconds; tz-aware times are converted to UTC.
    Of fixes less than a second apart in one trajectory (1-10 Hz loggers) the earliest of each
    second is kept and the others dropped with one warning, as for every other frame kind
    (``coerce.drop_sub_second_fixes``; before session 14 a collection was refused for
    "duplicate timestamps" there). Exact repeats stay for the duplicate-timestamp check.
    Loops over trajectories (not points): each one's arrays are converted in bulk.
    """
    _require_movingpandas()
    trajs = getattr(tc, "trajectories", None) or [tc]
    parts, n_in, n_sub = [], 0, 0
    for traj in trajs:
        gdf = traj.df
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        idx = gdf.index
        if getattr(idx, "tz", None) is not None:
            idx = idx.tz_convert("UTC").tz_localize(None)
        exact = idx.values.astype("datetime64[ns]").astype(np.int64)
        t_s = idx.values.astype("datetime64[s]").astype(np.int64)
        keep = first_of_each_second(t_s, exact)
        n_sub += int((~keep).sum())
        rest = gdf.drop(columns=[gdf.geometry.name]).reset_index(drop=True)
        rest = rest.drop(columns=[c for c in ("traj_id", "t", "lat", "lon") if c in rest.columns])
        part = pl.DataFrame({
            "traj_id": [str(traj.id)] * len(t_s), "t": t_s,
            "lat": gdf.geometry.y.to_numpy(np.float64), "lon": gdf.geometry.x.to_numpy(np.float64),
        }).with_columns(pl.col("lat", "lon").fill_nan(None))  # empty Point: a fix to recover  # fmt: skip
        if len(rest.columns):  # optional columns ride along (none: a 0-height frame)
            part = part.hstack(pl.from_pandas(rest).get_columns())
        n_in += len(part)
        parts.append(part.filter(pl.Series(keep)) if not keep.all() else part)
    if not parts:
        from trajlm.data.schema import empty_table

        return empty_table(), DropReport()
    if n_sub:
        from trajlm.errors import warn_at_caller

        warn_at_caller(
            f"input: {n_sub} fix(es) less than a second after another of the same trajectory "
            "dropped (trajlm's time resolution is 1 s; the earliest fix of each second is kept)"
        )
    return conform(pl.concat(parts, how="diagonal_relaxed")), DropReport(rows_in=n_in)


def first_of_each_second(t_s: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """Mask keeping, of the fixes that share a whole second but differ below it, the earliest;
    exact repeats (same time to the nanosecond) are all kept."""
    if len(t_s) < 2:
        return np.ones(len(t_s), bool)
    order = np.lexsort((exact, t_s))
    ts, ex = t_s[order], exact[order]
    first = np.r_[True, ts[1:] != ts[:-1]]
    earliest = np.maximum.accumulate(np.where(first, np.arange(len(ts)), 0))
    keep_sorted = ex == ex[earliest]
    keep = np.empty(len(t_s), bool)
    keep[order] = keep_sorted
    return keep
