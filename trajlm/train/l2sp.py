"""L2-SP: a penalty that pulls fine-tuned weights toward the pretrained ones.

Li, Grandvalet & Davoine (2018), "Explicit inductive bias for transfer learning with
convolutional networks": ``weight / 2 * sum ||theta - theta_0||^2`` over the weights the
fine-tune starts from, in place of a pull toward zero. Why here: a contrastive fine-tune
from a pretrained checkpoint peaks in its first epochs and then drifts away from what
pretraining learned (docs/pretraining.md "Session 20"); the penalty makes that drift cost
something. Opt-in (``ContrastiveConfig.l2sp``, 0 = off).
"""

from __future__ import annotations

import torch
from torch import nn


class L2SP:
    """The anchor (a copy of ``model``'s trainable weights when built) and the penalty."""

    def __init__(self, model: nn.Module, weight: float) -> None:
        if weight < 0:
            raise ValueError(f"l2sp weight must be >= 0, got {weight}")
        self.weight = weight
        self.anchor = {
            n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad
        }

    def penalty(self, model: nn.Module) -> torch.Tensor:
        """``weight / 2 * sum ||theta - theta_0||^2`` (a scalar tensor with gradients)."""
        terms = [
            ((p - self.anchor[n]) ** 2).sum()
            for n, p in model.named_parameters()
            if n in self.anchor
        ]
        if not terms:
            raise ValueError("L2SP: the model has none of the anchored weights")
        return 0.5 * self.weight * torch.stack(terms).sum()
