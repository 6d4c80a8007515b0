"""Short task fine-tune of a pretrained run on one task's own mask (recover: masked points,
tte: origin-destination), through the pretraining ``Trainer`` (resume, DDP, bf16, metrics log).

Next-point fine-tuning with selective / LoRA modes is ``trajlm.finetune.trainer``.
"""

from __future__ import annotations

import json
from pathlib import Path

from trajlm.train.objectives import ObjectiveMix
from trajlm.train.trainer import TrainConfig, Trainer


def finetune_task(
    pretrained: str | Path,
    data: str | Path,
    out: str | Path,
    task: str,
    max_steps: int = 300,
    lr: float = 5e-4,
    seed: int = 0,
    overwrite: bool = False,
    **train_overrides,
) -> dict:
    """Short task fine-tune of a pretrained run on the task's own mask; returns the summary.

    Starts from `pretrained`'s weights (TrainConfig.init_from) with ObjectiveMix.for_task and
    the pretrained run's window settings; writes a normal run directory to `out` (resumable).
    """
    pre = Path(pretrained)
    base = {}
    if (pre / "train_config.json").exists():
        keep = ("batch_size", "max_len", "stride", "cpu_threads", "device")
        base = {k: v for k, v in json.loads((pre / "train_config.json").read_text()).items()
                if k in keep}  # fmt: skip
    cfg = TrainConfig.from_dict(
        base | {"max_steps": max_steps, "lr": lr, "warmup_steps": min(20, max_steps // 5),
                "seed": seed, "eval_every": 0, "save_every": max_steps, "progress": False,
                "objectives": ObjectiveMix.for_task(task).to_dict(), "init_from": str(pre)}
        | train_overrides
    )  # fmt: skip
    return Trainer(data, out, None, cfg).fit(overwrite=overwrite)
