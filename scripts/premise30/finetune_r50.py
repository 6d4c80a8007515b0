"""premise30 recipe (a): session 20's recovery fine-tune on the mask the task asks for.

Session 20's recipe (300 steps of ``finetune_task``, lr 5e-4, the ``points`` objective alone)
draws a hidden ratio in U(0.15, 0.85) and down-samples half of the batches instead; here every
batch hides round(RATIO * interior) random interior points of each window (RATIO = 0.5: the
mask distribution of PROTOCOL's random 50 % recovery), nothing else changes. Both arms of the
premise test use it (docs/pretraining.md "Session 30 (premise30)").

    python scripts/premise30/finetune_r50.py STORE INIT OUT --seed 0 --refit adapt|keep
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from trajlm.finetune.masked import finetune_task  # noqa: E402
from trajlm.train.objectives import ObjectiveMix  # noqa: E402


def fixed_ratio_mix(ratio: float) -> dict:
    """The recovery fine-tune's mix with every batch a random-points mask of one ratio."""
    return ObjectiveMix.for_task("recover").to_dict() | {
        "mask_ratio_min": ratio, "mask_ratio_max": ratio, "downsample_prob": 0.0}  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    ap.add_argument("init")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--ratio", type=float, default=0.5)
    ap.add_argument("--refit", default="keep", help="TrainConfig.refit_scales")
    args = ap.parse_args(argv)
    return finetune_task(args.init, args.store, args.out, "recover", max_steps=args.steps,
                         lr=args.lr, seed=args.seed, overwrite=True, refit_scales=args.refit,
                         objectives=fixed_ratio_mix(args.ratio))  # fmt: skip


if __name__ == "__main__":
    main()
