"""Rollout speed and longer-horizon error of trained ablation runs (docs/ablations.md, the
output-patch table): for each variant, trajectories/s and points/s of a 20 -> k rollout at
B rows on 1 thread (interleaved repeats, medians), forward passes per rollout, and the k-step
ADE over the store's test windows for every seed's run, with the paired test against the
first variant.

    .venv/bin/python bench/rollout_speed.py --data STORE --runs runs/ablate2 \\
        --variants dense patch4 patch4_out8 --seeds 0 1 2 --steps 5 20

Prints the result; `--out bench/results/rollout_speed.json` writes it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from _results import add_out, write_result
from ablate import compare, window_ade
from inference import eval_windows, split

from trajlm.model import TrajectoryModel


def count_passes(model, hist: dict, steps: int) -> int:
    """Passes through the network per rollout (calls of the first block)."""
    calls: list[int] = []
    hook = model.blocks[0].register_forward_hook(lambda *a: calls.append(1))
    model.generate(hist, steps)
    hook.remove()
    return len(calls)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", default="runs/ablate2")
    ap.add_argument("--variants", nargs="+", default=["dense", "patch4", "patch4_out8"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--steps", type=int, nargs="+", default=[5, 20])
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--eval", type=int, default=1024)
    add_out(ap, "rollout_speed.json")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    runs = Path(args.runs)
    load = lambda v, s: TrajectoryModel.from_pretrained(runs / f"{v}_s{s}", weights="last").eval()  # noqa: E731
    res: dict = {"bench": "rollout_speed", "batch": args.batch, "variants": args.variants,
                 "seeds": args.seeds, "rows": {}}  # fmt: skip
    for k in args.steps:
        hist, truth = split(eval_windows(args.data, args.eval, 20, k), 20)
        ades = {v: np.stack([window_ade(load(v, s), hist, truth) for s in args.seeds])
                for v in args.variants}  # fmt: skip
        models = {v: load(v, args.seeds[0]) for v in args.variants}
        h = {key: x[: args.batch] for key, x in hist.items()}
        times: dict[str, list[float]] = {v: [] for v in models}
        for m in models.values():
            m.generate(h, k)  # warm-up
        for _ in range(args.repeats):
            for v, m in models.items():
                t = time.perf_counter()
                m.generate(h, k)
                times[v].append(time.perf_counter() - t)
        base = args.variants[0]
        for v in args.variants:
            traj_s = h["pos"].shape[0] / statistics.median(times[v])
            row = {"steps": k, "windows": int(truth.shape[0]), "traj_per_s": traj_s,
                   "points_per_s": traj_s * k, "ade_m": float(ades[v].mean()),
                   "per_seed_ade_m": ades[v].mean(1).tolist(),
                   "passes": count_passes(models[v], {key: x[:2] for key, x in h.items()}, k)}  # fmt: skip
            if v != base:
                row |= compare(ades[base], ades[v])
                row["speed_vs_base"] = traj_s / res["rows"][f"{base}@{k}"]["traj_per_s"]
            res["rows"][f"{v}@{k}"] = row
            print(f"{k:>3} steps {v:<14} ADE {row['ade_m']:8.2f} m  {traj_s:9.1f} traj/s  "
                  f"{row['passes']} passes", flush=True)  # fmt: skip
    write_result(res, args.out, "rollout_speed.json")
    return res


if __name__ == "__main__":
    main()
