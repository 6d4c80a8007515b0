"""Batch inference throughput: trajectories/s for 5-step prediction from 20-point histories.

Rows: the model in float32 and int8 (dynamic quantization of the blocks' Linear layers), and
the constant-velocity baseline, on one thread and on all cores. Beside each model row: the
FLOP limit = the fp32 matmul peak measured in this same run (bench/train_throughput.py's
matmul_peak) / the FLOPs of one trajectory, 2 x params x (history + steps - 1) (the tokens the
rollout feeds through the model: 20 history points + 4 generated ones; the issue's
"2 x params x 25" counts one more). The peak is re-measured before every repeat and each
repeat's ratio uses its own peak, so load from other jobs moves both numbers together;
medians are reported.

With --data (a store) the batch is real windows of its test split, and the error of each row
(ADE/FDE over --eval windows, metres) is measured too; with --model a trained run is used
(default: a random d=128, 4-layer model, which is as fast as a trained one).

    .venv/bin/python bench/inference.py --model RUN --data STORE
    .venv/bin/python bench/inference.py --device cuda --dtype bf16   # GPU row

Prints the result; `--out bench/results/inference.json` writes it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import time

import numpy as np
import torch
from _results import add_out, write_result
from train_throughput import matmul_peak

from trajlm.data.features import LocalProjection
from trajlm.data.loader import WindowConfig, windows_from_table
from trajlm.data.store import load_stats, read_store
from trajlm.eval.baselines import ConstantVelocity
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.quantize import quantize_int8

STATS = {"lat0": 41.15, "lon0": -8.61, "xy_mean": [0.0, 0.0], "xy_scale": 5000.0,
         "dxy_scale": 120.0, "dt_mean": 15.0, "dt_scale": 3.0, "n_points": 0}  # fmt: skip


def eval_windows(store: str, n: int, history: int, steps: int) -> dict[str, torch.Tensor]:
    """Up to n non-overlapping windows of history + steps points from the store's test split."""
    stats = load_stats(store)
    df = read_store(store, "test", ["traj_id", "t", "lat", "lon"])
    L = history + steps
    w = windows_from_table(
        df,
        WindowConfig(max_len=L, stride=steps, min_len=L),
        LocalProjection(stats.lat0, stats.lon0),
    )
    return {k: v[:n] for k, v in w.items()}


def random_windows(n: int, history: int, steps: int) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    L = history + steps
    return {"pos": (torch.randn(n, L, 2, generator=g) * 120).cumsum(1),
            "t": (15.0 * torch.arange(L, dtype=torch.float32)).expand(n, L).contiguous(),
            "t0": torch.full((n,), 1_700_000_000, dtype=torch.int64),
            "mask": torch.ones(n, L, dtype=torch.bool)}  # fmt: skip


def split(w: dict, history: int) -> tuple[dict, torch.Tensor]:
    """Windows -> (history batch, future positions (N, steps, 2))."""
    hist = {"pos": w["pos"][:, :history], "t": w["t"][:, :history], "t0": w["t0"],
            "mask": w["mask"][:, :history]}  # fmt: skip
    return hist, w["pos"][:, history:]


def cv_predict(hist: dict, steps: int) -> torch.Tensor:
    """The constant-velocity baseline (trajlm.eval.baselines) on NumPy arrays, as a tensor."""
    xy = hist["pos"].numpy().astype(np.float64)
    lengths = hist["mask"].sum(1).numpy()
    return torch.from_numpy(ConstantVelocity().predict(xy, lengths, k=steps))


def errors(pred: torch.Tensor, truth: torch.Tensor) -> dict[str, float]:
    d = (pred.double() - truth.double()).norm(dim=-1)  # (N, steps) metres
    return {"ade_m": d.mean().item(), "fde_m": d[:, -1].mean().item()}


def median_rate(times: list[float], n: int) -> float:
    return n / statistics.median(times)


