"""GLM / UVTM-style infilling sequences: a corrupted part, then spans generated after [s].

Given a loader batch and a ``DomainMask`` (masking.py), every maximal run of points whose
position AND time are hidden becomes one ``[m]`` token in the corrupted part; points with one
domain hidden stay in place with that domain's features zeroed. With ``spans=True`` each run
is appended after the corrupted part as ``[s] p_1 .. p_n`` (teacher forcing):

    original   o0  o1  h2  h3  o4  x5  o6          h = both hidden, x = position hidden
    corrupted  o0  o1  [m] o4' x5  o6'             o' = TOK_AFTER_GAP (its steps are zeroed)
    spans                         [s] h2  h3
    index      0   1   2   3   4   5   2   2   2   position in the corrupted part ([m]'s slot)
    span_index 0   0   0   0   0   0   1   2   3   position inside the span

Attention (True = may attend): the corrupted part is bidirectional over itself and never sees
a span; a span token sees the corrupted part and its own span up to itself (spans are
independent of each other, so all spans of a batch are generated in parallel):

              o0 o1 [m] o4 x5 o6 [s] h2 h3
    o0..o6     1  1  1  1  1  1   .  .  .
    [s]        1  1  1  1  1  1   1  .  .
    h2         1  1  1  1  1  1   1  1  .
    h3         1  1  1  1  1  1   1  1  1

Heads and targets (model built with ``infill_heads=True``):
- ``head`` (the causal next-step head) at [s] and at span points: the (dx, dy, dt) step to the
  next point of the span, normalized like features 2-4 (the same meaning as causal training).
- *Bridged* steps: when the run ends on a point e whose position and time are visible (the
  spans objective, recovery; not prediction or travel time), the (dx, dy) part of the step is
  a residual on the *bridge step* ``step_anchor`` = (p_e - p_prev) * (t_next - t_prev) /
  (t_e - t_prev) / dxy_scale (``span_bridge``): the next point's offset from the linear
  interpolation in time between the previous point and the gap end, the in-place offset's
  meaning, so it is read from ``infill_head`` at the predicting token (``span_step``; dt stays
  on ``head``). Training uses the target point's true time (only in the target); generation
  the known time (recovery) or the time just generated from the dt part. A zero residual is
  linear interpolation in time and every span heads for its visible end. Raw steps, the
  only meaning before, needed the model to find the far end of the gap and the time left to
  it, which reach a span token only through RoPE attention logits (the [s] and span inputs
  carry no time to the end); trained models did not learn that (span recovery on Porto 2.5x
  worse than interpolation even for 1-point gaps). ``anchor=False`` (``infill_loss``,
  ``generate_spans``, ``ModelRecoverer(span_anchor=False)``) keeps the raw meaning; a
  ``span_anchor`` attribute on the model config, if present, sets the default (``use_anchor``);
- ``end_head`` at span points: 1 where the span ends after this point ("how many points a gap
  needs"); generation stops on it when the length is unknown;
- ``infill_head`` at in-place tokens: for a hidden position, (pos - anchor) / dxy_scale, the
  anchor being the linear interpolation in time between the nearest space-visible points
  (the previous one when a time is hidden, so nothing hidden is read); for a hidden time,
  log1p(t - t_ref) with t_ref the last visible time before it (travel time: log1p(duration)).

Nothing hidden leaks into the corrupted part: features that read a hidden value are zeroed
(masking.mask_features), rope_time positions of hidden times use the last visible time, and a
run's length changes no corrupted token (tests/test_infill.py perturbs hidden values and run
lengths and checks the corrupted part's outputs are unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import torch
import torch.nn.functional as F

from trajlm.model.embedding import DELTA, build_features
from trajlm.model.masking import (
    TOK_GAP,
    TOK_SPAN_START,
    DomainMask,
    mask_features,
    visible_time,
)

SEG_PAD, SEG_CORRUPT = 0, 1  # segment ids; span r (1-based) has segment 1 + r
END_LOSS_WEIGHT = 0.2


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


def _shift_right(x: torch.Tensor, fill=False) -> torch.Tensor:
    out = torch.full_like(x, fill)
    out[:, 1:] = x[:, :-1]
    return out


def _shift_left(x: torch.Tensor, fill=False) -> torch.Tensor:
    out = torch.full_like(x, fill)
    out[:, :-1] = x[:, 1:]
    return out


def _anchors(pos, t, mask, dm: DomainMask):
    """Per original point: anchor position (B, T, 2) from space-visible points only, and the
    reference time (B, T) from time-visible points only."""
    B, T = mask.shape
    idx = torch.arange(T, device=mask.device).expand(B, T)
    vis = mask & ~dm.space
    prev = torch.where(vis, idx, -1).cummax(1).values  # (B, T)
    nxt = torch.where(vis, idx, T).flip(1).cummin(1).values.flip(1)
    has_p, has_n = prev >= 0, nxt < T
    p, n = prev.clamp(0, T - 1), nxt.clamp(0, T - 1)
    pos_p = torch.gather(pos, 1, p[..., None].expand(B, T, 2))
    pos_n = torch.gather(pos, 1, n[..., None].expand(B, T, 2))
    tvis = mask & ~dm.time
    t_p, t_n = torch.gather(t, 1, p), torch.gather(t, 1, n)
    timed = has_p & has_n & tvis & torch.gather(tvis, 1, p) & torch.gather(tvis, 1, n)
    span = (t_n - t_p).where(timed, torch.ones_like(t))
    w = torch.where(timed & (span > 0), (t - t_p) / span.clamp_min(1e-6), torch.zeros_like(t))
    w = w.clamp(0.0, 1.0)[..., None]
    anchor = torch.where(has_p[..., None], (1 - w) * pos_p + w * pos_n, pos_n)
    anchor = torch.where((has_p | has_n)[..., None], anchor, torch.zeros_like(anchor))
    return anchor, visible_time(t, mask, dm)


def span_bridge(pos, t, mask, dm: DomainMask, dxy_scale) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, T, 3) and (B, T) bool: per fully hidden point k, the normalized bridge step
    (dx, dy, 0) from its predecessor k - 1 towards e, the first point after k's run, at k's
    time: (p_e - p_{k-1}) * (t_k - t_{k-1}) / (t_e - t_{k-1}) / dxy_scale, the fraction
    clamped to [0, 1]; and whether k has one (it depends on the masks only). Zero / False
    where there is no such end (the run reaches the row's end, or e's position or time is
    hidden, e.g. the travel-time destination) or k - 1 is only partly hidden.

    Reads the values of k - 1 and k as given (teacher forcing in training, generated / known
    values in generation): the same function defines the training target and the decoding."""
    B, T = mask.shape
    both = dm.both & mask
    idx = torch.arange(T, device=mask.device).expand(B, T)
    end = torch.where(~both, idx, T).flip(1).cummin(1).values.flip(1)  # first non-run >= k
    e = end.clamp_max(T - 1)
    end_ok = (end < T) & torch.gather(mask & ~dm.space & ~dm.time, 1, e)
    prev = (idx - 1).clamp_min(0)
    partial = dm.any & ~dm.both & mask
    ok = both & end_ok & (idx > 0) & ~torch.gather(partial, 1, prev)
    p_prev = torch.gather(pos, 1, prev[..., None].expand(B, T, 2))
    p_end = torch.gather(pos, 1, e[..., None].expand(B, T, 2))
    t_prev, t_end = torch.gather(t, 1, prev), torch.gather(t, 1, e)
    w = ((t - t_prev) / (t_end - t_prev).clamp_min(1e-3)).clamp(0.0, 1.0)
    bridge = (p_end - p_prev) * w[..., None] / dxy_scale
    bridge = torch.cat([bridge, torch.zeros_like(w)[..., None]], -1)
    return torch.where(ok[..., None], bridge, torch.zeros_like(bridge)), ok


