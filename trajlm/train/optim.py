"""The one optimizer rule and the one learning-rate schedule of every trajlm training run.

    groups = param_groups(model, weight_decay=0.05, lr_mults={"head.": 3.0})
    opt = adamw(model, cfg)                        # AdamW over param_groups(model, ...)
    lr = lr_at(step, cfg)                          # linear warmup, then cosine to lr*min_lr_ratio

cfg.optimizer = "guided" makes ``adamw`` return a StabilityScaledAdamW (docs/ablations.md).

Weight decay pulls a parameter towards zero. That is a sensible prior for weight matrices
(embedding and position tables included), and a wrong one for LayerNorm gains (whose neutral
value is 1) and biases: every parameter of 2 or more dimensions decays, 1-d ones do not. This is
the rule every published table was trained with (session 3's loops). Session 4 also exempted
the position tables (``pos_emb``, ``span_pos``); that alone changed the multi-task checkpoints
(Porto zero-shot 5-step ADE 252.6 -> 278.4 m over 3 seeds, no gain measured), so it was undone:
an exemption needs its own A/B over seeds first (docs/results.md, "Session 4 re-run").
Frozen parameters (requires_grad False) are left out entirely, so nothing can move them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch


def decays(name: str, param: torch.Tensor) -> bool:
    """Whether weight decay applies: matrices and tables (>= 2-d) yes; norms and biases no.
    (`name` is unused by the rule; kept so a future exemption can match on it.)"""
    return param.dim() >= 2


def param_groups(
    model: torch.nn.Module, weight_decay: float, lr_mults: Mapping[str, float] | None = None
) -> list[dict]:
    """AdamW parameter groups of the trainable parameters of `model`.

    lr_mults: dotted-name prefix -> learning-rate multiplier (e.g. a classifier head trained
    faster than its backbone); the schedule sets each group's lr to lr_at(step) * lr_mult.
    Each group records its parameter names ("names") so tests and logs can see the split.
    """
    lr_mults = dict(lr_mults or {})
    buckets: dict[tuple[float, bool], tuple[list, list]] = {}
    seen: set[int] = set()
    for name, p in model.named_parameters():
        if not p.requires_grad or id(p) in seen:
            continue
        seen.add(id(p))
        mult = next((m for pre, m in lr_mults.items() if name.startswith(pre)), 1.0)
        params, names = buckets.setdefault((mult, decays(name, p)), ([], []))
        params.append(p)
        names.append(name)
    return [
        {"params": ps, "names": ns, "weight_decay": weight_decay if decay else 0.0,
         "lr_mult": mult}
        for (mult, decay), (ps, ns) in sorted(buckets.items(), key=lambda kv: (kv[0][0], not kv[0][1]))
    ]  # fmt: skip


class StabilityScaledAdamW(torch.optim.AdamW):
    """AdamW whose step size follows the gradient's stability (seed 002's "trajectory-guided
    optimizer": stability-scaled learning rate).

    Stability s is a running mean (factor `beta`) of the cosine between each step's gradient
    and AdamW's first moment (the momentum) over all parameters: near +1 when successive
    gradients agree, near 0 for noise, negative when they oscillate. Each step runs AdamW at
    lr x clamp(1 + strength x s, min_scale, max_scale), so noise leaves AdamW unchanged,
    agreement speeds it up and oscillation slows it down. `fixed_scale` replaces the rule by a
    constant (1.0 = plain AdamW; the equivalence test). The running s lives in each param
    group ("stability"), so it is saved and restored with the optimizer's state_dict.
    """

    def __init__(self, params, beta: float = 0.9, strength: float = 0.5,
                 min_scale: float = 0.5, max_scale: float = 1.5,
                 fixed_scale: float | None = None, **kw):  # fmt: skip
        super().__init__(params, **kw)
        self.beta, self.strength, self.fixed_scale = beta, strength, fixed_scale
        self.min_scale, self.max_scale = min_scale, max_scale
        for g in self.param_groups:
            g.setdefault("stability", 0.0)
        self.last_scale = 1.0

    @torch.no_grad()
    def _scale(self) -> float:
        if self.fixed_scale is not None:
            return self.fixed_scale
        dot = norm_g = norm_m = None
        for g in self.param_groups:
            for p in g["params"]:
                m = self.state.get(p, {}).get("exp_avg")
                if p.grad is None or m is None:
                    continue
                d, a, b = (p.grad * m).sum(), p.grad.square().sum(), m.square().sum()
                dot, norm_g, norm_m = (
                    (d, a, b) if dot is None else (dot + d, norm_g + a, norm_m + b)
                )
        if dot is None:  # first step: no momentum yet, plain AdamW
            return 1.0
        cos = float(dot / (norm_g.sqrt() * norm_m.sqrt()).clamp_min(1e-30))  # one host sync
        s = self.beta * self.param_groups[0]["stability"] + (1 - self.beta) * cos
        for g in self.param_groups:
            g["stability"] = s
        return min(self.max_scale, max(self.min_scale, 1.0 + self.strength * s))

    def step(self, closure=None):
        scale = self.last_scale = self._scale()
        lrs = [g["lr"] for g in self.param_groups]
        for g in self.param_groups:
            g["lr"] = g["lr"] * scale
        try:
            return super().step(closure)
        finally:
            for g, lr in zip(self.param_groups, lrs, strict=True):
                g["lr"] = lr


def adamw(
    model: torch.nn.Module, cfg, lr_mults: Mapping[str, float] | None = None
) -> torch.optim.AdamW:
    """AdamW over ``param_groups(model, cfg.weight_decay, lr_mults)`` with cfg's lr and betas
    (a StabilityScaledAdamW when cfg.optimizer is "guided")."""
    groups = param_groups(model, cfg.weight_decay, lr_mults)
    if not groups:
        raise ValueError("the model has no trainable parameters (mode 'frozen' with no head?)")
    if getattr(cfg, "optimizer", "adamw") == "guided":
        return StabilityScaledAdamW(groups, strength=cfg.guided_strength, lr=cfg.lr,
                                    betas=(cfg.beta1, cfg.beta2))  # fmt: skip
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2))


def lr_at(step: int, cfg) -> float:
    """Linear warmup, then cosine decay to lr * min_lr_ratio at max_steps."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    span = max(1, cfg.max_steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + 0.5 * (cfg.lr - floor) * (1.0 + math.cos(math.pi * progress))


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Every group's lr = lr * its lr_mult (1 when absent)."""
    for group in optimizer.param_groups:
        group["lr"] = lr * group.get("lr_mult", 1.0)
