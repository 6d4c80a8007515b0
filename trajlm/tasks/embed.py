"""Trajectory embeddings and similarity search (PROTOCOL.md task 5) from a trained model.

    Z = embed(model, df)                      # (N, C): one row per traj_id in sorted order
    dist, idx, ids = similar(model, query_df, database_df, k=10)

A trajectory is cut into windows of ``max_len`` points (the loader's ``windows_from_table`` in
the model's own projection); the embedding is the mean of the final hidden states over all its
real points (windows weighted by their point counts). With ``n_points`` a trajectory is first
thinned to at most that many evenly spaced points (``thin_points``) and embedded in one window:
a fixed cost per query, which is what a search service wants. ``ModelEmbedder`` plugs into
``trajlm.eval.similarity.run_similarity_eval``; search is ``EmbeddingSearch`` (exact torch
brute force, L2).
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import polars as pl
import torch
import torch.nn.functional as F

from trajlm.data.features import LocalProjection, NormStats
from trajlm.data.loader import WindowConfig, window_spans, windows_from_table
from trajlm.errors import TrajlmInputError
from trajlm.model.summary import uses_summary, with_summary
from trajlm.train.modes import core_model  # the TrajectoryModel inside PEFT / a classifier


def segment_windows(df: pl.DataFrame, model: Any, max_len: int) -> tuple[dict, np.ndarray, list]:
    """All windows of a canonical table in the model's projection, and for each window the
    index (into the sorted unique traj_ids) of its trajectory: (batch, owner (W,), ids)."""
    df = df.sort(["traj_id", "t"], maintain_order=True)
    cfg = WindowConfig(max_len=max_len, min_len=1)
    stats = core_model(model).config.stats
    proj = NormStats.from_dict(stats).projection if stats else LocalProjection(0.0, 0.0)
    batch = windows_from_table(df, cfg, proj)
    ids = df["traj_id"]
    new = (ids != ids.shift(1)).fill_null(True).to_numpy() if len(df) else np.zeros(0, bool)
    starts = np.flatnonzero(new)
    lens = np.diff(np.append(starts, len(df)))
    ws, _, _ = window_spans(starts, lens, cfg)
    owner = np.searchsorted(starts, ws, side="right") - 1  # (W,) trajectory of each window
    return batch, owner, ids.gather(starts).to_list() if len(df) else []


def thin_points(df: pl.DataFrame, n_points: int) -> pl.DataFrame:
    """Keep at most ``n_points`` evenly spaced points (by index, first and last kept) of every
    trajectory; shorter trajectories are unchanged. ``df`` sorted by (traj_id, t)."""
    if isinstance(n_points, bool) or not isinstance(n_points, Integral) or n_points < 2:
        raise TrajlmInputError(
            f"n_points must be an integer >= 2, got {n_points!r}", field="n_points"
        )
    if len(df) == 0:
        return df
    ids = df["traj_id"]
    starts = np.flatnonzero((ids != ids.shift(1)).fill_null(True).to_numpy())
    lens = np.diff(np.append(starts, len(df)))
    m = np.minimum(lens, n_points)  # points kept per trajectory
    j = np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)  # 0..m-1 within each trajectory
    step = np.repeat((lens - 1) / np.maximum(m - 1, 1), m)
    rows = np.repeat(starts, m) + np.rint(j * step).astype(np.int64)  # evenly spaced, distinct
    return df[rows]


def check_layer(layer: int | str | None, n_layers: int) -> int | str | None:
    """A pooling layer: None / "final" (after the last LayerNorm, the default), "all" (the mean
    of every block's output) or a block index 0..n_layers-1 (negative counts from the end)."""
    if layer is None or layer in ("final", "all"):
        return layer
    try:
        k = int(layer)
    except (TypeError, ValueError):
        raise ValueError(f'layer must be "final", "all" or a block index, got {layer!r}') from None
    if not -n_layers <= k < n_layers:
        raise ValueError(f"layer {k} out of range for a model of {n_layers} blocks")
    return k % n_layers


def layer_hidden(model: Any, batch: dict, layer: int | str | None = None) -> torch.Tensor:
    """(B, T, C) states to pool: the final hidden states, or those of block ``layer`` / the
    mean over blocks ("all"). A block's output is the raw residual stream, whose scale grows
    with depth, so each is layer-normed (no affine) before it is used or averaged."""
    core = core_model(model)
    layer = check_layer(layer, len(core.blocks))
    if layer is None or layer == "final":
        return model(batch).hidden
    if core.config.patch_size > 1:  # block outputs are per patch, not per point
        raise ValueError("per-layer pooling needs patch_size 1")
    outs: list[torch.Tensor] = []
    hooks = [b.register_forward_hook(lambda _m, _i, o: outs.append(o)) for b in core.blocks]
    try:
        model(batch)
    finally:
        for h in hooks:
            h.remove()
    normed = [F.layer_norm(o, o.shape[-1:]) for o in outs]
    return torch.stack(normed).mean(0) if layer == "all" else normed[layer]


def pooled_hidden(
    model: Any, batch: dict, layer: int | str | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """(sum of hidden states over real points (B, C), number of real points (B,));
    ``layer``: which states (``layer_hidden``), the final ones by default. A model with a
    summary token (ModelConfig.summary_token) gives its summary state instead, counted 1
    (0 for a row without points)."""
    core = core_model(model)
    if uses_summary(core):
        b, at = with_summary(batch)
        h = layer_hidden(model, b, layer)  # (B, T + 1, C)
        return h[torch.arange(len(at), device=h.device), at], (at > 0).to(h.dtype)
    h = layer_hidden(model, batch, layer)  # (B, T, C)
    mask = batch["mask"]
    cfg = core.config
    if cfg.patch_size > 1 or cfg.points_out > 1:  # h: each patch token's points_out states
        P = cfg.patch_size
        tok = F.pad(mask, (0, -mask.shape[1] % P)).reshape(len(mask), -1, P).any(-1)
        mask = tok.repeat_interleave(cfg.points_out, 1)  # (B, T/P * Q): tokens with a real point
    m = mask.to(h.dtype)[..., None]  # (B, T, 1)
    return (h * m).sum(1), m.sum((1, 2))


@torch.no_grad()
def embed(
    model: Any,
    df: pl.DataFrame,
    batch_size: int = 256,
    max_len: int | None = None,
    n_points: int | None = None,
    layer: int | str | None = None,
) -> np.ndarray:
    """(N, C) float32 mean-pooled final hidden states, one row per sorted unique traj_id.

    model: a TrajectoryModel (or a PeftModel around one); ``max_len`` defaults to the model's
    ``config.max_len``. Longer trajectories are cut into windows and pooled over all points;
    with ``n_points`` they are thinned to that many points first (one window each).
    ``layer``: pool another layer's states (``layer_hidden``), e.g. an earlier block or "all".
    """
    core = core_model(model)
    max_len = max_len or core.config.max_len
    if n_points is not None:
        df = thin_points(df.sort(["traj_id", "t"], maintain_order=True), n_points)
        max_len = max(max_len, n_points)
    batch, owner, ids = segment_windows(df, model, max_len)
    n = len(ids)
    C = core.config.d_model
    if n == 0:
        return np.zeros((0, C), dtype=np.float32)
    was_training = model.training
    model.eval()
    device = next(core.parameters()).device
    sums = torch.zeros(n, C, dtype=torch.float64)
    counts = torch.zeros(n, dtype=torch.float64)
    own = torch.from_numpy(owner)
    # Batches of windows of similar length, each trimmed to its longest: padding is most of
    # the work otherwise (GeoLife queries average 35 of 64 slots). Same result, any order.
    order = torch.argsort(batch["mask"].sum(1), stable=True)
    for a in range(0, len(owner), batch_size):
        rows = order[a : a + batch_size]
        b = {k: v[rows].to(device) for k, v in batch.items()}
        T = int(b["mask"].sum(1).max())
        b = {k: (v[:, :T] if v.dim() >= 2 else v) for k, v in b.items()}
        s, c = pooled_hidden(model, b, layer)
        sums.index_add_(0, own[rows], s.double().cpu())
        counts.index_add_(0, own[rows], c.double().cpu())
    model.train(was_training)
    return (sums / counts.clamp(min=1)[:, None]).float().numpy()


class ModelEmbedder:
    """``run_similarity_eval`` adapter: ``embed(df) -> (N, C)`` mean-pooled hidden states."""

    def __init__(self, model: Any, name: str = "trajlm mean-pooled", batch_size: int = 256,
                 max_len: int | None = None, n_points: int | None = None,
                 layer: int | str | None = None) -> None:  # fmt: skip
        self.model, self.name, self.batch_size, self.max_len = model, name, batch_size, max_len
        self.n_points, self.layer = n_points, layer

    def embed(self, df: Any) -> np.ndarray:
        from trajlm.tasks.task_frames import in_order, task_frame_order

        df, order = task_frame_order(df, "input")  # a vehicle's pieces in time order (tidy23)
        z = embed(self.model, df, self.batch_size, self.max_len, self.n_points, self.layer)
        return in_order(z, order)


class StandardizedEmbedder:
    """Another embedder's vectors, centred and scaled with statistics of a train table (so no
    test trip informs them): "standardize" divides each dimension by its std, "whiten" rotates
    to the principal axes and divides by their std (PCA whitening, eps-regularised). Why: if
    every trip shares one large common direction (next-point pretraining's "recent motion"),
    L2 distances are dominated by it; removing the mean and equalising the scales lets the
    dimensions that tell trips apart count."""

    def __init__(self, inner: Any, train: pl.DataFrame, mode: str = "standardize",
                 eps: float = 1e-3, name: str | None = None) -> None:  # fmt: skip
        if mode not in ("center", "standardize", "whiten"):
            raise ValueError(f'mode must be "center", "standardize" or "whiten", got {mode!r}')
        self.inner, self.mode = inner, mode
        self.name = name or f"{inner.name}, {mode}"
        z = np.asarray(inner.embed(train), np.float64)
        self.mean_ = z.mean(0)
        if mode == "center":
            self.proj_ = np.eye(z.shape[1])
        elif mode == "standardize":
            self.proj_ = np.diag(1.0 / (z.std(0) + eps))
        else:
            w, v = np.linalg.eigh(np.cov(z - self.mean_, rowvar=False))
            self.proj_ = v / np.sqrt(np.clip(w, 0, None) + eps)[None, :]

    def embed(self, df: pl.DataFrame) -> np.ndarray:
        return ((np.asarray(self.inner.embed(df), np.float64) - self.mean_) @ self.proj_).astype(
            np.float32
        )


def mean_pair_cosine(z: np.ndarray) -> float:
    """Mean cosine similarity between the embeddings of different trips (rows of z): near 1
    means every trip maps to nearly the same direction."""
    u = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
    g, n = u @ u.T, len(u)
    return float((g.sum() - np.trace(g)) / max(n * (n - 1), 1))


def similar(
    model: Any, query_df: pl.DataFrame, database_df: pl.DataFrame, k: int = 10,
    batch_size: int = 256, n_points: int | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:  # fmt: skip
    """The k most similar database trajectories to each query trajectory (L2 on embeddings).

    Returns ``(distances (Nq, k), indices (Nq, k) into db_ids, query_ids, db_ids)``, nearest
    first; ids are the sorted unique traj_ids of each table.
    """
    from trajlm.similarity import EmbeddingSearch

    db = embed(model, database_df, batch_size, n_points=n_points)
    q = embed(model, query_df, batch_size, n_points=n_points)
    dist, idx = EmbeddingSearch(metric="l2").fit(db).search(q, k)
    q_ids = query_df["traj_id"].unique().sort().to_list()
    db_ids = database_df["traj_id"].unique().sort().to_list()
    return np.sqrt(dist), idx, q_ids, db_ids
