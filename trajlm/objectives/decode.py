"""Infilling decoding: the in-place pass (``fill_in_place``: hidden positions / times of points
kept in place) and parallel span generation (``generate_spans``). Decoding mirrors the training
target of ``infill_loss`` step for step; the recovery and travel-time tasks call these.

Span generation with ``use_cache`` (``SpanCache``) runs the backbone once over the whole
sequence, then per step only over the tokens whose inputs just became final (one per run),
reading every other token's keys and values from a cache: the corrupted part never attends to
a span and a span token only to its own prefix, so a token computed once its inputs are final
never changes (tests/test_span_recovery.py checks cached == recomputed).
"""

from __future__ import annotations

import torch

from trajlm.data.subsec_store import min_step_s
from trajlm.model.cache import KVCache
from trajlm.objectives.anchors import (
    anchor_gap_of,
    anchor_inputs_of,
    anchor_kind_of,
    road_inputs_of,
    shift_right,
    span_bridge,
)
from trajlm.objectives.loss import (
    InfillOutput,
    infill_forward,
    infill_heads,
    span_step,
    use_anchor,
)
from trajlm.objectives.masking import DomainMask
from trajlm.objectives.sequence import InfillBatch, build_infill


def _gather_slots(x: torch.Tensor, slots: torch.Tensor) -> torch.Tensor:
    """x (B, L, ...) at slots (B, T) (clamped; callers mask invalid ones) -> (B, T, ...)."""
    s = slots.clamp_min(0)
    if x.dim() == 2:
        return torch.gather(x, 1, s)
    return torch.gather(x, 1, s[..., None].expand(*s.shape, x.shape[-1]))


class SpanCache:
    """Keys and values of every token of an infilling sequence, plus the latest head outputs.

    ``SpanCache(model, ib)`` runs the full sequence once (as ``infill_forward``);
    ``update(ib, tokens)`` recomputes only the tokens (B, L) bool, with ``ib``'s current inputs,
    attending to the cached rest. The layout (L, slots, attention mask) depends on the masks
    only, so it is the same for every ``build_infill`` of one generation.
    """

    def __init__(self, model, ib: InfillBatch) -> None:
        if model.infill_head is None:
            raise ValueError("this model has no infilling heads: build it with infill_heads=True")
        model.check_length(int(ib.index.max()) + 1)
        B, L = ib.segment.shape
        cfg, p = model.config, next(model.parameters())
        # one scratch slot past the end takes the writes of padded queries (never read)
        self.caches = [KVCache(B, cfg.kv_heads, L + 1, cfg.head_dim, p.device, p.dtype)
                       for _ in model.blocks]  # fmt: skip
        self.model, self.L, self.mask = model, L, ib.attention_mask()  # (B, 1, L, L)
        slots = torch.arange(L, device=ib.segment.device).expand(B, L)
        h = model.backbone(ib.feats, ib.token_type, ib.index, ib.t_rope, self.mask, False,
                           self.caches, slots, span_index=ib.span_index)  # fmt: skip
        self.out = infill_heads(model, h)

    def update(self, ib: InfillBatch, tokens: torch.Tensor) -> InfillOutput:
        B, L = tokens.shape
        R = int(tokens.sum(1).max())
        if R == 0:
            return self.out
        # per row, its tokens first (slot order), padded with other slots written to scratch
        order = torch.argsort((~tokens).to(torch.int8), dim=1, stable=True)[:, :R]  # (B, R)
        real = torch.gather(tokens, 1, order)
        slots = torch.where(real, order, L)

        def take(x: torch.Tensor) -> torch.Tensor:
            return _gather_slots(x, order)

        mask = torch.gather(self.mask, 2, order[:, None, :, None].expand(B, 1, R, L))
        h = self.model.backbone(take(ib.feats), take(ib.token_type), take(ib.index),
                                take(ib.t_rope), mask, False, self.caches, slots,
                                span_index=take(ib.span_index))  # fmt: skip
        new = infill_heads(self.model, h)
        rows = torch.arange(B, device=tokens.device)[:, None].expand(B, R)[real]
        cols = order[real]
        for name in ("step_mean", "step_log_var", "infill_mean", "infill_log_var", "end_logit"):
            old, fresh = getattr(self.out, name), getattr(new, name)
            if old is not None:
                old[rows, cols] = fresh[real]
        return self.out


@torch.inference_mode()
def fill_in_place(model, batch: dict, dm: DomainMask) -> dict[str, torch.Tensor]:
    """One bidirectional pass: hidden positions / times of in-place tokens from infill_head.

    Returns pos (B, T, 2) metres and t (B, T) seconds: the inputs with every in-place hidden
    value replaced by the model's estimate (fully hidden points are left as they were).
    """
    was = model.training
    model.eval()
    try:
        anchored_in = anchor_inputs_of(model)
        ib = build_infill(
            batch,
            dm,
            model.embed.stats,
            spans=False,
            anchor_inputs=anchored_in,
            edge_buckets=road_inputs_of(model),
            anchor_kind=anchor_kind_of(model),
            anchor_gap_s=anchor_gap_of(model),
        )
        o = infill_forward(model, ib)
    finally:
        model.train(was)
    s = model.embed.stats
    xy = _gather_slots(ib.anchor + o.infill_mean[..., :2] * s["dxy_scale"], ib.slot)
    tt = _gather_slots(ib.t_ref + torch.expm1(o.infill_mean[..., 2].clamp(max=20.0)), ib.slot)
    mask = batch["mask"].bool()
    ok = ib.slot >= 0
    pos = torch.where((dm.space & ~dm.time & ok & mask)[..., None], xy, batch["pos"].float())
    t = torch.where(dm.time & ~dm.space & ok & mask, tt, batch["t"].float())
    return {"pos": pos, "t": t}


