"""How a training run is configured (TOML [train]); strict, with one-line errors."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from trajlm._config import check_choice
from trajlm.train.objectives import ObjectiveMix

MAX_BATCH = 1 << 20  # windows per micro-batch: far above any batch that fits a GPU


@dataclass
class TrainConfig:
    max_steps: int = 1000
    # True: max_steps is chosen from the store's train windows (an epoch budget with a floor and
    # a cap, trajlm/train/budget.py) when the Trainer starts; the no-config recipe
    # (configs/default.toml) has it, shipped configs do not. `trajlm train --max-steps N` or a
    # config's max_steps turn it off. step_budget: why max_steps is what it is (the summary
    # prints it); None = max_steps was given.
    auto_steps: bool = False
    step_budget: str | None = None
    batch_size: int = 32  # windows per micro-batch, per process
    # Micro-batches per optimizer step (gradients summed, averaged): the effective batch is
    # batch_size x grad_accum_steps x world_size. Under DDP only the last one all-reduces.
    grad_accum_steps: int = 1
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
    # --- issue 18: optimizer variant (docs/ablations.md) ---
    # "adamw" | "guided" (AdamW with the step scaled by gradient stability, optim.py's
    # StabilityScaledAdamW; lr x clamp(1 + guided_strength x stability, 0.5, 1.5)).
    optimizer: str = "adamw"
    guided_strength: float = 0.5
    # Road domain (issue 19): the network road-path anchors route on ("synthetic:seed=S,n=N"
    # rebuilds the synthetic city's graph, else a file `read_network` reads); road_columns: the
    # store's (edge id, fraction along the edge) columns the loader carries as road inputs.
    road_network: str | None = None
    road_columns: list[str] | None = None
    # --- issue 14: speed augmentation (docs/generalization.md "Graceful degradation") ---
    # With this probability per window, scale its positions about its first point by a
    # factor drawn log-uniformly from speed_scale_range (times unchanged), so the model sees
    # slower (or faster) movers than its data holds; the coverage's speed ranges widen to match.
    speed_scale_prob: float = 0.0
    speed_scale_range: list[float] | None = None  # [low, high]; None = [0.1, 1.0]
    # --- issue 14 item 7: the foundation premise (docs/pretraining.md) ---
    # A fine-tune (init_from) of a trajectory-frame model: "keep" the pretraining step scale,
    # "refit" it to this store's, or "adapt" (refit, weights rescaled to predict as before).
    # "adapt" by default: on Porto's val split keeping the corpus's 442 m scale cost 15 %
    # (289.5 vs 252.4 m, scratch 260.6 m; docs/pretraining.md, "The foundation premise").
    refit_scales: str = "adapt"
    # --- issue 14: a rollout loss (trajlm/objectives/rollout.py) ---
    # > 0: the next-point NLL plus this weight x the k-step (rollout_steps) distance error of the
    # model's own rollout from a random cut (short histories as likely as long ones), so training
    # sees what a small per-step bias costs over k steps. Next-point residual-base models only.
    rollout_weight: float = 0.0
    rollout_steps: int = 5
    # --- issue 14, session 40: steady-mover augmentation (trajlm/train/steady_movers.py) ---
    # With this probability per window, replace it by a generated mover that keeps its speed
    # and heading, sampled every steady_mover_dt_range s (log-uniform), at steady_mover_speed_range
    # m/s, turning at most steady_mover_turn_deg a step, GPS noise up to steady_mover_noise x
    # its step. 0 (the default) keeps every run bit for bit.
    steady_mover_prob: float = 0.0
    steady_mover_dt_range: list[float] | None = None  # [low, high] s; None = [1, 300]
    steady_mover_speed_range: list[float] | None = None  # [low, high] m/s; None = [1, 40]
    steady_mover_turn_deg: float = 2.0
    steady_mover_noise: float = 0.1
    # --- issue 14 premise (session 19, premise19): contrastive pretraining from the start ---
    # > 0: the next-point NLL plus this weight x a trip-level InfoNCE on two augmented views of
    # every window (objectives/trip_contrast.py), so pretrained states carry a trip identity
    # (docs/pretraining.md "Session 19 (premise19)": similarity fine-tunes then beat scratch).
    trip_contrast_weight: float = 0.0
    trip_contrast_temperature: float = 0.1

    def __post_init__(self) -> None:
        def need(ok: bool, msg: str) -> None:
            if not ok:
                raise ValueError(msg)

        def one_of(name: str, choices: tuple, ok: bool = False) -> None:
            check_choice(name, getattr(self, name), choices, ok=ok)

        for name in ("max_steps", "batch_size", "grad_accum_steps", "eval_batches", "save_every",
                     "log_every", "select_max_traj"):  # fmt: skip
            need(getattr(self, name) >= 1, f"{name} must be >= 1, got {getattr(self, name)}")
        # shuffle_buffer 0 = stream order (WindowConfig)
        for name in ("warmup_steps", "eval_every", "seed", "num_workers", "cpu_threads",
                     "shuffle_buffer"):  # fmt: skip
            need(getattr(self, name) >= 0, f"{name} must be >= 0, got {getattr(self, name)}")
        need(self.max_len >= 2, f"max_len must be >= 2 (points per window), got {self.max_len}")
        # badin34: the loader lists batch_size slots before it fills one (1e9: 8 GB, then OOM)
        need(self.batch_size <= MAX_BATCH, f"batch_size must be <= {MAX_BATCH:,} windows per "
             f"step, got {self.batch_size:,}")  # fmt: skip
        need(self.stride is None or self.stride >= 1, f"stride must be >= 1, got {self.stride}")
        need(math.isfinite(self.lr) and self.lr > 0, f"lr must be > 0 and finite, got {self.lr}")
        need(
            0 <= self.min_lr_ratio <= 1, f"min_lr_ratio must be in [0, 1], got {self.min_lr_ratio}"
        )
        need(self.weight_decay >= 0, f"weight_decay must be >= 0, got {self.weight_decay}")
        for name in ("beta1", "beta2"):
            need(
                0 <= getattr(self, name) < 1, f"{name} must be in [0, 1), got {getattr(self, name)}"
            )
        need(self.grad_clip > 0, f"grad_clip must be > 0, got {self.grad_clip}")
        # cuda:N only: "cuda:x" passed here and ended in int()'s ValueError at _device (review34)
        cuda_n = re.fullmatch(r"cuda:\d+", str(self.device)) is not None
        one_of("device", ("auto", "cpu", "cuda"), ok=cuda_n)
        one_of("select_on", ("val_ade_m", "val_loss"))
        need(
            0.0 <= self.clock_shift_prob <= 1.0,
            f"clock_shift_prob must be in [0, 1], got {self.clock_shift_prob}",
        )
        one_of("optimizer", ("adamw", "guided"))
        need(self.guided_strength >= 0, f"guided_strength must be >= 0, got {self.guided_strength}")
        need(
            0.0 <= self.speed_scale_prob <= 1.0,
            f"speed_scale_prob must be in [0, 1], got {self.speed_scale_prob}",
        )
        lo, hi = self.speed_scales
        need(0 < lo <= hi, f"speed_scale_range must be [low, high] with 0 < low <= high, got "
             f"{self.speed_scale_range}")  # fmt: skip
        need(0.0 <= self.steady_mover_prob <= 1.0,
             f"steady_mover_prob must be in [0, 1], got {self.steady_mover_prob}")  # fmt: skip
        for name in ("steady_mover_dt_range", "steady_mover_speed_range"):
            r = getattr(self, name)
            need(r is None or (len(r) == 2 and 0 < r[0] <= r[1]),
                 f"{name} must be [low, high] with 0 < low <= high, got {r}")  # fmt: skip
        need(self.steady_mover_turn_deg >= 0 and self.steady_mover_noise >= 0,
             "steady_mover_turn_deg and steady_mover_noise must be >= 0, got "
             f"{self.steady_mover_turn_deg}, {self.steady_mover_noise}")  # fmt: skip
        need(self.rollout_weight >= 0, f"rollout_weight must be >= 0, got {self.rollout_weight}")
        need(self.rollout_steps >= 1, f"rollout_steps must be >= 1, got {self.rollout_steps}")
        need(self.trip_contrast_weight >= 0,
             f"trip_contrast_weight must be >= 0, got {self.trip_contrast_weight}")  # fmt: skip
        need(self.trip_contrast_temperature > 0,
             f"trip_contrast_temperature must be > 0, got {self.trip_contrast_temperature}")  # fmt: skip
        need(not (self.trip_contrast_weight > 0 and (self.rollout_weight > 0 or self.objectives)),
             "trip_contrast_weight goes with the next-point loss alone: set rollout_weight = 0 "
             "and no [train.objectives] mix")  # fmt: skip
        one_of("refit_scales", ("keep", "refit", "adapt"))

    @property
    def speed_scales(self) -> tuple[float, float]:
        """(low, high) of the speed augmentation's factor."""
        r = self.speed_scale_range or [0.1, 1.0]
        return (float(r[0]), float(r[-1])) if len(r) == 2 else (0.0, 0.0)

    @classmethod
    def from_dict(cls, d: dict, section: str = "train") -> TrainConfig:
        """Strict: unknown keys (with the nearest valid name), wrong types and out-of-range values
        are ConfigErrors naming `train.<key>`; [train.objectives] is checked as an ObjectiveMix."""
        from trajlm._config import build

        cfg = build(cls, d, section)
        if cfg.objectives is not None:
            ObjectiveMix.from_dict(cfg.objectives, section=f"{section}.objectives")
        return cfg
