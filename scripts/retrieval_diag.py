"""Issue 15 lever 2 (docs/retrieval.md): what a retrieval-base model does to its base.

    python scripts/retrieval_diag.py --data STORE --run RUN [--run RUN ...] [--split val]

For each run (a `residual_base = "retrieval"` model): the 5-step errors per step (mean and
median, haversine m) of the trained model, of the same model with its correction and gate
zeroed (= its base: kNN continuation in "anchored" mode, iterated 1-step retrieval in
"requery" mode) and of the trained model and its base rolled out in the other mode; and the per-trajectory
ADE difference model - base (mean, median, share of trips better, the trips that move it
most). ``--base-quality``: per split, the retrieval's 1-step error (the leave-own-trajectory-out
answer on train, as training sees it) beside constant velocity's, and the median distance to
the neighbours (up to 3,000 points per split). Markdown -> stdout.
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


def base_quality(store: Path, config, n_points: int = 3000) -> None:
    """The retrieval base's 1-step error and neighbour distance per split (see the docstring)."""
    import json

    from trajlm.data.features import LocalProjection, add_local_xy
    from trajlm.data.retrieval import traj_keys
    from trajlm.model.retrieval import build_index

    index = build_index(store, config)
    stats = json.loads((store / "stats.json").read_text())
    proj = LocalProjection(float(stats["lat0"]), float(stats["lon0"]))
    h = index.history
    print("| split | points | retrieval 1-step (m) | constant velocity 1-step (m) | "
          "median neighbour distance (m) |\n|---|---|---|---|---|")  # fmt: skip
    for split in ("train", "val", "test"):
        f = add_local_xy(read_store(store, split=split).sort(["traj_id", "t"]), proj)
        xy = np.stack([f["x_m"].to_numpy(), f["y_m"].to_numpy()], 1)
        keys = traj_keys(f["traj_id"].to_numpy())
        n = len(keys)
        new = np.r_[True, keys[1:] != keys[:-1]]
        first = np.maximum.accumulate(np.where(new, np.arange(n), 0))
        last = np.append(np.flatnonzero(new)[1:], n) - 1
        last = np.repeat(last, np.diff(np.append(np.flatnonzero(new), n)))
        ends = np.flatnonzero((np.arange(n) - first >= h - 1) & (np.arange(n) < last))
        rng = np.random.default_rng(0)
        ends = np.sort(rng.choice(ends, min(n_points, len(ends)), replace=False))
        hist = xy[ends[:, None] - h + 1 + np.arange(h)]
        got = index.query(hist, np.full(len(ends), h), k=1, exclude=keys[ends])
        true = xy[ends + 1] - xy[ends]
        ret = np.linalg.norm(got.continuation[:, 0] - true, axis=1)
        cv = np.linalg.norm((xy[ends] - xy[ends - 1]) - true, axis=1)
        print(
            f"| {split} | {len(ends)} | {ret.mean():.1f} | {cv.mean():.1f} | "
            f"{np.median(got.distance):.1f} |"
        )
    print()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--run", type=Path, action="append", default=[])
    ap.add_argument("--base-quality", action="store_true", help="the base per split (above)")
    ap.add_argument("--split", choices=("val", "test"), default="val")
    args = ap.parse_args(argv)
    apply_threads(1, None)
    task = make_prediction_task(read_store(args.data, split=args.split))
    print(f"{args.data} ({args.split}, {len(task.lengths)} trajectories)\n")
    if args.base_quality and args.run:
        base_quality(args.data, TrajectoryModel.from_pretrained(args.run[0]).config)
    print("| run | rollout | MAE (m) | per step mean (m) | per step median (m) |")
    print("|---|---|---|---|---|")
    for run in args.run:
        model = TrajectoryModel.from_pretrained(run).eval()
        mode = model.config.retrieval_mode
        other = copy.deepcopy(model)
        other.config.retrieval_mode = "requery" if mode == "anchored" else "anchored"
        errs = {}
        om = other.config.retrieval_mode
        for label, m in ((f"trained ({mode})", model), (f"base ({mode})", as_base(model)),
                         (f"trained ({om})", other), (f"base ({om})", as_base(other))):  # fmt: skip
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
