"""A small network that attends over retrieved futures (issue 15; docs/candidates.md).

``CandidateSelector`` scores each candidate of a ``CandidateSet`` from (query, candidate)
features, mixes the candidates with softmax weights and moves from the kNN aggregate (the
base) towards that mixture by a query-dependent gate in [-1, 1]:

    pred = base + tanh(gate(q)) * (sum_j softmax(score(q, c_j))_j * c_j - base)

The gate is zero-initialised, so an untrained selector IS the kNN aggregate (bit for bit: the
mixing is done in float64). ``fit_selector`` trains on TRAIN candidate sets (built with the
query's own trajectory left out of retrieval) with the 5-step ADE in metres as the loss and
keeps the epoch with the lowest val ADE.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from trajlm.eval.candidates import CandidateSet


@dataclass
class SelectorConfig:
    d_hidden: int = 64  # width of the candidate scorer and the gate
    n_layers: int = 2  # hidden layers of the scorer
    dropout: float = 0.1
    lr: float = 3e-3
    weight_decay: float = 1e-4
    batch_size: int = 256  # queries per step
    max_epochs: int = 40
    patience: int = 8  # epochs without a val improvement before stopping
    set_context: bool = True  # candidates see the mean encoding of the whole set
    cosine: bool = True  # learning rate decays to 0 over max_epochs (steadier early stopping)
    # loss per query in units of its own step length (weights 1 / CandidateSet.scale, mean 1):
    # a slow walker's 20 m miss counts like a car's 200 m one, not 10x less
    relative_loss: bool = False
    # one softmax per future step instead of one per query: the first steps may follow one
    # candidate and the last another (the future is multimodal in time); gate stays per query
    per_step: bool = False
    horizon: int = 5  # future steps of the candidate sets (read by per_step only)

    def __post_init__(self) -> None:
        """A value the network cannot train with is one ValueError naming the key (max_epochs
        0 keeps the initial, zero-gated network: the base; badin35:
        ``lr = nan`` was torch's "Invalid learning rate", ``d_hidden = 0`` trained a
        zero-width network and wrote it, silently)."""
        import math

        for key, low in (("d_hidden", 1), ("n_layers", 1), ("batch_size", 1), ("max_epochs", 0),
                         ("patience", 1), ("horizon", 1), ("lr", None), ("weight_decay", 0)):  # fmt: skip
            v = getattr(self, key)
            number = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            if not number or (v <= 0 if low is None else v < low):
                need = "a finite number > 0" if low is None else f"a number >= {low}"
                raise ValueError(f"{key} must be {need}, got {v!r}")
        if not (isinstance(self.dropout, int | float) and 0 <= self.dropout < 1):
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")


class CandidateSelector(nn.Module):
    def __init__(self, config: SelectorConfig, q_dim: int, c_dim: int) -> None:
        super().__init__()
        self.config, self.q_dim, self.c_dim = config, q_dim, c_dim
        d, p = config.d_hidden, config.dropout
        layers: list[nn.Module] = [nn.Linear(q_dim + c_dim, d), nn.GELU(), nn.Dropout(p)]
        for _ in range(config.n_layers - 1):
            layers += [nn.Linear(d, d), nn.GELU(), nn.Dropout(p)]
        self.encoder = nn.Sequential(*layers)  # one (query, candidate) pair -> d
        # set context: each candidate also sees the mean of all candidates' encodings (what
        # the others say), DeepSets-style; off = candidates scored independently
        d_ctx = d if config.set_context else 0
        n_out = config.horizon if config.per_step else 1
        self.scorer = nn.Sequential(nn.Linear(d + d_ctx, d), nn.GELU(), nn.Linear(d, n_out))
        self.gate = nn.Sequential(nn.Linear(q_dim + d_ctx, d), nn.GELU(), nn.Linear(d, 1))
        nn.init.zeros_(self.gate[-1].weight)  # untrained: pred = base exactly
        nn.init.zeros_(self.gate[-1].bias)

    def forward(
        self, q: torch.Tensor, f: torch.Tensor, cands: torch.Tensor, base: int = 0
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """q (B, Q), f (B, C, F) float32; cands (B, C, k, 2) float64 metres ->
        pred (B, k, 2) float64, weights (B, C) (per_step: (B, C, k)), gate (B,)."""
        B, C, _ = f.shape
        h = self.encoder(torch.cat([q[:, None].expand(B, C, self.q_dim), f], dim=-1))  # (B, C, d)
        gate_in = q
        if self.config.set_context:
            ctx = h.mean(1)  # (B, d)
            h = torch.cat([h, ctx[:, None].expand_as(h)], dim=-1)  # (B, C, 2d)
            gate_in = torch.cat([q, ctx], dim=-1)  # (B, Q + d)
        g = torch.tanh(self.gate(gate_in).squeeze(-1))  # (B,)
        if self.config.per_step:
            w = torch.softmax(self.scorer(h), dim=1)  # (B, C, k): over candidates, per step
            mix = (w.double()[..., None] * cands).sum(1)  # (B, k, 2)
        else:
            w = torch.softmax(self.scorer(h).squeeze(-1), dim=-1)  # (B, C)
            mix = (w.double()[..., None, None] * cands).sum(1)  # (B, k, 2)
        b = cands[:, base]  # (B, k, 2)
        return b + g.double()[:, None, None] * (mix - b), w, g


def _tensors(cs: CandidateSet):
    return (torch.as_tensor(cs.query_feats, dtype=torch.float32),
            torch.as_tensor(cs.cand_feats, dtype=torch.float32),
            torch.as_tensor(cs.cands, dtype=torch.float64))  # fmt: skip


def ade_m(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Per-query mean Euclidean error over the k steps (B,), metres."""
    return torch.linalg.vector_norm(pred - target, dim=-1).mean(-1)


