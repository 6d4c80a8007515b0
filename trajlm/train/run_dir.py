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
# The radii files a run's val check stamps beside its weights (eval/radii_bins.RADII_FILE,
# eval/recover_spread.RECOVER_RADII_FILE; train cannot import eval, tests/test_tidy33.py ties them):
# `--overwrite` removes them too, else a new run kept the old weights' radii (review33).
RUN_RADII_FILES = ("radii.json", "recover_radii.json")
# What a run directory holds (everything else in it is the user's and is never touched).
RUN_FILES = ("model.safetensors", "config.json", "train_config.json", STATE_DIR, OLD_STATE_DIR,
             "metrics.jsonl", "train_summary.json", "best", BEST_TRAINABLE, "adapter", MARKER,
             *RUN_RADII_FILES)  # fmt: skip


# [train] fields a resume may change freely, and those its optimizer checkpoint fixes.
_FREE_FIELDS = ("max_steps", "progress", "cpu_threads", "device", "num_workers", "compile",
                "save_every", "log_every", "auto_steps", "step_budget")  # fmt: skip
_OPTIMIZER_FIELDS = ("weight_decay", "beta1", "beta2", "optimizer", "guided_strength")


def legacy_run(d: Path) -> str | None:
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
                 "world_size": self.world, "data": self._data_record(),
                 "loss_window": list(getattr(self, "_loss_window", (0.0, 0)))}  # fmt: skip
        save_checkpoint(self.run, self._raw_model(), self.optimizer, state)
        (self.run / "train_config.json").write_text(json.dumps(asdict(self.cfg), indent=2))

    def _data_record(self) -> dict | None:
        """The store this run trains on (path and fingerprint), kept in trainer_state/state.json."""
        if self.data is None:
            return None
        if getattr(self, "_data_rec", None) is None:
            from trajlm.data.store import store_fingerprint
            from trajlm.data.store_label import store_label

            self._data_rec = {"path": store_label(self.data, resolve=True),
                              "fingerprint": store_fingerprint(self.data)}  # fmt: skip
        return self._data_rec

    def _data_from_config(self, now: dict) -> dict | None:
        """The data record of a run saved before runs recorded it: RUN/config.json's stats
        (those of its store) against this store's."""
        from trajlm.data.store import load_stats

        try:
            cfg = json.loads((self.run / "config.json").read_text())
            stats, store = cfg.get("stats"), (cfg.get("coverage") or {}).get("store")
        except (OSError, ValueError, AttributeError):
            return None
        if not stats or not store or Path(store).resolve() == self.data.resolve():
            return None  # unknown, or the same store (a fine-tune may keep other stats)
        if stats == load_stats(self.data).to_dict():
            return None
        return {"path": store, "fingerprint": None}

    def _check_same_data(self, state_dir: Path) -> None:
        """Refuse a resume on another store than the run's (unless ``other_data``): the run's
        stats, val split and best/ all belong to its own data."""
        from trajlm._safety import UserError

        try:
            saved = json.loads((state_dir / "state.json").read_text()).get("data")
        except (OSError, ValueError, AttributeError):
            return  # a damaged state.json is named by load_checkpoint
        now = self._data_record()
        if not saved and now is not None:  # a run saved before the record: its stats tell
            saved = self._data_from_config(now)
        if not saved or now is None or saved.get("fingerprint") == now["fingerprint"]:
            return
        if self.other_data:
            warnings.warn(f"--other-data: continuing {self.run} (trained on {saved.get('path')}) "
                          f"on {now['path']}; best/ is chosen again on the new val split",
                          stacklevel=3)  # fmt: skip
            return
        same = " (same path, other contents)" if saved.get("path") == now["path"] else ""
        raise UserError(
            f"--data {now['path']} is not the store run {self.run} trained on "
            f"({saved.get('path')}){same}; --resume continues on the same data",
            hint=f"to train this model on other data fine-tune it (`trajlm finetune` from "
            f"{self.run}), or pass --other-data to continue on it anyway",
        )

    def _check_same_config(self) -> None:
        """A resume needs the run's model config (else its weights do not fit: said as the
        field that changed, not as a damaged file) and the optimizer settings its checkpoint
        holds; other changed [train] fields are used from here on, with a warning naming them."""
        from trajlm._safety import UserError

        def saved(name: str) -> dict:
            try:
                d = json.loads((self.run / name).read_text())
            except (OSError, ValueError):
                return {}  # absent (a PEFT run) or damaged (named where it is read)
            return d if isinstance(d, dict) else {}

        def diff(old: dict, new: dict, skip: tuple[str, ...]) -> list[str]:
            # compared as saved (JSON): a tuple field reads back a list (badin22: every
            # resume was refused on backtest_short_cap [] -> ())
            new = json.loads(json.dumps(new, default=str))
            return [f"{k} {old[k]!r} -> {new[k]!r}" for k in new
                    if k in old and k not in skip and old[k] != new[k]]  # fmt: skip

        raw = self._raw_model()
        if isinstance(raw, TrajectoryModel):
            changed = diff(saved("config.json"), asdict(raw.config), ("stats", "coverage"))
            if changed:
                raise UserError(f"the model config differs from run {self.run}'s: "
                                f"{', '.join(changed)}; resume needs the same model config",
                                hint="drop --config (the run's own is used), or start a new "
                                "run with another --out")  # fmt: skip
        old, new = saved("train_config.json"), asdict(self.cfg)
        fixed = diff(old, new, tuple(k for k in new if k not in _OPTIMIZER_FIELDS))
        if fixed:
            raise UserError(f"train config differs from run {self.run}'s: {', '.join(fixed)}; "
                            "these optimizer settings are part of its checkpoint",
                            hint="resume with the run's values (drop --config)")  # fmt: skip
        changed = diff(old, new, _FREE_FIELDS)
        if changed:
            warnings.warn(f"resuming {self.run} with a changed train config: "
                          f"{', '.join(changed)}; the new values apply from the resumed step "
                          "on (the result differs from an uninterrupted run's)",
                          stacklevel=3)  # fmt: skip
        if old.get("max_steps") not in (None, new["max_steps"]):  # silent before (cliuser 13)
            warnings.warn(f"resuming {self.run} with max_steps {old['max_steps']} -> "
                          f"{new['max_steps']}: the learning-rate schedule (warmup, then cosine "
                          f"down to max_steps) is recomputed for {new['max_steps']} steps, so "
                          "the rate jumps at the resumed step; the result differs from an "
                          f"uninterrupted {new['max_steps']}-step run's", stacklevel=3)  # fmt: skip

    def resume(self) -> bool:
        """Restore from RUN/trainer_state if present; returns whether it resumed."""
        if self.run is None or find_state_dir(self.run) is None:
            return False
        self._check_same_data(find_state_dir(self.run))
        self._check_same_config()
        state = load_checkpoint(self.run, self._raw_model(), self.optimizer)
        self.step, self.epoch = state["step"], state["epoch"]
        self.batches_in_epoch = state["batches_in_epoch"]
        if self.step >= self.cfg.max_steps:
            warnings.warn(f"{self.run} is already at step {self.step} (max_steps "
                          f"{self.cfg.max_steps}): nothing to train; give more steps to continue "
                          "it (train: --max-steps, finetune: --steps)", stacklevel=3)  # fmt: skip
        saved_world = state.get("world_size", self.world)
        if saved_world != self.world:  # batches_in_epoch counts per-rank batches of that world
            warnings.warn(
                f"resuming a run saved with {saved_world} process(es) on {self.world}: the data "
                "position is approximate (exact resume needs the same world size)",
                stacklevel=2,
            )
        window = state.get("loss_window")  # the train losses since the last validation
        ok = isinstance(window, list) and len(window) == 2 and isinstance(window[1], int)
        self._loss_window = (float(window[0]), window[1]) if ok else (0.0, 0)
        best = state.get("best_val")
        self.best_val = best if best is not None and math.isfinite(best) else None
        self.best_step = state.get("best_step")
        if self.other_data and (state.get("data") or {}).get("fingerprint") != (
            self._data_record() or {}
        ).get("fingerprint"):
            self.best_val, self.best_step = None, None  # val scores of the old data
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
            self.run, "run", overwrite=overwrite or check_only, resume=resume, legacy=legacy_run
        )
