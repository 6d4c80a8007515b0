"""Coordinate reference systems: parsing and naming a CRS, pyproj transforms to and from WGS84,
and the "local" plane (x / y metres not on the Earth). Out of data/geo.py (review38), which
still holds every name; pyproj is imported only when a function that needs it is called."""

from __future__ import annotations

import re
import threading
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import EARTH_RADIUS_M

INSTALL = "pip install 'trajlm[geo]' (pyproj, geopandas, shapely)"
WGS84_NAMES = ("EPSG:4326", "WGS84", "WGS 84", "CRS84", "OGC:CRS84")


def require(module: str) -> Any:
    """Import an optional geo dependency, or raise ImportError saying how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f"this needs {module}: {INSTALL}") from e


# ----------------------------------------------------------------------------------- CRS


# ------------------------------------------------------------------------- a local plane

LOCAL_CRS = "local"
# Where a local plane's origin (x = 0, y = 0) is put on the Earth: open sea in the Gulf of
# Guinea, off every road network and gazetteer place, near the equator (so the model's
# equirectangular frame is at its most exact) and away from (0, 0), which is refused as "no
# fix" everywhere. The lat / lon it gives are bookkeeping, never shown: every output of a
# local-plane input goes back to x / y metres (docs/data.md "Session 36 (newuser36)").
LOCAL_ANCHOR = (1.0, 1.0)


def is_local(crs: Any) -> bool:
    """True for ``"local"``: x / y in metres on a plane that is not placed on the Earth (a
    football pitch, a warehouse's UWB grid, a simulator), read on an azimuthal equidistant
    sphere about LOCAL_ANCHOR, whose distances equal the plane's (to 1e-9 within 100 km)."""
    return isinstance(crs, str) and crs.strip().lower() == LOCAL_CRS


# How far from its origin a local plane's points may lie (badin37): the sphere keeps distances
# across the direction from the origin only to c / sin(c), 0.1 % at 500 km, 9 % at 4,500 km
# (UTM northings given as `--crs local`), and past 20,015 km the plane wraps round the Earth.
# A pitch, a warehouse or a site is a few km; a grid on the Earth takes its EPSG code.
LOCAL_MAX_M = 500_000.0


def _local_to_lat_lon(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Spherical azimuthal equidistant inverse about LOCAL_ANCHOR, radius EARTH_RADIUS_M: the
    haversine distance between two read points is their distance on the plane."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    p0, l0 = np.radians(LOCAL_ANCHOR[0]), np.radians(LOCAL_ANCHOR[1])
    rho = np.hypot(x, y)
    far = rho[np.isfinite(rho)]
    if far.size and float(far.max()) > LOCAL_MAX_M:
        from trajlm.errors import TrajlmInputError

        raise TrajlmInputError(
            f"local plane: points lie up to {float(far.max()) / 1000:,.0f} km from its "
            f"origin (x = 0, y = 0); a local plane is a site (a pitch, a warehouse, a "
            f"simulator) within {LOCAL_MAX_M / 1000:,.0f} km of its origin, beyond which its "
            "distances are not kept",
            field="crs",
            hint="coordinates of a grid on the Earth (UTM eastings / northings) take its code "
            "(--crs EPSG:326NN, crs='EPSG:326NN'); a large plane: subtract a point near its "
            "middle from every x / y first",
        )
    c = rho / EARTH_RADIUS_M
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(rho > 0, y * np.sin(c) / np.where(rho > 0, rho, 1.0), 0.0)
        lat = np.arcsin(np.cos(c) * np.sin(p0) + ratio * np.cos(p0))
        lon = l0 + np.arctan2(
            x * np.sin(c), rho * np.cos(p0) * np.cos(c) - y * np.sin(p0) * np.sin(c)
        )
    lon = np.where(rho > 0, lon, l0)
    return np.degrees(lat), np.degrees(lon)


def _lat_lon_to_local(lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray]:
    """The forward of ``_local_to_lat_lon``: (lat, lon) -> (x, y) metres on the local plane."""
    p = np.radians(np.asarray(lat, np.float64))
    dl = np.radians(np.asarray(lon, np.float64)) - np.radians(LOCAL_ANCHOR[1])
    p0 = np.radians(LOCAL_ANCHOR[0])
    h = np.sin((p - p0) / 2) ** 2 + np.cos(p0) * np.cos(p) * np.sin(dl / 2) ** 2
    c = 2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))  # stable for the short ranges of a plane
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.where(c > 0, c / np.sin(np.where(c > 0, c, 1.0)), 1.0)
    x = EARTH_RADIUS_M * k * np.cos(p) * np.sin(dl)
    y = EARTH_RADIUS_M * k * (np.cos(p0) * np.sin(p) - np.sin(p0) * np.cos(p) * np.cos(dl))
    return x, y


def is_wgs84(crs: Any) -> bool:
    """True for None (the canonical default) and every spelling of WGS84 geographic degrees."""
    if crs is None:
        return True
    if is_local(crs):
        return False
    if isinstance(crs, int):
        return crs == 4326
    if isinstance(crs, str):
        head = crs.split("(")[0].strip().upper()
        if head in WGS84_NAMES:
            return True
        code = re.fullmatch(r"EPSG:\s*(\d+)", head)
        if code:
            return code.group(1) == "4326"
    try:
        pyproj = require("pyproj")
        return pyproj.CRS.from_user_input(parse_crs(crs)).equals(pyproj.CRS.from_epsg(4326))
    except Exception:
        return False


