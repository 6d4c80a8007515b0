"""One line where a fine-tune kept its starting weights (newuser38: 2 of 3 seeds of a 300-step
fine-tune of trajlm-small on Ushuaia kept step 0 and nothing said so). ``TrajLM.fit``,
`trajlm train` with ``[train] init_from`` and `trajlm finetune --task predict` say it, each in
its own words for the knobs (leftover39: the CLI said it only inside the summary's table)."""

from __future__ import annotations

# what to try next, as each caller names its knobs
PYTHON_KNOBS = "try more max_steps past the config's warmup or mode='lora'"
TRAIN_KNOBS = "try more --max-steps past the config's warmup or trajlm finetune --mode lora"
FINETUNE_KNOBS = "try more --steps, another --mode or --lora-r"


def kept_start_note(summary: dict, init_from: str | None, knobs: str = PYTHON_KNOBS) -> str | None:
    """The line for a run started from ``init_from`` whose kept weights are step 0's (no later
    validation beat them on val); None for a run from scratch, a run that moved on, or no
    training at all. ``summary``: the Trainer's (``best_weights``) or finetune_next_point's
    (``kept``)."""
    if init_from is None or summary.get("best_step") != 0 or not summary.get("steps"):
        return None
    kept = summary.get("best_weights") or summary.get("kept") or "step 0"
    return (f"the fine-tune kept its starting weights, {str(init_from)!r} unchanged ({kept}): "
            "no later step beat them on val, so this model predicts as the pretrained one (on "
            f"your store's scale); {knobs}, and see the val verdict's engine, which answers "
            "predict")  # fmt: skip
