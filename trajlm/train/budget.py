"""How many steps a run trains when its user named none (session 20, steps20).

``trajlm train`` without max_steps (no ``--max-steps``, no ``[train] max_steps``) trained 1,000
steps whatever the data: 12 Liverpool trips (2 batches an epoch) got ~500 epochs, 15 trackintel
trips ~900, while nothing on the held-out sets' val curves improved past ~100 epochs (pmm: best
step 800 = 90 epochs; docs/results.md "Session 20 (steps20)"). The rule: an epoch budget with a
floor and a cap, ``clamp(EPOCHS x batches per epoch, FLOOR_STEPS, CAP_STEPS)``; the cap is the old
default, so no data set trains longer than before, and a run with an explicit max_steps is
untouched. The count of train windows stops once the cap is reached (a large store costs
little to count).
"""

from __future__ import annotations

import math
from pathlib import Path

from trajlm.train.config import TrainConfig

EPOCHS = 100  # passes over the train windows (none of the held-out val curves gained past ~90)
FLOOR_STEPS = 400  # past warmup and two val passes (eval_every 200): a tiny store still learns
CAP_STEPS = 1000  # the old fixed default: a large store trains what it trained before


def count_train_windows(store: str | Path, cfg: TrainConfig, limit: int | None = None) -> int:
    """Train windows the loader yields for ``cfg`` (max_len, stride; every window of >= 2
    points), counting stops at ``limit``. Raises for a corpus or a store without a train split."""
    from trajlm.data.loader import TrajectoryWindows, WindowConfig

    windows = TrajectoryWindows(
        store, "train", WindowConfig(max_len=cfg.max_len, stride=cfg.stride)
    )
    n = 0
    for _ in windows:
        n += 1
        if limit is not None and n >= limit:
            break
    return n


def auto_max_steps(store: str | Path, cfg: TrainConfig) -> tuple[int, str]:
    """(max_steps, why) for a run whose user gave no max_steps: EPOCHS passes over the store's
    train windows in batches of batch_size x grad_accum_steps, between FLOOR_STEPS and
    CAP_STEPS. ``why`` says it in words the run summary prints, with how to override it."""
    per_step = cfg.batch_size * cfg.grad_accum_steps
    enough = math.ceil(CAP_STEPS * per_step / EPOCHS)  # at least this many: the cap decides
    override = "set --max-steps to choose"
    try:
        n = count_train_windows(store, cfg, limit=enough)
    except Exception:  # a corpus, or a store the loader reads otherwise: the old default
        return CAP_STEPS, f"{CAP_STEPS:,} steps: the cap (train windows not counted); {override}"
    if n >= enough:
        why = f"the cap ({EPOCHS} epochs of the >= {n:,} train windows counted would be more)"
        return CAP_STEPS, f"{CAP_STEPS:,} steps: {why}; {override}"
    batches = math.ceil(n / per_step)
    steps = min(max(EPOCHS * batches, FLOOR_STEPS), CAP_STEPS)
    why = f"{EPOCHS} epochs of {batches} batches ({n:,} train windows)"
    if steps == FLOOR_STEPS and EPOCHS * batches < FLOOR_STEPS:
        why = f"the floor: {EPOCHS} epochs of {n:,} train windows ({batches} batches) is fewer"
    return steps, f"{steps:,} steps: {why}; {override}"
