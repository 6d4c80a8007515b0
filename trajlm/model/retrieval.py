"""The retrieval residual base (``ModelConfig.residual_base = "retrieval"``, docs/retrieval.md).

The step head corrects, at every point, the first step of the retrieval index's continuation
of the history ending at that point (``trajlm.data.retrieval.RetrievalIndex``): what the
nearest train windows did next. Training computes it for every point of a window, leaving out
the window's own trajectory (``batch["traj_key"]``); a rollout re-queries the index on its
current (rolled-out) history before every step, so both see the same kind of base. Points with
fewer than ``history`` points before them in the window keep the constant-velocity base.

The index is not a parameter: it lives beside the weights (``retrieval.npz``, written by
``save_pretrained``) and is attached as ``model.retrieval``.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

RETRIEVAL_NAME = "retrieval.npz"


def _dxy_scale(stats) -> float:
    v = stats["dxy_scale"]
    return float(v) if not torch.is_tensor(v) else float(v.reshape(-1)[0])


N_BASE = 7  # dx, dy, dt, lag / (horizon - 1), found, log1p(distance), log1p(spread)


def _channels(cont, quality, lag, horizon: int, scale: float) -> np.ndarray:
    """(Q, N_BASE) base channels (dt left 0 for the caller): the step, its lag, found = 1 and
    the neighbours' distance and spread (metres / dxy_scale, log1p): how far to trust it."""
    out = np.zeros((len(lag), N_BASE))
    out[:, :2] = _steps(cont, lag) / scale
    out[:, 3] = lag / max(horizon - 1, 1)
    out[:, 4] = 1.0
    out[:, 5:] = np.log1p(np.nan_to_num(quality) / scale)
    return out


