"""KV-cache benchmark: cached rollout vs recomputing the full forward every step, one run.

Setup (defaults): batch 64, history 16 points, 256 generated steps, d_model=128, 4 layers,
4 heads, rope positions, Gaussian head, random init (the speed does not depend on training).
Reports both times, the speed-up and the largest difference between the two rollouts
(float32 targets: speed-up >= 5x, relative difference <= 1e-5).

    .venv/bin/python bench/kv_cache.py                           # CPU, float32
    .venv/bin/python bench/kv_cache.py --device cuda --dtype bf16

Prints the result; `--out bench/results/kv_cache.json` writes it.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import time

import torch
from _results import add_out, write_result

from trajlm.model import ModelConfig, TrajectoryModel

STATS = {  # Porto-like scales: ~5 km extent, ~120 m and 15 s per step
    "lat0": 41.15,
    "lon0": -8.61,
    "xy_mean": [0.0, 0.0],
    "xy_scale": 5000.0,
    "dxy_scale": 120.0,
    "dt_mean": 15.0,
    "dt_scale": 3.0,
    "n_points": 0,
}


def make_batch(B: int, T: int, device: str) -> dict:
    g = torch.Generator().manual_seed(0)
    lengths = torch.randint(T // 2, T + 1, (B,), generator=g)
    lengths[0] = T  # variable histories, the longest is T
    b = {
        "pos": (torch.randn(B, T, 2, generator=g) * 120).cumsum(1),
        "t": (15.0 * torch.arange(T)).expand(B, T).contiguous(),
        "t0": torch.full((B,), 1_700_000_000, dtype=torch.int64),
        "mask": torch.arange(T)[None] < lengths[:, None],
    }
    return {k: v.to(device) for k, v in b.items()}


def timed(fn, device: str) -> tuple[float, dict]:
    if device == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    out = fn()
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--history", type=int, default=16)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--pos-type", default="rope")
    add_out(ap, "kv_cache.json")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    torch.manual_seed(0)
    cfg = ModelConfig(
        d_model=128, n_layers=4, n_heads=4, max_len=512, pos_type=args.pos_type, stats=STATS
    )
    model = TrajectoryModel(cfg).to(args.device).eval()
    batch = make_batch(args.batch, args.history, args.device)
    amp = (
        torch.autocast(args.device, dtype=torch.bfloat16)
        if args.dtype == "bf16"
        else contextlib.nullcontext()
    )
    with amp:
        model.generate(batch, steps=4)  # warm-up (allocator, kernels)
        model.generate(batch, steps=4, use_cache=False)
        t_cache, cached = timed(lambda: model.generate(batch, args.steps), args.device)
        t_full, full = timed(
            lambda: model.generate(batch, args.steps, use_cache=False), args.device
        )

    diff_m = (cached["pos"] - full["pos"]).abs().max().item()
    diff_t = (cached["t"] - full["t"]).abs().max().item()
    rel = max(
        diff_m / full["pos"].abs().max().item(),
        diff_t / full["t"].abs().max().item(),
    )
    res = {
        "bench": "kv_cache",
        "batch": args.batch,
        "history": args.history,
        "steps": args.steps,
        "model": {k: v for k, v in cfg.to_dict().items() if k != "stats"},
        "params": model.num_params(),
        "device": args.device
        if args.device == "cpu"
        else torch.cuda.get_device_name(torch.device(args.device)),
        "dtype": args.dtype,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "cached_s": round(t_cache, 4),
        "recompute_s": round(t_full, 4),
        "speedup": round(t_full / t_cache, 2),
        "cached_points_per_s": round(args.batch * args.steps / t_cache, 1),
        "max_abs_diff_pos_m": diff_m,
        "max_abs_diff_t_s": diff_t,
        "max_rel_diff": rel,
        "max_abs_pos_m": full["pos"].abs().max().item(),
    }
    write_result(res, args.out, "kv_cache.json")
    print(f"{'':14}{'time s':>10}{'points/s':>12}")
    for name, t in (("cached", t_cache), ("recompute", t_full)):
        print(f"{name:14}{t:10.3f}{args.batch * args.steps / t:12.0f}")
    print(f"speed-up {res['speedup']}x | max |diff| {diff_m:.2e} m, {diff_t:.2e} s "
          f"(relative {rel:.1e}) | {res['device']} {args.dtype}, {res['threads']} threads")  # fmt: skip


if __name__ == "__main__":
    main()
