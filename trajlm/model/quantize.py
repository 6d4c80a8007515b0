"""int8 dynamic quantization for CPU inference (torch.ao ``quantize_dynamic``).

Only the transformer blocks' Linear layers (q/k/v/o projections, MLP) are quantized: they hold
~99 % of the parameters and FLOPs. The 9 -> d_model input projection and the 3-output heads
stay float32: they cost nothing and the head's last digits are the prediction itself.
Weights become int8 (per-tensor scale), activations are quantized per call from their range.
"""

from __future__ import annotations

import copy
import warnings

import torch
import torch.nn as nn

QUANTIZE_MODES = ("int8",)


def quantize_int8(model: nn.Module) -> nn.Module:
    """An eval-mode copy of a TrajectoryModel whose block Linear layers run int8 (CPU only);
    the original is left unchanged. Generation and forward work as before."""
    q = copy.deepcopy(model).cpu().eval()
    names = {
        f"blocks.{i}.{name}"
        for i, block in enumerate(q.blocks)
        for name, m in block.named_modules()
        if isinstance(m, nn.Linear)
    }
    with warnings.catch_warnings():  # torch.ao announces its move to torchao; the API still works
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*")
        return torch.ao.quantization.quantize_dynamic(q, names, dtype=torch.qint8)