def use_anchor(model, anchor: bool | None = None) -> bool:
    """Whether span steps are bridge residuals for this model: ``anchor`` if given, else
    ``model.config.span_anchor`` when the config has it, else True."""
    if anchor is not None:
        return bool(anchor)
    return bool(getattr(getattr(model, "config", None), "span_anchor", True))


def _stat(stats, name: str):
    return stats[name] if isinstance(stats, dict) else getattr(stats, name)


def anchor_features(feats, pos, t, t0, anchor, mask, dm: DomainMask, hidden, stats):
    """Corrupted-part features where each point of ``hidden`` (position hidden, kept in place)
    reads its anchor as its position: features 0-1 of those points and the steps 2-3 of them
    and of the point after them are rebuilt from positions with every hidden one replaced by
    its anchor. Anchors read only visible positions and times, so nothing hidden leaks."""
    filled = torch.where(dm.space[..., None], anchor, pos)  # (B, T, 2), leak-free
    fill_feats = build_features(filled, t, t0, mask, stats)  # (B, T, 9)
    touched = (hidden | _shift_right(hidden)) & mask  # own step or the next point's step
    prev_hidden_both = _shift_right(dm.both)  # step would read a collapsed point: keep as is
    out = feats.clone()
    out[..., 0:2] = torch.where(hidden[..., None], fill_feats[..., 0:2], out[..., 0:2])
    step_ok = (touched & ~prev_hidden_both)[..., None]
    out[..., 2:4] = torch.where(step_ok, fill_feats[..., 2:4], out[..., 2:4])
    return out


