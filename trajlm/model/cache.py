"""The key/value cache of incremental decoding (trajlm.model.generate), one per layer.

Its own module so that the transformer and the rollout can both use it without importing each
other (the rollout calls the model; the model's attention writes the cache).
"""

from __future__ import annotations

import torch


class KVCache:
    """Preallocated keys and values of one layer, (B, H_kv, L, D), written by slot index."""

    def __init__(self, batch: int, n_kv_heads: int, length: int, head_dim: int, device, dtype):
        self.k = torch.zeros(batch, n_kv_heads, length, head_dim, device=device, dtype=dtype)
        self.v = torch.zeros_like(self.k)

    def write(self, k: torch.Tensor, v: torch.Tensor, slots: torch.Tensor) -> None:
        """k, v (B, H_kv, T, D); slots (B, T): row b's t-th token goes to slot slots[b, t]."""
        rows = torch.arange(k.shape[0], device=k.device)[:, None]  # (B, 1)
        self.k[rows, :, slots] = k.transpose(1, 2)  # the indexed view is (B, T, H_kv, D)
        self.v[rows, :, slots] = v.transpose(1, 2)
