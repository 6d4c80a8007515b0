"""Speculative rollouts vs plain KV-cache rollouts: speed-up and error change, one run.

A small draft model (e.g. 1 layer, d=32) proposes k points per round; the main model checks
them in one pass and keeps those within c sigma of its own prediction (trajlm.model.speculative).
Timed on single trajectories (B=1: latency, where per-step overhead dominates) and on a batch
(B=256: throughput, where the main model's matmuls dominate), interleaved repeats, medians,
one thread. Errors (ADE/FDE, metres) over the store's test windows.

    .venv/bin/python bench/speculative.py --model MAIN_RUN --draft DRAFT_RUN --data STORE

Prints the result; `--out bench/results/speculative.json` writes it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import torch
from _results import add_out, write_result
from inference import errors, eval_windows, split
from scipy import stats as sps

from trajlm.model import TrajectoryModel
from trajlm.model.speculative import speculative_generate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--draft", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--history", type=int, default=20)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--k", type=int, nargs="+", default=[4])
    ap.add_argument("--c", type=float, nargs="+", default=[0.25, 0.5, 1.0, 2.0])
    ap.add_argument("--singles", type=int, default=32, help="B=1 rollouts per timing")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--eval", type=int, default=2048)
    add_out(ap, "speculative.json")
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = TrajectoryModel.from_pretrained(args.model).eval()
    draft = TrajectoryModel.from_pretrained(args.draft).eval()
    H, K = args.history, args.steps
    hist_all, truth = split(eval_windows(args.data, args.eval, H, K), H)
    N = truth.shape[0]

    def take(lo: int, hi: int) -> dict:
        return {k: v[lo:hi] for k, v in hist_all.items()}

    variants = {"plain": lambda b: model.generate(b, K)}
    for k in args.k:
        for c in args.c:
            variants[f"spec k={k} c={c}"] = lambda b, k=k, c=c: speculative_generate(
                model, draft, b, K, k=k, c=c
            )
    singles = [take(i, i + 1) for i in range(min(args.singles, N))]
    big = take(0, min(args.batch, N))
    for fn in variants.values():  # warm-up
        fn(singles[0]), fn(big)
    times = {(v, s): [] for v in variants for s in ("B=1", "batch")}
    for _ in range(args.repeats):
        for name, fn in variants.items():
            t = time.perf_counter()
            for b in singles:
                fn(b)
            times[(name, "B=1")].append((time.perf_counter() - t) / len(singles))
            t = time.perf_counter()
            fn(big)
            times[(name, "batch")].append((time.perf_counter() - t) / big["pos"].shape[0])

    rows, base_win = [], None
    for name, fn in variants.items():
        out = fn(hist_all)
        q = errors(out["pos"], truth)
        win = (out["pos"].double() - truth.double()).norm(dim=-1).mean(1).numpy()  # (N,) ADE
        base_win = win if base_win is None else base_win
        d = win - base_win  # paired per-window ADE change vs plain
        ci = sps.t.ppf(0.975, N - 1) * d.std(ddof=1) / np.sqrt(N)
        p = sps.ttest_rel(win, base_win).pvalue if d.any() else 1.0
        acc = out["accepted"].float().mean().item() / K if "accepted" in out else None
        row = {"variant": name, **q, "accepted_fraction": acc, "ade_diff_m": float(d.mean()),
               "ade_diff_ci95_m": float(ci), "p_windows": float(p)}  # fmt: skip
        for s in ("B=1", "batch"):
            row[f"ms_per_traj_{s}"] = 1e3 * statistics.median(times[(name, s)])
        rows.append(row)
    base = rows[0]
    for r in rows:
        r["ade_change"] = r["ade_m"] / base["ade_m"] - 1
        for s in ("B=1", "batch"):
            r[f"speedup_{s}"] = base[f"ms_per_traj_{s}"] / r[f"ms_per_traj_{s}"]
    res = {"bench": "speculative", "history": H, "steps": K, "eval_windows": N,
           "batch": big["pos"].shape[0], "singles": len(singles), "threads": 1,
           "load_1min": os.getloadavg()[0], "model": args.model, "draft": args.draft,
           "main_params": model.num_params(), "draft_params": draft.num_params(),
           "rows": rows}  # fmt: skip
    write_result(res, args.out, "speculative.json")
    print(f"{H}-point histories -> {K} steps, main {res['main_params']:,} / draft "
          f"{res['draft_params']:,} params, 1 thread, load {res['load_1min']:.1f}")  # fmt: skip
    print(f"{'variant':<18}{'ms B=1':>8}{'x':>6}{'ms/traj B':>10}{'x':>6}{'ADE m':>8}"
          f"{'change':>8}{'kept':>6}{'p':>9}")  # fmt: skip
    for r in rows:
        kept = f"{r['accepted_fraction']:6.2f}" if r["accepted_fraction"] is not None else ""
        print(f"{r['variant']:<18}{r['ms_per_traj_B=1']:8.2f}{r['speedup_B=1']:6.2f}"
              f"{r['ms_per_traj_batch']:10.3f}{r['speedup_batch']:6.2f}{r['ade_m']:8.2f}"
              f"{100 * r['ade_change']:+7.2f}%{kept:>6}{r['p_windows']:9.2g}")  # fmt: skip


if __name__ == "__main__":
    main()
