"""The training engine: one loop for every objective. data -> loss -> backward -> clip -> step.

    Trainer(STORE, RUN, ModelConfig(...), TrainConfig(...)).fit()                 # pretraining
    Trainer(STORE, OUT, train_config=TrainConfig(init_from=RUN), mode="lora",     # fine-tuning
            objective=MaskedMix(ObjectiveMix.for_task("recover"))).fit()
    Trainer(None, OUT, train_config=cfg, model=classifier, objective=Classification(...),
            metric=Metric("val_acc", accuracy, higher_is_better=True)).fit()      # a task

What is built (objective, model, their checks: trajlm/train/build.py), the data feed
(trajlm/train/feed.py), the run directory (checkpoints, best weights, the claim
on the folder: trajlm/train/run_dir.py), the val scores with model selection
(trajlm/train/validation.py) and the summary a finished run writes (trajlm/train/run_summary.py)
are mixins of Trainer.

What is trained: a model built from a config, a pretrained run (``init_from``, loaded with the
target store's NormStats: trajlm/train/pretrained.py) or any given module; ``mode`` picks the
trainable parameters (full / selective / LoRA: trajlm/train/modes.py). What is minimized: an
``Objective`` (trajlm/train/objectives.py): next-point, masked mixes, or a task objective
passed in from a higher layer (classification, contrastive). One optimizer rule and one
schedule for all (trajlm/train/optim.py). ``metric`` picks the best weights on val.

Runs on one CPU, one GPU, or many GPUs under `torchrun` (PyTorch DDP, detected from the
environment). Resumes exactly: model, AdamW moments, RNG states and the data position are
restored from RUN/trainer_state (see checkpoint.py), so a killed CPU run continued with
`resume=True` reaches bit-identical weights to an uninterrupted one (tests/test_train.py,
tests/test_engine.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from trajlm._safety import UserError, drop_failed_marker, remove_owned, write_marker
from trajlm.errors import TrajlmInputError
from trajlm.model import ModelConfig
from trajlm.train.build import build_model, check_model_fits, default_objective, objective_mix
from trajlm.train.checkpoint import clean_stale_tmp
from trajlm.train.config import TrainConfig
from trajlm.train.feed import BatchFeed
from trajlm.train.interrupt import StopSignals, TrainingInterrupted
from trajlm.train.modes import apply_mode, core_model
from trajlm.train.objectives import (
    MaskedMix,
    Metric,
    NextPoint,
    NextPointRollout,
    Objective,
)
from trajlm.train.optim import adamw, lr_at, set_lr
from trajlm.train.run_dir import RUN_FILES, RunDirectory
from trajlm.train.run_summary import RunSummary
from trajlm.train.validation import ValidationScores, starts_as_physics, warn_small_data

__all__ = ["Metric", "TrainConfig", "Trainer", "core_model", "lr_at"]

# Seconds to sleep after each step; only for the kill -9 resume test (slows a tiny run down).
_DEBUG_STEP_SLEEP_S = float(os.environ.get("TRAJLM_DEBUG_STEP_SLEEP_S", "0"))


def _dist_info() -> tuple[int, int, int]:
    """(rank, world_size, local_rank) from torchrun's environment, else a single process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    return int(os.environ.get("RANK", "0")), world, int(os.environ.get("LOCAL_RANK", "0"))


