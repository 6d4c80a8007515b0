"""Preference alignment on the model's own samples: valid continuations are chosen, invalid
ones rejected (trajlm/reason/validity.py), and the model is fine-tuned with DPO through the one
training engine (``PreferencePairs`` in trajlm/train/preference.py).

    pairs = build_pairs(model, task, modes, n_samples=8, generator=g)   # before training
    summary = align(model, pairs, max_steps=200, lr=1e-4, beta=0.1)     # in place

The reference model is a frozen copy of the starting weights; its log-likelihoods of every
pair are computed once here (it never changes while the policy trains).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch

from trajlm.data.features import NormStats
from trajlm.reason.regenerate import ContinuationChecker, task_batches
from trajlm.reason.validity import OK
from trajlm.train.preference import PreferencePairs, continuation_logp, join


@torch.no_grad()
def build_pairs(
    model: Any,
    task: Any,
    modes,
    steps: int = 5,
    n_samples: int = 8,
    checker: ContinuationChecker | None = None,
    generator: torch.Generator | None = None,
    batch_size: int = 128,
) -> dict:
    """Draw `n_samples` continuations of every history of a PredictionTask; a history with at
    least one valid and one invalid draw gives one pair (its first valid, its first invalid).
    Returns the ``PreferencePairs`` tensors (ref_logp from a frozen copy of `model`)."""
    proj = NormStats.from_dict(model.config.stats).projection
    checker = checker or ContinuationChecker(proj)
    modes = np.broadcast_to(np.asarray(modes, dtype=object), (len(task.lengths),))
    reference = copy.deepcopy(model).eval().requires_grad_(False)
    L = int(task.lengths.max()) + steps
    parts: dict[str, list] = {k: [] for k in ("pos", "t", "t0", "mask", "cont", "ref_logp")}
    for sl, batch in task_batches(task, proj, batch_size):
        B = batch["mask"].shape[0]
        rep = {k: v.repeat_interleave(n_samples, 0) for k, v in batch.items()}  # (B * S, ...)
        out = model.generate(rep, steps, sample=True, generator=generator)
        ok = (checker(rep, out["pos"], out["t"], np.repeat(modes[sl], n_samples)) == OK).all(1)
        ok = torch.as_tensor(ok).view(B, n_samples)
        has = ok.any(1) & (~ok).any(1)  # (B,)
        if not bool(has.any()):
            continue
        chosen = ok.float().argmax(1)  # first valid draw
        rejected = (~ok).float().argmax(1)  # first invalid draw
        rows = torch.nonzero(has).flatten()
        hist = {k: v[rows] for k, v in batch.items()}
        pick = []
        for which in (chosen, rejected):
            src = rows * n_samples + which[rows]
            j, cont = join(hist, out["pos"][src], out["t"][src])
            pad = L - j["mask"].shape[1]  # every batch to the same length L
            j = {"pos": torch.nn.functional.pad(j["pos"], (0, 0, 0, pad)),
                 "t": torch.nn.functional.pad(j["t"], (0, pad)), "t0": j["t0"],
                 "mask": torch.nn.functional.pad(j["mask"], (0, pad))}  # fmt: skip
            cont = torch.nn.functional.pad(cont, (0, pad))
            pick.append((j, cont, continuation_logp(reference, j, cont)))
        (jc, cc, rc), (jr, cr, rr) = pick
        parts["pos"].append(torch.stack([jc["pos"], jr["pos"]], 1))
        parts["t"].append(torch.stack([jc["t"], jr["t"]], 1))
        parts["t0"].append(jc["t0"])
        parts["mask"].append(torch.stack([jc["mask"], jr["mask"]], 1))
        parts["cont"].append(torch.stack([cc, cr], 1))
        parts["ref_logp"].append(torch.stack([rc, rr], 1))
    if not parts["t0"]:
        return {k: torch.zeros(0) for k in parts}
    return {k: torch.cat(v) for k, v in parts.items()}


def align(
    model: Any,
    pairs: dict,
    max_steps: int = 200,
    lr: float = 1e-4,
    beta: float = 0.1,
    sft_weight: float = 0.0,
    batch_size: int = 32,
    seed: int = 0,
    progress: bool = False,
) -> dict:
    """DPO fine-tune of `model` (in place, every parameter) on `pairs`; returns the Trainer's
    summary. No run directory and no selection on val: the last weights are kept."""
    from trajlm.train.config import TrainConfig
    from trajlm.train.trainer import Trainer

    objective = PreferencePairs(pairs, batch_size, beta, sft_weight, seed)
    cfg = TrainConfig(max_steps=max_steps, lr=lr, warmup_steps=min(20, max_steps // 10),
                      eval_every=0, seed=seed, cpu_threads=1, progress=progress,
                      batch_size=batch_size, weight_decay=0.0, log_every=max(1, max_steps // 10),
                      save_every=max_steps)  # fmt: skip
    trainer = Trainer(None, None, train_config=cfg, model=model, objective=objective, mode="full")
    summary = trainer.fit()
    model.eval()
    return summary
