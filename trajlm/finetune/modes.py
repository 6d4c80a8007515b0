"""Fine-tuning modes (full, selective, LoRA): moved to ``trajlm.train.modes`` so the training
engine can apply them; this name stays for callers and scripts."""

from trajlm.train.modes import (  # noqa: F401
    HEAD_MODULES,
    LORA_TARGETS,
    MODES,
    apply_mode,
    base_model,
    count_trainable,
    load_adapter,
    merge_adapter,
    save_adapter,
    trainable_state_dict,
)
