"""Fine-tuning entry points, thin wrappers over the one training engine (trajlm.train.trainer).

    finetune_next_point(RUN, DATA, OUT, mode="lora", max_steps=500)   # -> summary dict
    train_classifier(clf, windows, labels, val=..., ...)             # used by ModelClassifier

Both build a ``Trainer`` with an objective (next-point; ``Classification`` here) and the mode's
trainable parameters, so they get its resume, DDP, bf16, progress bar, metrics.jsonl, optimizer
rule and schedule. A next-point fine-tune's output directory holds ``train/`` (the engine's run:
metrics.jsonl, trainer_state for ``resume=True``), ``adapter/`` (LoRA: PEFT's
adapter_model.safetensors + adapter_config.json; selective: the trainable tensors),
``merged/`` (a plain model, ``TrajectoryModel.from_pretrained``-loadable, adapter folded in)
and ``finetune_summary.json``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from trajlm.data.loader import TrajectoryWindows, WindowConfig
from trajlm.data.schema import TrajlmInputError
from trajlm.data.store import load_stats
from trajlm.errors import OutputExistsError
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.coverage import refuse_across_planes
from trajlm.train.modes import apply_mode, count_trainable, merge_adapter, save_adapter
from trajlm.train.objectives import NextPoint
from trajlm.train.pretrained import load_pretrained
from trajlm.train.trainer import Metric, TrainConfig, Trainer

# What a fine-tune writes into OUT: their presence marks an earlier fine-tune there.
FINETUNE_OUTPUTS = ("finetune_summary.json", "train", "merged", "adapter")


def load_for_store(
    run: str | Path, data: str | Path | None = None, refit_scales: str = "keep"
) -> TrajectoryModel:
    """A pretrained model whose normalization (projection, scales) is the target store's:
    ``trajlm.train.pretrained.load_pretrained``, the one way every fine-tune loads a model."""
    return load_pretrained(run, data, refit_scales=refit_scales)


class PrefixWindows(NextPoint):
    """Next-point on a fixed prefix (stream order) of a store's train windows, reshuffled
    every epoch: the ``fraction`` of a data-efficiency curve."""

    def __init__(self, data: str | Path, cfg: TrainConfig, fraction: float) -> None:
        wc = WindowConfig(max_len=cfg.max_len, stride=cfg.stride, seed=cfg.seed)
        n = sum(1 for _ in TrajectoryWindows(data, "train", wc))  # count, then keep a prefix
        self.limit = max(1, int(n * fraction))
        ds = TrajectoryWindows(data, "train", wc)
        self.items = [w for _, w in zip(range(self.limit), ds, strict=False)]
        if not self.items:
            raise TrajlmInputError(f"{data}: the train split yields no windows")
        self.batch_size, self.seed = min(cfg.batch_size, len(self.items)), cfg.seed

    def batches(self, epoch: int) -> Iterator[dict]:
        order = np.random.default_rng([self.seed, epoch]).permutation(len(self.items))
        size = self.batch_size
        for a in range(0, len(order) - size + 1, size):
            chunk = [self.items[j] for j in order[a : a + size]]
            yield {k: torch.stack([c[k] for c in chunk]) for k in chunk[0]}


def _finetune_coverage(mc: ModelConfig, data: str | Path) -> dict:
    """The coverage a fine-tuned model records: the pretraining data's joined with the fine-tune
    store's (as the engine's init_from path does), so the coverage gate does not shrink its
    predictions on the very data it was fine-tuned on."""
    from trajlm.data.features import NormStats
    from trajlm.model.coverage import compute_coverage, merge_coverage

    stats = NormStats.from_dict(mc.stats) if mc.stats else None
    new = compute_coverage(data, stats, window=mc.max_len)
    new["clock_shift_prob"] = (mc.coverage or {}).get("clock_shift_prob", 0.0)
    if not mc.coverage:
        return new
    cov = merge_coverage(mc.coverage, new)
    for key in (
        "dt_s",
        "speed_mps",
        "traj_speed_mps",
        "window_speed_mps",
    ):  # ranges: the union of both data sets
        a, b = mc.coverage.get(key), new.get(key)
        if a and b:
            cov[key] = {p: (min if p in ("p1", "p5") else max if p in ("p95", "p99") else
                            lambda _x, y: y)(a[p], b[p]) for p in b if p in a}  # fmt: skip
    return cov


def finetune_next_point(
    model: str | Path | TrajectoryModel | None,
    data: str | Path,
    out: str | Path,
    mode: str = "full",
    max_steps: int = 500,
    n_last: int = 1,
    lora_r: int = 8,
    train_config: TrainConfig | None = None,
    model_config: ModelConfig | None = None,
    fraction: float = 1.0,
    device: str = "cpu",
    modules_to_save: tuple[str, ...] | None = None,
    resume: bool = False,
    score_test: bool = False,
    overwrite: bool = False,
    select_on: str = "val_loss",
) -> dict:
    """Fine-tune next-point prediction on store `data`; write OUT/{train,adapter,merged,summary}.

    model: run directory (its weights, the target store's statistics), a TrajectoryModel, or
    None = train ``model_config`` from scratch (a baseline). ``fraction`` < 1 trains on the
    first windows (stream order) of the train split, reshuffled every epoch. Early stopping on
    the val loss (every ``eval_every`` steps, step 0 included) keeps the best weights. Returns
    the summary (also OUT/finetune_summary.json): val loss before / best, trainable parameters,
    train time, adapter bytes, and with ``score_test`` the test loss of the kept weights (off by
    default: a recipe is chosen on val, test is read once at the end). ``modules_to_save`` (LoRA only),
    e.g. ``("head",)``: also train full copies of those modules (saved in the adapter).
    ``resume``: continue an interrupted fine-tune from OUT/train. An OUT holding an earlier
    fine-tune is replaced only with ``overwrite`` (as ``save_pretrained``; session 14: a re-run
    notebook cell replaced it silently). ``select_on``: which val score keeps a step,
    "val_loss" (the default) or "val_ade_m" (5-step ADE in metres; measured in session 19,
    docs/protocol.md "Session 19 (evalcli19)", not made the default).
    """
    cfg = train_config or TrainConfig()
    if select_on not in ("val_loss", "val_ade_m"):
        raise ValueError(f"select_on must be 'val_loss' or 'val_ade_m', got {select_on!r}")
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    out = Path(out)
    earlier = [n for n in FINETUNE_OUTPUTS if (out / n).exists()]
    if earlier and not (resume or overwrite):
        raise OutputExistsError(
            f"{out} holds an earlier fine-tune ({', '.join(earlier)})",
            hint="pass overwrite=True to replace it, resume=True to continue it, or another out",
        )
    if isinstance(model, (str, Path)):
        base = load_for_store(model, data, cfg.refit_scales)
        refuse_across_planes(base.config.coverage, data, "data")  # fix37c
    elif model is None:
        mc = ModelConfig(**(model_config or ModelConfig()).to_dict())
        mc.stats = load_stats(data).to_dict()
        mc.max_len = max(mc.max_len, cfg.max_len)
        torch.manual_seed(cfg.seed)
        base = TrajectoryModel(mc)
    else:
        base = model
        refuse_across_planes(base.config.coverage, data, "data")
    run_cfg = replace(cfg, max_steps=max(1, max_steps), device=device, select_on=select_on)
    if 0 < max_steps < run_cfg.eval_every:  # (the engine also validates the final step)
        run_cfg = replace(run_cfg, eval_every=max_steps)
    objective = PrefixWindows(data, run_cfg, fraction) if fraction < 1.0 else NextPoint()
    net = apply_mode(base, mode, n_last=n_last, lora_r=lora_r, modules_to_save=modules_to_save,
                     seed=cfg.seed)  # fmt: skip
    if max_steps and not any(p.requires_grad for p in net.parameters()):
        raise ValueError(f"mode {mode!r} leaves nothing to train; use max_steps=0")
    out.mkdir(parents=True, exist_ok=True)  # after every refusal above: none leaves a folder
    trainer = Trainer(data, out / "train", train_config=run_cfg, model=net, objective=objective,
                      select_from_start=True, restore_best=True)  # fmt: skip
    ade_before = _val_ade(trainer) if max_steps and isinstance(data, (str, Path)) else None
    if max_steps:
        before = None if run_cfg.eval_every else trainer.evaluate("val")  # else: step 0 below
        s = trainer.fit(resume=resume, overwrite=not resume)
        if run_cfg.eval_every and trainer.history and trainer.history[0]["step"] == 0:
            before = trainer.history[0].get("val_loss")
        log = [r for r in trainer.history if r["step"] > 0]
        train_s, best = s["train_time_s"], trainer.best_val
    else:
        before, log, train_s = trainer.evaluate("val"), [], 0.0
        best = before
    net = trainer.model
    test = {"test_loss": trainer.evaluate("test")} if score_test else {}  # kept weights
    adapter_bytes = save_adapter(net, out / "adapter") if mode in ("selective", "lora") else 0
    info = count_trainable(net)
    merged = merge_adapter(net)
    if isinstance(data, (str, Path)):  # it has now seen the fine-tune data too (newuser3 F18)
        merged.config.coverage = _finetune_coverage(merged.config, data)
    merged.save_pretrained(out / "merged")
    summary = {
        "mode": mode,
        "steps": max_steps,
        "val_loss_before": before,
        "val_loss_last": log[-1]["val_loss"] if log else None,
        "best_val_loss": best if best is not None and math.isfinite(best) else None,
        "best_step": trainer.best_step if max_steps else 0,  # None: no val score, final kept
        "kept": trainer.kept_note() if max_steps else "the start weights (max_steps 0)",
        **test,
        "train_s": train_s,
        **info,
        "adapter_bytes": adapter_bytes,
        "fraction": fraction,
        "windows_used": objective.limit if isinstance(objective, PrefixWindows) else None,
        "log": [{"step": r["step"], "loss": r["train_loss"], "val_loss": r.get("val_loss")}
                for r in log],
    }  # fmt: skip
    if ade_before is not None:
        summary.update(metres_summary(trainer, ade_before))
    if max_steps and trainer.best_step == 0:  # said, not only implied by best_step 0
        summary["note"] = (
            f"the start weights were kept (best_step 0): no validation after step 0 scored "
            f"better on val (val_loss_before {before}, val_loss_last {summary['val_loss_last']})"
        )
    elif max_steps and trainer.best_step is None:
        summary["note"] = "no val score (no usable val window): the final weights were kept"
    if summary.get("warning"):
        import warnings

        warnings.warn(f"finetune_next_point: {summary['warning']}", stacklevel=2)
    (out / "finetune_summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def _val_ade(trainer: Trainer) -> float | None:
    """The 5-step val ADE (m) of the trainer's model now, drawing nothing from the global RNG
    (a resumed or uninterrupted fine-tune trains exactly as without it)."""
    with torch.random.fork_rng():
        return trainer.val_ade()


_CHOSEN_ON = {"val_loss": "val loss", "val_ade_m": "val ADE"}


def metres_summary(trainer: Trainer, ade_before: float) -> dict:
    """The fine-tune in metres on the val split (5-step ADE, PROTOCOL task 1): the start, the
    kept weights and constant velocity, with a warning when the kept weights are worse than the
    start or than constant velocity. A fine-tune keeps the step with the best val *loss*
    (a Gaussian NLL); session 19's tester saw that loss fall 0.07 -> -1.48 while the error in
    metres rose above the start's, and the summary had no metres to show it."""
    from trajlm.data.metrics import ade

    kept = _val_ade(trainer)
    task = trainer._val_task
    chosen = getattr(getattr(trainer, "cfg", None), "select_on", "val_loss")
    if kept is None or task is None or not len(task.lengths):
        return {}
    i = np.arange(len(task.lengths))
    last = task.hist_latlon[i, task.lengths - 1]
    step = last - task.hist_latlon[i, np.maximum(task.lengths - 2, 0)]
    k = task.target_latlon.shape[1]
    cv = ade(last[:, None] + step[:, None] * np.arange(1, k + 1)[None, :, None], task.target_latlon)
    out = {"val_trajectories": len(task.lengths), "val_ade_m_before": round(ade_before, 2),
           "val_ade_m_kept": round(kept, 2), "val_ade_m_constant_velocity": round(cv, 2)}  # fmt: skip
    worse = []
    if kept > ade_before * 1.01:  # 1 %: not a rounding difference
        worse.append(f"the start ({ade_before:.1f} m)")
    if kept > cv * 1.01:
        worse.append(f"constant velocity ({cv:.1f} m)")
    if worse:
        out["warning"] = (
            f"the kept weights (chosen on {_CHOSEN_ON[chosen]}) predict worse on val in metres than "
            f"{' and '.join(worse)}: 5-step ADE {kept:.1f} m on {len(task.lengths)} val "
            "trajectories; score it with `trajlm eval --task predict` before using it (fewer "
            "steps, another mode or lr, or keep the start)"
        )
    return out


class Classification:
    """Cross-entropy on window labels: an objective of the engine with its own batches (one
    epoch = one pass over the windows in a (seed, epoch)-seeded order, full batches only)."""

    name = "classification"

    def __init__(
        self,
        windows: dict,
        labels: np.ndarray,
        batch_size: int,
        seed: int,
        class_weight: np.ndarray | None = None,  # (K,) per-class loss weights (issue 15)
    ) -> None:
        self.windows, self.labels = windows, torch.from_numpy(np.asarray(labels))
        self.batch_size, self.seed = batch_size, seed
        self.class_weight = None if class_weight is None else torch.as_tensor(class_weight).float()
        self.steps_per_epoch = max(1, len(self.labels) // batch_size)

    def batches(self, epoch: int) -> Iterator[dict]:
        gen = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        perm = torch.randperm(len(self.labels), generator=gen)
        for a in range(0, self.steps_per_epoch * self.batch_size, self.batch_size):
            i = perm[a : a + self.batch_size]
            yield {**{k: v[i] for k, v in self.windows.items()}, "label": self.labels[i]}

    def loss(self, model: Any, batch: dict, step: int) -> tuple[torch.Tensor, dict]:
        x = {k: v for k, v in batch.items() if k != "label"}
        logits = model(x)
        w = None if self.class_weight is None else self.class_weight.to(logits.device)
        return F.cross_entropy(logits, batch["label"], weight=w), {}


def train_classifier(
    clf: torch.nn.Module,
    windows: dict,
    labels: np.ndarray,
    val: tuple[dict, np.ndarray, np.ndarray] | None = None,
    classes: list[str] | None = None,
    predict: Callable[[Any, dict, np.ndarray], np.ndarray] | None = None,
    epochs: int = 8,
    batch_size: int = 32,
    lr: float = 1e-3,
    head_lr: float | None = None,
    weight_decay: float = 0.01,
    seed: int = 0,
    device: str = "cpu",
    verbose: bool = False,
    run: str | Path | None = None,
    resume: bool = False,
    max_steps: int | None = None,
    stop_at: int | None = None,
    class_weight: np.ndarray | None = None,
    objective: Classification | None = None,  # issue 15: e.g. windows re-cut every epoch
) -> tuple[int, list[dict]]:
    """Cross-entropy on window labels; keeps (restores) the epoch with the best val accuracy.

    windows: stacked loader batch (W windows); labels (W,) int; val: (windows, owner, segment
    labels as strings) scored with ``predict(clf, windows, owner) -> (N, K) scores``.
    run: an engine run directory (metrics.jsonl, resume); max_steps / stop_at: the schedule's
    length and where to stop (tests); class_weight: (K,) cross-entropy weights; objective: a
    ``Classification`` to train on instead of one over ``windows`` (its own batches per epoch). Returns (best epoch (0 = the last when there is no val),
    per-epoch history).
    """
    if objective is None:
        objective = Classification(windows, labels, batch_size, seed, class_weight)
    spe = objective.steps_per_epoch
    cfg = TrainConfig(max_steps=max_steps or max(1, epochs * spe), batch_size=batch_size, lr=lr,
                      warmup_steps=min(50, spe), weight_decay=weight_decay, eval_every=spe,
                      save_every=spe, log_every=spe, seed=seed, device=device,
                      progress=verbose, select_on="val_loss")  # fmt: skip
    metric = None
    if val is not None and predict is not None:
        vb, vo, vy = val

        def accuracy(model: Any) -> float:
            pred = np.asarray(classes)[predict(model, vb, vo).argmax(1)]
            return float(np.mean(pred == vy) * 100.0)

        metric = Metric("val_acc", accuracy, higher_is_better=True)
    mults = {"head.": head_lr / lr} if head_lr else None
    trainer = Trainer(None, run, train_config=cfg, model=clf, objective=objective,
                      lr_mults=mults, metric=metric, restore_best=True)  # fmt: skip
    trainer.fit(resume=resume, overwrite=run is not None and not resume, stop_at=stop_at)
    history = [{"epoch": r["step"] // spe, "train_loss": r["train_loss"]}
               | ({"val_acc": r["val_acc"]} if "val_acc" in r else {})
               for r in trainer.history]  # fmt: skip
    if verbose:
        for rec in history:
            print(rec, flush=True)
    best_epoch = trainer.best_step // spe if trainer.best_step is not None else 0
    return best_epoch, history