def is_geographic(crs: Any) -> bool:
    """True for a CRS in degrees (WGS84, ETRS89 EPSG:4258, ...), False for one in metres / feet."""
    if is_wgs84(crs):
        return True
    if is_local(crs):
        return False
    return bool(require("pyproj").CRS.from_user_input(parse_crs(crs)).is_geographic)


def parse_crs(crs: Any) -> Any:
    """A value pyproj accepts: an int, a pyproj CRS, or a string; "EPSG:2100 (Greek Grid, ...)"
    (a reader preset's description) becomes "EPSG:2100"."""
    if isinstance(crs, str):
        m = re.match(r"\s*(EPSG:\d+)\b", crs, flags=re.IGNORECASE)
        if m:
            return m.group(1).upper()
    return crs


def crs_refusal(crs: str) -> str | None:
    """Why coordinates in `crs` cannot become WGS84 here (None: they can, maybe reprojected)."""
    if is_wgs84(crs) or is_local(crs):
        return None
    try:
        pyproj = require("pyproj")
    except ImportError:
        return f"coordinates are in {crs!r}, not WGS84 degrees: reprojecting them needs {INSTALL}"
    try:
        parsed = pyproj.CRS.from_user_input(parse_crs(crs))
    except Exception:
        return (
            f"coordinates are in {crs!r}, not WGS84 degrees, and pyproj does not know that CRS: "
            "they must be reprojected to EPSG:4326 first, or named by an EPSG code "
            "(EPSG:32631); x / y metres on a plane not placed on the Earth (a pitch, a "
            "warehouse) are `local`"  # badin37: 'EPSG:local' was told only "reproject"
        )
    try:  # an engineering / local grid (LOCAL_CS) has no way to the Earth: pyproj's ProjError
        transformer(parse_crs(crs), "EPSG:4326")
    except Exception:
        return (
            f"coordinates are in {crs_name(parsed)!r} ({parsed.type_name}), which has no "
            "transformation to WGS84 (a local / engineering grid is not placed on the Earth): "
            "georeference them first (gdf.set_crs / to_crs with an EPSG code)"
        )
    return None


def crs_name(crs: Any) -> str:
    """A CRS as a person names it: 'EPSG:32629' when it has a code, else its name."""
    if is_local(crs):
        return "local metres"
    pyproj = require("pyproj")
    try:
        c = pyproj.CRS.from_user_input(parse_crs(crs))
    except Exception:
        return str(crs)
    code = c.to_epsg()
    return f"EPSG:{code}" if code else c.name


_TRANSFORMERS = threading.local()  # pyproj Transformers are not shareable across threads


def transformer(src: Any, dst: Any) -> Any:
    """A cached ``pyproj.Transformer`` (always_xy) from `src` to `dst`, one per thread: building
    one costs 40-90 ms, which dominated a small projected predict() call (session 14)."""
    pyproj = require("pyproj")
    cache = getattr(_TRANSFORMERS, "cache", None)
    if cache is None:
        cache = _TRANSFORMERS.cache = {}
    key = (str(src), str(dst))
    if key not in cache:
        if len(cache) >= 32:  # a long session with many CRSs: start over
            cache.clear()
        cache[key] = pyproj.Transformer.from_crs(src, dst, always_xy=True)
    return cache[key]


def to_wgs84(x: Any, y: Any, crs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Projected (x = easting, y = northing) in `crs` -> (lat, lon) WGS84 degrees.

    NaN in, NaN out (a missing point stays missing)."""
    if is_local(crs):
        return _local_to_lat_lon(x, y)
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    lon, lat = transformer(parse_crs(crs), "EPSG:4326").transform(x, y)
    return np.asarray(lat, np.float64), np.asarray(lon, np.float64)


def from_wgs84(lat: Any, lon: Any, crs: Any) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) WGS84 degrees -> (x, y) in `crs` (easting, northing for a projected CRS)."""
    if is_local(crs):
        return _lat_lon_to_local(lat, lon)
    tr = transformer("EPSG:4326", parse_crs(crs))
    x, y = tr.transform(np.asarray(lon, np.float64), np.asarray(lat, np.float64))
    return np.asarray(x, np.float64), np.asarray(y, np.float64)


def reproject_columns(df: pl.DataFrame, crs: Any, lat: str = "lat", lon: str = "lon"):
    """Columns `lat` (northing) and `lon` (easting) in `crs` -> WGS84 degrees, in place of them.

    For readers whose mapping names the projected columns lat/lon (MAT: 'lat' = northing)."""
    if is_wgs84(crs):
        return df
    x, y = df[lon].cast(pl.Float64).to_numpy(), df[lat].cast(pl.Float64).to_numpy()
    la, lo = to_wgs84_each(x, y, crs)
    return df.with_columns(pl.Series(lat, la).fill_nan(None), pl.Series(lon, lo).fill_nan(None))


def to_wgs84_each(x: Any, y: Any, crs: Any) -> tuple[np.ndarray, np.ndarray]:
    """``to_wgs84`` where a missing x leaves only the longitude missing and a missing y only
    the latitude (the other a placeholder 0), so a row's error names the coordinate at fault
    (badfix37: a NaN x on a plane was told "field y: latitude is missing")."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    bad_x, bad_y = ~np.isfinite(x), ~np.isfinite(y)
    if not (bad_x ^ bad_y).any():
        return to_wgs84(x, y, crs)
    la, lo = to_wgs84(np.where(bad_x, 0.0, x), np.where(bad_y, 0.0, y), crs)
    la = np.where(bad_y, np.nan, np.where(bad_x, 0.0, la))
    lo = np.where(bad_x, np.nan, np.where(bad_y, 0.0, lo))
    return la, lo
