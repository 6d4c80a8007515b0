"""A GIS file's line layer read as points (heldout34), where the file has no point layer: both
were refused as "no point layer with times ... lines and polygons have no time per vertex".

* LineString M in a GeoPackage (QGIS "Points to path" with M = the fix's Unix time; PostGIS
  `ST_MakeLine` of `ST_MakePointM`): GDAL's reader behind pyogrio drops M, so the geometries
  are read from the GeoPackage's own SQLite table (the GeoPackage binary header, then ISO WKB),
  one point per vertex with its M as `time` (Unix seconds or milliseconds, by size, as a WKT
  LINESTRING M column in a CSV is read: wkt_lines.py). The feature's fields are repeated.
* 2-vertex segments with start / end times (MovingPandas' `to_line_gdf()`): data/
  segment_lines.py, in any GIS file pyogrio reads.

The layer: `layer` (--layer) or the file's only line layer. Coordinates in another CRS than
WGS84 are reprojected, said."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path
from typing import Any

from trajlm.data.schema import TrajlmInputError

_LINES = ("linestring", "multilinestring")


def line_layer(path: Path, layers: list[tuple[str, str]], layer: str | None) -> str | None:
    """The line layer to read as points: `layer` when it holds lines, else the only line layer
    of a file with no point layer; None otherwise."""
    kinds = {n: g.lower().replace(" ", "") for n, g in layers}
    if any("point" in k for k in kinds.values()):
        return None
    lines = [n for n, k in kinds.items() if k.rstrip("zm").rstrip() in _LINES or "line" in k]
    if layer is not None:
        return layer if layer in lines else None
    return lines[0] if len(lines) == 1 else None


def _gpkg_m(path: Path, name: str) -> tuple[str, int] | None:
    """(geometry column, srs id) of a GeoPackage table whose geometries carry M, else None."""
    if path.suffix.lower() != ".gpkg":
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = db.execute(
            "SELECT column_name, srs_id, m FROM gpkg_geometry_columns WHERE table_name = ?",
            (name,),
        ).fetchone()
        if row is None or not row[2]:
            return None
        return str(row[0]), int(row[1])
    except sqlite3.Error:
        return None
    finally:
        db.close()


def _wkb(blob: bytes | None) -> bytes | None:
    """The ISO WKB inside a GeoPackage geometry blob (`GP`, version, flags, srs id, envelope)."""
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return None
    envelope = (0, 32, 48, 48, 64)[min((blob[3] >> 1) & 7, 4)]
    return bytes(blob[8 + envelope :])


def m_points(path: Path, name: str, geom_col: str, srs: int) -> Any:
    """The vertices of a GeoPackage table's LineString M features as a pandas frame: the
    feature's fields (not its rowid key), `time` (the vertex's M), `lat`, `lon`."""
    import numpy as np
    import pandas as pd
    import shapely

    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        quoted = '"' + name.replace('"', '""') + '"'
        info = list(db.execute(f"PRAGMA table_info({quoted})"))
        key = [r[1] for r in info if r[5] and str(r[2]).upper() == "INTEGER"]
        fields = [r[1] for r in info if r[1] != geom_col and r[1] not in key[:1]]
        cols = ", ".join('"' + c.replace('"', '""') + '"' for c in [geom_col, *fields])
        rows = db.execute(f"SELECT {cols} FROM {quoted}").fetchall()
    except sqlite3.Error as e:
        raise TrajlmInputError(f"a GeoPackage that does not read ({e})", path=path) from None
    finally:
        db.close()
    parts, n = [], []
    for k, r in enumerate(rows):
        wkb = _wkb(r[0])
        g = shapely.from_wkb(wkb) if wkb else None
        if g is None or g.is_empty:
            n.append(0)
            continue
        if not shapely.has_m(g):
            raise TrajlmInputError(
                f"layer {name!r}: feature {k + 1} has no M values (the others carry each "
                "vertex's time as M)",
                path=path,
            )
        c = shapely.get_coordinates(g, include_m=True)
        parts.append(c)
        n.append(len(c))
    xy = np.concatenate(parts) if parts else np.zeros((0, 3))
    out = pd.DataFrame([r[1:] for r in rows], columns=fields).loc[
        np.repeat(np.arange(len(rows)), n)
    ]
    out = out.reset_index(drop=True)
    lon, lat = xy[:, 0], xy[:, 1]
    if srs not in (4326, 0, -1):  # another CRS: to WGS84 (pyproj, with geopandas)
        from pyproj import Transformer

        lon, lat = Transformer.from_crs(f"EPSG:{srs}", "EPSG:4326", always_xy=True).transform(
            lon, lat
        )
        warnings.warn(f"{path.name}: coordinates in EPSG:{srs} reprojected to WGS 84", stacklevel=3)
    out["time"], out["lat"], out["lon"] = xy[:, 2], lat, lon
    return out


def line_points(path: Path, src: Any, name: str) -> Any:
    """The points of line layer `name` (see the module) as a pandas frame, or one
    TrajlmInputError saying why a line layer holds no trajectory."""
    import numpy as np
    import pyogrio
    import shapely

    from trajlm.data.segment_lines import end_time_columns, segment_points

    if m := _gpkg_m(path, name):
        warnings.warn(
            f"{path.name}: layer {name!r}'s lines read as points, each vertex's M as its time",
            stacklevel=3,
        )
        return m_points(path, name, *m)
    with warnings.catch_warnings():  # GDAL's "Measured (M) geometry types are not supported"
        warnings.simplefilter("ignore")
        df = pyogrio.read_dataframe(src, layer=name)
    if df.crs is not None and not df.crs.equals("EPSG:4326"):
        df = df.to_crs(4326)
    geoms = df.geometry.to_numpy()
    counts = shapely.get_num_coordinates(geoms)
    rest = df.drop(columns=df.geometry.name)
    ends = end_time_columns(rest, counts)
    if ends is None:
        raise TrajlmInputError(
            f"layer {name!r} holds lines with no time per vertex (fields: "
            f"{list(rest.columns)[:12]}), so no trajectory",
            path=path,
            hint="lines are read as trajectories when each vertex's M is its Unix time "
            "(LineString M), or as 2-vertex steps with a start and an end time field",
        )
    warnings.warn(
        f"{path.name}: layer {name!r}'s 2-vertex lines read as steps from {ends[0]!r} to "
        f"{ends[1]!r}",
        stacklevel=3,
    )
    xy = shapely.get_coordinates(geoms)
    out = segment_points(rest, np.asarray(xy), *ends)
    return out.rename(columns={ends[1]: "time"}) if "time" not in out.columns else out
