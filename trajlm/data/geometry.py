"""Geometry and time helpers, one home for each: the Earth radius, haversine distances (NumPy
arrays and Polars expressions), trajectory offsets of a sorted table, cyclic time features.

Every distance the project reports is the haversine distance on a sphere of radius
R = 6,371,008.8 m (the IUGG mean Earth radius, PROTOCOL.md), on WGS84 degrees.
"""

from __future__ import annotations

import numpy as np
import polars as pl

EARTH_RADIUS_M = 6_371_008.8


def haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres between (lat1, lon1) and (lat2, lon2), in degrees.

    Inputs broadcast against each other; the result has the broadcast shape.
    """
    p1, p2 = np.radians(np.asarray(lat1, np.float64)), np.radians(np.asarray(lat2, np.float64))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, np.float64) - np.asarray(lon1, np.float64))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    # clip guards against a > 1 from rounding for antipodal points (arcsin domain)
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def haversine_m(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    """Great-circle distance in metres between two (lat, lon) degree expressions."""
    p1, p2 = lat1.radians(), lat2.radians()
    a = ((p2 - p1) / 2).sin() ** 2 + p1.cos() * p2.cos() * ((lon2 - lon1).radians() / 2).sin() ** 2
    return 2 * EARTH_RADIUS_M * a.sqrt().clip(upper_bound=1.0).arcsin()


def trajectory_offsets(df: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Start row and length of each trajectory of a table sorted by (traj_id, t)."""
    new = (df["traj_id"] != df["traj_id"].shift(1)).fill_null(True).to_numpy()
    start = np.flatnonzero(new)
    return start, np.diff(np.append(start, len(df)))


def cyclic_time(t: np.ndarray) -> np.ndarray:
    """Unix seconds -> (N, 4) [sin hour, cos hour, sin dow, cos dow] (UTC)."""
    t = np.asarray(t, dtype=np.float64)
    hour = (t % 86400.0) / 3600.0
    dow = ((t // 86400.0) + 3.0) % 7.0  # 1970-01-01 was a Thursday (Mon = 0)
    a, b = 2 * np.pi * hour / 24.0, 2 * np.pi * dow / 7.0
    return np.stack([np.sin(a), np.cos(a), np.sin(b), np.cos(b)], axis=-1)
