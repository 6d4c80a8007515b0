"""What a fine-tune trains: full, selective (last N blocks or named modules) or LoRA (PEFT).

    model = TrajectoryModel.from_pretrained(RUN)
    model = apply_mode(model, "lora", lora_r=8)     # a peft.PeftModel around the same weights
    count_trainable(model)                          # {"trainable": ..., "total": ..., "pct": ...}
    save_adapter(model, OUT)                        # adapter_model.safetensors + adapter_config.json
    base = load_adapter(TrajectoryModel.from_pretrained(RUN), OUT)   # PeftModel again
    merged = merge_adapter(base)                    # plain TrajectoryModel, LoRA folded in

LoRA is PEFT's (``peft.LoraConfig`` on the attention / MLP linears ``q_proj k_proj v_proj
o_proj fc_in fc_out``); an adapter file holds only the LoRA matrices (and any
``modules_to_save`` copies), never the frozen base weights. Selective mode freezes every
parameter, then unfreezes the last ``n_last`` blocks, the final LayerNorm and the heads (or the
modules named in ``train_modules``), so frozen weights cannot move (not even by weight decay:
the optimizer only sees trainable parameters).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
import torch.nn as nn

MODES = ("full", "selective", "lora", "frozen")
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "fc_in", "fc_out")
# Always trainable in selective mode (unless train_modules is given): the output side.
HEAD_MODULES = ("ln_f", "head", "infill_head", "end_head")


def apply_mode(
    model: nn.Module,
    mode: str,
    n_last: int = 1,
    train_modules: Sequence[str] | None = None,
    lora_r: int = 8,
    lora_alpha: int | None = None,
    lora_dropout: float = 0.0,
    target_modules: Sequence[str] = LORA_TARGETS,
    modules_to_save: Sequence[str] | None = None,
    seed: int = 0,
) -> nn.Module:
    """Prepare a TrajectoryModel for fine-tuning; returns the model to train.

    mode: "full" (everything trainable, returns ``model``), "selective" (freeze all but the
    last ``n_last`` blocks + ``HEAD_MODULES``, or exactly the modules whose dotted names start
    with one of ``train_modules``; returns ``model``), "lora" (``peft.get_peft_model`` with a
    ``LoraConfig`` of rank ``lora_r`` and alpha ``lora_alpha`` (default 2 * r) on
    ``target_modules``; ``modules_to_save`` e.g. ``("head",)`` trains full copies of those
    modules and saves them with the adapter; returns a ``peft.PeftModel``), "frozen" (nothing
    trainable: a fixed feature extractor).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode == "full":
        for p in model.parameters():
            p.requires_grad_(True)
        return model
    if mode == "frozen":
        for p in model.parameters():
            p.requires_grad_(False)
        return model
    if mode == "selective":
        return _selective(model, n_last, train_modules)
    _check_rank(model, lora_r, target_modules)
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=lora_r,
        lora_alpha=lora_alpha if lora_alpha is not None else 2 * lora_r,
        lora_dropout=lora_dropout,
        target_modules=list(target_modules),
        modules_to_save=list(modules_to_save) if modules_to_save else None,
        bias="none",
    )
    with torch.random.fork_rng(devices=[]):  # why: PEFT draws from the global generator
        torch.manual_seed(seed)
        return get_peft_model(model, config)


def _check_rank(model: nn.Module, lora_r: Any, target_modules: Sequence[str]) -> None:
    """One line for a LoRA rank past the widest adapted layer's: a rank-r update of an m x n
    weight has rank at most min(m, n), so a larger r adds only memory (badin39: lora_r=10**9
    was a 64 GB allocation's RuntimeError traceback)."""
    from trajlm.errors import TrajlmInputError

    widest = max((min(m.in_features, m.out_features) for name, m in model.named_modules()
                  if isinstance(m, nn.Linear) and name.rsplit(".", 1)[-1] in target_modules),
                 default=None)  # fmt: skip
    if isinstance(lora_r, bool) or not isinstance(lora_r, int) or lora_r < 1:
        raise TrajlmInputError(f"lora_r (--lora-r) must be an integer >= 1, got {lora_r!r}",
                               field="lora_r")  # fmt: skip
    if widest is not None and lora_r > widest:
        raise TrajlmInputError(
            f"lora_r (--lora-r) {lora_r} is past the rank of every adapted layer (at most "
            f"{widest}: the model's width): a larger rank adds memory, not capacity; give "
            f"1 to {widest}",
            field="lora_r",
        )


