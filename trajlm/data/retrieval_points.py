"""A retrieval library's points: stable trajectory keys, a table's points in metres, and each
row's last point and heading (the own frame a window is rotated into).

Moved from data/retrieval.py unchanged (review39); importable from there as before.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only (polars and the features are imported where used)
    import polars as pl

    from trajlm.data.features import LocalProjection


def traj_keys(ids) -> np.ndarray:
    """Stable int64 key per trajectory id (CRC-32 of its text): the same id gives the same key
    in every process and on every machine (Python's hash() is salted per process)."""
    ids = np.asarray(ids)
    uniq, inv = np.unique(ids, return_inverse=True)
    keys = np.array([zlib.crc32(str(u).encode()) for u in uniq], dtype=np.int64)
    return keys[inv.reshape(-1)].reshape(ids.shape)


def last_point(xy: np.ndarray, lengths: np.ndarray, back: int = 0) -> np.ndarray:
    """Point `back` steps before the last real one of each row: (N, 2)."""
    return xy[np.arange(len(xy)), np.asarray(lengths) - 1 - back]


def heading(xy: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """cos/sin of the heading of the last displacement (1, 0 when the object stands still)."""
    d = last_point(xy, lengths) - last_point(xy, lengths, 1)
    norm = np.hypot(d[:, 0], d[:, 1])
    moving = norm > 1e-9
    c = np.where(moving, d[:, 0] / np.where(moving, norm, 1.0), 1.0)
    s = np.where(moving, d[:, 1] / np.where(moving, norm, 1.0), 0.0)
    return c, s


def table_points(df: pl.DataFrame, projection: LocalProjection) -> tuple[np.ndarray, np.ndarray]:
    """A canonical table's points as ``RetrievalIndex.fit`` reads them: xy (n, 2) metres in
    ``projection`` and trajectory keys (n,), rows sorted by (trajectory, time). A grid search
    computes them once for all its indexes (scale34).

    A table already in that order with no (traj_id, t) twice (eval's train split, as read from
    a store) is not sorted again: any sort leaves such a table as it is, so the same points
    without the sort's copy of the table and its row keys; nor is the table copied to hold
    x / y columns (scale38: both were eval's peak at 6.1 M fixes)."""
    from trajlm.data.table_order import ORDER, in_traj_order

    if not in_traj_order(df, strict=True):
        df = df.sort(ORDER)
    x, y = projection.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    xy = np.empty((len(x), 2))
    xy[:, 0], xy[:, 1] = x, y  # np.stack's array, without its two float64 copies beside it
    return xy, run_keys(df["traj_id"])


def run_keys(ids: pl.Series) -> np.ndarray:
    """``traj_keys`` of ids whose equal values are contiguous (a table sorted by trajectory),
    from one CRC per run: at 4.9 M train points traj_keys' ``np.unique`` over Python strings
    was the peak of `trajlm eval` (scale35). The key is the id's CRC, so the same keys."""
    import polars as pl

    runs = ids.to_frame("id").select(pl.col("id").rle().struct.unnest())
    crc = [zlib.crc32(str(v).encode()) for v in runs["value"].to_list()]
    return np.repeat(np.array(crc, dtype=np.int64), runs["len"].to_numpy())
