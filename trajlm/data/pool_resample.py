"""Another data set's trajectories as extra retrieval memory, resampled to the library's rhythm.

A kNN library matches histories of ``history`` points by their shape in metres, so its windows
must be sampled like the queries: T-Drive's taxis (a fix every ~250 s) beside GeoLife's people
(~15 s) would otherwise offer 250-s steps as 15-s ones. ``resample_pool`` interpolates each
trajectory linearly at ``interval_s`` and cuts it where two fixes lie more than ``max_gap_s``
apart (a straight line over a long gap is not a road). Used by ``scripts/candidate_results.py
--extra-pool`` (session 24): the pool is built at run time from the user's own store.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection


def resample_pool(
    df: pl.DataFrame,
    proj: LocalProjection,
    interval_s: float,
    max_gap_s: float,
    min_points: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-point xy (n, 2) metres in ``proj`` and integer keys (n,) of the pieces, rows in
    (piece, time) order, as ``RetrievalIndex.fit`` reads them. A piece is a run of one
    trajectory without a gap over ``max_gap_s``; pieces with fewer than ``min_points``
    resampled points are dropped."""
    if interval_s <= 0 or max_gap_s <= 0:
        raise ValueError(f"need interval_s, max_gap_s > 0, got {interval_s}, {max_gap_s}")
    df = df.sort(["traj_id", "t"]).unique(["traj_id", "t"], keep="first", maintain_order=True)
    t = df["t"].to_numpy().astype(np.float64)
    x, y = proj.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    ids = df["traj_id"].to_numpy()
    dt = np.diff(t)
    cut = np.r_[True, (ids[1:] != ids[:-1]) | (dt > max_gap_s)]
    starts = np.flatnonzero(cut)
    ends = np.r_[starts[1:], len(t)]
    out_xy, out_keys = [], []
    for a, b in zip(starts, ends, strict=True):
        at = np.arange(t[a], t[b - 1] + 1e-9, interval_s)
        if b - a < 2 or len(at) < min_points:
            continue
        out_xy.append(np.c_[np.interp(at, t[a:b], x[a:b]), np.interp(at, t[a:b], y[a:b])])
        out_keys.append(np.full(len(at), len(out_keys), np.int64))
    if not out_xy:
        return np.zeros((0, 2)), np.zeros(0, np.int64)
    return np.concatenate(out_xy), np.concatenate(out_keys)
