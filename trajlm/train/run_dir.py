"""What a training run keeps in its directory: checkpoints with exact resume, the best
weights on val, and the claim on the folder (nothing in it that trajlm did not write is ever
touched). A mixin of ``Trainer`` (trajlm/train/trainer.py): it uses the trainer's run, rank,
step counters, optimizer and model (resume restores the counters).
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import asdict
from pathlib import Path

import torch

from trajlm._safety import MARKER, check_output_dir
from trajlm.model import TrajectoryModel
from trajlm.train.checkpoint import (
    OLD_STATE_DIR,
    STATE_DIR,
    find_state_dir,
    load_checkpoint,
    save_checkpoint,
)

BEST_TRAINABLE = "best_trainable.safetensors"  # the best weights of a PEFT / task model
# What a run directory holds (everything else in it is the user's and is never touched).
RUN_FILES = ("model.safetensors", "config.json", "train_config.json", STATE_DIR, OLD_STATE_DIR,
             "metrics.jsonl", "train_summary.json", "best", BEST_TRAINABLE, "adapter", MARKER)  # fmt: skip


def _legacy_run(d: Path) -> str | None:
    """A run written before directories carried a marker."""
    return "run" if (d / "train_config.json").exists() or (d / STATE_DIR).exists() else None


def _metrics_step(line: str) -> float:
    """The step of a metrics.jsonl line; inf for a line cut short by a kill (dropped)."""
    try:
        return json.loads(line).get("step", 0)
    except (ValueError, AttributeError):
        return math.inf


class RunDirectory:
    """Checkpoint, resume, best-weights and run-folder methods of ``Trainer``."""

    # -- checkpoints ----------------------------------------------------------------------
    def save(self) -> None:
        if self.rank != 0 or self.run is None:
            return
        state = {"step": self.step, "epoch": self.epoch, "batches_in_epoch": self.batches_in_epoch,
                 "best_val": self.best_val, "best_step": self.best_step,
                 "world_size": self.world}  # fmt: skip
        save_checkpoint(self.run, self._raw_model(), self.optimizer, state)
        (self.run / "train_config.json").write_text(json.dumps(asdict(self.cfg), indent=2))

    def resume(self) -> bool:
        """Restore from RUN/trainer_state if present; returns whether it resumed."""
        if self.run is None or find_state_dir(self.run) is None:
            return False
        state = load_checkpoint(self.run, self._raw_model(), self.optimizer)
        self.step, self.epoch = state["step"], state["epoch"]
        self.batches_in_epoch = state["batches_in_epoch"]
        saved_world = state.get("world_size", self.world)
        if saved_world != self.world:  # batches_in_epoch counts per-rank batches of that world
            warnings.warn(
                f"resuming a run saved with {saved_world} process(es) on {self.world}: the data "
                "position is approximate (exact resume needs the same world size)",
                stacklevel=2,
            )
        best = state.get("best_val")
        self.best_val = best if best is not None and math.isfinite(best) else None
        self.best_step = state.get("best_step")
        if self.metrics_path.exists():  # drop metrics logged after the checkpoint
            keep = [line for line in self.metrics_path.read_text().splitlines()
                    if _metrics_step(line) <= self.step]  # fmt: skip
            self.metrics_path.write_text("".join(x + "\n" for x in keep))
            self.history = [r for r in map(json.loads, keep) if "train_loss" in r]
        return True

    # -- model selection -----------------------------------------------------------------
    def _trainable_state(self) -> dict[str, torch.Tensor]:
        return {n: p.detach().cpu().clone() for n, p in self._raw_model().named_parameters()
                if p.requires_grad}  # fmt: skip

    def _keep_best(self, score: float) -> None:
        """The current weights are the best so far: remember (and with a run, write) them."""
        self.best_val, self.best_step = score, self.step
        if self.rank != 0:
            return
        raw = self._raw_model()
        if self.restore_best:
            self._best_state = self._trainable_state()
        if self.run is None:
            return
        if isinstance(raw, TrajectoryModel):
            raw.save_pretrained(self.run / "best")
        else:  # a PEFT / task model: only what training changes
            from safetensors.torch import save_file

            sd = self._best_state or self._trainable_state()
            save_file({k: v.contiguous() for k, v in sd.items()}, str(self.run / BEST_TRAINABLE))

    def _load_best(self) -> None:
        """End on the best weights (restore_best): from memory, or from RUN after a resume."""
        raw = self._raw_model()
        sd = self._best_state
        if sd is None and self.run is not None and self.best_step is not None:
            from safetensors.torch import load_file

            path = self.run / BEST_TRAINABLE
            if isinstance(raw, TrajectoryModel):
                path = self.run / "best" / "model.safetensors"
            if path.exists():
                sd = load_file(str(path), device="cpu")
        if sd is not None:
            raw.load_state_dict(sd, strict=False)

    def claim_run_dir(self, resume: bool, overwrite: bool, check_only: bool = False) -> bool:
        """check_output_dir for a run (legacy runs without a marker are recognised by their
        files); returns whether the run exists."""
        return check_output_dir(
            self.run, "run", overwrite=overwrite or check_only, resume=resume, legacy=_legacy_run
        )
