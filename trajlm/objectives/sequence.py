"""Infilling sequence construction: loader batch + DomainMask -> ``InfillBatch`` (the corrupted
part, one ``[m]`` per run of fully hidden points, and with ``spans`` each run appended after
``[s]``), with its targets and attention mask. Layout: docs/multitask.md "The sequence"."""

from __future__ import annotations

from dataclasses import dataclass, fields

import torch

from trajlm.model.embedding import DELTA, build_features, road_features
from trajlm.objectives.anchors import (
    anchor_features,
    shift_left,
    shift_right,
    span_bridge,
    stat_field,
    visible_anchors,
)
from trajlm.objectives.masking import TOK_GAP, TOK_SPAN_START, DomainMask, mask_features
from trajlm.objectives.spline import DEFAULT_GAP_S, anchor_spline

SEG_PAD, SEG_CORRUPT = 0, 1  # segment ids; span r (1-based) has segment 1 + r


@dataclass
class InfillBatch:
    """One infilling sequence per row, right-padded to L tokens."""

    feats: torch.Tensor  # (B, L, 9) input features
    token_type: torch.Tensor  # (B, L) long
    index: torch.Tensor  # (B, L) long, position in the corrupted part
    span_index: torch.Tensor  # (B, L) long, 0 outside spans, 1 at [s], j + 1 at a span's j-th point
    t_rope: torch.Tensor  # (B, L) seconds, for rope_time (hidden times never appear)
    segment: torch.Tensor  # (B, L) long: 0 padding, 1 corrupted part, 1 + r span r
    step_y: torch.Tensor  # (B, L, 3) next-step target inside spans (raw normalized step)
    step_anchor: torch.Tensor  # (B, L, 3) bridge step the (dx, dy) target is relative to (dt 0)
    step_bridged: torch.Tensor  # (B, L) bool: the step predicted here has a bridge (run's end)
    step_valid: torch.Tensor  # (B, L) bool
    end_y: torch.Tensor  # (B, L) float, 1 = the span ends after this point
    end_valid: torch.Tensor  # (B, L) bool
    infill_y: torch.Tensor  # (B, L, 3) own-point targets of in-place hidden domains
    infill_valid: torch.Tensor  # (B, L, 3) bool
    anchor: torch.Tensor  # (B, L, 2) metres, the position a hidden position is relative to
    t_ref: torch.Tensor  # (B, L) seconds, the time a hidden time is relative to
    slot: torch.Tensor  # (B, T) long: token of each original point (-1: none, e.g. padding)
    src_slot: torch.Tensor  # (B, T) long: token whose step prediction gives a span point

    @property
    def n_corrupt(self) -> torch.Tensor:
        return (self.segment == SEG_CORRUPT).sum(1)

    def to(self, device) -> InfillBatch:
        return InfillBatch(**{f.name: getattr(self, f.name).to(device) for f in fields(self)})

    def attention_mask(self) -> torch.Tensor:
        """(B, 1, L, L) bool, True = query may attend to key (see the module docstring)."""
        seg = self.segment
        L = seg.shape[1]
        corrupt_key = (seg == SEG_CORRUPT)[:, None, :]  # (B, 1, L)
        same_span = (seg[:, :, None] == seg[:, None, :]) & (seg[:, :, None] > SEG_CORRUPT)
        causal = torch.ones(L, L, dtype=torch.bool, device=seg.device).tril()
        return (corrupt_key | (same_span & causal))[
            :, None
        ]  # padding queries see the corrupted part


