"""Quality ablations with a paired significance test: variant vs base, 3 seeds, short trainings.

Each variant is a [model] override on a small base config; every (variant, seed) is trained
with `trajlm train` (same data, steps and seed as the base) and scored on the store's test
windows (20-point history -> 5 steps, ADE in metres). Reported per variant:
    effect   mean over seeds of ADE(variant) - ADE(base), with a 95 % t interval (df = seeds-1)
    p_seeds  paired t-test over the seeds
    p_wins   paired t-test over windows (per-window ADE averaged over the seeds)
    speed    train tokens/s and 20 -> 5 rollout trajectories/s (B=256, 1 thread) vs the base
int8 rows quantize each seed's base model (no training) and use the same tests; a variant
with the step-cell head (region_head_cell_m) gets a second row "<name>_mean" of the same
weights decoded as the expected step instead of the most likely cell.
A variant may carry [train] overrides under the key "train" (e.g. the optimizer).

    .venv/bin/python bench/ablate.py --data STORE --steps 300 --seeds 0 1 2

Prints the rows; `--out bench/results/ablations.json` writes the JSON docs/ablations.md quotes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from _results import add_out, write_result
from inference import eval_windows, split
from scipy import stats as sps

from trajlm.model import TrajectoryModel
from trajlm.model.quantize import quantize_int8

BASE = {"d_model": 64, "n_layers": 3, "n_heads": 4, "max_len": 64, "pos_type": "rope",
        "head": "gaussian"}  # fmt: skip
TRAIN = {"batch_size": 32, "max_len": 48, "stride": 24, "lr": 2e-3, "warmup_steps": 50,
         "eval_every": 100, "save_every": 1000, "cpu_threads": 1}  # fmt: skip
VARIANTS = {
    "dense": {},
    "moe4_top1": {"moe_experts": 4, "moe_top_k": 1},  # same active parameters as dense
    "moe4_top2": {"moe_experts": 4, "moe_top_k": 2},
    "patch4": {"patch_size": 4},  # 4 points per token: 4x fewer tokens
    "attn_temp": {"attn_temperature": True},  # predicted per-head temperature
    # issue 18, second batch (docs/ablations.md sections 6-10); "train" = [train] overrides
    "region_add": {"region_cell_m": 100.0},  # + hashed 100 m cell embedding
    "region_head": {"region_cell_m": 100.0, "region_head_cell_m": 25.0, "region_head_radius": 8},
    "region_replace_head": {
        "region_cell_m": 100.0,
        "region_replace": True,
        "region_head_cell_m": 25.0,
        "region_head_radius": 8,
    },
    "cellhead": {"region_head_cell_m": 25.0, "region_head_radius": 8},  # output only
    "patch4_out8": {"patch_size": 4, "patch_out": 8},  # one token predicts 8 points
    "moe4_top1_prob": {"moe_experts": 4, "moe_top_k": 1, "moe_gate_prob": True},
    "moe4_top1_motion": {
        "moe_experts": 4,
        "moe_top_k": 1,
        "moe_gate_prob": True,
        "moe_router": "motion",
    },
    "rope_time": {"pos_type": "rope_time"},
    "rope_adaptive": {"pos_type": "rope_adaptive", "rope_adaptive_mix": 0.5},
    "guided_opt": {"train": {"optimizer": "guided"}},
}


def toml(model: dict, train: dict) -> str:
    def val(v):
        return (
            json.dumps(v)
            if isinstance(v, str)
            else repr(v).lower()
            if isinstance(v, bool)
            else repr(v)
        )

    lines = ["[model]", *(f"{k} = {val(v)}" for k, v in model.items()), "", "[train]"]
    return "\n".join(lines + [f"{k} = {val(v)}" for k, v in train.items()]) + "\n"


def train(store: str, run: Path, model: dict, steps: int, seed: int) -> dict:
    """Train one (variant, seed) unless done; the summary gains the process's peak RSS."""
    model = dict(model)
    train_cfg = TRAIN | model.pop("train", {})
    rss_file = run.parent / f"{run.name}.rss_mb"
    if not (run / "train_summary.json").exists():
        run.parent.mkdir(parents=True, exist_ok=True)
        cfg = run.parent / f"{run.name}.toml"
        cfg.write_text(toml(BASE | model, train_cfg))
        cmd = [sys.executable, "-m", "trajlm.cli", "train", "--data", store, "--out", str(run),
               "--config", str(cfg), "--max-steps", str(steps), "--seed", str(seed),
               "--threads", "1", "--overwrite"]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS (KiB on Linux)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, cmd)
        rss_file.write_text(f"{usage.ru_maxrss / 1024:.1f}\n")
    summary = json.loads((run / "train_summary.json").read_text())
    if rss_file.exists():
        summary["peak_rss_mb"] = float(rss_file.read_text())
    return summary


def window_ade(model, hist: dict, truth: torch.Tensor) -> np.ndarray:
    pred = model.generate(hist, truth.shape[1])["pos"]
    return (pred.double() - truth.double()).norm(dim=-1).mean(1).numpy()  # (N,)


