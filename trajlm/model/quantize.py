"""int8 dynamic quantization for CPU inference (torch.ao ``quantize_dynamic``), and its file.

Only the transformer blocks' Linear layers (q/k/v/o projections, MLP) are quantized: they hold
~99 % of the parameters and FLOPs. The 9 -> d_model input projection and the 3-output heads
stay float32: they cost nothing and the head's last digits are the prediction itself.
Weights become int8 (per-tensor scale), activations are quantized per call from their range.

On disk (``save_pretrained`` of an int8 model; ``TrajLM.save_pretrained(dir, dtype="int8")``):
the same model.safetensors + config.json, no pickle. Each quantized Linear ``NAME`` is stored
as ``NAME.weight_int8`` (int8), ``NAME.weight_scale`` (float64, one per tensor) and
``NAME.weight_zero_point`` (int64); every other tensor as float32, as usual; the file's
metadata says ``trajlm_dtype: int8``. Loading rebuilds exactly the int8 weights that were
saved, so a loaded model predicts bit for bit as the one saved.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import torch
import torch.nn as nn

QUANTIZE_MODES = ("int8",)
DTYPE_KEY = "trajlm_dtype"  # model.safetensors metadata: absent (float32) or "int8"
INT8_PARTS = ("weight_int8", "weight_scale", "weight_zero_point")


def _block_linears(model: nn.Module) -> set[str]:
    """The names of the Linear layers inside the transformer blocks (what gets int8)."""
    return {
        f"blocks.{i}.{name}"
        for i, block in enumerate(model.blocks)
        for name, m in block.named_modules()
        if isinstance(m, nn.Linear)
    }


def quantize_int8(model: nn.Module) -> nn.Module:
    """An eval-mode copy of a TrajectoryModel whose block Linear layers run int8 (CPU only);
    the original is left unchanged. Generation and forward work as before."""
    q = copy.deepcopy(model).cpu().eval()
    names = _block_linears(q)
    with warnings.catch_warnings():  # torch.ao announces its move to torchao; the API still works
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*")
        return torch.ao.quantization.quantize_dynamic(q, names, dtype=torch.qint8)


def _int8_linears(model: nn.Module) -> dict[str, nn.Module]:
    dyn = torch.ao.nn.quantized.dynamic.Linear
    return {n: m for n, m in model.named_modules() if isinstance(m, dyn)}


def is_int8(model: nn.Module) -> bool:
    """Whether `model` runs int8 Linear layers (made by ``quantize_int8`` or loaded as such)."""
    return bool(_int8_linears(model))


def weight_tensors(model: nn.Module) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """(tensors, metadata) for model.safetensors: a float model's state as it is; an int8
    model's int8 weights with their scales and zero points, every other tensor as it is."""
    qlin = _int8_linears(model)
    inside = tuple(f"{n}." for n in qlin)  # packed params: written as the parts below
    out = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()
           if not (qlin and k.startswith(inside))}  # fmt: skip
    if not qlin:
        return out, {"format": "pt"}
    for n, m in qlin.items():
        w = m.weight()
        if w.qscheme() != torch.per_tensor_affine:  # quantize_int8 makes per-tensor weights
            raise ValueError(f"{n}: int8 weights with {w.qscheme()} cannot be saved")
        out[f"{n}.weight_int8"] = w.int_repr().contiguous()
        out[f"{n}.weight_scale"] = torch.tensor([w.q_scale()], dtype=torch.float64)
        out[f"{n}.weight_zero_point"] = torch.tensor([w.q_zero_point()], dtype=torch.int64)
        if m.bias() is not None:
            out[f"{n}.bias"] = m.bias().detach().contiguous()
    return out, {"format": "pt", DTYPE_KEY: "int8"}


def saved_dtype(path: str | Path) -> str:
    """`"int8"` for a model.safetensors written from an int8 model, else "float32"."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        return (f.metadata() or {}).get(DTYPE_KEY, "float32")


def load_int8(model: nn.Module, tensors: dict[str, torch.Tensor]) -> nn.Module:
    """The int8 model holding exactly the saved `tensors` (``weight_tensors`` of an int8
    model); `model` is a fresh float model of the saved config. A file that does not fit it
    (missing, extra, mis-shaped or mis-typed tensors) raises ValueError naming the first."""
    names, shapes = _block_linears(model), model.state_dict()
    want = {k for k in shapes if not (k.endswith(".weight") and k[:-7] in names)}
    want |= {f"{n}.{part}" for n in names for part in INT8_PARTS}
    missing, extra = sorted(want - set(tensors)), sorted(set(tensors) - want)
    if missing or extra:
        raise ValueError(f"int8 weights: missing {missing[:3]}, unexpected {extra[:3]}")
    state = {k: tensors[k] for k in shapes if k in tensors}
    qweights = {}
    for n in sorted(names):
        w, scale, zp = (tensors[f"{n}.{part}"] for part in INT8_PARTS)
        if w.dtype != torch.int8 or w.shape != shapes[f"{n}.weight"].shape:
            raise ValueError(f"{n}.weight_int8 is {w.dtype} {tuple(w.shape)}, expected "
                             f"torch.int8 {tuple(shapes[f'{n}.weight'].shape)}")  # fmt: skip
        if scale.numel() != 1 or zp.numel() != 1 or not float(scale) > 0:
            raise ValueError(f"{n}: a per-tensor scale > 0 and zero point, got {scale}, {zp}")
        s, z = float(scale), int(zp)
        state[f"{n}.weight"] = (w.float() - z) * s  # the float stand-in quantize_int8 reads
        qweights[n] = torch.quantize_per_tensor(state[f"{n}.weight"], s, z, torch.qint8)
        if not torch.equal(qweights[n].int_repr(), w):  # exact: |w| <= 127, one rounding
            raise ValueError(f"{n}: int8 weights do not round-trip")
    model.load_state_dict(state, strict=True)  # shape mismatches: RuntimeError
    q = quantize_int8(model)
    for n, qw in qweights.items():  # the saved int8 weights, not a re-quantization
        m = q.get_submodule(n)
        m.set_weight_bias(qw, m.bias())
    return q
