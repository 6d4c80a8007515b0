"""The predicted-points table every predictor hands back: one row per (trajectory, step)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl


def points_frame(
    ids: Sequence,
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    std_m: np.ndarray | None = None,
) -> pl.DataFrame:
    """traj_id, step (1..k), t, lat, lon, std_m from (B, k) arrays, row b of each belonging to
    ``ids[b]``; ``std_m`` None: NaN (a predictor without an uncertainty)."""
    B, k = np.shape(lat)
    std = np.full(B * k, np.nan) if std_m is None else np.asarray(std_m).reshape(-1)
    return pl.DataFrame(
        {
            "traj_id": np.repeat(np.array(ids, dtype=object), k).tolist(),
            "step": np.tile(np.arange(1, k + 1), B),
            "t": np.asarray(t).reshape(-1),
            "lat": np.asarray(lat).reshape(-1),
            "lon": np.asarray(lon).reshape(-1),
            "std_m": std,
        }
    )
