"""Issue 15 lever 2 (docs/retrieval.md): what a retrieval-base model does to its base.

    python scripts/retrieval_diag.py --data STORE --run RUN [--run RUN ...] [--split val]

For each run (a `residual_base = "retrieval"` model): the 5-step errors per step (mean and
median, haversine m) of the trained model, of the same model with its correction and gate
zeroed (= its base: kNN continuation in "anchored" mode, iterated 1-step retrieval in
"requery" mode) and of the trained model rolled out in the other mode; and the per-trajectory
ADE difference model - base (mean, median, share of trips better, the trips that move it
most). Markdown -> stdout.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

import numpy as np

from trajlm._threads import apply_threads
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval.metrics import point_errors
from trajlm.model.rollout import ModelPredictor
from trajlm.model.transformer import TrajectoryModel


def as_base(model: TrajectoryModel) -> TrajectoryModel:
    """The model with its correction and gate zeroed: exactly its residual base."""
    base = copy.deepcopy(model)
    for p in (*base.head.mean.parameters(), *base.base_gate.parameters()):
        p.data.zero_()
    return base


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--run", type=Path, action="append", required=True)
    ap.add_argument("--split", choices=("val", "test"), default="val")
    args = ap.parse_args(argv)
    apply_threads(1, None)
    task = make_prediction_task(read_store(args.data, split=args.split))
    print(f"{args.data} ({args.split}, {len(task.lengths)} trajectories)\n")
    print("| run | rollout | MAE (m) | per step mean (m) | per step median (m) |")
    print("|---|---|---|---|---|")
    for run in args.run:
        model = TrajectoryModel.from_pretrained(run).eval()
        mode = model.config.retrieval_mode
        other = copy.deepcopy(model)
        other.config.retrieval_mode = "requery" if mode == "anchored" else "anchored"
        errs = {}
        for label, m in ((f"trained ({mode})", model), (f"base ({mode})", as_base(model)),
                         (f"trained ({other.config.retrieval_mode})", other)):  # fmt: skip
            e = point_errors(ModelPredictor(m).predict_next(task), task.target_latlon)
            errs[label] = e.mean(1)
            print(f"| {run} | {label} | {e.mean():.1f} | {' / '.join(f'{v:.0f}' for v in e.mean(0))}"
                  f" | {' / '.join(f'{v:.0f}' for v in np.median(e, 0))} |")  # fmt: skip
        d = errs[f"trained ({mode})"] - errs[f"base ({mode})"]
        top = np.argsort(-np.abs(d))[:3]
        print(f"\n{run}: ADE model - base per trip: mean {d.mean():+.1f}, median "
              f"{np.median(d):+.1f}, trips better {100 * (d < 0).mean():.0f} %, largest "
              f"{', '.join(f'{v:+.0f}' for v in d[top])} (without those 3: "
              f"{(d.sum() - d[top].sum()) / len(d):+.1f})\n")  # fmt: skip


if __name__ == "__main__":
    main()
