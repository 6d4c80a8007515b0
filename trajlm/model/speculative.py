"""Speculative rollouts: a small draft model proposes k points, the main model checks them in one
pass, and every accepted point saves the main model one incremental step.

One round, per row with n committed points (the last one, n-1, is not yet in the main cache):
    draft    re-reads points n-2, n-1 (2 tokens, so its cache always holds every committed
             point) and rolls out k points d_1..d_k with its own KV cache;
    verify   the main model reads [point n-1, d_1..d_k] (k+1 tokens, causal) at slots
             n-1..n+k-1; its output at token j is its predicted step (mean, log-variance)
             for the point after token j;
    accept   d_j while its normalized step (dx, dy, dt) lies within c * sigma of the main
             model's predicted mean, in every component, for j = 1.. (the first miss stops);
             with a accepted, the main model's mean at token a gives one more point (the
             replacement of the first rejected draft, or a bonus point when all k pass).
So a round commits a + 1 points for one main pass. Rows advance at their own pace: each row has
its own cache slots and causal mask (key slot <= query slot), and rejected drafts' stale
slots are simply overwritten later.

With the main model as its own draft every draft is (to float rounding) the main model's mean,
all are accepted, and the rollout equals plain decoding (tests/test_speculative.py). Only mean
rollouts (no sampling) and the Gaussian head (sigma is the acceptance scale) are supported.
"""

from __future__ import annotations

import torch

from trajlm.model.cache import KVCache
from trajlm.model.embedding import DELTA, build_features
from trajlm.model.generate import next_point, to_output


@torch.inference_mode()
def speculative_generate(
    model: torch.nn.Module,
    draft: torch.nn.Module,
    batch: dict,
    steps: int,
    k: int = 4,
    c: float = 1.0,
) -> dict[str, torch.Tensor]:
    """Roll out `steps` points per row like ``model.generate(batch, steps)`` (mean rollout),
    with `draft` (any TrajectoryModel, e.g. 1 layer of width 32) proposing k points per round
    and a draft point kept while within c standard deviations of the main model's prediction.

    Returns generate()'s dict (pos, t, pos_std, dt_std; the std from the main model) plus
    ``accepted`` (B,): drafted points each row kept, and ``rounds``: main-model passes.
    """
    if steps < 1 or k < 1:
        raise ValueError(f"steps and k must be >= 1, got steps={steps}, k={k}")
    if c < 0:
        raise ValueError(f"c must be >= 0, got {c}")
    if model.config.head != "gaussian":
        raise ValueError("speculative decoding needs the main model's 'gaussian' head (sigma)")
    for m in (model, draft):
        if m.needs_trajectory_context:
            raise ValueError("speculative decoding does not support moe_router='motion' or "
                             "pos_type='rope_adaptive' (their cached steps read past points)")  # fmt: skip
    if model.config.uses_step_query or draft.config.uses_step_query:
        raise ValueError("residual_base / time_query models roll out with model.generate only")
    mask = batch["mask"].bool()
    lengths = mask.sum(1)  # (B,)
    n_hist = int(lengths.max())
    if int(lengths.min()) < 2:
        raise ValueError("speculative decoding needs >= 2 history points in every row")
    B, dev = mask.shape[0], mask.device
    # slots: history, the rollout, and the drafts of a finished row that keeps running along
    # (frozen at its n <= n_hist + steps + k, writing up to n + k) until the slowest finishes
    L = n_hist + steps + 2 * k + 1
    for m in (model, draft):
        m.check_length(L)
    t0 = batch["t0"]
    P = torch.zeros(B, L, 2, device=dev)  # (B, L, 2) committed points (+ this round's drafts)
    Tt = torch.zeros(B, L, device=dev)  # (B, L) their times
    LV = torch.zeros(B, L, 3, device=dev)  # (B, L, 3) main log-variance of each new point
    P[:, :n_hist], Tt[:, :n_hist] = batch["pos"][:, :n_hist].float(), batch["t"][:, :n_hist].float()

    was = (model.training, draft.training)
    model.eval(), draft.eval()
    try:
        mc, dc = (
            _prefill(model, P, Tt, t0, mask[:, :n_hist], L),
            _prefill(draft, P, Tt, t0, mask[:, :n_hist], L),
        )
        n, accepted, rounds = lengths.clone(), torch.zeros_like(lengths), 0
        rows = torch.arange(B, device=dev)
        while int((n - lengths).min()) < steps:
            rounds += 1
            S = int(n.max()) + k  # slots any query of this round can see
            # Draft: re-read the last two committed points, then roll out k points.
            h = _run(draft, dc, P, Tt, t0, n - 2, 2, S)[:, -1]
            for j in range(k):
                mean, log_var = draft.predict_step(h)
                prev = n - 1 + j
                new_pos, new_t = next_point(draft, mean, log_var, P[rows, prev], Tt[rows, prev],
                                             False, None, 1.0)  # fmt: skip
                P[rows, prev + 1], Tt[rows, prev + 1] = new_pos, new_t
                if j < k - 1:
                    h = _run(draft, dc, P, Tt, t0, prev + 1, 1, S)[:, 0]
            # Verify: the main model reads [n-1, d_1..d_k]; token j predicts the point after it.
            feats = _window_features(model, P, Tt, t0, n - 1, k + 1)  # (B, k+1, 9)
            h = _run(model, mc, P, Tt, t0, n - 1, k + 1, S, feats)  # (B, k+1, C)
            mean, log_var = model.predict_step(h)  # (B, k+1, 3) each
            drafted = feats[:, 1:, DELTA]  # (B, k, 3) normalized steps of d_1..d_k
            ok = ((drafted - mean[:, :k]).abs() <= c * torch.exp(0.5 * log_var[:, :k])).all(-1)
            a = ok.int().cumprod(1).sum(1)  # (B,) leading accepted drafts
            # The main model's point after the last accepted one replaces the first rejected.
            base = n - 1 + a
            new_pos, new_t = next_point(model, mean[rows, a], log_var[rows, a], P[rows, base],
                                         Tt[rows, base], False, None, 1.0)  # fmt: skip
            P[rows, base + 1], Tt[rows, base + 1] = new_pos, new_t
            slots = n[:, None] + torch.arange(k + 1, device=dev)  # (B, k+1) slots n..n+k
            LV[rows[:, None], slots] = log_var  # main's variance of the point at each slot
            left = steps - (n - lengths)  # (B,) points a row still needs; <= 0: done, frozen
            accepted += torch.minimum(a, left.clamp_min(0))
            n = torch.where(left > 0, n + a + 1, n)
    finally:
        model.train(was[0])
        draft.train(was[1])
    idx = lengths[:, None] + torch.arange(steps, device=dev)  # (B, steps) the new points' slots
    r = rows[:, None]
    out = to_output(model, list(P[r, idx].unbind(1)), list(Tt[r, idx].unbind(1)),
                     list(LV[r, idx].unbind(1)))  # fmt: skip
    return out | {"accepted": accepted, "rounds": rounds}