def compare(base: np.ndarray, var: np.ndarray) -> dict:
    """base, var (seeds, N) per-window ADE -> effect, CI, p-values."""
    d_seed = var.mean(1) - base.mean(1)  # (seeds,)
    n = len(d_seed)
    se = d_seed.std(ddof=1) / math.sqrt(n) if n > 1 else float("nan")
    half = sps.t.ppf(0.975, n - 1) * se if n > 1 else float("nan")
    p_seeds = sps.ttest_rel(var.mean(1), base.mean(1)).pvalue if n > 1 else float("nan")
    p_wins = sps.ttest_rel(var.mean(0), base.mean(0)).pvalue
    return {"base_ade_m": float(base.mean()), "ade_m": float(var.mean()),
            "effect_m": float(d_seed.mean()), "ci95_m": float(half),
            "effect_rel": float(d_seed.mean() / base.mean()), "p_seeds": float(p_seeds),
            "p_windows": float(p_wins), "per_seed_effect_m": d_seed.tolist()}  # fmt: skip


def inference_speed(runs: dict[str, Path], hist: dict, B: int = 256, repeats: int = 7) -> dict:
    """Median trajectories/s of a 20 -> 5 rollout of B rows per variant (first seed's model),
    timed in interleaved repeats so that load from other jobs hits every variant alike."""
    import statistics
    import time

    models = {n: TrajectoryModel.from_pretrained(r, weights="last").eval() for n, r in runs.items()}
    h = {k: v[:B] for k, v in hist.items()}
    times: dict[str, list[float]] = {n: [] for n in models}
    for m in models.values():
        m.generate(h, 5)  # warm-up
    for _ in range(repeats):
        for n, m in models.items():
            t = time.perf_counter()
            m.generate(h, 5)
            times[n].append(time.perf_counter() - t)
    return {n: h["pos"].shape[0] / statistics.median(ts) for n, ts in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", default="runs/ablate")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS))
    ap.add_argument("--eval", type=int, default=1024)
    add_out(ap, "ablations.json")
    ap.add_argument(
        "--pairs",
        nargs="*",
        default=[],
        metavar="VARIANT:BASELINE",
        help="extra paired comparisons between variants, e.g. moe_b:moe_a",
    )
    args = ap.parse_args()
    torch.set_num_threads(1)
    hist, truth = split(eval_windows(args.data, args.eval, 20, 5), 20)
    ades: dict[str, list[np.ndarray]] = {}
    speed: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}
    n_params: dict[str, int] = {}
    for name in ["dense", *[v for v in args.variants if v != "dense"]]:
        for seed in args.seeds:
            run = Path(args.runs) / f"{name}_s{seed}"
            summary = train(args.data, run, VARIANTS[name], args.steps, seed)
            model = TrajectoryModel.from_pretrained(run, weights="last").eval()
            ades.setdefault(name, []).append(window_ade(model, hist, truth))
            speed.setdefault(name, []).append(summary["tokens_per_s"])
            rss.setdefault(name, []).append(summary.get("peak_rss_mb", float("nan")))
            n_params[name] = int(summary["n_params"])
            if name == "dense":
                ades.setdefault("int8", []).append(window_ade(quantize_int8(model), hist, truth))
            if model.region_head is not None:  # the same weights, decoded as expected step
                model.region_head.decode_mode = "mean"
                ades.setdefault(f"{name}_mean", []).append(window_ade(model, hist, truth))
            print(f"{name} seed {seed}: ADE {ades[name][-1].mean():.2f} m", flush=True)
    speed_inf = inference_speed({n: Path(args.runs) / f"{n}_s{args.seeds[0]}" for n in speed}, hist)
    base = np.stack(ades["dense"])
    rows = {}
    for name, a in ades.items():
        if name == "dense":
            continue
        rows[name] = compare(base, np.stack(a))
        if name in speed:
            rows[name]["train_speed_vs_dense"] = float(
                np.median(speed[name]) / np.median(speed["dense"])
            )
            rows[name]["inference_speed_vs_dense"] = speed_inf[name] / speed_inf["dense"]
            rows[name]["inference_traj_per_s"] = speed_inf[name]
            rows[name]["n_params"] = n_params[name]
            rows[name]["train_peak_rss_mb"] = float(np.median(rss[name]))
    dense_info = {"ade_m": float(base.mean()), "n_params": n_params["dense"],
                  "train_peak_rss_mb": float(np.median(rss["dense"])),
                  "inference_traj_per_s": speed_inf["dense"],
                  "per_seed_ade_m": base.mean(1).tolist()}  # fmt: skip
    pairs = {}
    for pair in args.pairs:  # variant vs another variant, same seeds and windows
        var, ref = pair.split(":")
        pairs[pair] = compare(np.stack(ades[ref]), np.stack(ades[var]))
    res = {"bench": "ablations", "steps": args.steps, "seeds": args.seeds, "base": BASE,
           "train": TRAIN, "eval_windows": int(truth.shape[0]), "variants": VARIANTS,
           "dense": dense_info, "rows": rows, "pairs": pairs}  # fmt: skip
    write_result(res, args.out, "ablations.json")
    for name, r in rows.items():
        print(f"{name:<12} ADE {r['ade_m']:.2f} vs {r['base_ade_m']:.2f} m: "
              f"{r['effect_m']:+.2f} ± {r['ci95_m']:.2f} m ({100 * r['effect_rel']:+.2f} %), "
              f"p_seeds {r['p_seeds']:.3g}, p_windows {r['p_windows']:.3g}")  # fmt: skip
    for pair, r in pairs.items():
        print(f"{pair}: {r['effect_m']:+.2f} ± {r['ci95_m']:.2f} m "
              f"({100 * r['effect_rel']:+.2f} %), p_seeds {r['p_seeds']:.3g}, "
              f"p_windows {r['p_windows']:.3g}")  # fmt: skip


if __name__ == "__main__":
    main()
