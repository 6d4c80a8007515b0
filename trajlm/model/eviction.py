"""Long rollouts in bounded memory: a KV cache of `window` slots per layer that evicts one slot
for every new point once it is full (issue 18, "trajectory-aware KV-cache eviction").

Policies (the slot each row gives up):
    recency             the oldest point: sliding-window attention over the last `window`
                        points (equal to a banded causal mask; tests/test_variants.py);
    similarity_recency  the lowest score = similarity x recency, with similarity the cosine
                        between a slot's layer-0 key and the newest point's key (mean over kv
                        heads, mapped to [0, 1]) and recency exp(-age / tau) in points: a point
                        unlike the current motion and long ago goes first.
Slots are unordered: RoPE rotates each key by its own absolute position when it is written, so
attention needs no slot order and positions keep growing past any table (rope / rope_time
only). Memory: B x layers x 2 x kv_heads x window x head_dim floats, whatever the length.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from trajlm.model.cache import KVCache
from trajlm.model.embedding import build_features
from trajlm.model.generate import next_point, to_output

POLICIES = ("recency", "similarity_recency")


@torch.inference_mode()
def generate_bounded(
    model: torch.nn.Module,
    batch: dict,
    steps: int,
    window: int = 256,
    policy: str = "similarity_recency",
    tau: float = 64.0,
) -> dict[str, torch.Tensor]:
    """Mean rollout of `steps` points like ``model.generate`` with at most `window` cached points
    per row. Histories must have equal lengths (a longer one than `window` keeps its last
    `window` points). Returns generate()'s dict plus
    ``cache_bytes`` (the KV cache's fixed size)."""
    cfg = model.config
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    if cfg.uses_step_query:
        raise ValueError("residual_base / time_query models roll out with model.generate only")
    if cfg.pos_type not in ("rope", "rope_time"):
        raise ValueError("bounded rollouts need pos_type 'rope' or 'rope_time' (absolute "
                         "position tables end at max_len)")  # fmt: skip
    if model.needs_trajectory_context:
        raise ValueError("bounded rollouts do not support moe_router='motion'")
    mask = batch["mask"].bool()
    lengths = mask.sum(1)
    B, n_hist = mask.shape[0], int(lengths.max())
    if int(lengths.min()) != n_hist:
        raise ValueError(f"histories must have equal lengths, got {int(lengths.min())}..{n_hist}")
    dev = mask.device
    first = max(0, n_hist - window)  # a longer history keeps its last `window` points
    pos, t, t0 = (
        batch["pos"][:, first:n_hist].float(),
        batch["t"][:, first:n_hist].float(),
        batch["t0"],
    )
    n_hist, mask = n_hist - first, mask[:, first:]
    rows = torch.arange(B, device=dev)
    was = model.training
    model.eval()
    try:
        dt = next(model.parameters()).dtype
        caches = [KVCache(B, cfg.kv_heads, window, cfg.head_dim, dev, dt, zero_from=n_hist)
                  for _ in model.blocks]  # fmt: skip
        model.check_length(n_hist + steps)
        valid = torch.zeros(B, window, dtype=torch.bool, device=dev)
        valid[:, :n_hist] = True
        born = torch.zeros(B, window, device=dev)  # (B, W) token index held by each slot
        born[:, :n_hist] = torch.arange(n_hist, device=dev, dtype=torch.float32)
        feats = model.embed.features(pos, t, t0, mask[:, :n_hist])
        index = torch.arange(n_hist, device=dev)[None]
        h = model.backbone(feats, None, index, t, None, True, caches, 0)[:, -1]
        cur_pos, cur_t, newest = pos[:, -1], t[:, -1], torch.full((B,), n_hist - 1, device=dev)
        two = torch.ones(B, 2, dtype=torch.bool, device=dev)
        out_pos, out_t, out_lv = [], [], []
        for s in range(steps):
            mean, log_var = model.predict_step(h)
            new_pos, new_t = next_point(model, mean, log_var, cur_pos, cur_t, False, None, 1.0)
            out_pos.append(new_pos)
            out_t.append(new_t)
            out_lv.append(log_var)
            if s == steps - 1:
                break
            token = n_hist + s  # the new point's absolute token index
            if s + n_hist < window:  # a free slot
                slot = torch.full((B,), token, device=dev, dtype=torch.long)
            else:
                slot = _evict(caches[0], born, newest.long(), token, policy, tau)
            valid[rows, slot], born[rows, slot] = True, float(token)
            win_pos, win_t = torch.stack([cur_pos, new_pos], 1), torch.stack([cur_t, new_t], 1)
            f = build_features(win_pos, win_t, t0, two, model.embed.stats)[:, 1:]  # (B, 1, 9)
            idx = torch.full((B, 1), token, device=dev, dtype=torch.long)
            attn_mask = valid[:, None, None, :]  # (B, 1, 1, W)
            h = model.backbone(f, None, idx, new_t[:, None], attn_mask, False, caches,
                               slot[:, None])[:, 0]  # fmt: skip
            cur_pos, cur_t, newest = new_pos, new_t, slot.float()
    finally:
        model.train(was)
    out = to_output(model, out_pos, out_t, out_lv)
    out["cache_bytes"] = sum(c.k.numel() + c.v.numel() for c in caches) * caches[0].k.element_size()
    return out


def _evict(cache: KVCache, born, newest_slot, token, policy, tau) -> torch.Tensor:
    """(B,) the slot each row frees for `token`."""
    if policy == "recency":
        return born.argmin(1)
    B = born.shape[0]
    k = cache.k  # (B, Hkv, W, D)
    last = k[torch.arange(B, device=k.device), :, newest_slot]  # (B, Hkv, D) newest point's key
    sim = F.cosine_similarity(k, last[:, :, None], dim=-1).mean(1)  # (B, W)
    score = 0.5 * (sim + 1.0) * torch.exp(-(token - born) / tau)
    return score.argmin(1)
