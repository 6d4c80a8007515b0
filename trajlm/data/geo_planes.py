"""Metric planes for distances at any range: the AEQD plane about a point, per-trajectory x / y
metres, and how far a table reaches from the model's equirectangular centre (data/geo.py's
docstring says why both exist). Out of data/geo.py (review38), which still holds every name."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import EARTH_RADIUS_M, median_lon
from trajlm.data.geo_crs import transformer
from trajlm.errors import warn_at_caller

EXTENT_WARN_KM = 100.0  # beyond this from the centre the equirectangular plane errs > ~1 %


@dataclass
class AeqdProjection:
    """Azimuthal equidistant plane about (lat0, lon0) on the WGS84 ellipsoid, in metres.

    Same ``forward``/``inverse`` interface as ``features.LocalProjection``; distances from the
    centre are exact at any range, so it holds for basin-scale tracks where the
    equirectangular plane does not. Needs pyproj."""

    lat0: float
    lon0: float

    def _transformer(self, inverse: bool = False) -> Any:
        aeqd = f"+proj=aeqd +lat_0={self.lat0} +lon_0={self.lon0} +datum=WGS84 +units=m"
        src, dst = ("EPSG:4326", aeqd) if not inverse else (aeqd, "EPSG:4326")
        return transformer(src, dst)

    def forward(self, lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) degrees -> (x, y) metres east/north of the centre."""
        x, y = self._transformer().transform(
            np.asarray(lon, np.float64), np.asarray(lat, np.float64)
        )
        return np.asarray(x), np.asarray(y)

    def inverse(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) metres -> (lat, lon) degrees."""
        lon, lat = self._transformer(inverse=True).transform(np.asarray(x), np.asarray(y))
        return np.asarray(lat), np.asarray(lon)

    @classmethod
    def fit(cls, df: pl.DataFrame) -> AeqdProjection:
        """Centred on the median point, like ``LocalProjection.fit``."""
        return cls(float(df["lat"].median()), median_lon(df["lon"]))


def local_xy(df: pl.DataFrame) -> pl.DataFrame:
    """Add x_m, y_m in a per-trajectory AEQD plane centred on each trajectory's first point.

    Correct at any scale (a hurricane crossing an ocean); one pyproj transform per trajectory.
    """
    df = df.sort(["traj_id", "t"], maintain_order=True)
    x = np.empty(len(df))
    y = np.empty(len(df))
    ids = df["traj_id"]
    starts = np.flatnonzero((ids != ids.shift(1)).fill_null(True).to_numpy())
    ends = np.append(starts[1:], len(df))
    lat, lon = df["lat"].to_numpy(), df["lon"].to_numpy()
    for a, b in zip(starts, ends, strict=True):  # a loop over trajectories, not points
        x[a:b], y[a:b] = AeqdProjection(float(lat[a]), float(lon[a])).forward(lat[a:b], lon[a:b])
    return df.with_columns(x_m=pl.Series(x), y_m=pl.Series(y))


def check_extent(
    df: pl.DataFrame,
    lat0: float | None = None,
    lon0: float | None = None,
    limit_km: float = EXTENT_WARN_KM,
    what: str = "this table",
) -> dict[str, float]:
    """How far `df` reaches from the plane's centre (default: its median point), and the worst
    east-west scale error of the equirectangular plane there; warns past `limit_km`.

    Needs no pyproj. Returns {"max_km", "scale_error"}; scale_error 0.015 = 1.5 %."""
    lat = df["lat"].drop_nulls().to_numpy()
    lon = df["lon"].drop_nulls().to_numpy()
    if len(lat) == 0:
        return {"max_km": 0.0, "scale_error": 0.0}
    lat0 = float(np.median(lat)) if lat0 is None else lat0
    lon0 = median_lon(lon) if lon0 is None else lon0
    p1, p2 = np.radians(lat0), np.radians(lat)
    dl = np.radians((lon - lon0 + 180.0) % 360.0 - 180.0)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    max_km = float(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h)).max() / 1000.0)
    cos0 = max(math.cos(p1), 1e-9)
    scale_error = float(np.abs(np.cos(p2) / cos0 - 1.0).max())
    if max_km > limit_km:
        warn_at_caller(  # the user's line, not trajlm's (newuser29: api_checks.py:119)
            f"{what} reaches {max_km:,.0f} km from its projection centre ({lat0:.3f}, "
            f"{lon0:.3f}); the equirectangular plane's east-west distances are off by up to "
            f"{100 * scale_error:.1f} % there. Fine for a city; for basin-scale tracks use "
            "trajlm.data.geo.local_xy / AeqdProjection for distances"
        )
    return {"max_km": max_km, "scale_error": scale_error}
