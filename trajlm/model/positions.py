"""Position information: learned / sinusoidal absolute embeddings, RoPE over index, time or
travelled distance (rope_adaptive, see `travelled`).

Absolute embeddings are added to the token embedding; RoPE rotates queries and keys inside
attention so q.k depends only on the position difference. RoPE over elapsed time uses
t / rope_time_unit_s as a real-valued position, so irregular sampling (a 5 s gap vs a 5 min
gap) is visible to attention, which a token index cannot express.

RoPE pairing is half-split (GPT-NeoX / Hugging Face Llama `rotate_half`): channel i is paired
with channel i + D/2 and the pair is rotated by angle pos * base^(-2i/D).
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn


class LearnedPositions(nn.Module):
    """A learned vector per token index (GPT-2)."""

    def __init__(self, max_len: int, d_model: int):
        super().__init__()
        self.max_len = max_len
        self.emb = nn.Embedding(max_len, d_model)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self.emb(idx)  # (B, T) long -> (B, T, C)


def sinusoid_table(n: int, d_model: int) -> torch.Tensor:
    """(n, d_model) fixed table: [sin(p w_i) | cos(p w_i)], w_i = 10000^(-2i/d) (Vaswani et al.)."""
    half = d_model // 2
    w = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) * 2 / d_model)
    ang = torch.arange(n, dtype=torch.float64)[:, None] * w  # (n, d/2)
    table = torch.zeros(n, d_model, dtype=torch.float64)
    table[:, :half], table[:, half : 2 * half] = ang.sin(), ang.cos()  # odd d: last column 0
    return table.float()


class SinusoidalPositions(nn.Module):
    """Fixed sinusoidal vector per token index, from a cached (max_len, C) table."""

    def __init__(self, max_len: int, d_model: int):
        super().__init__()
        self.max_len = max_len
        self.register_buffer("table", sinusoid_table(max_len, d_model), persistent=False)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self.table[idx]  # (B, T) long -> (B, T, C)


class RotaryEmbedding(nn.Module):
    """cos/sin of the RoPE angles for integer (token index) or real (elapsed time) positions.

    Integer positions read a cached table (non-persistent buffer, grown on demand);
    float positions are computed per call, since each row has its own irregular times.
    """

    def __init__(self, head_dim: int, base: float, max_len: int):
        super().__init__()
        inv_freq = base ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
        self.register_buffer("inv_freq", inv_freq.float(), persistent=False)  # (D/2,)
        self.register_buffer("cos_table", torch.empty(0), persistent=False)
        self.register_buffer("sin_table", torch.empty(0), persistent=False)
        self.ensure_length(max_len)

    def ensure_length(self, n: int) -> None:
        """Make the index table cover positions 0..n-1."""
        if self.cos_table.shape[0] >= n:
            return
        ang = torch.arange(n, device=self.inv_freq.device).float()[:, None] * self.inv_freq
        self.cos_table, self.sin_table = ang.cos(), ang.sin()  # (n, D/2)

    def forward(self, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """positions (B, T) long index or float time units -> cos, sin each (B, 1, T, D/2)."""
        if positions.is_floating_point():
            ang = positions.float()[..., None] * self.inv_freq  # (B, T, D/2)
            cos, sin = ang.cos(), ang.sin()
        else:
            cos, sin = self.cos_table[positions], self.sin_table[positions]  # (B, T, D/2)
        return cos[:, None], sin[:, None]  # broadcast over heads


def travelled(feats: torch.Tensor, clamp: float) -> torch.Tensor:
    """Step length of each point in normalized units (typical steps: dxy_scale) from the
    features (B, T, 9) -> (B, T); 0 at a row's first point and at padding; glitches capped.

    pos_type "rope_adaptive" rotates by (1 - mix) x index + mix x its cumulative sum: a dwell
    does not advance the position, a fast stretch advances it faster. Unlike rope_time it is
    distance, not time (a stop is a long time but no distance), it is in units of the data's
    typical step (not seconds), and it keeps a share of the token index, so order survives
    even when nothing moves. The scale is the training set's, not each trajectory's own: a
    per-trajectory mean step would read the points after a query (a leak in a causal model).
    """
    return feats[..., 2:4].clamp(-clamp, clamp).norm(dim=-1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate channel pairs (i, i + D/2) of x (B, H, T, D) by the angles in cos/sin (B, 1, T, D/2)."""
    x1, x2 = x.chunk(2, dim=-1)  # (B, H, T, D/2) each
    cos, sin = cos.to(x.dtype), sin.to(x.dtype)
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
