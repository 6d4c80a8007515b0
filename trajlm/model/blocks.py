"""The transformer block: pre-norm causal self-attention (grouped-query, RoPE, KV cache,
optional per-head temperature) and the GELU MLP (or a mixture of experts).

Module names (q_proj, k_proj, v_proj, o_proj, fc_in, fc_out) are the LoRA targets.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from trajlm.model.config import ModelConfig
from trajlm.model.moe import MoEMLP
from trajlm.model.positions import apply_rope


class CausalSelfAttention(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        C, D = config.d_model, config.head_dim
        self.n_heads, self.n_kv_heads, self.head_dim = config.n_heads, config.kv_heads, D
        self.q_proj = nn.Linear(C, self.n_heads * D, bias=config.bias)
        self.k_proj = nn.Linear(C, self.n_kv_heads * D, bias=config.bias)
        self.v_proj = nn.Linear(C, self.n_kv_heads * D, bias=config.bias)
        self.o_proj = nn.Linear(C, C, bias=config.bias)
        # Predicted per-head inverse temperature exp(temp(x)) on the queries (zero-initialized:
        # exactly the plain attention until trained); lets a head sharpen or flatten per token.
        self.temp = nn.Linear(C, self.n_heads, bias=True) if config.attn_temperature else None
        self.dropout = config.dropout
        self.resid_drop = nn.Dropout(config.dropout)

    def forward(
        self, x, rope=None, attn_mask=None, is_causal=True, cache=None, slots=None, keep=None
    ):
        """x (B, T, C); attn_mask bool (B|1, 1, T, S) True = attend, or None with is_causal.

        With a cache, the new keys/values are written at `slots` (B, T) (or an int: every row
        at slots..slots+T-1) and attention reads the cache's first S slots (S = attn_mask's
        last dim, else slots + T for an int, else T at prefill).
        keep (B,) long: keys/values for all T tokens but only row b's query at position
        keep[b] (causal: it sees positions <= keep[b]) -> (B, 1, C).
        """
        B, T, C = x.shape
        H, Hkv, D = self.n_heads, self.n_kv_heads, self.head_dim
        rows = torch.arange(B, device=x.device) if keep is not None else None
        xq = x if keep is None else x[rows, keep][:, None]  # (B, Tq, C)
        Tq = xq.shape[1]
        q = self.q_proj(xq).view(B, Tq, H, D).transpose(1, 2)  # (B, H, Tq, D)
        k = self.k_proj(x).view(B, T, Hkv, D).transpose(1, 2)  # (B, Hkv, T, D)
        v = self.v_proj(x).view(B, T, Hkv, D).transpose(1, 2)  # (B, Hkv, T, D)
        if rope is not None:
            k = apply_rope(k, *rope)
            if keep is not None:  # (1|B, 1, T, D/2) -> (B, 1, 1, D/2) at each row's query
                rope = [r.expand(B, -1, -1, -1)[rows, :, keep][:, :, None] for r in rope]
            q = apply_rope(q, *rope)
        if cache is not None:
            cache.write(k, v, slots)
            if attn_mask is not None:
                S = attn_mask.shape[-1]
            else:
                S = slots + T if isinstance(slots, int) else T
            k, v = cache.k[:, :, :S], cache.v[:, :, :S]  # (B, Hkv, S, D)
        if self.temp is not None:
            q = q * torch.exp(self.temp(xq)).transpose(1, 2)[..., None]  # (B, H, Tq, 1) scale
        if keep is not None:
            keys = torch.arange(k.shape[2], device=x.device)
            attn_mask, is_causal = (keys <= keep[:, None])[:, None, None], False  # (B, 1, 1, S)
        y = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=attn_mask,
            dropout_p=self.dropout if self.training else 0.0,
            is_causal=is_causal,
            enable_gqa=Hkv != H,  # SDPA broadcasts each kv head over H / Hkv query heads
        )  # (B, H, Tq, D)
        y = y.transpose(1, 2).reshape(B, Tq, C)  # (B, Tq, C)
        return self.resid_drop(self.o_proj(y))


class MLP(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        hidden = int(config.mlp_ratio * config.d_model)
        self.fc_in = nn.Linear(config.d_model, hidden, bias=config.bias)
        self.fc_out = nn.Linear(hidden, config.d_model, bias=config.bias)
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.drop(self.fc_out(F.gelu(self.fc_in(x))))


class Block(nn.Module):
    """Pre-norm residual block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.mlp = MoEMLP(config, lambda: MLP(config)) if config.moe_experts else MLP(config)

    def forward(
        self,
        x,
        rope=None,
        attn_mask=None,
        is_causal=True,
        cache=None,
        slots=None,
        keep=None,
        motion=None,
    ):
        """keep (B,): only each row's token keep[b] goes on (-> (B, 1, C)); see attention.
        motion (B, T, 5): the tokens' motion statistics (a motion-routed MoE reads them)."""
        a = self.attn(self.ln_1(x), rope, attn_mask, is_causal, cache, slots, keep)
        if keep is None:
            x = x + a
        else:
            rows = torch.arange(x.shape[0], device=x.device)
            x = x[rows, keep][:, None] + a
            motion = motion[rows, keep][:, None] if motion is not None else None
        if isinstance(self.mlp, MoEMLP):
            return x + self.mlp(self.ln_2(x), motion)
        return x + self.mlp(self.ln_2(x))