def anchor_inputs_of(model) -> bool:
    """Whether ``model`` reads anchors at hidden positions (ModelConfig.infill_anchor_inputs)."""
    return bool(getattr(getattr(model, "config", None), "infill_anchor_inputs", False))


def build_infill(
    batch: dict, dm: DomainMask, stats, spans: bool = True, anchor_inputs: bool = False
) -> InfillBatch:
    """Loader batch + DomainMask -> InfillBatch (vectorized over rows and points).

    ``stats``: the model's ``embed.stats`` (or a NormStats). A row's first real point must
    not be fully hidden. Runs of fully hidden points become [m] (+ a span when ``spans``).
    ``anchor_inputs``: hidden in-place positions read their anchor (``anchor_features``).
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
    ratio = float(_stat(stats, "xy_scale")) / float(_stat(stats, "dxy_scale"))
    feats_c = mask_features(feats, mask, dm, ratio)  # corrupted part: nothing hidden is read
    feats_s = mask_features(feats, mask, partial, ratio)  # span points: own run teacher forced
    types = dm.token_type(mask)  # in-place types (hidden-both points are not kept in place)
    anchor, t_ref = _anchors(pos, t, mask, dm)
    if anchor_inputs:
        feats_c = anchor_features(feats_c, pos, t, t0, anchor, mask, dm, partial.space, stats)
    idx = torch.arange(T, device=dev).expand(B, T)

    keep = mask & ~both
    gap_start = both & ~_shift_right(both)
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
        last_in_run = both & ~_shift_left(both)
        prev_any = _shift_right(dm.any & mask)  # the point before a run start is partly hidden
        nxt_step = _shift_left(feats_s[..., DELTA], 0.0)  # step of point i + 1
        put(both, span_slot, feats=feats_s, token_type=0, index=gap_cslot,
            span_index=(idx - run_start + 2), t_rope=t, segment=seg,
            step_y=nxt_step, step_valid=~last_in_run, end_y=last_in_run.float(),
            end_valid=True)  # fmt: skip
        # [s]: the visible point before the run (position, cyclic time; steps zeroed)
        prev_feats = _shift_right(feats_c, 0.0)  # (B, T, 9) features of point i - 1
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


@dataclass
class InfillOutput:
    step_mean: torch.Tensor  # (B, L, 3)
    step_log_var: torch.Tensor | None
    infill_mean: torch.Tensor  # (B, L, 3)
    infill_log_var: torch.Tensor | None
    end_logit: torch.Tensor  # (B, L)


def infill_forward(model, ib: InfillBatch) -> InfillOutput:
    """Run the model over an InfillBatch: one backbone pass, three heads."""
    if model.infill_head is None:
        raise ValueError("this model has no infilling heads: build it with infill_heads=True")
    model.check_length(int(ib.index.max()) + 1)
    h = model.backbone(
        ib.feats, ib.token_type, ib.index, ib.t_rope, ib.attention_mask(), False,
        span_index=ib.span_index,
    )  # fmt: skip
    sm, slv = model.head(h)
    im, ilv = model.infill_head(h)
    return InfillOutput(sm, slv, im, ilv, model.end_head(h)[..., 0])


def span_step(
    o: InfillOutput, ib: InfillBatch, anchored: bool = True
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(B, L, 3) mean and log-variance of the step predicted at every token.

    Raw steps (``anchored`` False): the causal ``head``. Anchored: where the step has a bridge
    (``ib.step_bridged``), (dx, dy) is the residual on it, i.e. the offset of the next point
    from the linear interpolation between this point and the run's visible end, in dxy_scale
    units: the in-place offset's meaning, so it is read from ``infill_head`` (the causal
    ``head`` keeps raw steps; span points look like causal points and would blend the two);
    dt and the steps without a bridge (prediction, travel time) stay on ``head``."""
    if not anchored:
        return o.step_mean, o.step_log_var
    sel = ib.step_bridged[..., None] & torch.tensor([True, True, False], device=o.step_mean.device)
    mean = torch.where(sel, o.infill_mean, o.step_mean)
    if o.step_log_var is None or o.infill_log_var is None:
        return mean, None
    return mean, torch.where(sel, o.infill_log_var, o.step_log_var)


