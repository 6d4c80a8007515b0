"""A plain training loop: data -> forward -> backward -> clip -> step -> log.

Runs on one CPU, one GPU, or many GPUs under `torchrun` (PyTorch DDP, detected from the
environment). Resumes exactly: model, AdamW moments, RNG states and the data position are
restored from RUN/trainer_state (see checkpoint.py), so a killed CPU run continued with
`resume=True` reaches bit-identical weights to an uninterrupted one (tests/test_train.py).
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import polars as pl
import torch
from torch.utils.data import DataLoader

from trajlm.data.loader import TrajectoryWindows, WindowConfig, resume_state
from trajlm.data.store import load_stats
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.train.checkpoint import find_state_dir, load_checkpoint, save_checkpoint
from trajlm.train.objectives import ObjectiveMix, objective_loss, step_generator

# Seconds to sleep after each step; only for the kill -9 resume test (slows a tiny run down).
_DEBUG_STEP_SLEEP_S = float(os.environ.get("TRAJLM_DEBUG_STEP_SLEEP_S", "0"))


@dataclass
class TrainConfig:
    max_steps: int = 1000
    batch_size: int = 32
    max_len: int = 64  # window length T (points)
    stride: int | None = None  # window stride over long trajectories (None = max_len)
    shuffle_buffer: int = 256
    lr: float = 1e-3
    min_lr_ratio: float = 0.1  # cosine decays to lr * min_lr_ratio
    warmup_steps: int = 50
    weight_decay: float = 0.05
    beta1: float = 0.9
    beta2: float = 0.95
    grad_clip: float = 1.0
    eval_every: int = 200  # steps between validation passes (0 = never)
    eval_batches: int = 20
    save_every: int = 200  # steps between checkpoints (always at the end)
    log_every: int = 10
    seed: int = 0
    num_workers: int = 0  # exact resume is guaranteed with 0 (see loader docs)
    device: str = "auto"  # auto | cpu | cuda
    cpu_threads: int = 0  # torch intra-op threads on CPU (0 = torch's default)
    bf16: bool = False  # bf16 autocast (CUDA only)
    compile: bool = False  # torch.compile the model
    progress: bool = True
    # Which val score picks RUN/best: "val_ade_m" (5-step rollout error, the task metric) or
    # "val_loss" (the training loss on val; cheaper, but a poor proxy for rollout error).
    select_on: str = "val_ade_m"
    select_max_traj: int = 500  # val trips used for val_ade_m
    # Objective mix (trajlm/train/objectives.py, TOML [train.objectives]); None = causal only.
    objectives: dict | None = None
    init_from: str | None = None  # start from this run's weights and model config (fine-tune)
    # Clock-shift augmentation: with this probability per window, move its start time t0 by a
    # random whole number of hours in [0, 7 x 24) (every hour of day and weekday), so the
    # time features stop pinning the model to its training window (docs/generalization.md).
    clock_shift_prob: float = 0.0

    def __post_init__(self) -> None:
        if self.select_on not in ("val_ade_m", "val_loss"):
            raise ValueError(f"select_on must be 'val_ade_m' or 'val_loss', got {self.select_on!r}")
        if not 0.0 <= self.clock_shift_prob <= 1.0:
            raise ValueError(f"clock_shift_prob must be in [0, 1], got {self.clock_shift_prob}")

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown train config keys {sorted(unknown)}; known: {sorted(known)}")
        return cls(**d)


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warmup, then cosine decay to lr * min_lr_ratio at max_steps."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    span = max(1, cfg.max_steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + 0.5 * (cfg.lr - floor) * (1.0 + math.cos(math.pi * progress))


def _dist_info() -> tuple[int, int, int]:
    """(rank, world_size, local_rank) from torchrun's environment, else a single process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    return int(os.environ.get("RANK", "0")), world, int(os.environ.get("LOCAL_RANK", "0"))


