"""A course column in radians, read as degrees (session 32, badin32).

A COG of 1.5708 (east, in radians) is 1.6 degrees, nearly north: dead reckoning sent an
eastbound ship north without a word (badin31's surfaces 27). Every radian course lies within
[0, 2 pi], but so does a real course of 0-6 degrees, so the range alone decides nothing. The
evidence is the fixes: on steps that move far enough, the bearing from one fix to the next
matches the reported course read as radians, not read as degrees. Such a column is not used
(dead reckoning falls back as for a mislabelled speed unit) and said once.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from trajlm.data.geometry import haversine

MIN_MOVED_M = 50.0  # a step this long has a bearing beyond GPS noise
MIN_STEPS = 3
FITS_DEG = 30.0  # median |bearing - course| within this: the reading fits
MISFITS_DEG = 60.0  # ... beyond this: it does not


def bearing(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Initial great-circle bearing (degrees clockwise from north) from point 1 to point 2."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.degrees(np.arctan2(y, x)) % 360.0


def _off(a: np.ndarray, b: np.ndarray) -> float:
    """Median absolute angle (degrees) between bearings ``a`` and ``b``, across north."""
    return float(np.median(np.abs((a - b + 180.0) % 360.0 - 180.0)))


def course_in_radians(df: pl.DataFrame, cog: np.ndarray) -> tuple[float, float] | None:
    """(median degrees off read as degrees, read as radians) when ``cog`` (per row of ``df``,
    canonical and sorted by traj_id, t) reads like radians: every finite value within
    [0, 2 pi], and on at least MIN_STEPS steps of MIN_MOVED_M or more (<= 300 s) the bearing
    between the fixes fits the course as radians (FITS_DEG) and misfits it as degrees
    (MISFITS_DEG); else None."""
    finite = cog[np.isfinite(cog)]
    if len(finite) == 0 or finite.max() > 2 * math.pi + 1e-6 or len(df) < 2:
        return None
    lat, lon, t = (df[c].to_numpy().astype(np.float64) for c in ("lat", "lon", "t"))
    g = df.select(pl.col("traj_id").rle_id())["traj_id"].to_numpy()
    dt = np.diff(t)
    d = haversine(lat[:-1], lon[:-1], lat[1:], lon[1:])
    ok = (g[1:] == g[:-1]) & (dt > 0) & (dt <= 300) & (d >= MIN_MOVED_M) & np.isfinite(cog[:-1])
    if ok.sum() < MIN_STEPS:
        return None
    b = bearing(lat[:-1], lon[:-1], lat[1:], lon[1:])[ok]
    c = cog[:-1][ok]
    as_deg, as_rad = _off(b, c), _off(b, np.degrees(c))
    return (as_deg, as_rad) if as_rad <= FITS_DEG and as_deg >= MISFITS_DEG else None
