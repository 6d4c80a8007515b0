"""Tracks and a stand-in recoverer for tests/test_uncert32_*.py (session 32, uncert32)."""

from __future__ import annotations

import numpy as np
import polars as pl

M = 111_320.0


class Linear:
    """Time-linear interpolation of each trajectory's known fixes (the fit's code path
    without a model)."""

    def recover(self, df: pl.DataFrame) -> pl.DataFrame:
        parts = []
        for (_,), g in df.group_by("traj_id", maintain_order=True):
            t = g["t"].cast(pl.Float64).to_numpy()
            lat, lon = g["lat"].to_numpy().astype(float), g["lon"].to_numpy().astype(float)
            k = np.isfinite(lat)
            parts.append(g.with_columns(lat=pl.Series(np.interp(t, t[k], lat[k])),
                                        lon=pl.Series(np.interp(t, t[k], lon[k]))))  # fmt: skip
        return pl.concat(parts)


def parked_trip(trip: str, seed: int, speed: float = 1.4) -> pl.DataFrame:
    """A walk of 2 h (a fix every 5 s, 3 m scatter) with a 4-hour stop in the middle: the fix
    before the stop opens a 1800-s window, so every downsampling keeps both ends of the stop."""
    rng = np.random.default_rng(seed)
    t = np.r_[np.arange(0, 3601, 5), 3600 + 4 * 3600 + np.arange(0, 3600, 5)].astype(float)
    moving = np.minimum(t, 3600) + np.maximum(t - 3600 - 4 * 3600, 0)  # parked in between
    north = speed * moving + rng.normal(0, 3, len(t))
    east = 40 * np.sin(moving / 300) + rng.normal(0, 3, len(t))
    return pl.DataFrame({"traj_id": trip, "t": 1_700_000_000 + t.astype(np.int64),
                         "lat": 39.9 + north / M, "lon": 116.4 + east / (M * np.cos(0.696))})  # fmt: skip
