"""The key/value cache of incremental decoding (trajlm.model.generate), one per layer.

Its own module so that the transformer and the rollout can both use it without importing each
other (the rollout calls the model; the model's attention writes the cache).
"""

from __future__ import annotations

import torch


class KVCache:
    """Preallocated keys and values of one layer, (B, H_kv, L, D), written by slot index.

    Slots below `zero_from` are left uninitialized: the caller promises to write them before
    any query reads them (the rollout's prefill writes slots 0..n_hist-1 at once). Slots from
    `zero_from` on start at zero, because a masked-out slot is still multiplied by its zero
    attention weight, and 0 * NaN garbage would be NaN.
    """

    def __init__(
        self, batch: int, n_kv_heads: int, length: int, head_dim: int, device, dtype,
        zero_from: int = 0,
    ):  # fmt: skip
        self.k = torch.empty(batch, n_kv_heads, length, head_dim, device=device, dtype=dtype)
        self.v = torch.empty_like(self.k)
        self.k[:, :, zero_from:] = 0
        self.v[:, :, zero_from:] = 0

    def write(self, k: torch.Tensor, v: torch.Tensor, slots: torch.Tensor | int) -> None:
        """k, v (B, H_kv, T, D); slots (B, T): row b's t-th token goes to slot slots[b, t];
        or an int s: every row's tokens go to slots s..s+T-1 (a plain slice copy, no scatter)."""
        if isinstance(slots, int):
            T = k.shape[2]
            self.k[:, :, slots : slots + T] = k
            self.v[:, :, slots : slots + T] = v
            return
        rows = torch.arange(k.shape[0], device=k.device)[:, None]  # (B, 1)
        self.k[rows, :, slots] = k.transpose(1, 2)  # the indexed view is (B, T, H_kv, D)
        self.v[rows, :, slots] = v.transpose(1, 2)