@torch.no_grad()
def predict_selector(model: CandidateSelector, cs: CandidateSet, batch: int = 4096) -> np.ndarray:
    """Absolute predicted points (N, k, 2) metres."""
    model.eval()
    q, f, c = _tensors(cs)
    out = [model(q[i : i + batch], f[i : i + batch], c[i : i + batch], cs.base)[0]
           for i in range(0, len(q), batch)]  # fmt: skip
    cont = torch.cat(out).numpy() if out else np.zeros((0,) + cs.cands.shape[2:])
    return cs.points(cont)


def fit_selector(
    train: CandidateSet,
    train_target: np.ndarray,
    val: CandidateSet,
    val_target: np.ndarray,
    config: SelectorConfig | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> tuple[CandidateSelector, dict]:
    """Train on ``train`` (must be split "train"), keep the epoch with the lowest val ADE.
    Targets are absolute points (N, k, 2) metres. Returns the model and a log dict.
    ``progress``: called with one line per epoch."""
    if train.split != "train" or val.split == "test":
        raise ValueError(f"fit on train, stop on val; got {train.split!r} / {val.split!r}")
    config = config or SelectorConfig()
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = CandidateSelector(config, train.query_feats.shape[1], train.cand_feats.shape[2])
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps_per_epoch = -(-len(train.cands) // config.batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: 0.5 * (1 + np.cos(np.pi * min(
        i / (config.max_epochs * steps_per_epoch), 1.0))) if config.cosine else 1.0)  # fmt: skip
    q, f, c = _tensors(train)
    y = torch.as_tensor(train_target - train.last[:, None], dtype=torch.float64)
    weight = torch.ones(len(q), dtype=torch.float64)
    if config.relative_loss:
        if train.scale is None:
            raise ValueError("relative_loss needs candidate sets with a scale (build_candidates)")
        inv = 1.0 / np.asarray(train.scale, np.float64)
        weight = torch.as_tensor(inv / inv.mean())
    val_y = torch.as_tensor(val_target, dtype=torch.float64)

    def val_ade() -> float:
        return float(ade_m(torch.as_tensor(predict_selector(model, val)), val_y).mean())

    best = (val_ade(), {k: v.clone() for k, v in model.state_dict().items()}, 0)
    log = {"val_ade_init": best[0], "epochs": [], "seed": seed}
    t0 = time.time()
    for epoch in range(1, config.max_epochs + 1):
        model.train()
        order = torch.randperm(len(q), generator=gen)
        losses = []
        for i in range(0, len(q), config.batch_size):
            j = order[i : i + config.batch_size]
            pred = model(q[j], f[j], c[j], train.base)[0]
            loss = (ade_m(pred, y[j]) * weight[j]).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(float(loss.detach()))
        v = val_ade()
        log["epochs"].append({"epoch": epoch, "train_ade": float(np.mean(losses)), "val_ade": v})
        if progress is not None:
            progress(f"epoch {epoch}/{config.max_epochs}: train ADE {np.mean(losses):.1f} m, "
                     f"val ADE {v:.1f} m (kNN {log['val_ade_init']:.1f}, best {min(v, best[0]):.1f})")  # fmt: skip
        if v < best[0]:
            best = (v, {k: t.clone() for k, t in model.state_dict().items()}, epoch)
        elif epoch - best[2] >= config.patience:
            break
    model.load_state_dict(best[1])
    model.eval()
    log.update(best_epoch=best[2], val_ade=best[0], train_s=time.time() - t0,
               n_params=sum(p.numel() for p in model.parameters()))  # fmt: skip
    return model, log