def _nll(mean, log_var, y, valid) -> torch.Tensor:
    """Gaussian NLL (or MSE without variance) averaged over valid elements (valid like y)."""
    if log_var is None:
        err = (y - mean).square()
    else:
        err = 0.5 * (log_var + (y - mean).square() * torch.exp(-log_var))
    return torch.where(valid, err, 0.0).sum() / valid.sum().clamp_min(1)


def infill_loss(
    model, ib: InfillBatch, anchor: bool | None = None
) -> tuple[torch.Tensor, dict[str, float]]:
    """Sum of the span step NLL, the in-place own-point NLL and the end-of-span BCE.

    The span step target is ``step_y - step_anchor`` (a residual on the bridge step towards
    the gap end) unless ``use_anchor(model, anchor)`` is False (raw steps, old checkpoints)."""
    o = infill_forward(model, ib)
    sv = ib.step_valid[..., None].expand_as(ib.step_y)
    anchored = use_anchor(model, anchor)
    y = ib.step_y - ib.step_anchor if anchored else ib.step_y
    mean, log_var = span_step(o, ib, anchored)
    step = _nll(mean, log_var, y, sv)
    # The offset's mean learns from MSE; its variance from the NLL around the detached mean
    # (a plain NLL can settle on a wide variance with a ~0 mean: recovery = interpolation).
    own = _nll(o.infill_mean, None, ib.infill_y, ib.infill_valid)
    if o.infill_log_var is not None:
        own = own + _nll(o.infill_mean.detach(), o.infill_log_var, ib.infill_y, ib.infill_valid)
    bce = F.binary_cross_entropy_with_logits(o.end_logit, ib.end_y, reduction="none")
    end = torch.where(ib.end_valid, bce, 0.0).sum() / ib.end_valid.sum().clamp_min(1)
    loss = step + own + END_LOSS_WEIGHT * end
    parts = {"span_step": step.detach(), "own": own.detach(), "end": end.detach()}
    return loss, parts


def _gather_slots(x: torch.Tensor, slots: torch.Tensor) -> torch.Tensor:
    """x (B, L, ...) at slots (B, T) (clamped; callers mask invalid ones) -> (B, T, ...)."""
    s = slots.clamp_min(0)
    if x.dim() == 2:
        return torch.gather(x, 1, s)
    return torch.gather(x, 1, s[..., None].expand(*s.shape, x.shape[-1]))


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
        ib = build_infill(batch, dm, model.embed.stats, spans=False, anchor_inputs=anchored_in)
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
        gap_start = both & ~_shift_right(both)
        run_start = torch.where(gap_start, idx, -1).cummax(1).values.clamp_min(0)
        j_in_run = torch.where(both, idx - run_start, -1)
        alive = both.clone()  # (B, T) points still to generate (stop_on_end may end a run)
        n_max = int(j_in_run.max()) + 1 if both.any() else 0
        for j in range(n_max):
            b_j = {**batch, "pos": pos, "t": t}
            ib = build_infill(b_j, dm, s, spans=True, anchor_inputs=anchor_inputs_of(model))
            o = infill_forward(model, ib)
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
            new_t = prev_t + (step[..., 2] * s["dt_scale"] + s["dt_mean"]).clamp_min(1.0)
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
