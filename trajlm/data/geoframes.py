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
        try:  # exploded lists are objects: Unix seconds, else datetimes / ISO strings
            out[tcol] = pd.to_numeric(out[tcol])
        except (TypeError, ValueError):
            out[tcol] = pd.to_datetime(out[tcol], utc=True, format="mixed")
        return out, src_crs
    raise TrajlmInputError(
        f"geometries must be Points or LineStrings, found {sorted(types)}", field="geometry"
    )


def _is_list_column(s: Any) -> bool:
    first = s.dropna().head(1)
    return len(first) > 0 and isinstance(first.iloc[0], list | tuple | np.ndarray)