def _selective(model: nn.Module, n_last: int, train_modules: Sequence[str] | None) -> nn.Module:
    if train_modules is None:
        n_layers = len(model.blocks)
        if not 0 <= n_last <= n_layers:  # badin34: was a ValueError traceback under the CLI
            from trajlm.errors import TrajlmInputError

            raise TrajlmInputError(f"n_last (--n-last) must be in [0, {n_layers}]: the model has "
                                   f"{n_layers} block(s), got {n_last}", field="n_last")  # fmt: skip
        train_modules = [f"blocks.{i}." for i in range(n_layers - n_last, n_layers)]
        train_modules += [f"{m}." for m in HEAD_MODULES]
    prefixes = tuple(m if m.endswith(".") else m + "." for m in train_modules)
    matched = set()
    for name, p in model.named_parameters():
        hit = [pre for pre in prefixes if name.startswith(pre)]
        p.requires_grad_(bool(hit))
        matched.update(hit)
    unknown = [m for m in prefixes if m not in matched and m.rstrip(".") not in HEAD_MODULES]
    if unknown:
        raise ValueError(f"train_modules {unknown} match no parameter of the model")
    return model


def count_trainable(model: nn.Module) -> dict[str, float]:
    """{"trainable": n, "total": n, "pct": 100 * trainable / total} over unique parameters."""
    seen, trainable, total = set(), 0, 0
    for p in model.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        total += p.numel()
        trainable += p.numel() if p.requires_grad else 0
    return {"trainable": trainable, "total": total, "pct": 100.0 * trainable / max(total, 1)}


def trainable_state_dict(model: nn.Module) -> dict:
    """Only the trainable parameters (detached, CPU): what a selective fine-tune must save."""
    return {
        n: p.detach().cpu().contiguous() for n, p in model.named_parameters() if p.requires_grad
    }


def save_adapter(model: nn.Module, directory: str | Path) -> int:
    """Write the fine-tuned part of `model` into `directory` (safetensors only); returns bytes.

    A ``peft.PeftModel``: ``adapter_model.safetensors`` + ``adapter_config.json`` (PEFT's own
    format: LoRA matrices and modules_to_save only). Otherwise (selective): the trainable
    parameters in ``selective.safetensors`` + ``selective.json`` listing them.
    """
    from safetensors.torch import save_file

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    if _is_peft(model):
        model.save_pretrained(str(d), safe_serialization=True)
        (d / "README.md").unlink(missing_ok=True)  # PEFT's Hugging Face model-card stub
        files = [d / "adapter_model.safetensors", d / "adapter_config.json"]
    else:
        sd = trainable_state_dict(model)
        save_file(sd, str(d / "selective.safetensors"), metadata={"format": "pt"})
        (d / "selective.json").write_text(json.dumps({"parameters": sorted(sd)}, indent=2))
        files = [d / "selective.safetensors", d / "selective.json"]
    return sum(f.stat().st_size for f in files)


def load_adapter(model: nn.Module, directory: str | Path, is_trainable: bool = False) -> nn.Module:
    """Apply an adapter written by ``save_adapter`` to a freshly loaded base model.

    LoRA: returns ``peft.PeftModel.from_pretrained(model, directory)``; selective: loads the
    saved parameters into ``model`` in place (shapes and names checked) and returns it.
    """
    d = Path(directory)
    if (d / "adapter_config.json").exists():
        from peft import PeftModel

        return PeftModel.from_pretrained(model, str(d), is_trainable=is_trainable)
    if (d / "selective.safetensors").exists():
        from safetensors.torch import load_file

        sd = load_file(str(d / "selective.safetensors"), device="cpu")
        own = dict(model.named_parameters())
        bad = [k for k in sd if k not in own or own[k].shape != sd[k].shape]
        if bad:
            raise ValueError(f"{d}: adapter parameters do not fit the model ({bad[:5]})")
        model.load_state_dict(sd, strict=False)
        return model
    from trajlm.errors import MissingFileError  # a user error: one line under the CLI (badin34)

    raise MissingFileError(f"{d}: no adapter_config.json or selective.safetensors (the task "
                           "model's adapter is gone: restore the folder, or fit it again)")  # fmt: skip


def merge_adapter(model: nn.Module) -> nn.Module:
    """Fold a LoRA adapter into the base weights: the plain base model (no PEFT layers).
    Other models are returned unchanged (selective / full weights are already in place)."""
    if _is_peft(model):
        return model.merge_and_unload()
    return model


def _is_peft(model: nn.Module) -> bool:
    try:
        from peft import PeftModel
    except ImportError:  # pragma: no cover - peft is a dependency
        return False
    return isinstance(model, PeftModel)


def base_model(model: nn.Module) -> nn.Module:
    """The underlying TrajectoryModel of a PeftModel (LoRA layers still in place), or `model`."""
    return model.get_base_model() if _is_peft(model) else model


def core_model(model: Any) -> Any:
    """The TrajectoryModel inside DDP / torch.compile / PEFT / a task model (``backbone_model``)."""
    while True:
        if hasattr(model, "module"):  # DDP
            model = model.module
        elif hasattr(model, "_orig_mod"):  # torch.compile
            model = model._orig_mod
        elif hasattr(model, "backbone_model"):
            model = model.backbone_model
        elif hasattr(model, "get_base_model"):
            model = model.get_base_model()
        else:
            return model
