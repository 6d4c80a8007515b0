"""SpeedFilter: drop points reached faster than a speed limit (split out of clean.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from trajlm.data.clean_common import empty_report
from trajlm.data.geometry import haversine
from trajlm.data.schema import DropReport


@dataclass
class SpeedFilter:
    """Drop points reached at more than `max_speed_mps` from the previous kept point.

    The rule is sequential (compare each point with the last kept one); we emulate it with
    vectorized NumPy passes over the whole table. Each pass, in every trajectory at once:
      * finds the first too-fast point i (everything before it is consistent, so the sequential
        rule keeps it) and drops the whole stretch i..j-1, where j is the first later point of
        the trajectory reachable from the anchor i-1 below max speed: exactly what the
        sequential rule does, for one run of bad points however long;
      * drops every lone spike elsewhere: too fast in AND out while skipping it is not.
    So one pass resolves one run per trajectory plus all isolated spikes. We stop after
    `max_passes`; outliers still left are kept and counted in `repaired["speed_outliers_left"]`.
    Needs distinct times (run DropDuplicateTimestamps first: a zero dt with movement is an
    infinite speed). If a trajectory's first point is the bad one, the rest of it is dropped,
    as with the sequential rule.
    """

    max_speed_mps: float = 50.0
    max_passes: int = 20

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        if not self.max_speed_mps > 0:
            raise ValueError(f"max_speed_mps must be > 0, got {self.max_speed_mps}")
        report = empty_report(df)
        if len(df) == 0:
            return df, report
        first = (df["traj_id"] != df["traj_id"].shift(1)).fill_null(True).to_numpy()
        keep, left = speed_filter_mask(
            np.cumsum(first) - 1,
            df["t"].to_numpy().astype(np.float64),
            df["lat"].to_numpy(),
            df["lon"].to_numpy(),
            self.max_speed_mps,
            self.max_passes,
        )
        out = df.filter(pl.Series(keep))
        report.drop("speed_outlier", len(df) - len(out))
        report.repair("speed_outliers_left", left)
        return out, report


def speed_filter_mask(
    traj_no: np.ndarray,
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    max_speed_mps: float,
    max_passes: int = 20,
) -> tuple[np.ndarray, int]:
    """Keep-mask of SpeedFilter for rows sorted by (trajectory, t); all arrays (N,).
    Returns (keep (N,) bool, number of too-fast points left after max_passes)."""
    n = len(t)
    idx = np.arange(n)  # surviving rows, as indices into the input

    def speeds(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            v = haversine(lat[a], lon[a], lat[b], lon[b]) / (t[b] - t[a])
        return np.nan_to_num(v, nan=0.0)  # 0 m in 0 s is not an outlier

    def too_fast(rows: np.ndarray) -> np.ndarray:
        same = np.zeros(len(rows), dtype=bool)
        same[1:] = traj_no[rows[1:]] == traj_no[rows[:-1]]
        fast = np.zeros(len(rows), dtype=bool)
        fast[1:] = same[1:] & (speeds(rows[:-1], rows[1:]) > max_speed_mps)
        return fast, same

    for _ in range(max_passes):
        fast, same = too_fast(idx)
        if not fast.any():
            return np.isin(np.arange(n), idx, assume_unique=True), 0
        m, tr = len(idx), traj_no[idx]
        drop = np.zeros(m, dtype=bool)
        # 1) the first too-fast point of each trajectory and the run after it.
        pos = np.flatnonzero(fast)
        firsts = pos[np.r_[True, tr[pos[1:]] != tr[pos[:-1]]]]  # (K,) first fast row per traj
        anchor = np.full(tr.max() + 1, -1)
        anchor[tr[firsts]] = firsts - 1  # last good row before the run
        a = anchor[tr]  # (m,)
        rows = np.flatnonzero((a >= 0) & (np.arange(m) > a))
        ok = speeds(idx[a[rows]], idx[rows]) <= max_speed_mps
        j = np.full(tr.max() + 1, m)
        np.minimum.at(j, tr[rows[ok]], rows[ok])  # first row reachable from the anchor
        drop[rows[rows < j[tr[rows]]]] = True
        # 2) lone spikes: fast in, fast out, fine when skipped.
        fast_out = np.r_[fast[1:], False]
        spike = np.flatnonzero(fast & fast_out)
        if spike.size:
            skip_ok = speeds(idx[spike - 1], idx[spike + 1]) <= max_speed_mps
            drop[spike[skip_ok]] = True
        idx = idx[~drop]
    fast, _ = too_fast(idx)
    return np.isin(np.arange(n), idx, assume_unique=True), int(fast.sum())
