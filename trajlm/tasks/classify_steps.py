"""How many optimizer steps a classifier fine-tune takes, and a word when they are few
(session 21, classify21). A labelled data set of 70 trajectories (MAT animals) at the default
batch of 32 gave 2 steps an epoch (``len // batch``, the partial batch dropped): 4 epochs
trained 4 steps, without a word in Python (the CLI alone warned)."""

from __future__ import annotations

import warnings

FEW_STEPS = 100  # fewer optimizer steps than this and a fine-tune is said to be short
AUTO_STEPS_PER_EPOCH = 8  # batch_size="auto": at least this many steps an epoch


def fit_batch_size(batch_size: int | str, n_items: int) -> int:
    """The batch size used for ``n_items`` training windows: ``batch_size`` as given, or with
    ``"auto"`` 32 shrunk (to 4 at least) so that an epoch has about 8 steps on small sets."""
    if batch_size == "auto":
        return max(1, min(32, max(4, n_items // AUTO_STEPS_PER_EPOCH), n_items))
    return int(batch_size)


def warn_few_steps(
    steps: int, epochs: int, n_items: int, batch_size: int, auto: bool = False
) -> None:
    """One line when a fine-tune took fewer than FEW_STEPS optimizer steps (``auto``: the
    batch was already chosen by batch_size="auto", so only more epochs are suggested)."""
    if steps >= FEW_STEPS:
        return
    smaller = "" if auto or batch_size <= 8 else ", or batch_size='auto' on a small set"
    warnings.warn(
        f"ModelClassifier.fit trained {steps} optimizer steps ({epochs} epochs of "
        f"{n_items} windows in batches of {batch_size}): it may have barely trained; more "
        f"epochs (CLI --epochs) for >= {FEW_STEPS} steps{smaller}",
        stacklevel=3,
    )
