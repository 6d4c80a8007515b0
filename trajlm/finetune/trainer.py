"""Small fine-tuning loops: next-point prediction on a new store, and classification.

    finetune_next_point(RUN, DATA, OUT, mode="lora", max_steps=500)   # -> summary dict
    train_classifier(clf, windows, labels, val=..., ...)             # used by ModelClassifier

Both are the plain loop of trajlm/train/trainer.py (AdamW on the trainable parameters only,
warmup + cosine, clipping); the next-point one streams windows with ``TrajectoryWindows``.
A fine-tuned run directory holds ``adapter/`` (LoRA: PEFT's adapter_model.safetensors +
adapter_config.json; selective: the trainable tensors), ``merged/`` (a plain model,
``TrajectoryModel.from_pretrained``-loadable, adapter folded in) and ``finetune_summary.json``.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

from trajlm.data.loader import TrajectoryWindows, WindowConfig
from trajlm.data.schema import TrajlmInputError
from trajlm.data.store import load_stats
from trajlm.finetune.modes import apply_mode, count_trainable, merge_adapter, save_adapter
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.train.trainer import TrainConfig, lr_at


def _adamw(params: list[tuple[torch.nn.Parameter, float]], weight_decay: float, lr: float):
    """AdamW over trainable params; decay on matrices only. params: (param, lr multiplier)."""
    groups = []
    for mult in sorted({m for _, m in params}):
        ps = [p for p, m in params if m == mult and p.requires_grad]
        groups.append({"params": [p for p in ps if p.dim() >= 2], "weight_decay": weight_decay,
                       "lr_mult": mult})  # fmt: skip
        groups.append({"params": [p for p in ps if p.dim() < 2], "weight_decay": 0.0,
                       "lr_mult": mult})  # fmt: skip
    groups = [g for g in groups if g["params"]]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.95))


def _set_lr(opt: torch.optim.Optimizer, lr: float) -> None:
    for g in opt.param_groups:
        g["lr"] = lr * g.get("lr_mult", 1.0)


def load_for_store(run: str | Path, data: str | Path | None = None) -> TrajectoryModel:
    """A pretrained model whose normalization (projection, scales) is the target store's.

    The NormStats are config, not weights, so moving a model to another city just rebuilds it
    with the new store's statistics and loads the same weights.
    """
    model = TrajectoryModel.from_pretrained(run)
    if data is None:
        return model
    cfg = ModelConfig.from_dict({**model.config.to_dict(), "stats": load_stats(data).to_dict()})
    moved = TrajectoryModel(cfg)
    moved.load_state_dict(model.state_dict(), strict=True)
    return moved


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
) -> dict:
    """Fine-tune next-point prediction on store `data`; write OUT/{adapter,merged,summary}.

    model: run directory (its weights, the target store's statistics), a TrajectoryModel, or
    None = train ``model_config`` from scratch (a baseline). ``fraction`` < 1 trains on the
    first windows (stream order) of the train split, reshuffled every epoch. Early stopping on
    the val loss (every ``eval_every`` steps, step 0 included) keeps the best weights. Returns
    the summary (also OUT/finetune_summary.json): val loss before / best, test loss of the kept
    weights, trainable parameters, train time, adapter bytes. ``modules_to_save`` (LoRA only),
    e.g. ``("head",)``: also train full copies of those modules (saved in the adapter).
    """
    cfg = train_config or TrainConfig()
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if isinstance(model, (str, Path)):
        base = load_for_store(model, data)
    elif model is None:
        mc = ModelConfig(**(model_config or ModelConfig()).to_dict())
        mc.stats = load_stats(data).to_dict()
        mc.max_len = max(mc.max_len, cfg.max_len)
        torch.manual_seed(cfg.seed)
        base = TrajectoryModel(mc)
    else:
        base = model
    base = base.to(device)
    net = apply_mode(base, mode, n_last=n_last, lora_r=lora_r, modules_to_save=modules_to_save)
    params = [p for p in net.parameters() if p.requires_grad]
    if not params:
        if max_steps:
            raise ValueError(f"mode {mode!r} leaves nothing to train; use max_steps=0")
    else:
        opt = _adamw([(p, 1.0) for p in params], cfg.weight_decay, cfg.lr)

    def val_loss(split: str = "val") -> float | None:
        net.eval()
        ds = TrajectoryWindows(data, split, WindowConfig(max_len=cfg.max_len, seed=0))
        tot, n = 0.0, 0
        with torch.no_grad():
            for i, b in enumerate(DataLoader(ds, batch_size=cfg.batch_size)):
                if i >= cfg.eval_batches:
                    break
                loss = net({k: v.to(device) for k, v in b.items()}).loss
                if loss is not None and torch.isfinite(loss):
                    tot, n = tot + float(loss), n + 1
        net.train()
        return tot / n if n else None

    limit = None
    if fraction < 1.0:
        full = TrajectoryWindows(
            data, "train", WindowConfig(max_len=cfg.max_len, stride=cfg.stride)
        )
        limit = max(1, int(sum(1 for _ in full) * fraction))

    def batches():
        """Endless shuffled batches; with a fraction, a fixed prefix of the train windows."""
        epoch = 0
        while True:
            if limit is None:  # stream the whole split through a shuffle buffer
                wc = WindowConfig(max_len=cfg.max_len, stride=cfg.stride,
                                  shuffle_buffer=cfg.shuffle_buffer, seed=cfg.seed)  # fmt: skip
                ds = TrajectoryWindows(data, "train", wc, epoch=epoch)
                # drop_last, unless the split has fewer windows than a batch: then the one
                # smaller batch is used (with drop_last alone this loop would never yield)
                n = 0
                for b in DataLoader(ds, batch_size=cfg.batch_size):
                    if len(b["mask"]) == cfg.batch_size or n == 0:
                        n += 1
                        yield {k: v.to(device) for k, v in b.items()}
                if n == 0:
                    raise TrajlmInputError(
                        f"{data}: the train split yields no windows of >= 2 points",
                        hint="check the store with `trajlm data inspect`",
                    )
            else:  # the same first `limit` windows (stream order) every epoch, reshuffled
                wc = WindowConfig(max_len=cfg.max_len, stride=cfg.stride, seed=cfg.seed)
                ds = TrajectoryWindows(data, "train", wc)
                items = [w for _, w in zip(range(limit), ds, strict=False)]
                if not items:
                    raise TrajlmInputError(f"{data}: the train split yields no windows")
                size = min(cfg.batch_size, len(items))  # fewer windows than a batch: one batch
                order = np.random.default_rng([cfg.seed, epoch]).permutation(len(items))
                for a in range(0, len(order) - size + 1, size):
                    chunk = [items[j] for j in order[a : a + size]]
                    yield {k: torch.stack([c[k] for c in chunk]).to(device) for k in chunk[0]}
            epoch += 1

    before = val_loss()
    # Early stopping includes step 0: on very little data fine-tuning can only hurt, and then
    # the starting weights are what is kept.
    best, best_step, log = (before if before is not None else math.inf), 0, []
    best_state = {n: p.detach().clone() for n, p in net.named_parameters() if p.requires_grad}
    run_cfg = TrainConfig(**{**cfg.__dict__, "max_steps": max(1, max_steps)})  # lr schedule
    net.train()
    t0 = time.perf_counter()
    it = batches()
    for step in range(max_steps):
        _set_lr(opt, lr_at(step, run_cfg))
        loss = net(next(it)).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
        opt.step()
        last = step + 1 == max_steps
        if cfg.eval_every and ((step + 1) % cfg.eval_every == 0 or last):
            v = val_loss()
            log.append({"step": step + 1, "loss": loss.item(), "val_loss": v})
            if v is not None and v < best:  # keep the trainable weights of the best step
                best, best_step = v, step + 1
                best_state = {n: p.detach().clone() for n, p in net.named_parameters()
                              if p.requires_grad}  # fmt: skip
    train_s = time.perf_counter() - t0
    if cfg.eval_every:  # restore the best step (early stopping on val)
        net.load_state_dict(best_state, strict=False)
    test_loss = val_loss("test")  # of the kept weights; val chose them
    adapter_bytes = save_adapter(net, out / "adapter") if mode in ("selective", "lora") else 0
    info = count_trainable(net)
    merged = merge_adapter(net)
    merged.save_pretrained(out / "merged")
    summary = {
        "mode": mode,
        "steps": max_steps,
        "val_loss_before": before,
        "val_loss_last": log[-1]["val_loss"] if log else None,
        "best_val_loss": best if math.isfinite(best) else None,
        "best_step": best_step,
        "test_loss": test_loss,
        "train_s": train_s,
        **info,
        "adapter_bytes": adapter_bytes,
        "fraction": fraction,
        "windows_used": limit,
        "log": log,
    }
    (out / "finetune_summary.json").write_text(json.dumps(summary, indent=2))
    return summary


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
) -> tuple[int, list[dict]]:
    """Cross-entropy on window labels; keeps (restores) the epoch with the best val accuracy.

    windows: stacked loader batch (W windows); labels (W,) int; val: (windows, owner, segment
    labels as strings) scored with ``predict(clf, windows, owner) -> (N, K) scores``.
    Returns (best epoch (0 = the last when there is no val), per-epoch history).
    """
    head = {id(p) for p in clf.head.parameters()}
    mult = (head_lr / lr) if head_lr else 1.0
    opt = _adamw([(p, mult if id(p) in head else 1.0) for p in clf.parameters()],
                 weight_decay, lr)  # fmt: skip
    params = [p for p in clf.parameters() if p.requires_grad]
    y = torch.from_numpy(labels)
    W = len(y)
    steps_per_epoch = max(1, W // batch_size)
    sched = TrainConfig(max_steps=max(1, epochs * steps_per_epoch), lr=lr,
                        warmup_steps=min(50, steps_per_epoch))  # fmt: skip
    gen = torch.Generator().manual_seed(seed)
    best_acc, best_epoch, best_state, history, step = -1.0, 0, None, [], 0
    for epoch in range(1, epochs + 1):
        clf.train()
        perm = torch.randperm(W, generator=gen)
        tot = 0.0
        for a in range(0, steps_per_epoch * batch_size, batch_size):
            i = perm[a : a + batch_size]
            b = {k: v[i].to(device) for k, v in windows.items()}
            _set_lr(opt, lr_at(step, sched))
            loss = F.cross_entropy(clf(b), y[i].to(device))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            tot, step = tot + loss.item(), step + 1
        rec = {"epoch": epoch, "train_loss": tot / steps_per_epoch}
        if val is not None and predict is not None:
            vb, vo, vy = val
            pred = np.asarray(classes)[predict(clf, vb, vo).argmax(1)]
            rec["val_acc"] = float(np.mean(pred == vy) * 100.0)
            if rec["val_acc"] > best_acc:
                best_acc, best_epoch = rec["val_acc"], epoch
                best_state = {k: v.detach().clone() for k, v in clf.state_dict().items()}
        history.append(rec)
        if verbose:
            print(rec, flush=True)
    if best_state is not None:
        clf.load_state_dict(best_state)
    return best_epoch, history
