"""Discrete region tokens (TrajGPT-style; docs/ablations.md section 6).

Input: the local frame (metres) is cut into square cells of ``cell_m``; cell (i, j) is hashed
into a fixed vocabulary of embeddings (a city has far fewer visited cells than the grid has,
so collisions are rare and the table's size does not depend on the area).

Output: the next step as a cell plus an offset inside it. The cell is taken relative to the
current point (the step's cell among the (2r + 1)^2 cells centred on it), not as an absolute id:
an absolute hashed id cannot be decoded back to a place, and a relative one is translation
invariant and decodes from the hidden state alone. ``encode``/``decode`` round-trip exactly
for steps inside the window; longer steps are clamped to its border cell (class) and left out
of the offset loss.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

# Large odd primes (Teschner et al. 2003 spatial hashing): neighbouring cells spread apart.
HASH_X, HASH_Y = 73856093, 19349663


def cell_of(xy_m: torch.Tensor, cell_m: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(..., 2) metres -> integer cell (..., 2) long and offset (..., 2) in [0, 1) cell units."""
    u = xy_m.double() / cell_m
    cell = torch.floor(u)
    return cell.long(), (u - cell).to(xy_m.dtype)


def cell_origin(cell: torch.Tensor, offset: torch.Tensor, cell_m: float) -> torch.Tensor:
    """Inverse of cell_of: (..., 2) cell + (..., 2) offset -> (..., 2) metres."""
    return ((cell.double() + offset.double()) * cell_m).to(offset.dtype)


def hash_cell(cell: torch.Tensor, vocab: int) -> torch.Tensor:
    """(..., 2) long cell -> (...) long token id in [0, vocab)."""
    h = (cell[..., 0] * HASH_X) ^ (cell[..., 1] * HASH_Y)
    return torch.remainder(h, vocab)


class RegionEmbedding(nn.Module):
    """Normalized position features (B, T, 2) -> the embedding of their hashed cell (B, T, C).

    A point whose position features are exactly 0 (padding, a hidden position) gets none.
    """

    def __init__(self, d_model: int, vocab: int, cell_m: float, xy_mean, xy_scale: float):
        super().__init__()
        self.vocab, self.cell_m, self.xy_scale = vocab, cell_m, float(xy_scale)
        self.register_buffer("xy_mean", torch.tensor(xy_mean, dtype=torch.float32), False)
        self.emb = nn.Embedding(vocab, d_model)

    def forward(self, xy: torch.Tensor) -> torch.Tensor:
        has_pos = (xy != 0).any(-1, keepdim=True)  # (B, T, 1)
        metres = xy * self.xy_scale + self.xy_mean  # (B, T, 2) local frame
        cell, _ = cell_of(metres, self.cell_m)
        return self.emb(hash_cell(cell, self.vocab)) * has_pos


class StepCellHead(nn.Module):
    """hidden (..., C) -> logits over the (2r + 1)^2 step cells (..., K) and one offset in
    [0, 1)^2 per cell (..., K, 2). Steps are in normalized units; `cell` is the cell size in
    the same units (region_head_cell_m / dxy_scale)."""

    def __init__(self, d_model: int, cell: float, radius: int, bias: bool):
        super().__init__()
        self.decode_mode = "argmax"  # what predict() returns by default: "argmax" | "mean"
        self.cell, self.radius, self.side = cell, radius, 2 * radius + 1
        self.n_cells = self.side**2
        self.logits = nn.Linear(d_model, self.n_cells, bias=True)
        self.offset = nn.Linear(d_model, 2 * self.n_cells, bias=bias)

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        off = torch.sigmoid(self.offset(h)).unflatten(-1, (self.n_cells, 2))  # (..., K, 2)
        return self.logits(h), off

    def encode(self, step: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(..., 2) step -> class (...) long, offset (..., 2), inside (...) bool (not clamped)."""
        u = step / self.cell + 0.5  # cells centred on the current point: a zero step is
        k = torch.floor(u)  # the middle of cell (0, 0), the window symmetric
        inside = (k.abs() <= self.radius).all(-1)
        kc = k.clamp(-self.radius, self.radius)
        cls = ((kc[..., 0] + self.radius) * self.side + kc[..., 1] + self.radius).long()
        return cls, u - kc, inside

    def decode(self, cls: torch.Tensor, offset: torch.Tensor) -> torch.Tensor:
        """class (...) long + offset (..., 2) -> step (..., 2)."""
        kx = torch.div(cls, self.side, rounding_mode="floor") - self.radius
        ky = torch.remainder(cls, self.side) - self.radius
        return (torch.stack([kx, ky], -1).to(offset.dtype) + offset - 0.5) * self.cell

    def predict(self, h: torch.Tensor, decode: str | None = None) -> torch.Tensor:
        """hidden (..., C) -> step (..., 2): the most likely cell's ("argmax", TrajGPT) or the
        expected step over all cells, each at its own offset ("mean": the squared-error
        optimum, where argmax snaps to the mode of a spread distribution)."""
        logits, off = self(h)
        if (decode or self.decode_mode) == "mean":
            cells = torch.arange(self.n_cells, device=h.device).expand(off.shape[:-1])
            steps = self.decode(cells, off)  # (..., K, 2) every cell's step
            return (logits.softmax(-1)[..., None] * steps).sum(-2)
        cls = logits.argmax(-1)  # (...)
        index = cls[..., None, None].expand(*cls.shape, 1, 2)
        return self.decode(cls, off.gather(-2, index)[..., 0, :])

    def loss(self, h: torch.Tensor, step: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of the step's cell + squared error of its offset (steps inside the
        window), averaged over valid positions. h (N, C), step (N, 2), valid (N,) bool."""
        h, step = h[valid], step[valid]
        if h.shape[0] == 0:
            return h.sum() * 0.0
        cls, target, inside = self.encode(step)
        logits, off = self(h)
        ce = F.cross_entropy(logits.float(), cls)
        chosen = off[torch.arange(len(cls), device=h.device), cls]  # (N, 2)
        err = (chosen - target).square().sum(-1)
        return ce + torch.where(inside, err, 0.0).sum() / inside.sum().clamp_min(1)
