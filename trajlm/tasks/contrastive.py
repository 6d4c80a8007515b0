"""Contrastive fine-tuning of trajectory embeddings (t2vec / TrajCL style).

A next-point-pretrained model's pooled state describes local motion more than the whole
route, so it is a weak search key (docs/finetune.md). Here the same backbone learns to map two
*different samplings of one trip* to nearby vectors and other trips apart:

    trip (n points) --coin flip per point--> view A, view B   (disjoint, ~n/2 points each)
    each view thinned to <= n_points evenly spaced points       (tasks.embed.thin_points)
    z = normalize(mean-pool(backbone(view)))                    (B, C)
    loss = InfoNCE(z_A, z_B), in-batch negatives, symmetric, temperature tau

The views are re-drawn every epoch from the train split only; the epoch with the best
self-similarity top-1 on the val split is kept. Search then uses ``ModelEmbedder(model,
n_points=...)`` (L2 on the embeddings; the training normalizes, so L2 and cosine agree).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import polars as pl
import torch
import torch.nn.functional as F

from trajlm.tasks.embed import _core, pooled_hidden, segment_windows, thin_points


@dataclass
class ContrastiveConfig:
    epochs: int = 10
    batch_size: int = 64  # trips per step: 2 views each, 2 * batch_size - 2 negatives
    lr: float = 1e-3
    weight_decay: float = 0.01
    temperature: float = 0.1
    n_points: int = 64  # points per view (and per query at search time)
    min_points: int = 10  # trips shorter than this are not used
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def random_views(
    df: pl.DataFrame, rng: np.random.Generator, n_points: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two disjoint random samplings of every trip (a fair coin per point, the first point to
    A and the second to B so neither is empty), each thinned to <= n_points points."""
    df = df.sort(["traj_id", "t"], maintain_order=True)
    k = df.select(pl.int_range(pl.len()).over("traj_id")).to_series().to_numpy()
    to_a = rng.random(len(df)) < 0.5
    to_a[k == 0], to_a[k == 1] = True, False
    a = thin_points(df.filter(pl.Series(to_a)), n_points)
    b = thin_points(df.filter(pl.Series(~to_a)), n_points)
    return a, b


def _embed_batch(model: Any, batch: dict) -> torch.Tensor:
    """(B, C) unit-norm mean-pooled hidden states of a batch of one-window trips."""
    s, c = pooled_hidden(model, batch)
    return F.normalize(s / c.clamp(min=1)[:, None], dim=-1)


def info_nce(za: torch.Tensor, zb: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE over a batch of positive pairs (row i of za <-> row i of zb)."""
    logits = za @ zb.T / temperature  # (B, B)
    target = torch.arange(len(za), device=za.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


def _windows(df: pl.DataFrame, model: Any, n_points: int) -> dict:
    batch, owner, _ = segment_windows(df, model, n_points)
    assert len(owner) == len(np.unique(owner)), "one window per trip after thinning"
    return batch


def fit_contrastive(
    model: Any,
    train: pl.DataFrame,
    val: pl.DataFrame | None = None,
    config: ContrastiveConfig | None = None,
    verbose: bool = False,
) -> dict:
    """Fine-tune ``model`` (TrajectoryModel or PeftModel) in place; returns a summary with the
    per-epoch loss / val top-1 history. The best-val epoch's weights are restored."""
    from trajlm.similarity import ranking_metrics
    from trajlm.tasks.embed import embed

    cfg = config or ContrastiveConfig()
    n = pl.len().over("traj_id")
    train = train.filter(n >= cfg.min_points).sort(["traj_id", "t"], maintain_order=True)
    n_trips = train["traj_id"].n_unique()
    if n_trips < 2:
        raise ValueError(f"contrastive training needs >= 2 trips of >= {cfg.min_points} points")
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    device = next(_core(model).parameters()).device
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = -(-n_trips // cfg.batch_size)
    total = cfg.epochs * steps_per_epoch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.lr, total_steps=total, pct_start=0.1)

    def val_top1() -> float | None:
        if val is None or val["traj_id"].n_unique() < 2:
            return None
        from trajlm.similarity import make_similarity_task

        task = make_similarity_task(val, cfg.min_points)
        q = embed(model, task.query, n_points=cfg.n_points)
        d = embed(model, task.database, n_points=cfg.n_points)
        dist = ((q[:, None, :] - d[None, :, :]) ** 2).sum(-1)
        return ranking_metrics(dist)["top1_pct"]

    best = (val_top1(), -1, {k: v.detach().clone() for k, v in model.state_dict().items()})
    history, t0 = [], time.perf_counter()
    for epoch in range(cfg.epochs):
        model.train()
        a, b = random_views(train, rng, cfg.n_points)
        wa, wb = _windows(a, model, cfg.n_points), _windows(b, model, cfg.n_points)
        order = torch.from_numpy(rng.permutation(n_trips))
        losses = []
        for s in range(0, n_trips, cfg.batch_size):
            idx = order[s : s + cfg.batch_size]
            if len(idx) < 2:
                continue
            za = _embed_batch(model, {k: v[idx].to(device) for k, v in wa.items()})
            zb = _embed_batch(model, {k: v[idx].to(device) for k, v in wb.items()})
            loss = info_nce(za, zb, cfg.temperature)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            losses.append(float(loss.detach()))
        top1 = val_top1()
        history.append({"epoch": epoch, "loss": float(np.mean(losses)), "val_top1_pct": top1})
        if verbose:
            print(history[-1], flush=True)
        if top1 is not None and (best[0] is None or top1 > best[0]):
            best = (top1, epoch, {k: v.detach().clone() for k, v in model.state_dict().items()})
    if best[0] is not None:
        model.load_state_dict(best[2])
    model.eval()
    return {"config": cfg.to_dict(), "best_epoch": best[1], "best_val_top1_pct": best[0],
            "train_s": time.perf_counter() - t0, "n_trips": n_trips, "history": history}  # fmt: skip