def build_infill(
    batch: dict,
    dm: DomainMask,
    stats,
    spans: bool = True,
    anchor_inputs: bool = False,
    edge_buckets: int = 0,
    anchor_kind: str = "linear",
    anchor_gap_s: float = DEFAULT_GAP_S,
) -> InfillBatch:
    """Loader batch + DomainMask -> InfillBatch (vectorized over rows and points).

    ``stats``: the model's ``embed.stats`` (or a NormStats). A row's first real point must
    not be fully hidden. Runs of fully hidden points become [m] (+ a span when ``spans``).
    ``anchor_inputs``: hidden in-place positions read their anchor (``anchor_features``).
    ``batch["road_anchor"]`` (optional, (B, T, 2) metres, NaN = none): replaces the linear
    anchor of position-hidden in-place points (shortest-path interpolation on the network).
    ``edge_buckets`` > 0 (ModelConfig.n_edge_buckets): the features get the road columns
    (``road_features`` of batch["edge_id"], batch["edge_frac"]), "no edge" wherever the
    position is hidden (an edge says where the point is).
    ``anchor_kind`` "akima" | "pchip" (ModelConfig.infill_anchor): position-hidden in-place
    points are anchored on the spline in time through the row's fully visible points
    (``spline_anchor``; linear where it is not defined). ``batch["spline_anchor"]`` (optional,
    (B, T, 2) metres, NaN = none) overrides it (recovery computes it on whole trajectories).
    ``anchor_kind`` "auto": Akima where the gap between the visible neighbours is at most
    ``anchor_gap_s`` seconds (ModelConfig.infill_anchor_gap_s), linear beyond.
    """
    pos, t, t0 = batch["pos"].float(), batch["t"].float(), batch["t0"]
    mask = batch["mask"].bool()
    dev = mask.device
    B, T = mask.shape
    dm = DomainMask(dm.space.to(dev) & mask, dm.time.to(dev) & mask)
    both = dm.both
    if both[:, 0].any():
        raise ValueError("a row's first point must keep a visible domain (it anchors the row)")
    partial = DomainMask(dm.space & ~both, dm.time & ~both)  # in-place hidden domains
    feats = build_features(pos, t, t0, mask, stats)  # (B, T, 9)
    if edge_buckets:  # road inputs (B, T, 11), none where the position is hidden
        road = road_features(batch, edge_buckets, mask) * ~dm.space[..., None]
        feats = torch.cat([feats, road], -1)
    ratio = float(stat_field(stats, "xy_scale")) / float(stat_field(stats, "dxy_scale"))
    feats_c = mask_features(feats, mask, dm, ratio)  # corrupted part: nothing hidden is read
    feats_s = mask_features(feats, mask, partial, ratio)  # span points: own run teacher forced
    types = dm.token_type(mask)  # in-place types (hidden-both points are not kept in place)
    anchor, t_ref = visible_anchors(pos, t, mask, dm)
    if anchor_kind != "linear":  # the spline of the fully visible points (objectives/spline.py)
        nodes = mask & ~dm.any
        spline, ok = anchor_spline(pos, t, nodes, partial.space, anchor_kind, anchor_gap_s)
        anchor = torch.where(ok[..., None], spline, anchor)
        given = batch.get("spline_anchor")  # (B, T, 2), NaN = none
        if given is not None:
            given = given.to(dev).float()
            use = partial.space & ~torch.isnan(given).any(-1)
            anchor = torch.where(use[..., None], torch.nan_to_num(given), anchor)
    road = batch.get("road_anchor")  # (B, T, 2) road-path anchors, NaN = none (roads/anchor.py)
    if road is not None:
        road = road.to(dev).float()
        use = partial.space & ~torch.isnan(road).any(-1)
        anchor = torch.where(use[..., None], torch.nan_to_num(road), anchor)
    if anchor_inputs:
        feats_c = anchor_features(feats_c, pos, t, t0, anchor, mask, dm, partial.space, stats)
    idx = torch.arange(T, device=dev).expand(B, T)

    keep = mask & ~both
    gap_start = both & ~shift_right(both)
    c = keep.long() + gap_start.long()
    cslot = c.cumsum(1) - 1  # (B, T) slot of the token emitted at i ([m] or the point)
    n_c = c.sum(1)  # (B,)
    run_id = gap_start.long().cumsum(1)  # 1-based run number at hidden points
    n_before = both.long().cumsum(1) - 1
    run_start = torch.where(gap_start, idx, -1).cummax(1).values.clamp_min(0)
    gap_cslot = torch.gather(cslot, 1, run_start)
    span_slot = n_c[:, None] + run_id + n_before  # slot of hidden point i in its span
    if spans:
        L = int((n_c + both.sum(1) + gap_start.sum(1)).max())
    else:
        L = int(n_c.max())
    L = max(L, 1)

    out = {
        "feats": torch.zeros(B, L, feats.shape[-1], device=dev),
        "token_type": torch.zeros(B, L, dtype=torch.long, device=dev),
        "index": torch.zeros(B, L, dtype=torch.long, device=dev),
        "span_index": torch.zeros(B, L, dtype=torch.long, device=dev),
        "t_rope": torch.zeros(B, L, device=dev),
        "segment": torch.zeros(B, L, dtype=torch.long, device=dev),
        "step_y": torch.zeros(B, L, 3, device=dev),
        "step_anchor": torch.zeros(B, L, 3, device=dev),
        "step_bridged": torch.zeros(B, L, dtype=torch.bool, device=dev),
        "step_valid": torch.zeros(B, L, dtype=torch.bool, device=dev),
        "end_y": torch.zeros(B, L, device=dev),
        "end_valid": torch.zeros(B, L, dtype=torch.bool, device=dev),
        "infill_y": torch.zeros(B, L, 3, device=dev),
        "infill_valid": torch.zeros(B, L, 3, dtype=torch.bool, device=dev),
        "anchor": torch.zeros(B, L, 2, device=dev),
        "t_ref": torch.zeros(B, L, device=dev),
    }
    rows = torch.arange(B, device=dev)[:, None].expand(B, T)

    def put(sel: torch.Tensor, slots: torch.Tensor, **values) -> None:
        r, s = rows[sel], slots[sel]
        for k, v in values.items():
            out[k][r, s] = v[sel] if torch.is_tensor(v) and v.shape[:2] == (B, T) else v

    # corrupted part: kept points (in place) and one [m] per run
    dxy_scale = stats["dxy_scale"] if isinstance(stats, dict) else stats.dxy_scale
    own_xy = (pos - anchor) / dxy_scale
    own_t = torch.log1p((t - t_ref).clamp_min(0.0))
    infill_y = torch.cat([own_xy, own_t[..., None]], -1)
    infill_valid = torch.stack([partial.space, partial.space, partial.time], -1)
    put(keep, cslot, feats=feats_c, token_type=types, index=cslot, t_rope=t_ref.where(
        dm.time, t), segment=SEG_CORRUPT, infill_y=infill_y, infill_valid=infill_valid,
        anchor=anchor, t_ref=t_ref)  # fmt: skip
    put(gap_start, cslot, token_type=TOK_GAP, index=cslot, t_rope=t_ref, segment=SEG_CORRUPT)

    slot = torch.where(keep, cslot, -1)
    src_slot = torch.full_like(slot, -1)
    if spans:
        seg = 1 + run_id
        last_in_run = both & ~shift_left(both)
        prev_any = shift_right(dm.any & mask)  # the point before a run start is partly hidden
        nxt_step = shift_left(feats_s[..., DELTA], 0.0)  # step of point i + 1
        put(both, span_slot, feats=feats_s, token_type=0, index=gap_cslot,
            span_index=(idx - run_start + 2), t_rope=t, segment=seg,
            step_y=nxt_step, step_valid=~last_in_run, end_y=last_in_run.float(),
            end_valid=True)  # fmt: skip
        # [s]: the visible point before the run (position, cyclic time; steps zeroed)
        prev_feats = shift_right(feats_c, 0.0)  # (B, T, 9) features of point i - 1
        prev_feats[..., DELTA] = 0.0
        put(gap_start, span_slot - 1, feats=prev_feats, token_type=TOK_SPAN_START,
            index=gap_cslot, span_index=1, t_rope=t_ref, segment=seg,
            step_y=feats_s[..., DELTA], step_valid=~prev_any)  # fmt: skip
        # the bridge of hidden point k sits where its step is predicted (k - 1's span slot)
        bridge, bridged = span_bridge(pos, t, mask, dm, dxy_scale)
        put(both, span_slot - 1, step_anchor=bridge, step_bridged=bridged)
        slot = torch.where(both, span_slot, slot)
        src_slot = torch.where(both, span_slot - 1, -1)  # [s] for a run's first point
    return InfillBatch(**out, slot=slot, src_slot=src_slot)