def state_bytes(model: torch.nn.Module) -> int:
    """Serialized size of the state dict (packed int8 weights included)."""
    import io

    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return buf.getbuffer().nbytes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="a trained run / weights dir (default: random init)")
    ap.add_argument("--data", help="a store: real test windows and errors (default: random walk)")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--history", type=int, default=20)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--eval", type=int, default=2048, help="windows for the error columns")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--threads", default="1,all", help="comma list; 'all' = every usable CPU")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    add_out(ap, "inference.json")
    args = ap.parse_args()
    dev = torch.device(args.device)

    torch.manual_seed(0)
    if args.model:
        model = TrajectoryModel.from_pretrained(args.model)
    else:
        stats = load_stats(args.data).to_dict() if args.data else STATS
        cfg = ModelConfig(d_model=128, n_layers=4, n_heads=4, max_len=64, stats=stats)
        model = TrajectoryModel(cfg)
    model.eval()
    H, K = args.history, args.steps
    if args.data:
        windows = eval_windows(args.data, max(args.eval, args.batch), H, K)
    else:
        windows = random_windows(max(args.eval, args.batch), H, K)
    hist_all, truth_all = split(windows, H)
    hist = {k: v[: args.batch] for k, v in hist_all.items()}
    B = hist["pos"].shape[0]
    n_params = model.num_params()
    flops_traj = 2 * n_params * (H + K - 1)

    models: dict[str, torch.nn.Module] = {"fp32": model.to(dev)}
    gpu = dev.type == "cuda"
    if not gpu:
        models["int8"] = quantize_int8(model)
    amp = torch.autocast(dev.type, dtype=torch.bfloat16) if args.dtype == "bf16" else None
    hist_dev = {k: v.to(dev) for k, v in hist.items()}

    def run(name: str):
        if name == "constant velocity":
            return lambda: cv_predict(hist, K)
        m = models[name]
        ctx = amp if amp is not None else contextlib.nullcontext()

        def go():
            with ctx:
                out = m.generate(hist_dev, K)
            if gpu:
                torch.cuda.synchronize()
            return out

        return go

    names = [*models, "constant velocity"]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    thread_list = [cpus if s == "all" else int(s) for s in args.threads.split(",")]
    rows = []
    for n_threads in dict.fromkeys(thread_list):
        torch.set_num_threads(n_threads)
        fns = {name: run(name) for name in names}
        for fn in fns.values():
            fn(), fn()  # warm-up
        times: dict[str, list[float]] = {name: [] for name in names}
        peaks, load = [], os.getloadavg()[0]
        for _ in range(args.repeats):
            peaks.append(matmul_peak(dev, torch.bfloat16 if amp else torch.float32, reps=3))
            for name in names:
                t = time.perf_counter()
                fns[name]()
                times[name].append(time.perf_counter() - t)
        for name in names:
            rate = median_rate(times[name], B)
            row = {"threads": n_threads, "variant": name, "traj_per_s": rate,
                   "times_s": times[name], "load_1min": load}  # fmt: skip
            if name != "constant velocity":
                ratios = [B / tm * flops_traj / p for tm, p in zip(times[name], peaks, strict=True)]
                row |= {"peak_gflops": statistics.median(peaks) / 1e9,
                        "limit_traj_per_s": statistics.median(peaks) / flops_traj,
                        "ratio_of_limit": statistics.median(ratios)}  # fmt: skip
            rows.append(row)

    # Errors over the eval windows (one thread count suffices: the arithmetic is the same).
    quality = {}
    if args.data:
        for name in names:
            if name == "constant velocity":
                pred = cv_predict(hist_all, K)
            else:
                hd = {k: v.to(dev) for k, v in hist_all.items()}
                ctx = amp if amp is not None else contextlib.nullcontext()
                with ctx:
                    pred = models[name].generate(hd, K)["pos"].float().cpu()
            quality[name] = errors(pred, truth_all)
        if "int8" in quality:
            base = quality["fp32"]["ade_m"]
            quality["int8"]["ade_change"] = quality["int8"]["ade_m"] / base - 1

    res = {
        "bench": "inference", "batch": B, "history": H, "steps": K, "n_params": n_params,
        "flops_per_trajectory": flops_traj, "device": args.device, "dtype": args.dtype,
        "processor": platform.processor() or platform.machine(), "torch": torch.__version__,
        "cpus": cpus, "model": args.model or "random init", "data": args.data,
        "size_bytes": {n: state_bytes(m) for n, m in models.items()},
        "rows": rows, "quality": quality, "eval_windows": int(truth_all.shape[0]),
    }  # fmt: skip
    write_result(res, args.out, "inference.json")

    print(f"B={B}, {H}-point histories -> {K} steps, {n_params:,} params, "
          f"{flops_traj / 1e6:.1f} MFLOP/trajectory, {args.device} {args.dtype}")  # fmt: skip
    print(f"{'threads':>7} {'variant':<18}{'traj/s':>10}{'peak GF/s':>11}{'limit':>9}"
          f"{'ratio':>7}{'vs fp32':>9}{'load':>6}")  # fmt: skip
    for r in rows:
        fp = next(x for x in rows if x["threads"] == r["threads"] and x["variant"] == "fp32")
        extra = (f"{r['peak_gflops']:11.1f}{r['limit_traj_per_s']:9.0f}{r['ratio_of_limit']:7.2f}"
                 if "peak_gflops" in r else f"{'':27}")  # fmt: skip
        print(f"{r['threads']:>7} {r['variant']:<18}{r['traj_per_s']:10.0f}{extra}"
              f"{r['traj_per_s'] / fp['traj_per_s']:8.2f}x{r['load_1min']:6.1f}")  # fmt: skip
    for name, q in quality.items():
        change = f"  ({100 * q['ade_change']:+.2f} % vs fp32)" if "ade_change" in q else ""
        print(f"{name:<18} ADE {q['ade_m']:8.2f} m  FDE {q['fde_m']:8.2f} m{change}")
    sizes = ", ".join(f"{n} {b / 1e6:.2f} MB" for n, b in res["size_bytes"].items())
    print(f"size: {sizes} | {res['eval_windows']} eval windows")


if __name__ == "__main__":
    main()