def _device(cfg: TrainConfig, local_rank: int) -> torch.device:
    if cfg.device == "cpu" or (cfg.device == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    return torch.device("cuda", local_rank)


def _optimizer(model: torch.nn.Module, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices only (not on norms, biases, embeddings' 1-d params)."""
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2))


class Trainer:
    """Trains a TrajectoryModel on a store directory; writes checkpoints and metrics to `run`."""

    def __init__(
        self,
        data: str | Path,
        run: str | Path,
        model_config: ModelConfig | None = None,
        train_config: TrainConfig | None = None,
    ) -> None:
        self.data, self.run = Path(data), Path(run)
        self.cfg = train_config or TrainConfig()
        self.rank, self.world, local_rank = _dist_info()
        if self.world > 1 and not torch.distributed.is_initialized():
            backend = "nccl" if torch.cuda.is_available() and self.cfg.device != "cpu" else "gloo"
            torch.distributed.init_process_group(backend)
        self.device = _device(self.cfg, local_rank)
        if self.device.type == "cpu" and self.cfg.cpu_threads > 0:
            # Small models on a busy CPU: extra OpenMP threads spin and slow steps down a lot.
            torch.set_num_threads(self.cfg.cpu_threads)

        self.mix = ObjectiveMix.from_dict(self.cfg.objectives) if self.cfg.objectives else None
        if self.mix is not None and self.mix.causal_only:
            self.mix = None  # the plain loop, exactly as before
        if self.mix is not None and self.world > 1:
            raise NotImplementedError("objective mixes are single-process for now (no DDP)")
        if self.cfg.init_from:
            init = Path(self.cfg.init_from)
            mc = ModelConfig.from_dict(json.loads((init / "config.json").read_text()))
        else:
            mc = model_config or ModelConfig()
            mc.stats = load_stats(self.data).to_dict()
        mc.max_len = max(mc.max_len, self.cfg.max_len)
        if self.mix is not None:
            mc.infill_heads = True  # the masked objectives need the infilling heads
        mc.coverage = self._coverage(mc)
        torch.manual_seed(self.cfg.seed)
        self.model = TrajectoryModel(mc).to(self.device)
        if self.cfg.init_from:
            from safetensors.torch import load_file

            from trajlm.model.transformer import WEIGHTS_NAME

            weights = load_file(Path(self.cfg.init_from) / WEIGHTS_NAME, device="cpu")
            missing, _ = self.model.load_state_dict(weights, strict=False)
            if any(not k.startswith(("infill_head.", "end_head.", "span_pos.")) for k in missing):
                raise ValueError(f"{self.cfg.init_from}: weights do not fit ({missing[:5]})")
        self.optimizer = _optimizer(self.model, self.cfg)
        self.step, self.epoch, self.batches_in_epoch = 0, 0, 0
        self.best_val = float("inf")  # early stopping on val: RUN/best holds the best weights
        self._val_task = None  # the val prediction task, built on first use
        self.metrics_path = self.run / "metrics.jsonl"

    def _coverage(self, mc: ModelConfig) -> dict:
        """What this run trains on (saved in config.json); a fine-tune keeps what the
        pretrained model saw too (histograms summed, boxes joined, sources listed)."""
        from trajlm.data.features import NormStats
        from trajlm.model.coverage import compute_coverage, merge_coverage

        stats = NormStats.from_dict(mc.stats) if mc.stats else None
        cov = compute_coverage(self.data, stats)
        cov["clock_shift_prob"] = self.cfg.clock_shift_prob
        if self.cfg.init_from and mc.coverage:  # not on resume: that config is this run's own
            return merge_coverage(mc.coverage, cov)
        return cov

    def _shift_clocks(self, batch: dict) -> dict:
        """Clock-shift augmentation (TrainConfig.clock_shift_prob); drawn from (seed, step) so
        a resumed run shifts exactly as an uninterrupted one."""
        p = self.cfg.clock_shift_prob
        if p <= 0:
            return batch
        g = step_generator(self.cfg.seed + 104_729, self.step)
        n = batch["t0"].shape[0]
        hit = torch.rand(n, generator=g) < p
        hours = torch.randint(0, 7 * 24, (n,), generator=g)
        shift = (hit * hours * 3600).to(batch["t0"].device)
        return {**batch, "t0": batch["t0"] + shift}

    # -- data ---------------------------------------------------------------------------
    def _window_config(self) -> WindowConfig:
        return WindowConfig(
            max_len=self.cfg.max_len,
            stride=self.cfg.stride,
            shuffle_buffer=self.cfg.shuffle_buffer,
            seed=self.cfg.seed,
        )

    def _train_batches(self):
        """Endless batches; tracks (epoch, batches_in_epoch) so a resume can skip exactly."""
        while True:
            ds = TrajectoryWindows(
                self.data, "train", self._window_config(), rank=self.rank,
                world_size=self.world, epoch=self.epoch,
            )  # fmt: skip
            if self.batches_in_epoch:  # resuming mid-epoch: skip what was already consumed
                ds.load_state_dict(
                    resume_state(self.epoch, self.batches_in_epoch, self.cfg.batch_size,
                                 self.cfg.num_workers)
                )  # fmt: skip
            loader = DataLoader(
                ds, batch_size=self.cfg.batch_size, num_workers=self.cfg.num_workers,
                pin_memory=self.device.type == "cuda",
            )  # fmt: skip
            n = 0
            for batch in loader:
                n += 1
                self.batches_in_epoch += 1
                yield batch
            if n == 0 and self.batches_in_epoch == 0:
                raise RuntimeError(f"{self.data}: the train split yields no windows")
            self.epoch += 1
            self.batches_in_epoch = 0

    def _to_device(self, batch: dict) -> dict:
        return {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}

    @torch.no_grad()
    def evaluate(self, split: str = "val") -> float | None:
        """Mean loss over the first `eval_batches` batches of a split (deterministic order)."""
        self.model.eval()
        ds = TrajectoryWindows(self.data, split, WindowConfig(max_len=self.cfg.max_len, seed=0))
        total, count = 0.0, 0
        for i, batch in enumerate(DataLoader(ds, batch_size=self.cfg.batch_size)):
            if i >= self.cfg.eval_batches:
                break
            with self._autocast():
                out = self.model(self._to_device(batch))
            if out.loss is not None and torch.isfinite(out.loss):
                total, count = total + float(out.loss), count + 1
        self.model.train()
        return total / count if count else None

    @torch.no_grad()
    def val_ade(self) -> float | None:
        """PROTOCOL task 1 on (up to `select_max_traj` trips of) the val split: the 5-step ADE
        in metres of the model's rollout; used to pick RUN/best (model selection on val)."""
        from trajlm.eval.metrics import ade
        from trajlm.eval.protocol import ModelPredictor, make_prediction_task

        if self._val_task is None:
            from trajlm.data.store import read_store

            df = read_store(self.data, split="val")
            keep = df["traj_id"].unique(maintain_order=True).head(self.cfg.select_max_traj)
            self._val_task = make_prediction_task(
                df.filter(pl.col("traj_id").is_in(keep.implode()))
            )
        if len(self._val_task.lengths) == 0:
            return None
        model = self._raw_model()
        model.eval()
        pred = ModelPredictor(model).predict_next(self._val_task)
        model.train()
        return ade(pred, self._val_task.target_latlon)

    def _autocast(self):
        enabled = self.cfg.bf16 and self.device.type == "cuda"
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=enabled)

    # -- checkpoints ----------------------------------------------------------------------
    def save(self) -> None:
        if self.rank != 0:
            return
        state = {"step": self.step, "epoch": self.epoch, "batches_in_epoch": self.batches_in_epoch,
                 "best_val": self.best_val}  # fmt: skip
        save_checkpoint(self.run, self._raw_model(), self.optimizer, state)
        (self.run / "train_config.json").write_text(json.dumps(asdict(self.cfg), indent=2))

    def resume(self) -> bool:
        """Restore from RUN/trainer_state if present; returns whether it resumed."""
        if find_state_dir(self.run) is None:
            return False
        state = load_checkpoint(self.run, self.model, self.optimizer)
        self.step, self.epoch = state["step"], state["epoch"]
        self.batches_in_epoch = state["batches_in_epoch"]
        self.best_val = state.get("best_val", float("inf"))
        if self.metrics_path.exists():  # drop metrics logged after the checkpoint
            keep = [
                line
                for line in self.metrics_path.read_text().splitlines()
                if line and json.loads(line).get("step", 0) <= self.step
            ]
            self.metrics_path.write_text("".join(x + "\n" for x in keep))
        return True

    def _raw_model(self) -> TrajectoryModel:
        m = self.model
        m = getattr(m, "module", m)  # DDP
        return getattr(m, "_orig_mod", m)  # torch.compile

    def _log(self, record: dict) -> None:
        if self.rank == 0:
            with open(self.metrics_path, "a") as fh:
                fh.write(json.dumps(record) + "\n")

    # -- the loop ---------------------------------------------------------------------------
    def fit(self, resume: bool = False) -> dict:
        """Train until max_steps; returns a summary (final losses, time, tokens/s, params)."""
        self.run.mkdir(parents=True, exist_ok=True)
        resumed = self.resume() if resume else False
        if not resumed:
            self.metrics_path.unlink(missing_ok=True)
        model = self.model
        if self.cfg.compile:
            model = torch.compile(model)
        if self.world > 1:
            ids = [self.device.index] if self.device.type == "cuda" else None
            model = torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)
        self.model = model
        model.train()

        from trajlm.train.progress import TrainProgress  # rich, only when training

        batches = self._train_batches()
        t_start, tokens, last_loss = time.perf_counter(), 0, float("nan")
        val_loss = None
        with TrainProgress(
            self.cfg.max_steps, self.step, enabled=self.cfg.progress and self.rank == 0
        ) as bar:
            while self.step < self.cfg.max_steps:
                batch = self._shift_clocks(self._to_device(next(batches)))
                lr = lr_at(self.step, self.cfg)
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
                parts = None
                with self._autocast():
                    if self.mix is None:
                        loss = model(batch).loss
                    else:  # one objective per batch, drawn from (seed, step): resume-exact
                        gen = step_generator(self.cfg.seed, self.step)
                        loss, parts = objective_loss(self._raw_model(), batch, self.mix, gen)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), self.cfg.grad_clip)
                self.optimizer.step()
                self.step += 1
                if _DEBUG_STEP_SLEEP_S:  # test hook: lets tests/test_train.py kill mid-run
                    time.sleep(_DEBUG_STEP_SLEEP_S)
                n_tok = int(batch["mask"].sum()) * self.world
                tokens += n_tok
                last_loss = loss.item()
                elapsed = time.perf_counter() - t_start
                if self.step % self.cfg.log_every == 0 or self.step == self.cfg.max_steps:
                    self._log(
                        {"step": self.step, "loss": last_loss, "lr": lr,
                         "grad_norm": float(grad_norm), "tokens_per_s": tokens / elapsed}
                        | ({"objective": parts["objective"]} if parts else {})
                    )  # fmt: skip
                if self.cfg.eval_every and self.step % self.cfg.eval_every == 0:
                    val_loss = self.evaluate("val")
                    val_ade = self.val_ade() if self.cfg.select_on == "val_ade_m" else None
                    self._log({"step": self.step, "val_loss": val_loss, "val_ade_m": val_ade})
                    score = val_ade if self.cfg.select_on == "val_ade_m" else val_loss
                    if score is not None and score < self.best_val and self.rank == 0:
                        self.best_val = score
                        self._raw_model().save_pretrained(self.run / "best")
                if self.step % self.cfg.save_every == 0 or self.step == self.cfg.max_steps:
                    self.save()
                bar.update(self.step, last_loss, tokens / elapsed, val_loss)
        elapsed = time.perf_counter() - t_start
        summary = {
            "steps": self.step,
            "final_loss": last_loss,
            "val_loss": self.evaluate("val"),
            f"best_{self.cfg.select_on}": self.best_val if math.isfinite(self.best_val) else None,
            "train_time_s": elapsed,
            "tokens_per_s": tokens / max(elapsed, 1e-9),
            "n_params": self._raw_model().num_params(),
            "device": str(self.device),
            "world_size": self.world,
        }
        if self.rank == 0:
            (self.run / "train_summary.json").write_text(json.dumps(summary, indent=2))
            if not (self.run / "best" / "model.safetensors").exists():
                # Nothing was selected on val (no val split, or eval_every = 0): best = final.
                self._raw_model().save_pretrained(self.run / "best")
        if self.world > 1:
            torch.distributed.barrier()
            torch.distributed.destroy_process_group()
        return summary
