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

RETRIEVAL_NAME = "retrieval.npz"


def _dxy_scale(stats) -> float:
    v = stats["dxy_scale"]
    return float(v) if not torch.is_tensor(v) else float(v.reshape(-1)[0])


def window_base_steps(
    index, pos: torch.Tensor, mask: torch.Tensor, stats, base: torch.Tensor,
    traj_key: torch.Tensor | None = None,
) -> torch.Tensor:  # fmt: skip
    """Every point's base step (B, T, 3): (dx, dy) = the retrieval's first continuation step
    from the `history` points ending at it (normalized by dxy_scale), dt from `base` (the
    point's own normalized step features, also the fallback for early points).

    pos (B, T, 2) metres, mask (B, T) bool (right padding), traj_key (B,) int64: the window's
    trajectory, whose library windows the query may not see (None: exclude nothing)."""
    h = index.history
    B, T = mask.shape
    out = base.clone()
    if T < h:
        return out
    # (b, t) of every real point with h real points ending at it
    bt = torch.nonzero(mask[:, h - 1 :], as_tuple=False).cpu().numpy()  # (Q, 2)
    if len(bt) == 0:
        return out
    b, t = bt[:, 0], bt[:, 1] + h - 1
    p = pos.detach().to(torch.float64).cpu().numpy()
    hist = p[b[:, None], t[:, None] - h + 1 + np.arange(h)]  # (Q, h, 2)
    ex = None if traj_key is None else traj_key.cpu().numpy()[b]
    got = index.query(hist, np.full(len(b), h), k=1, exclude=ex)
    step = torch.as_tensor(got.continuation[:, 0] / _dxy_scale(stats), dtype=base.dtype)
    out[torch.as_tensor(b), torch.as_tensor(t), :2] = step.to(base.device)
    return out


def last_base_step(
    index, pos: torch.Tensor, lengths: torch.Tensor, stats, base: torch.Tensor
) -> torch.Tensor:
    """Base step (B, 3) at each row's last real point (index lengths - 1) of pos (B, L, 2):
    the rollout's query (no exclusion: the history is the caller's, not a train trip)."""
    out = base.clone()
    n = lengths.cpu().numpy()
    ok = n >= index.history
    if ok.any():
        p = pos.detach().to(torch.float64).cpu().numpy()[ok]
        got = index.query(p, n[ok], k=1)
        step = torch.as_tensor(got.continuation[:, 0] / _dxy_scale(stats), dtype=base.dtype)
        out[torch.as_tensor(np.flatnonzero(ok)), :2] = step.to(base.device)
    return out


def build_index(store, config):
    """The RetrievalIndex of a model config (retrieval_history / retrieval_neighbors) over the
    TRAIN split of a store only, in the store's own local projection."""
    import json
    from pathlib import Path

    from trajlm.data.features import LocalProjection
    from trajlm.data.retrieval import RetrievalIndex
    from trajlm.data.store import read_store

    stats = json.loads((Path(store) / "stats.json").read_text())
    projection = LocalProjection(float(stats["lat0"]), float(stats["lon0"]))
    train = read_store(store, split="train", columns=["traj_id", "t", "lat", "lon"])
    return RetrievalIndex.from_table(
        train, projection, history=config.retrieval_history, horizon=5,
        n_neighbors=config.retrieval_neighbors,
    )  # fmt: skip
