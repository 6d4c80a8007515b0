"""Per-point anomaly evidence from a trajectory model: how unlikely each observed point is.

``step_scores``     teacher-forced, batched windows: the step into every point gets the
                    Gaussian head's negative log-likelihood of the observed normalized
                    (dx, dy, dt), in nats summed over the three (``nll``), and its squared
                    standardized residual (``z2``: the error in the model's own predicted
                    scale, without the log-scale term).
``rollout_scores``  the model rolls out `horizon` points from every point (KV-cached
                    generate) and the observed next points are scored under that rollout.

Long trajectories are windowed (`window` points, half-overlapping); each step is scored once,
in the window that gives it the most history.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import torch

from trajlm.data.geometry import trajectory_offsets
from trajlm.data.loader import WindowConfig, gather_windows, window_spans
from trajlm.model.embedding import DELTA


@torch.inference_mode()
def step_scores(model, df: pl.DataFrame, window: int = 48, batch_size: int = 256) -> pl.DataFrame:
    """Per point of a canonical table (sorted by traj_id, t): ``nll`` and ``z2`` of the step
    into it under the model (null at each trajectory's first point); the input's rows and
    columns plus those two."""
    df = df.sort(["traj_id", "t"])
    n = len(df)
    start, length = trajectory_offsets(df)
    W = max(4, min(int(window), int(model.config.max_len)))
    S = W // 2
    ws, wl, _ = window_spans(start, length, WindowConfig(max_len=W, stride=S, min_len=2))
    x, y = model.stats.projection.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    xy = np.stack([x, y], 1)
    w = gather_windows(xy, df["t"].to_numpy().astype(np.int64), ws, wl, W)
    first_window = np.isin(ws, start)
    nll, z2 = np.full(n, np.nan), np.full(n, np.nan)
    device = next(model.parameters()).device
    p = np.arange(1, W)  # window position of each step's target point
    for b in range(0, len(ws), batch_size):
        batch = {k: torch.from_numpy(v[b : b + batch_size]).to(device) for k, v in w.items()}
        out = model(batch)
        if out.log_var is None:
            raise ValueError("anomaly scores need a Gaussian head (config head='gaussian')")
        feats = model.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
        target = feats[:, 1:, DELTA].double()  # (B, W-1, 3) the observed steps
        mean, lv = out.pred[:, :-1].double(), out.log_var[:, :-1].double()
        r2 = (target - mean).square() * torch.exp(-lv)  # (B, W-1, 3)
        step_nll = (0.5 * (math.log(2 * math.pi) + lv + r2)).sum(-1).cpu().numpy()
        step_z2 = r2.sum(-1).cpu().numpy()
        mask = batch["mask"].cpu().numpy()
        valid = mask[:, 1:] & mask[:, :-1]  # (B, W-1)
        # each step is scored once: in its trajectory's first window, or in the second half
        # of a later one (the first half is history)
        own = first_window[b : b + batch_size, None] | (p[None, :] >= W - S)
        keep = valid & own
        rows = (ws[b : b + batch_size, None] + p[None, :])[keep]
        nll[rows], z2[rows] = step_nll[keep], step_z2[keep]
    return df.with_columns(nll=pl.Series(nll).fill_nan(None), z2=pl.Series(z2).fill_nan(None))


@torch.inference_mode()
def rollout_scores(
    model,
    df: pl.DataFrame,
    history: int = 24,
    horizon: int = 8,
    batch_size: int = 1024,
    floor_m: float = 3.0,
) -> np.ndarray:
    """Per row r of a canonical table (sorted by traj_id, t): how unlikely the next `horizon`
    observed points are under the model's own rollout from the `history` points up to r.

    The mean rollout (KV-cached generate) is interpolated at the observed times; each observed
    point's Gaussian NLL (2 axes, the rollout's cumulative position std plus `floor_m`, nats)
    is averaged over the horizon. NaN where r is a trajectory's first or last point. Unlike
    the one-step score, a single GPS outlier among the future points moves this by 1/horizon
    of its size, while travel that keeps departing from where the model expected (a loop,
    a U-turn, a stop that does not end, a jump) accumulates.
    """
    df = df.sort(["traj_id", "t"])
    n = len(df)
    start, length = trajectory_offsets(df)
    traj = np.repeat(np.arange(len(start)), length)
    local = np.arange(n) - np.repeat(start, length)
    last = np.repeat(start + length - 1, length)
    anchors = np.flatnonzero((local >= 1) & (np.arange(n) < last))
    H = max(2, min(int(history), int(model.config.max_len) - horizon - 2))
    x, y = model.stats.projection.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    xy = np.stack([x, y], 1)
    t = df["t"].to_numpy().astype(np.int64)
    w_start = np.maximum(anchors - H + 1, start[traj[anchors]])
    w_len = anchors - w_start + 1
    j = np.arange(1, horizon + 1)
    fut = anchors[:, None] + j[None, :]  # (A, k) rows of the observed future points
    fut_ok = fut <= last[anchors][:, None]
    fut = np.where(fut_ok, fut, anchors[:, None])
    out = np.full(n, np.nan)
    device = next(model.parameters()).device
    for b in range(0, len(anchors), batch_size):
        sl = slice(b, b + batch_size)
        # each batch's windows gathered on their own (anom35): the same rows as one gather
        # of every anchor's window, without its (anchors, history) index and float64 copies
        # (~0.7 GB at 10^6 anchors) held through the whole rollout
        w = gather_windows(xy, t, w_start[sl], w_len[sl], H)
        batch = {k: torch.from_numpy(v).to(device) for k, v in w.items()}
        g = model.generate(batch, steps=horizon + 2)
        # rollout track from the anchor: times (B, k+3) since window start, positions, std
        t_last = (t[anchors[sl]] - t[w_start[sl]]).astype(np.float64)
        rt = np.concatenate([t_last[:, None], g["t"].double().cpu().numpy()], 1)
        rp = np.concatenate([xy[anchors[sl]][:, None], g["pos"].double().cpu().numpy()], 1)
        rs = np.concatenate([np.zeros((len(rt), 1, 2)), g["pos_std"].double().cpu().numpy()], 1)
        qt = (t[fut[sl]] - t[w_start[sl]][:, None]).astype(np.float64)  # (B, k) observed times
        # batched linear interpolation (clamped at both ends of each rollout)
        idx = np.clip(
            torch.searchsorted(torch.from_numpy(rt), torch.from_numpy(qt)).numpy(),
            1,
            rt.shape[1] - 1,
        )
        r = np.arange(len(rt))[:, None]
        t0_, t1_ = rt[r, idx - 1], rt[r, idx]
        f = np.clip((qt - t0_) / np.maximum(t1_ - t0_, 1e-9), 0.0, 1.0)[..., None]
        pred = rp[r, idx - 1] + f * (rp[r, idx] - rp[r, idx - 1])
        std = rs[r, idx - 1] + f * (rs[r, idx] - rs[r, idx - 1])
        var = std**2 + floor_m**2
        err2 = (xy[fut[sl]] - pred) ** 2
        nll = (0.5 * (np.log(2 * np.pi * var) + err2 / var)).sum(-1)  # (B, k)
        ok = fut_ok[sl]
        out[anchors[sl]] = (nll * ok).sum(1) / np.maximum(ok.sum(1), 1)
    return out


def segment_means(values: np.ndarray, start: np.ndarray, length: np.ndarray, k: int):
    """Mean of each run of `k` consecutive steps ending at each row (NaN where fewer than k
    steps precede it in its trajectory; step values at first points are ignored). Trajectories
    with fewer than k steps get their whole mean at their last row."""
    v = np.nan_to_num(values.astype(np.float64), nan=0.0)
    local = np.arange(len(v)) - np.repeat(start, length)
    c = np.r_[0.0, np.cumsum(v)]  # c[r + 1] = sum of rows <= r
    rows = np.arange(len(v))
    seg = (c[rows + 1] - c[np.clip(rows - k + 1, 0, None)]) / k  # rows r-k+1 .. r
    seg[local < k] = np.nan
    short = np.flatnonzero(length - 1 < k)  # fewer than k steps: one whole-trajectory segment
    if len(short):
        end = start[short] + length[short] - 1
        seg[end] = (c[end + 1] - c[start[short] + 1]) / np.maximum(length[short] - 1, 1)
    return seg


def dwell_scores(
    values: np.ndarray, df: pl.DataFrame, still_m: float = 10.0
) -> tuple[np.ndarray, np.ndarray]:
    """Duration-aware evidence: per row of a canonical table (sorted by traj_id, t), the sum
    of the per-point `values` (e.g. ``rollout_scores``) over the run of still steps (each
    under `still_m` metres) that ends at the row, 0 where the step into the row moves; and
    the row, within its trajectory, where that run starts.

    Why: after a minute of standing still the model expects the vehicle to keep standing, so
    each point of a long stop is only mildly surprising; summed over the stop, the surprise
    grows with its duration, which a per-point score (or the mean of a few) never sees.
    """
    start, length = trajectory_offsets(df)
    n = len(df)
    local = np.arange(n) - np.repeat(start, length)
    lat, lon = np.radians(df["lat"].to_numpy()), np.radians(df["lon"].to_numpy())
    step = np.full(n, np.inf)  # equirectangular metres; plenty at these distances
    dx = np.diff(lon) * np.cos(0.5 * (lat[1:] + lat[:-1]))
    step[1:] = 6_371_000.0 * np.hypot(dx, np.diff(lat))
    still = (step < still_m) & (local > 0)
    v = np.where(still, np.nan_to_num(np.asarray(values, np.float64)), 0.0)
    run_id = np.cumsum(~still)  # a new run at every moving step (and trajectory start)
    c = np.cumsum(v)
    first_row = np.flatnonzero(~still)  # run r starts (its anchor) at first_row[r - 1]
    run_start = first_row[run_id - 1]
    dwell = c - c[run_start]
    return np.where(still, dwell, 0.0), np.where(still, run_start - (np.arange(n) - local), local)
