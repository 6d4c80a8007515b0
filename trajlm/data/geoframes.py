"""GeoDataFrames as point tables: Points (one row per fix) or LineStrings (one row per
trajectory, times in a list column, one per vertex), reprojected to WGS84 lat/lon with the
frame's own CRS (or ``crs=``); used by data/coerce.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.data import geo
from trajlm.data.schema import TrajlmInputError


def _from_geodataframe(gdf: Any, time_col: str | None, crs: Any) -> tuple[Any, Any]:
    """GeoDataFrame (Points, or one LineString per row) -> (pandas frame with lat/lon, CRS)."""
    import pandas as pd

    src_crs = gdf.crs if gdf.crs is not None else crs
    if src_crs is None:
        raise TrajlmInputError(
            "the GeoDataFrame has no CRS", field="geometry", hint="set one (gdf.set_crs) or crs="
        )
    if not geo.is_wgs84(src_crs) and geo.crs_refusal(src_crs):
        raise TrajlmInputError(geo.crs_refusal(src_crs), field="crs")
    g = gdf if geo.is_wgs84(src_crs) else gdf.set_crs(src_crs, allow_override=True).to_crs(4326)
    geom = g.geometry
    types = set(geom.dropna().geom_type.unique())
    rest = pd.DataFrame(g.drop(columns=[g.geometry.name]))
    rest = rest.drop(columns=[c for c in ("lat", "lon") if c in rest.columns])
    if types <= {"Point"}:
        empty = geom.isna() | geom.is_empty
        rest["lat"] = np.where(empty, np.nan, geom.y.where(~empty))
        rest["lon"] = np.where(empty, np.nan, geom.x.where(~empty))
        return rest, src_crs
    if types <= {"LineString"}:
        shapely = geo.require("shapely")
        coords = [shapely.get_coordinates(x) for x in geom]
        lists = [c for c in rest.columns if _is_list_column(rest[c])]
        tcol = time_col or (lists[0] if len(lists) == 1 else None)
        if tcol is None:
            raise TrajlmInputError(
                f"LineStrings need their times in a list column (one per vertex); found list "
                f"columns {lists} among {list(rest.columns)}",
                field="t",
                hint="name it with time_col=...",
            )
        for i, (c, t) in enumerate(zip(coords, rest[tcol], strict=True)):
            if len(c) != len(t):
                raise TrajlmInputError(
                    f"row {i}: {len(c)} vertices but {len(t)} times", field=tcol,
                )  # fmt: skip
        out = rest.explode(tcol, ignore_index=True)
        xy = np.concatenate(coords) if coords else np.zeros((0, 2))
        out["lat"], out["lon"] = xy[:, 1], xy[:, 0]
        out[tcol] = _vertex_times(out[tcol])
        return out, src_crs
    raise TrajlmInputError(
        f"geometries must be Points or LineStrings, found {sorted(types)}", field="geometry"
    )


def _is_list_column(s: Any) -> bool:
    import pandas as pd

    first = s.dropna().head(1)
    return len(first) > 0 and isinstance(first.iloc[0], list | tuple | np.ndarray | pd.Index)


def _vertex_times(v: Any) -> Any:
    """Exploded per-vertex times (an object column) -> a typed column: numbers stay Unix
    seconds; datetimes (pandas Timestamps, datetime.datetime, numpy datetime64; tz-aware keep
    their zone, naive are UTC) become a datetime column; text is ISO 8601 (UTC datetimes).
    Before session 14 ``pd.to_numeric`` turned datetimes into nanoseconds, which were then
    refused as "these look like nanoseconds / microseconds"."""
    import datetime as dt

    import pandas as pd

    first = v.dropna().head(1)
    if len(first) and isinstance(first.iloc[0], dt.datetime | dt.date | np.datetime64):
        try:
            out = pd.to_datetime(v)  # one zone (or naive): kept as the caller's
        except (TypeError, ValueError):  # zones mixed: one UTC column
            out = pd.to_datetime(v, utc=True)
        if not isinstance(out.dtype, pd.DatetimeTZDtype) and out.dtype.kind != "M":
            out = pd.to_datetime(v, utc=True)  # mixed zones give objects in some pandas
        return out
    try:  # Unix seconds, else ISO strings
        return pd.to_numeric(v)
    except (TypeError, ValueError):
        return pd.to_datetime(v, utc=True, format="mixed")
