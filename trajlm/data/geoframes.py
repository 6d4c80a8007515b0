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

    _same_crs(gdf.crs, crs)
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
    if "MultiPoint" in types:  # one fix per row (single parts) or a trajectory's vertices
        geom, types = _multipoints(geom, types)
    # Only the active geometry is read: other geometry columns (a stale copy in another CRS)
    # cannot travel through the table (gisuser19: they were refused as "mixes value types").
    others = [c for c in g.columns if c != g.geometry.name and str(g[c].dtype) == "geometry"]
    rest = pd.DataFrame(g.drop(columns=[g.geometry.name, *others]))
    rest = rest.drop(columns=[c for c in ("lat", "lon") if c in rest.columns])
    if types <= {"Point"}:
        empty = geom.isna() | geom.is_empty
        rest["lat"] = np.where(empty, np.nan, geom.y.where(~empty))
        rest["lon"] = np.where(empty, np.nan, geom.x.where(~empty))
        return rest, src_crs
    if types <= {"LineString"}:  # also MultiPoints of several points: vertices
        shapely = geo.require("shapely")
        coords = [shapely.get_coordinates(x) for x in geom]
        lists = [c for c in rest.columns if _is_list_column(rest[c])]
        tcol = time_col or (lists[0] if len(lists) == 1 else None)
        if tcol is None and not lists and _all_have_m(geom):  # LINESTRING M: M = Unix seconds
            tcol = "t" if "t" not in rest.columns else "t_m"
            rest[tcol] = [list(shapely.get_coordinates(x, include_m=True)[:, 2]) for x in geom]
        if tcol is None:
            raise TrajlmInputError(
                f"LineStrings need their times in a list column (one per vertex); found list "
                f"columns {lists} among {list(rest.columns)}",
                field="t",
                hint="name it with time_col=... (or carry Unix seconds as the vertices' M)",
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
        f"geometries must be Points, MultiPoints or LineStrings, found {sorted(types)}",
        field=gdf.geometry.name,
    )


def _same_crs(own: Any, given: Any) -> None:
    """``crs=`` beside a GeoDataFrame's own CRS: the same one, or a one-line refusal (it was
    ignored without a word, gisuser19)."""
    if own is None or given is None:
        return
    pyproj = geo.require("pyproj")
    if not pyproj.CRS.from_user_input(geo.parse_crs(given)).equals(own):
        raise TrajlmInputError(
            f"crs={geo.crs_name(given)!r} but the GeoDataFrame's own CRS is {geo.crs_name(own)!r}",
            field="crs",
            hint="drop crs= (the frame's CRS is used), or fix it with gdf.set_crs(..., "
            "allow_override=True) / gdf.to_crs(...)",
        )


def _multipoints(geom: Any, types: set) -> tuple[Any, set]:
    """MultiPoints: single-part ones are Points (one fix per row); with other Points, or
    all as a trajectory's vertices, they read as LineStrings do (times in a list column)."""
    shapely = geo.require("shapely")
    parts = shapely.get_num_geometries(geom.to_numpy())
    multi = (geom.geom_type == "MultiPoint").to_numpy()
    if (parts[multi] <= 1).all():
        single = [shapely.get_geometry(x, 0) if m else x for x, m in zip(geom, multi, strict=True)]
        return type(geom)(single, index=geom.index, crs=geom.crs), {"Point"} | (
            types - {"MultiPoint"}
        )
    return geom, {"LineString"} | (types - {"MultiPoint"})


def _all_have_m(geom: Any) -> bool:
    shapely = geo.require("shapely")
    has_m = getattr(shapely, "has_m", None)  # shapely >= 2.1
    return has_m is not None and len(geom) > 0 and bool(has_m(geom.to_numpy()).all())


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
