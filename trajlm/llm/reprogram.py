"""Reprogramming a frozen language model for trajectories (TrajCogn / Time-LLM style).

    points -> patches of ``patch_len`` steps -> PatchEncoder (trainable, tiny)
           -> cross-attention: each patch queries the frozen word embeddings of anchor words
              ("straight", "turn", "accelerate", "stationary", ...); the output is, per head,
              a mixture of those embeddings, so the LM reads vectors from its own word space
           -> frozen MiniLM-L6 encoder (``inputs_embeds``; it adds its own positions)
           -> task head on the last patch (next-step offset; or pooled -> mode logits)

Only the patch encoder, the query/key projections and the head train (~35 k parameters with
the defaults, against the LM's 22.7 M frozen ones). Shapes: ``steps`` (B, T, 3) = per-step
(dx/100 m, dy/100 m, dt/15 s) with T a multiple of ``patch_len``.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import torch
import torch.nn.functional as F
from torch import nn

from trajlm.data.features import LocalProjection

ANCHORS = (
    "straight", "turn", "left", "right", "accelerate", "decelerate", "steady", "stationary",
    "fast", "slow", "stop", "north", "south", "east", "west", "forward", "back", "curve",
    "road", "highway", "walk", "drive", "bus", "train",
)  # fmt: skip
SCALE_M, SCALE_S = 100.0, 15.0


def anchor_embeddings(lm, tokenizer, words=ANCHORS) -> torch.Tensor:
    """(len(words), hidden): each word's input embedding (mean over its word pieces)."""
    table = lm.get_input_embeddings().weight.detach()
    rows = []
    for w in words:
        ids = tokenizer(w, add_special_tokens=False)["input_ids"]
        rows.append(table[ids].mean(0))
    return torch.stack(rows)


class ReprogrammedLM(nn.Module):
    def __init__(
        self,
        lm: nn.Module,
        anchors: torch.Tensor,
        patch_len: int = 4,
        d_patch: int = 64,
        n_heads: int = 4,
        n_classes: int = 0,
    ):
        super().__init__()
        hidden = anchors.shape[1]
        if hidden % n_heads:
            raise ValueError(f"hidden size {hidden} is not divisible by n_heads {n_heads}")
        self.lm = lm.eval()
        for p in self.lm.parameters():
            p.requires_grad_(False)
        self.register_buffer("anchors", anchors.clone())
        self.patch_len, self.n_heads, self.d_patch = patch_len, n_heads, d_patch
        self.patch = nn.Sequential(nn.Linear(3 * patch_len, d_patch), nn.GELU(),
                                   nn.Linear(d_patch, d_patch))  # fmt: skip
        self.query = nn.Linear(d_patch, d_patch)
        self.key = nn.Linear(hidden, d_patch, bias=False)
        self.next_head = nn.Linear(hidden, 2)
        self.class_head = nn.Linear(hidden, n_classes) if n_classes else None

    def train(self, mode: bool = True) -> ReprogrammedLM:
        super().train(mode)
        self.lm.eval()  # frozen: no dropout either
        return self

    def encode(self, steps: torch.Tensor) -> torch.Tensor:
        """(B, T, 3) steps -> (B, T / patch_len, hidden) LM states."""
        B, T, F_ = steps.shape
        if T % self.patch_len:
            raise ValueError(f"T={T} is not a multiple of patch_len={self.patch_len}")
        z = self.patch(steps.reshape(B, T // self.patch_len, self.patch_len * F_))
        H, dh = self.n_heads, self.d_patch // self.n_heads
        q = self.query(z).view(B, -1, H, dh).transpose(1, 2)  # (B, H, P, dh)
        k = self.key(self.anchors).view(-1, H, dh).transpose(0, 1)  # (H, A, dh)
        attn = torch.softmax(q @ k.transpose(-1, -2).unsqueeze(0) / dh**0.5, dim=-1)  # B,H,P,A
        v = self.anchors.view(len(self.anchors), H, -1).transpose(0, 1)  # (H, A, hidden / H)
        x = (attn @ v.unsqueeze(0)).transpose(1, 2).reshape(B, z.shape[1], -1)  # (B, P, hidden)
        return self.lm(inputs_embeds=x).last_hidden_state

    def forward(self, steps: torch.Tensor) -> torch.Tensor:
        """Next step (dx/100 m, dy/100 m) after the window."""
        return self.next_head(self.encode(steps)[:, -1])

    def classify(self, steps: torch.Tensor) -> torch.Tensor:
        if self.class_head is None:
            raise ValueError("built without n_classes")
        return self.class_head(self.encode(steps).mean(1))

    def n_params(self) -> tuple[int, int]:
        """(total, trainable) parameters."""
        total = sum(p.numel() for p in self.parameters())
        return total, sum(p.numel() for p in self.parameters() if p.requires_grad)


def next_step_windows(
    points: pl.DataFrame, proj: LocalProjection, history: int = 32, stride: int = 8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows of ``history`` steps and the step after each: ``steps`` (N, history, 3) scaled,
    ``target`` (N, 2) in metres, ``start`` (N,) row index of each window's first point."""
    x, y = proj.forward(points["lat"].to_numpy(), points["lon"].to_numpy())
    t = points["t"].to_numpy().astype(np.float64)
    tid = points["traj_id"].to_numpy()
    feats = np.stack([np.diff(x) / SCALE_M, np.diff(y) / SCALE_M, np.diff(t) / SCALE_S], 1)
    same = tid[1:] == tid[:-1]  # step i goes from point i to i + 1
    # window = steps s .. s + history - 1, target = step s + history; all within one trip
    ok = np.convolve(~same, np.ones(history + 1), "valid") == 0
    starts = np.flatnonzero(ok)[::stride]
    idx = starts[:, None] + np.arange(history)[None]
    steps = feats[idx].astype(np.float32)
    target = (feats[starts + history, :2] * SCALE_M).astype(np.float32)
    return steps, target, starts


def fit_next_step(
    model: ReprogrammedLM,
    steps: np.ndarray,
    target: np.ndarray,
    n_steps: int = 300,
    batch_size: int = 32,
    lr: float = 3e-3,
    seed: int = 0,
) -> list[float]:
    """AdamW on the trainable parts, Huber loss on the scaled next step; returns the losses."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=n_steps, pct_start=0.1)
    xs, ys = torch.from_numpy(steps), torch.from_numpy(target / SCALE_M)
    model.train()
    losses = []
    for _ in range(n_steps):
        i = torch.randint(0, len(xs), (batch_size,), generator=g)
        loss = F.smooth_l1_loss(model(xs[i]), ys[i])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    return losses


@torch.inference_mode()
def predict_next_m(model: ReprogrammedLM, steps: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """(N, 2) next-step offsets in metres."""
    model.eval()
    out = [
        model(torch.from_numpy(steps[i : i + batch_size])) for i in range(0, len(steps), batch_size)
    ]
    return torch.cat(out).numpy() * SCALE_M
