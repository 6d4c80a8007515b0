"""Fine-tuning: full, selective and LoRA (PEFT) modes, adapters, and the fine-tune entry points
(thin wrappers over the one training engine, trajlm.train.trainer.Trainer)."""

from trajlm.finetune.modes import (
    LORA_TARGETS,
    MODES,
    apply_mode,
    count_trainable,
    load_adapter,
    merge_adapter,
    save_adapter,
)

__all__ = [
    "LORA_TARGETS",
    "MODES",
    "apply_mode",
    "count_trainable",
    "load_adapter",
    "merge_adapter",
    "save_adapter",
]