def _device(cfg: TrainConfig, local_rank: int) -> torch.device:
    if cfg.device == "cpu" or (cfg.device == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    index = int(cfg.device.split(":")[1]) if cfg.device.startswith("cuda:") else local_rank
    if not torch.cuda.is_available() or index >= torch.cuda.device_count():  # badin34: assert
        seen = torch.cuda.device_count() if torch.cuda.is_available() else 0
        raise TrajlmInputError(f"device {cfg.device!r} (--device, train.device): torch sees "
                               f"{seen} CUDA GPU(s) here; use --device cpu or auto", field="device")  # fmt: skip
    return torch.device("cuda", index)


class Trainer(BatchFeed, RunDirectory, ValidationScores, RunSummary):
    """Trains a model on an objective; writes checkpoints and metrics to `run` (None: nothing
    is written, no resume). See the module docstring for the pieces.

    data: store directory (None when the objective brings its own ``batches``); model_config:
    for a model trained from scratch; model: a module to train as given (``mode`` None keeps
    its requires_grad flags); mode: full | selective (``n_last`` blocks + heads) | lora (rank
    ``lora_r``) | frozen; lr_mults: dotted-name prefix -> lr multiplier; metric: the selection
    score (default: TrainConfig.select_on on the store's val split); select_from_start: score
    the starting weights too (a fine-tune on little data may only hurt); restore_best: end
    with the best weights loaded (fine-tunes) instead of the last (pretraining keeps the last
    in RUN and the best in RUN/best); callbacks: objects with any of ``on_log(trainer,
    record)``, ``on_eval(trainer, record)``, ``on_end(trainer, summary)``.
    """

    def __init__(
        self,
        data: str | Path | None,
        run: str | Path | None,
        model_config: ModelConfig | None = None,
        train_config: TrainConfig | None = None,
        *,
        model: torch.nn.Module | None = None,
        objective: Objective | None = None,
        mode: str | None = None,
        n_last: int = 1,
        lora_r: int = 8,
        modules_to_save: Sequence[str] | None = None,
        lr_mults: dict[str, float] | None = None,
        metric: Metric | None = None,
        select_from_start: bool = False,
        restore_best: bool = False,
        callbacks: Sequence[Any] = (),
    ) -> None:
        from trajlm._threads import apply_threads

        self.data = Path(data) if data is not None else None
        self.run = Path(run) if run is not None else None
        self.cfg = train_config or TrainConfig()
        self.rank, self.world, local_rank = _dist_info()
        if self.world > 1 and not torch.distributed.is_initialized():
            backend = "nccl" if torch.cuda.is_available() and self.cfg.device != "cpu" else "gloo"
            torch.distributed.init_process_group(backend)
        self.device = _device(self.cfg, local_rank)

        if self.cfg.auto_steps and self.cfg.step_budget is None and self.data is not None:
            from trajlm.train.budget import auto_max_steps  # no max_steps given: an epoch budget

            steps, why = auto_max_steps(self.data, self.cfg)
            self.cfg = dataclasses.replace(self.cfg, max_steps=steps, step_budget=why)
        self.mix = objective_mix(self.cfg)
        if objective is None:
            objective = default_objective(self.cfg, self.mix)
        self.objective = objective
        if isinstance(objective, MaskedMix | NextPointRollout) and self.world > 1:
            raise NotImplementedError("objective mixes are single-process for now (no DDP)")
        if self.data is None and not hasattr(objective, "batches"):
            raise ValueError("Trainer needs a store (data) unless the objective has batches()")

        infill = isinstance(objective, MaskedMix)  # the masked objectives need infilling heads
        fresh: list[str] = []
        torch.manual_seed(self.cfg.seed)
        if model is None:
            mode = mode or "full"
            model, fresh = build_model(self.data, self.cfg, model_config, infill)
        core = core_model(model)
        check_model_fits(core, objective, infill, self.cfg, self.data)  # before any file is made
        if mode is not None:
            keep = list(modules_to_save or []) + (fresh if mode == "lora" else [])
            model = apply_mode(model, mode, n_last=n_last, lora_r=lora_r,
                               modules_to_save=keep or None, seed=self.cfg.seed)  # fmt: skip
            if mode == "selective":  # heads the pretrained model lacked are always trained
                for name, p in model.named_parameters():
                    if name.startswith(tuple(f + "." for f in fresh)):
                        p.requires_grad_(True)
        self.model = model.to(self.device)
        if self.device.type == "cpu":  # one policy for every entry point (trajlm/_threads.py)
            n_params = sum(p.numel() for p in self.model.parameters())
            apply_threads(self.cfg.cpu_threads or None, n_params)
        trainable = any(p.requires_grad for p in self.model.parameters())
        self.optimizer = adamw(self.model, self.cfg, lr_mults) if trainable else None
        on_ade = metric is None and self.data is not None and self.cfg.select_on == "val_ade_m"
        if metric is None and self.data is not None:
            fn = self.val_ade if self.cfg.select_on == "val_ade_m" else self.evaluate
            metric = Metric(self.cfg.select_on, lambda _m: fn())
        self.metric = metric
        # A residual-on-physics model's starting weights ARE constant velocity: scoring them
        # on val too means RUN/best is never worse there than the physics (session 20).
        physics_start = select_from_start or starts_as_physics(core_model(model), on_ade)
        self.select_from_start, self.restore_best = physics_start, restore_best
        self.callbacks = list(callbacks)
        self.step, self.epoch, self.batches_in_epoch = 0, 0, 0
        self.best_val: float | None = None  # early stopping on val: the best weights are kept
        self.best_step: int | None = None
        self._best_state: dict | None = None
        self.history: list[dict] = []  # every evaluation record
        self._val_task = None  # the val prediction task, built on first use
        self.metrics_path = self.run / "metrics.jsonl" if self.run else None
        self.other_data = False  # fit(other_data=True): resume on another store than the run's

    def _to_device(self, batch: dict) -> dict:
        return {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}

    def _autocast(self):
        enabled = self.cfg.bf16 and self.device.type == "cuda"
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=enabled)

    def _raw_model(self) -> torch.nn.Module:
        """The trained module without its DDP / torch.compile wrappers (PEFT / task kept)."""
        m = self.model
        m = getattr(m, "module", m)  # DDP
        return getattr(m, "_orig_mod", m)  # torch.compile

    def _log(self, record: dict) -> None:
        if self.rank == 0 and self.metrics_path is not None:
            with open(self.metrics_path, "a") as fh:
                fh.write(json.dumps(record) + "\n")

    def _call(self, hook: str, payload: dict) -> None:
        for cb in self.callbacks:
            fn = getattr(cb, hook, None)
            if fn is not None:
                fn(self, payload)

    # -- the loop ---------------------------------------------------------------------------
    def fit(self, resume: bool = False, overwrite: bool = False, stop_at: int | None = None,
            other_data: bool = False) -> dict:  # fmt: skip
        """Train until max_steps (or `stop_at`, saving a checkpoint there: a later
        ``fit(resume=True)`` continues exactly); returns a summary (final losses, time,
        tokens/s, params, the selection metric's best).

        An existing run is continued with `resume`, or replaced with `overwrite` (only the files
        a run writes are removed); without either it is refused, as is a non-empty directory
        that trajlm did not create. The run directory is locked while training. A resume on
        another store than the run's is refused unless `other_data` (then best/ is chosen again
        on the new val split)."""
        from trajlm._safety import LOCK, DirLock

        self.other_data = other_data
        if resume and overwrite:
            raise UserError("choose one of --resume (continue) and --overwrite (start again)")
        if self.run is None:
            if resume:
                raise UserError("resume needs a run directory (Trainer(run=...))")
            return self._fit(False, stop_at)
        if self.rank != 0:  # rank 0 owns the directory (checks, lock, marker)
            return self._fit(resume, stop_at)
        self.claim_run_dir(resume, overwrite, check_only=True)  # a foreign folder: no lock
        created, started = not self.run.exists(), False
        try:
            with DirLock(self.run / LOCK, what=f"run {self.run}"):
                existing = self.claim_run_dir(resume, overwrite)
                if self.data is not None and self.metric is not None:  # after every refusal
                    warn_small_data(self.data, self.metric.name)
                if existing and overwrite:
                    remove_owned(self.run, RUN_FILES)
                write_marker(self.run, "run")
                clean_stale_tmp(self.run)
                started = True
                return self._fit(resume, stop_at)
        except BaseException:  # failed before any output: no marker of a run that is not there
            if started:
                drop_failed_marker(self.run, created)
            raise

    def _check_steps(self) -> None:
        """A causal next-point run on a store: refuse one whose loss would use no train step
        (every step beyond max_step_norm; a silent 0 loss before session 16, movers2)."""
        from trajlm.data.corpus import is_corpus
        from trajlm.train.step_check import check_next_point_steps

        if (isinstance(self.objective, (NextPoint, NextPointRollout)) and self.data is not None
                and not is_corpus(self.data) and self.data.is_dir()):  # fmt: skip
            check_next_point_steps(self.model, self.data, self.cfg.max_len)

    def _fit(self, resume: bool, stop_at: int | None = None) -> dict:
        if self.optimizer is None:
            raise ValueError("nothing to train: every parameter is frozen (mode 'frozen'?)")
        if self.run is not None:
            self.run.mkdir(parents=True, exist_ok=True)
        resumed = self.resume() if resume else False
        weights = [p for p in (self.run / "model.safetensors", self.run / "best" / "model.safetensors")
                   if p.exists()] if self.run is not None else []  # fmt: skip
        if resume and not resumed and weights:  # badin34: it trained again from step 0 over them
            raise TrajlmInputError(
                f"{self.run} holds a trained run's weights ({weights[0].relative_to(self.run)}) "
                "but no trainer_state/ to continue from (deleted, or the run was copied without "
                "it), so --resume cannot go on from it",
                hint="--overwrite starts that run again (its weights are replaced), or train into "
                "another --out",
            )
        if resume and not resumed:
            warnings.warn(f"{self.run}: no checkpoint saved yet, so training starts at step 0 "
                          f"(one is written every {self.cfg.save_every} steps and on Ctrl-C)",
                          stacklevel=3)  # fmt: skip
        if not resumed and self.metrics_path is not None:
            self.metrics_path.unlink(missing_ok=True)
        if not resumed and self.step == 0:  # every rank: all refuse together under DDP
            self._check_steps()
        model = self.model
        if self.cfg.compile:
            model = torch.compile(model)
        if self.world > 1:
            ids = [self.device.index] if self.device.type == "cuda" else None
            # Gradients live in the all-reduce buckets (no copy in and out each step).
            model = torch.nn.parallel.DistributedDataParallel(
                model, device_ids=ids, gradient_as_bucket_view=True
            )
        self.model = model
        model.train()
        end = self.cfg.max_steps if stop_at is None else min(stop_at, self.cfg.max_steps)
        if self.cfg.step_budget and self.cfg.progress and self.rank == 0:  # said before it runs
            print(f"train: {self.cfg.step_budget}", file=sys.stderr, flush=True)
        if self.select_from_start and self.step == 0 and self.cfg.eval_every:
            with torch.random.fork_rng(devices=[]):  # training draws what it drew without it
                self._evaluate_and_select(None)  # the starting weights are a candidate too

        from trajlm.train.progress import TrainProgress  # rich, only when training

        params = [p for p in model.parameters() if p.requires_grad]
        batches = self._train_batches()
        t_start, tokens, last_loss = time.perf_counter(), 0, float("nan")
        # the eval row's train_loss: the mean since the last validation, kept across a resume
        (loss_sum, loss_n), val_loss = getattr(self, "_loss_window", (0.0, 0)), None
        # Ctrl-C / SIGTERM: save, then stop (under DDP the ranks agree on the step: interrupt.py)
        stop = StopSignals(repeat_stops=self.world == 1)
        with (
            stop,
            TrainProgress(
                self.cfg.max_steps, self.step, enabled=self.cfg.progress and self.rank == 0
            ) as bar,
        ):
            while self.step < end:
                lr = lr_at(self.step, self.cfg)
                set_lr(self.optimizer, lr)
                self.optimizer.zero_grad(set_to_none=True)
                n_acc, step_loss, n_tok = self.cfg.grad_accum_steps, 0.0, 0
                for micro in range(n_acc):
                    batch = self._to_device(next(batches))
                    if not hasattr(self.objective, "batches"):
                        batch = self._scale_speeds(self._steady_movers(self._shift_clocks(batch)))
                    # DDP all-reduces on the last micro-batch's backward only.
                    sync = micro == n_acc - 1 or not hasattr(model, "no_sync")
                    with contextlib.nullcontext() if sync else model.no_sync():
                        with self._autocast():
                            loss, parts = self.objective.loss(model, batch, self.step)
                        (loss / n_acc).backward()
                    step_loss += loss.item() / n_acc
                    first = next(iter(batch.values()))
                    n_tok += int(batch["mask"].sum()) if "mask" in batch else len(first)
                grad_norm = torch.nn.utils.clip_grad_norm_(params, self.cfg.grad_clip)
                self.optimizer.step()
                self.step += 1
                if _DEBUG_STEP_SLEEP_S:  # test hook: lets tests/test_train.py kill mid-run
                    time.sleep(_DEBUG_STEP_SLEEP_S)
                tokens += n_tok * self.world
                last_loss = step_loss
                loss_sum, loss_n = loss_sum + last_loss, loss_n + 1
                elapsed = time.perf_counter() - t_start
                if self.step % self.cfg.log_every == 0 or self.step == self.cfg.max_steps:
                    record = {
                        "step": self.step,
                        "loss": last_loss,
                        "lr": lr,
                        "grad_norm": float(grad_norm),
                        "tokens_per_s": tokens / elapsed,
                    }
                    record |= {k: v for k, v in parts.items() if k != "loss"}  # fmt: skip
                    self._log(record)
                    self._call("on_log", record)
                if self.cfg.eval_every and (self.step % self.cfg.eval_every == 0
                                            or self.step == self.cfg.max_steps):  # fmt: skip
                    # the final step is always a candidate (never trained and thrown away)
                    rec = self._evaluate_and_select(loss_sum / max(loss_n, 1))
                    val_loss, loss_sum, loss_n = rec.get("val_loss"), 0.0, 0
                self._loss_window = (loss_sum, loss_n)  # saved with the checkpoint
                if (self.step % self.cfg.save_every == 0 or self.step == self.cfg.max_steps
                        or self.step == end):  # fmt: skip
                    self.save()
                bar.update(self.step, last_loss, tokens / elapsed, val_loss)
                if stop.agreed(self.device):
                    if self.step % self.cfg.save_every and self.step != end:  # not just saved
                        self.save()  # rank 0 only
                    if self.world > 1:  # every rank stops after rank 0 has saved
                        torch.distributed.barrier()
                        torch.distributed.destroy_process_group()
                    raise TrainingInterrupted(self.step, self.cfg.max_steps, self.run)
        elapsed = time.perf_counter() - t_start
        if self.step >= self.cfg.max_steps and self.restore_best:
            self._load_best()
        summary = self.write_summary(elapsed, tokens, last_loss)
        self._call("on_end", summary)
        if self.world > 1:
            torch.distributed.barrier()
            torch.distributed.destroy_process_group()
        return summary
