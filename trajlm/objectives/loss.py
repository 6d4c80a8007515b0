"""Infilling forward pass and loss: one backbone pass over an ``InfillBatch``, three heads
(step, own-point, end-of-span), and their NLL / BCE sum. Head semantics: docs/multitask.md
"Heads and targets"; the span step's meaning is ``ModelConfig.span_target``."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from trajlm.objectives.sequence import InfillBatch

END_LOSS_WEIGHT = 0.2


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
    if model.config.uses_step_query:
        raise ValueError("residual_base / time_query are for the causal next-point objective")
    model.check_length(int(ib.index.max()) + 1)
    h = model.backbone(
        ib.feats, ib.token_type, ib.index, ib.t_rope, ib.attention_mask(), False,
        span_index=ib.span_index,
    )  # fmt: skip
    return infill_heads(model, h)


def infill_heads(model, h: torch.Tensor) -> InfillOutput:
    """The three heads on hidden states (B, L, C)."""
    sm, slv = model.head(h)
    im, ilv = model.infill_head(h)
    gate = getattr(model, "recovery_gate", None)
    if gate is not None:  # (dx, dy) offset x sigmoid(gate): the model may keep its anchor
        g = torch.sigmoid(gate(h))
        im = torch.cat([im[..., :2] * g, im[..., 2:]], -1)
    return InfillOutput(sm, slv, im, ilv, model.end_head(h)[..., 0])


def use_anchor(model, anchor: bool | None = None) -> bool:
    """Whether span steps are bridge residuals for this model: ``anchor`` if given, else what
    its checkpoint says (``ModelConfig.span_target == "bridge_residual"``, the default)."""
    if anchor is not None:
        return bool(anchor)
    config = getattr(model, "config", None)
    return getattr(config, "span_target", "bridge_residual") == "bridge_residual"


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