@torch.inference_mode()
def generate_spans(
    model,
    batch: dict,
    dm: DomainMask,
    known_time: bool = False,
    stop_on_end: bool = False,
    sample: bool = False,
    generator: torch.Generator | None = None,
    anchor: bool | None = None,
    use_cache: bool = True,
) -> dict[str, torch.Tensor]:
    """Generate every run of fully hidden points, all runs of all rows in parallel.

    Step j fills the j-th point of every run from the step prediction at its predecessor
    ([s] for j = 0); the sequence is rebuilt with the filled values, which only later span
    tokens read (causal inside spans), so this equals token-by-token decoding.
    ``known_time``: keep the given times of hidden points (recovery, timestamps known) and
    generate positions only. ``stop_on_end``: the hidden points are placeholders for at most
    that many points; a run stops where the end-of-span probability of its last generated
    point exceeds 0.5, and ``length`` (B, T) gives, at each run start, the generated length.
    Each step decodes like the training target (``infill_loss``): the time first (known, or
    the predicted dt), then the position from the predecessor plus the bridge step towards the
    run's visible end at that time (``span_bridge``) plus the predicted residual
    (``anchor``: see ``use_anchor``; False = raw steps).
    ``use_cache``: after the first step, run the backbone only over the one token per run
    whose inputs just became final (``SpanCache``); False recomputes the whole sequence.
    Returns pos (B, T, 2), t (B, T) (filled), length (B, T) long (0 outside run starts).
    """
    anchored = use_anchor(model, anchor)
    was = model.training
    model.eval()
    try:
        s = model.embed.stats
        pos, t = batch["pos"].float().clone(), batch["t"].float().clone()
        mask = batch["mask"].bool()
        dm = DomainMask(dm.space & mask, dm.time & mask)
        both = dm.both
        B, T = mask.shape
        idx = torch.arange(T, device=mask.device).expand(B, T)
        gap_start = both & ~shift_right(both)
        run_start = torch.where(gap_start, idx, -1).cummax(1).values.clamp_min(0)
        j_in_run = torch.where(both, idx - run_start, -1)
        alive = both.clone()  # (B, T) points still to generate (stop_on_end may end a run)
        n_max = int(j_in_run.max()) + 1 if both.any() else 0
        cache = None
        for j in range(n_max):
            b_j = {**batch, "pos": pos, "t": t}
            ib = build_infill(
                b_j,
                dm,
                s,
                spans=True,
                anchor_inputs=anchor_inputs_of(model),
                edge_buckets=road_inputs_of(model),
                anchor_kind=anchor_kind_of(model),
                anchor_gap_s=anchor_gap_of(model),
            )
            if not use_cache:
                o = infill_forward(model, ib)
            elif cache is None:
                cache = SpanCache(model, ib)
                o = cache.out
            else:  # the tokens of the points made at step j - 1: their inputs are final now
                made = both & (j_in_run == j - 1) & (ib.slot >= 0)
                tokens = torch.zeros_like(ib.segment, dtype=torch.bool)
                tokens[made.nonzero(as_tuple=True)[0], ib.slot[made]] = True
                o = cache.update(ib, tokens)
            if stop_on_end and j > 0:
                # the point made at step j - 1 is now an input: its end logit says whether
                # its run goes on; a stopped run drops its remaining placeholders
                end_p = torch.sigmoid(_gather_slots(o.end_logit, ib.slot))  # (B, T)
                stop = alive & (j_in_run == j - 1) & (end_p > 0.5)
                runs = torch.zeros(B, T + 1, dtype=torch.long, device=mask.device)
                runs.scatter_(1, run_start.where(stop, T), 1)
                alive &= ~((torch.gather(runs, 1, run_start) > 0) & (j_in_run >= j))
            here = alive & (j_in_run == j)  # (B, T) points generated at this step
            if not here.any():
                break
            mean, lv = span_step(o, ib, anchored)
            if sample and lv is not None:
                noise = torch.randn(mean.shape, generator=generator).to(mean.device)
                mean = mean + torch.exp(0.5 * lv) * noise
            step = _gather_slots(mean, ib.src_slot)  # (B, T, 3) step from the predecessor
            prev = (idx - 1).clamp_min(0)
            prev_pos = torch.gather(pos, 1, prev[..., None].expand(B, T, 2))
            prev_t = torch.gather(t, 1, prev)
            new_t = prev_t + (step[..., 2] * s["dt_scale"] + s["dt_mean"]).clamp_min(min_step_s(s))
            if not known_time:
                t = torch.where(here, new_t, t)
            dxy = step[..., :2]
            if anchored:  # the bridge at the point's (known or just generated) time
                dxy = dxy + span_bridge(pos, t, mask, dm, s["dxy_scale"])[0][..., :2]
            new_pos = prev_pos + dxy * s["dxy_scale"]
            pos = torch.where(here[..., None], new_pos, pos)
    finally:
        model.train(was)
    length = torch.zeros(B, T, dtype=torch.long, device=mask.device)
    n_alive = torch.zeros(B, T + 1, dtype=torch.long, device=mask.device)
    n_alive.scatter_add_(1, run_start.where(alive, T), alive.long())
    length = torch.where(gap_start, n_alive[:, :T], length)
    return {"pos": pos, "t": t, "length": length}