def _prefill(model, P, Tt, t0, mask, L) -> list[KVCache]:
    """Caches of length L holding the (padded) history's keys/values at slots 0..n_hist-1."""
    B, n_hist = mask.shape
    cfg, dt = model.config, next(model.parameters()).dtype
    caches = [KVCache(B, cfg.kv_heads, L, cfg.head_dim, P.device, dt, zero_from=n_hist)
              for _ in model.blocks]  # fmt: skip
    feats = model.embed.features(P[:, :n_hist], Tt[:, :n_hist], t0, mask)
    index = torch.arange(n_hist, device=P.device)[None]  # (1, n_hist)
    keep = mask.sum(1) - 1  # the last block's queries and MLP are not needed: only one row
    model.backbone(feats, None, index, Tt[:, :n_hist], None, True, caches, 0, keep=keep)
    return caches


def _window_features(model, P, Tt, t0, start, width) -> torch.Tensor:
    """Features (B, width, 9) of each row's points start..start+width-1 (start (B,) >= 0),
    built from the window that also holds the point before (same code as training)."""
    offs = torch.arange(-1, width, device=P.device)  # (width+1,)
    idx = start[:, None] + offs  # (B, width+1); -1 where start = 0
    has = idx >= 0
    idx = idx.clamp_min(0)
    r = torch.arange(P.shape[0], device=P.device)[:, None]
    return build_features(P[r, idx], Tt[r, idx], t0, has, model.embed.stats)[:, 1:]


def _run(model, caches, P, Tt, t0, start, width, S, feats=None) -> torch.Tensor:
    """Feed each row's points start..start+width-1 at the same cache slots; causal over the
    row's slots (key slot <= query slot) within the first S. -> hidden (B, width, C)."""
    if feats is None:
        feats = _window_features(model, P, Tt, t0, start, width)
    slots = start[:, None] + torch.arange(width, device=P.device)  # (B, width)
    keys = torch.arange(S, device=P.device)  # (S,)
    attn_mask = (keys[None, None, :] <= slots[:, :, None])[:, None]  # (B, 1, width, S)
    t = Tt[torch.arange(P.shape[0], device=P.device)[:, None], slots]  # (B, width)
    return model.backbone(feats, None, slots, t, attn_mask, False, caches, slots)