def _steps(cont: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Step `lag` of continuations (Q, H, 2) (points relative to the anchor): (Q, 2)."""
    q = np.arange(len(cont))
    prev = np.where((lag > 0)[:, None], cont[q, np.maximum(lag - 1, 0)], 0.0)
    return cont[q, lag] - prev


def window_base_steps(
    index, pos: torch.Tensor, mask: torch.Tensor, stats, base: torch.Tensor,
    traj_key: torch.Tensor | None = None, max_lag: int = 0, t_abs: torch.Tensor | None = None,
) -> torch.Tensor:  # fmt: skip
    """Every point's base (B, T, N_BASE): (dx, dy) = a step of the retrieval's continuation
    (normalized by dxy_scale), dt from `base` (the point's own normalized step features, also
    the fallback for points with fewer than `history` points before them), then lag /
    (horizon - 1), found, log1p distance and spread (/ dxy_scale; see _channels; 0 for the
    fallback).

    max_lag 0 ("requery"): the first step from the `history` points ending at the point.
    max_lag > 0 ("anchored", training): step `lag` of the continuation from the history ending
    `lag` points earlier, lag drawn uniformly from 0..max_lag per point (torch's RNG), as
    rollout step lag + 1 reads the continuation from the rollout's start.
    pos (B, T, 2) metres, mask (B, T) bool (right padding), traj_key (B,) int64: the window's
    trajectory, whose library windows the query may not see (None: exclude nothing);
    t_abs (B, T) Unix seconds: with traj_key, answers precomputed by ``index.precompute``
    (the same leave-own-trajectory-out query, done once) are looked up instead of queried."""
    h = index.history
    B, T = mask.shape
    out = F.pad(base, (0, N_BASE - 3))  # (B, T, N_BASE): the fallback, lag 0, not found
    if T < h:
        return out
    # (b, t) of every real point with h real points ending at it
    bt = torch.nonzero(mask[:, h - 1 :], as_tuple=False).cpu().numpy()  # (Q, 2)
    if len(bt) == 0:
        return out
    b, t = bt[:, 0], bt[:, 1] + h - 1
    lag = np.zeros(len(b), np.int64)
    if max_lag > 0:
        lag = torch.randint(0, max_lag + 1, (len(b),)).numpy()
        lag = np.minimum(lag, t - (h - 1))  # the anchor needs h points too
    end = t - lag  # the anchor: the history ends here
    p = pos.detach().to(torch.float64).cpu().numpy()
    hist = p[b[:, None], end[:, None] - h + 1 + np.arange(h)]  # (Q, h, 2)
    ex = None if traj_key is None else traj_key.cpu().numpy()[b]
    cont, quality = np.zeros((len(b), index.horizon, 2)), np.zeros((len(b), 2))
    miss = np.ones(len(b), bool)
    if ex is not None and t_abs is not None:  # a train window: its precomputed answers
        cont, quality, hit = index.lookup(ex, t_abs.cpu().numpy()[b, end])
        miss = ~hit
    if miss.any():
        got = index.query(hist[miss], np.full(int(miss.sum()), h), exclude=ex if ex is None
                          else ex[miss])  # fmt: skip
        cont[miss], quality[miss] = got.continuation, np.stack([got.distance, got.spread], 1)
    scale = _dxy_scale(stats)
    b, t = torch.as_tensor(b), torch.as_tensor(t)
    out[b, t] = torch.as_tensor(_channels(cont, quality, lag, index.horizon, scale),
                                dtype=base.dtype).to(base.device)  # fmt: skip
    out[b, t, 2] = base[b, t, 2]  # dt: the point's own last time step
    return out


class RolloutBase:
    """The retrieval base of a rollout: the history so far (B, L, 2) and, per step, the base
    step (B, 3). "requery": the next step from the current (rolled-out) history; "anchored":
    step s of the continuation from the rollout's start, anchored again every `horizon` steps.
    No exclusion: the history is the caller's, not a train trip."""

    def __init__(self, model, pos: torch.Tensor, lengths: torch.Tensor, steps: int) -> None:
        self.index, self.stats = model.retrieval_index(), model.embed.stats
        self.anchored = model.config.retrieval_mode == "anchored"
        B, n = pos.shape[:2]
        self.track = np.zeros((B, n + steps, 2))
        self.track[:, :n] = pos.detach().to(torch.float64).cpu().numpy()
        self.n = lengths.cpu().numpy().copy()  # (B,) real points so far
        self.cont, self.found = None, None

    def step(self, s: int, base: torch.Tensor) -> torch.Tensor:
        """Base (B, N_BASE) for rollout step s; `base` (B, 3 or N_BASE) is the constant-velocity one (its dt is
        kept, and so is its (dx, dy) where the history is shorter than `history`)."""
        H = self.index.horizon if self.anchored else 1
        if s % H == 0:
            got = self.index.query(self.track, self.n, k=H)
            self.cont, self.found = got.continuation, got.found
            self.quality = np.stack([got.distance, got.spread], 1)
        lag = np.full(len(self.n), s % H)
        ch = _channels(self.cont, self.quality, lag, self.index.horizon, _dxy_scale(self.stats))
        out = F.pad(base[..., :3], (0, N_BASE - 3))  # (B, N_BASE)
        ok = torch.as_tensor(self.found)
        new = torch.as_tensor(ch, dtype=base.dtype).to(base.device)
        new[:, 2] = base[:, 2]
        out[ok] = new[ok]
        return out

    def push(self, new_pos: torch.Tensor) -> None:
        """Append each row's new point."""
        self.track[np.arange(len(self.n)), self.n] = new_pos.detach().double().cpu().numpy()
        self.n = self.n + 1


def build_index(store, config, precompute: bool = False):
    """The RetrievalIndex of a model config (retrieval_history / retrieval_neighbors) over the
    TRAIN split of a store only, in the store's own local projection."""
    import json
    from pathlib import Path

    from trajlm.data.features import LocalProjection, add_local_xy
    from trajlm.data.retrieval import RetrievalIndex, traj_keys
    from trajlm.data.store import read_store

    stats = json.loads((Path(store) / "stats.json").read_text())
    projection = LocalProjection(float(stats["lat0"]), float(stats["lon0"]))
    train = read_store(store, split="train", columns=["traj_id", "t", "lat", "lon"])
    index = RetrievalIndex.from_table(
        train, projection, history=config.retrieval_history, horizon=5,
        n_neighbors=config.retrieval_neighbors,
    )  # fmt: skip
    if precompute:  # the train windows' answers (own trajectory left out), once
        f = add_local_xy(train.sort(["traj_id", "t"]), projection)
        xy = np.stack([f["x_m"].to_numpy(), f["y_m"].to_numpy()], axis=1)
        index.precompute(xy, traj_keys(f["traj_id"].to_numpy()), f["t"].to_numpy())
    return index
