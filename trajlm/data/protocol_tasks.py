"""Inputs and targets of the PROTOCOL.md prediction and recovery tasks, built from a split table.

Data preparation only (no method, no metric): the harness (trajlm.eval.protocol) scores methods
on them, and the trainer's model selection (``Trainer.val_ade``) uses the prediction task on val.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.geometry import trajectory_offsets


@dataclass
class PredictionTask:
    """Histories (first n points) and the next k true points, padded to (N, T)."""

    traj_ids: list[str]
    hist_latlon: np.ndarray  # (N, T, 2) degrees, right-padded by repeating the last point
    hist_t: np.ndarray  # (N, T) int64 Unix seconds, padded the same way
    lengths: np.ndarray  # (N,) real history points
    target_latlon: np.ndarray  # (N, k, 2)
    target_t: np.ndarray  # (N, k) int64
    n_skipped: int  # trajectories too short to evaluate

    def xy(self, proj: LocalProjection) -> np.ndarray:
        x, y = proj.forward(self.hist_latlon[..., 0], self.hist_latlon[..., 1])
        return np.stack([x, y], axis=-1)

    def owners(self) -> tuple[list, np.ndarray]:
        """The scored trajectories in order and, per row (window), the index of its trajectory
        among them: a trajectory's windows are adjacent rows (``make_prediction_task``)."""
        if not self.traj_ids:
            return [], np.zeros(0, np.int64)
        ids = np.asarray(self.traj_ids)
        new = np.r_[True, ids[1:] != ids[:-1]]
        return [self.traj_ids[i] for i in np.flatnonzero(new)], np.cumsum(new) - 1


@dataclass
class RecoveryTask:
    """Flat points of the evaluated trajectories; ``known`` marks the points given as input."""

    setting: str
    groups: np.ndarray  # (P,) trajectory number, sorted
    t: np.ndarray  # (P,) int64 Unix seconds
    latlon: np.ndarray  # (P, 2) degrees; hidden points must not be read by a method
    known: np.ndarray  # (P,) bool

    def xy(self, proj: LocalProjection) -> np.ndarray:
        x, y = proj.forward(self.latlon[:, 0], self.latlon[:, 1])
        xy = np.stack([x, y], axis=-1)
        xy[~self.known] = np.nan  # hide the answers from anything that projects
        return xy


def make_prediction_task(
    df: pl.DataFrame, k: int = 5, n_input: int = 20, min_points: int = 7, windows: int = 1
) -> PredictionTask:
    """Input the first n points (n = n_input when the trip has >= n_input + k points, else all
    but the last k), target the next k. Trips with fewer than ``min_points`` are skipped.

    ``windows`` > 1 (session 25, newuser25): up to that many windows per trajectory, rows of
    one trajectory adjacent. The first is the window above; the others move its cut on by k
    fixes at a time (stride k: a fix is the target of one window at most), each with the
    ``n_input`` fixes before its cut as history; when more fit than ``windows``, evenly spaced
    ones are kept (the first and the last among them)."""
    df = df.sort(["traj_id", "t"])
    start, length = trajectory_offsets(df)
    ok = length >= max(min_points, k + 2)  # constant velocity needs two input points
    start, length = start[ok], length[ok]
    n = np.where(length >= n_input + k, n_input, length - k)
    n_fit = (length - n - k) // k + 1  # cuts n, n + k, ... with k fixes after them
    per = np.minimum(n_fit, max(int(windows), 1))
    owner = np.repeat(np.arange(len(start)), per)
    i = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)  # window number
    span, last = np.repeat(n_fit - 1, per), np.repeat(np.maximum(per - 1, 1), per)
    cut = np.repeat(n, per) + k * np.round(i * span / last).astype(np.int64)
    h = np.minimum(cut, n_input)  # the first window's history is n; later ones n_input
    first = start[owner] + cut - h
    T = int(h.max()) if len(h) else 1
    # pad by repeating the last real point so padded rows stay finite
    hist_idx = first[:, None] + np.minimum(np.arange(T)[None, :], h[:, None] - 1)
    tgt_idx = (start[owner] + cut)[:, None] + np.arange(k)[None, :]
    ll = np.stack([df["lat"].to_numpy(), df["lon"].to_numpy()], axis=1)
    t = df["t"].to_numpy()
    return PredictionTask(
        traj_ids=df["traj_id"].gather(start[owner]).to_list() if len(start) else [],
        hist_latlon=ll[hist_idx],
        hist_t=t[hist_idx],
        lengths=h,
        target_latlon=ll[tgt_idx],
        target_t=t[tgt_idx],
        n_skipped=int((~ok).sum()),
    )


def make_recovery_task(
    df: pl.DataFrame,
    mode: str = "random",
    ratio: float = 0.5,
    interval_s: float = 60.0,
    seed: int = 0,
    min_points: int = 3,
) -> RecoveryTask:
    """Hide interior points: ``mode="random"`` hides round(ratio * interior) per trajectory
    (seeded); ``mode="downsample"`` keeps the first point of every ``interval_s`` window since
    the trip start (on a 15 s feed and 60 s: every 4th point). First and last are always kept."""
    df = df.sort(["traj_id", "t"])
    start, length = trajectory_offsets(df)
    keep_traj = np.repeat(length >= min_points, length)
    df = df.filter(pl.Series(keep_traj))
    start, length = trajectory_offsets(df)
    groups = np.repeat(np.arange(len(start)), length)
    pos = np.arange(len(df)) - np.repeat(start, length)  # index within trajectory
    interior = (pos > 0) & (pos < np.repeat(length, length) - 1)
    t = df["t"].to_numpy()
    if mode == "random":
        key = np.random.default_rng(seed).random(len(df))
        key[~interior] = 2.0  # endpoints sort last, never hidden
        order = np.lexsort((key, groups))
        rank = np.empty(len(df), np.int64)
        rank[order] = np.arange(len(df)) - np.repeat(start, length)
        n_hide = np.round(ratio * np.maximum(length - 2, 0)).astype(np.int64)
        known = ~(interior & (rank < np.repeat(n_hide, length)))
        setting = f"random {ratio:.0%}"
    elif mode == "downsample":
        bucket = (t - np.repeat(t[start], length)) // interval_s
        first_in_bucket = np.r_[True, (bucket[1:] != bucket[:-1]) | (groups[1:] != groups[:-1])]
        known = first_in_bucket | ~interior
        setting = f"every {interval_s:g} s"
    else:
        raise ValueError(f"mode must be 'random' or 'downsample', got {mode!r}")
    latlon = np.stack([df["lat"].to_numpy(), df["lon"].to_numpy()], axis=1)
    return RecoveryTask(setting, groups, t, latlon, known)
