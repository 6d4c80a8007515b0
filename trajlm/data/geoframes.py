"""GeoDataFrames as point tables: Points (one row per fix) or LineStrings (one row per
trajectory, times in a list column, one per vertex), reprojected to WGS84 lat/lon with the
frame's own CRS (or ``crs=``); used by data/coerce.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.data import geo
from trajlm.data.schema import TrajlmInputError

# A Point frame's own x, y (projected CRSs) and heights, carried through the canonical table
# and put back on the rows that come back unmoved (restore_points; gisuser19).
X_COL, Y_COL, Z_COL = "_geometry_x", "_geometry_y", "_geometry_z"
# Attribute columns named lat / lon beside the geometry ride under other names (they were
# dropped from the rows recover / check_validity give back).
ATTR = {"lat": "_attr_lat", "lon": "_attr_lon"}
CARRIED = [X_COL, Y_COL, Z_COL, *ATTR.values()]


def from_geodataframe(gdf: Any, time_col: str | None, crs: Any) -> tuple[Any, Any]:
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
    types = types_in = set(geom.dropna().geom_type.unique())
    if "MultiPoint" in types:  # one fix per row (single parts) or a trajectory's vertices
        geom, types = _multipoints(geom, types)
    # Only the active geometry is read: other geometry columns (a stale copy in another CRS)
    # cannot travel through the table (gisuser19: they were refused as "mixes value types").
    others = [c for c in g.columns if c != g.geometry.name and str(g[c].dtype) == "geometry"]
    rest = pd.DataFrame(g.drop(columns=[g.geometry.name, *others]))
    rest = rest.rename(columns=ATTR)  # the caller's own lat / lon columns: back on the way out
    if types <= {"Point"}:
        empty = geom.isna() | geom.is_empty
        rest["lat"] = np.where(empty, np.nan, geom.y.where(~empty))
        rest["lon"] = np.where(empty, np.nan, geom.x.where(~empty))
        _degrees_or_refuse(rest, src_crs, gdf.geometry.name)
        own = gdf.geometry  # the caller's numbers ride along: rows given back keep them exactly
        if not geo.is_wgs84(src_crs) and types_in <= {"Point"}:  # (27700 round trip: 1 mm)
            rest[X_COL] = np.where(empty, np.nan, own.x.where(~empty))
            rest[Y_COL] = np.where(empty, np.nan, own.y.where(~empty))
        if bool(geom.has_z.any()):  # heights likewise (they were dropped)
            rest[Z_COL] = np.where(empty | ~geom.has_z, np.nan, geom.z.where(~empty))
        return rest, src_crs
    if types <= {"LineString"}:  # also MultiPoints of several points: vertices
        shapely = geo.require("shapely")
        coords = [shapely.get_coordinates(x) for x in geom]
        lists = [c for c in rest.columns if _is_list_column(rest[c])]
        tcol = time_col or (lists[0] if len(lists) == 1 else None)
        if tcol is None and not lists and _all_have_m(geom):  # LINESTRING M: M = Unix seconds
            tcol = "t" if "t" not in rest.columns else "t_m"
            rest[tcol] = [list(shapely.get_coordinates(x, include_m=True)[:, 2]) for x in geom]
        if tcol is None and not lists:  # 2-vertex steps with start / end times (heldout34)
            from trajlm.data.segment_lines import end_time_columns, segment_points

            if ends := end_time_columns(rest, [len(c) for c in coords]):
                return segment_points(rest, np.concatenate(coords), *ends), src_crs
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
    mixed = types_in >= {"Point", "MultiPoint"}  # (badin19: was said as 'LineString')
    raise TrajlmInputError(
        f"geometries must be Points, MultiPoints or LineStrings, found {sorted(types_in)}"
        + (": Points are one fix a row, a MultiPoint of several points a trajectory's "
           "vertices (times in a list column); one frame holds one kind" if mixed else ""),
        field=gdf.geometry.name,
    )  # fmt: skip


def _degrees_or_refuse(rest: Any, crs: Any, name: str) -> None:
    """Geometry in a geographic CRS whose numbers are not degrees (UTM metres labelled
    EPSG:4326 by a set_crs slip) is one line naming the CRS and the fix; before, it was a
    "field lat ... pass crs=" line about a column the frame does not have (gisuser19)."""
    y, x = (rest[c].abs().to_numpy(float) for c in ("lat", "lon"))  # inf: the checks' line
    big_y, big_x = (np.nanmax(v[np.isfinite(v)], initial=0.0) for v in (y, x))
    if not (big_y > 90 or big_x > 540):  # NaN compares False
        return
    if big_y <= 180 and big_x <= 90:  # points_from_xy(lat, lon): Beijing at y = 116
        raise TrajlmInputError(
            f"the geometry's y reaches {big_y:,.6g}, beyond a latitude, while every x is "
            "within +-90: x and y look swapped (latitude given as x)",
            field=name,
            hint="build the points as gpd.points_from_xy(longitude, latitude)",
        )
    raise TrajlmInputError(
        f"the geometry says {geo.crs_name(crs)!r} (degrees) but reaches x = {big_x:,.6g}, "
        f"y = {big_y:,.6g}: these look like projected metres or feet",
        field=name,
        hint="label them with their CRS: gdf.set_crs('EPSG:...', allow_override=True)",
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


def restore_points(gdf: Any, own: Any) -> Any:
    """``gdf`` (Points in the caller's CRS, after the WGS84 round trip) with the caller's own
    numbers back where a row still sits on its input point (within 1 cm, or 1e-7 degrees):
    exact known fixes, heights where given (rows without a height stay 2-D). ``own``: the
    frame of X_COL / Y_COL / Z_COL columns that rode along (each may be absent)."""
    shapely = geo.require("shapely")
    pts = gdf.geometry.to_numpy()
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    if X_COL in own.columns:
        ox, oy = own[X_COL].to_numpy(float), own[Y_COL].to_numpy(float)
        tol = 1e-7 if gdf.crs is not None and gdf.crs.is_geographic else 0.01
        same = np.hypot(ox - x, oy - y) < tol  # NaN (a recovered row): False
        x, y = np.where(same, ox, x), np.where(same, oy, y)
    z = own[Z_COL].to_numpy(float) if Z_COL in own.columns else np.full(len(x), np.nan)
    flat = shapely.points(x, y)
    out = np.where(np.isnan(z), flat, shapely.points(x, y, np.nan_to_num(z)))
    out = np.where(shapely.is_empty(pts) | (gdf.geometry.isna().to_numpy()), pts, out)
    return gdf.set_geometry(type(gdf.geometry)(out, index=gdf.index, crs=gdf.crs))
