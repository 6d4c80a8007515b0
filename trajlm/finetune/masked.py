"""Short task fine-tune of a pretrained run on one task's own mask (recover: masked points,
tte: origin-destination, predict: the future), through the training engine (resume, DDP for
next-point, bf16, metrics log) in any mode: full, selective or LoRA.

Next-point fine-tuning with early stopping on val is ``trajlm.finetune.trainer``.
"""

from __future__ import annotations

import json
from pathlib import Path

from trajlm.train.modes import merge_adapter, save_adapter
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
    mode: str = "full",
    n_last: int = 1,
    lora_r: int = 8,
    resume: bool = False,
    **train_overrides,
) -> dict:
    """Short task fine-tune of a pretrained run on the task's own mask; returns the summary.

    Starts from `pretrained`'s weights with the target store's NormStats (TrainConfig.init_from,
    trajlm/train/pretrained.py), ObjectiveMix.for_task and the pretrained run's window
    settings; writes a normal run directory to `out` (resumable). With ``mode`` selective or
    lora, OUT also holds ``adapter/`` (what was trained) and OUT/model.safetensors is the
    merged model, so OUT loads with ``TrajectoryModel.from_pretrained`` either way. Infilling
    heads the pretrained model lacks are created fresh and always trained.
    """
    pre = Path(pretrained)
    if (pre / "config.json").exists():  # a plane model on degrees, or the other way (fix37c)
        from trajlm.model.coverage import refuse_across_planes

        refuse_across_planes(json.loads((pre / "config.json").read_text()).get("coverage"), data,
                             "data")  # fmt: skip
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
    trainer = Trainer(data, out, None, cfg, mode=mode, n_last=n_last, lora_r=lora_r)
    summary = trainer.fit(overwrite=overwrite, resume=resume)
    if mode == "lora" and trainer.rank == 0:
        out = Path(out)
        summary["adapter_bytes"] = save_adapter(trainer.model, out / "adapter")
        merged = merge_adapter(trainer.model)  # a plain model in OUT and OUT/best, as for full
        merged.save_pretrained(out)
        merged.save_pretrained(out / "best")
    elif mode == "selective" and trainer.rank == 0:
        summary["adapter_bytes"] = save_adapter(trainer.model, Path(out) / "adapter")
    return summary
