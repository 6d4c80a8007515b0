"""Longitudes on the circle: tracks and boxes across the antimeridian (ships24).

A container ship from Yokohama to Long Beach crosses +-180 deg: a plain mean of its longitudes
is ~0 (the far side of the Earth), a plain min..max box spans the whole globe, and a plain
interpolation between 179.9 and -179.9 sweeps through Greenwich. These helpers take the short
way round, and give the plain answer, bit for bit, wherever nothing crosses the line.

A box that crosses the antimeridian has ``west > east`` (GeoJSON's convention, RFC 7946 5.2).
"""

from __future__ import annotations

import numpy as np


def wrap_lon(lon: np.ndarray) -> np.ndarray:
    """Longitudes back into [-180, 180)."""
    return (np.asarray(lon, dtype=np.float64) + 180.0) % 360.0 - 180.0


def unwrap_lon(lon: np.ndarray) -> np.ndarray:
    """Longitudes along a track made continuous (no 360 deg jumps between neighbours), as
    np.unwrap does for radians: the short way round between consecutive values."""
    arr = np.asarray(lon, dtype=np.float64)
    if arr.size < 2:
        return arr.copy()
    step = (np.diff(arr) + 180.0) % 360.0 - 180.0
    return np.concatenate((arr[:1], arr[0] + np.cumsum(step)))


def near_lon(lon: np.ndarray, lon0: float) -> np.ndarray:
    """Longitudes moved by 360 deg where that brings them within 180 deg of ``lon0``: features
    continuous across the antimeridian about a centre, values unchanged (bit for bit) where
    they already lie within 180 deg of it."""
    arr = np.asarray(lon, dtype=np.float64)
    return np.where(
        arr - lon0 > 180.0, arr - 360.0, np.where(arr - lon0 < -180.0, arr + 360.0, arr)
    )


def mean_lon(lon: np.ndarray) -> float:
    """The mean longitude, taken the short way round: the plain mean of [179.9, -179.9] is 0,
    which put a recovery plane's seam through a Pacific voyage (24.8 km errors). Values spanning
    more than 180 deg are averaged as offsets from the first one; otherwise the plain mean."""
    arr = np.asarray(lon, dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    if len(arr) == 0:
        return 0.0
    if float(arr.max() - arr.min()) <= 180.0:
        return float(np.mean(arr))
    off = (arr - arr[0] + 180.0) % 360.0 - 180.0
    return float(wrap_lon(arr[0] + off.mean()))


def lon_extent(lon: np.ndarray) -> tuple[float, float]:
    """(west, east): the shortest arc of the circle holding every longitude, ``west > east``
    where it crosses the antimeridian (fleet at 160 E - 160 W: (160, -160), not -180..180).
    The plain (min, max) unless the widest empty stretch lies inside [-180, 180]."""
    arr = np.sort(np.asarray(lon, dtype=np.float64)[np.isfinite(lon)])
    if len(arr) == 0:
        raise ValueError("no finite longitudes")
    lo, hi = float(arr[0]), float(arr[-1])
    if len(arr) < 2:
        return lo, hi
    gaps = np.diff(arr)
    k = int(np.argmax(gaps))
    if float(gaps[k]) <= 360.0 - (hi - lo):  # the stretch across the line is the widest
        return lo, hi
    return float(arr[k + 1]), float(arr[k])


def arc_width(west: np.ndarray, east: np.ndarray) -> np.ndarray:
    """Degrees of longitude from ``west`` eastward to ``east`` (crossing the line if west > east)."""
    w, e = np.asarray(west, np.float64), np.asarray(east, np.float64)
    return np.where(e >= w, e - w, e - w + 360.0)


def lon_outside(lon: np.ndarray, west: np.ndarray, east: np.ndarray) -> np.ndarray:
    """Degrees of longitude (>= 0, the short way) from each ``lon`` to the arc west..east;
    0 inside. Broadcasts (points against boxes)."""
    width = arc_width(west, east)
    off = (np.asarray(lon, np.float64) - west) % 360.0  # eastward from the arc's west end
    return np.where(off <= width, 0.0, np.minimum(off - width, 360.0 - off))


def arcs_extent(west: np.ndarray, east: np.ndarray) -> tuple[float, float]:
    """(west, east) of the shortest arc holding every arc west[i]..east[i] (boxes joined):
    each arc sampled every degree, so that no arc's inside is taken for an empty stretch."""
    pts = [np.r_[w + np.arange(0.0, float(arc_width(w, e)), 1.0), w + float(arc_width(w, e))]
           for w, e in zip(np.atleast_1d(west), np.atleast_1d(east), strict=True)]  # fmt: skip
    lon = np.concatenate(pts)
    return lon_extent(np.where(lon >= 180.0, lon - 360.0, lon))


def box_lons(west: list[float], east: list[float]) -> tuple[float, float]:
    """(min_lon, max_lon) of a box joining boxes (a store's chunks, a corpus's stores): the plain
    min..max where that spans <= 180 deg (bit for bit as before), else the shortest arc
    (west > east across the antimeridian: a Pacific store is not -180..180)."""
    lo, hi = float(min(west)), float(max(east))
    crossing = any(w > e for w, e in zip(west, east, strict=True))
    if hi - lo <= 180.0 and not crossing:
        return lo, hi
    return arcs_extent(np.asarray(west, np.float64), np.asarray(east, np.float64))


def table_lons(lon: np.ndarray) -> tuple[float, float]:
    """(min_lon, max_lon) of a table's longitudes: plain where they span <= 180 deg, else the
    shortest arc (``lon_extent``; sorting only then)."""
    arr = np.asarray(lon, np.float64)
    lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
    return (lo, hi) if hi - lo <= 180.0 else lon_extent(arr)
