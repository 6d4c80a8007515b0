"""Training throughput: our TrajectoryModel vs a naive reference of the same size, and MFU.

The naive reference is the seed tutorial's style: features built per sample in a Python loop
over points every step, `nn.TransformerEncoder` with an explicit float causal mask, MSE head.
MFU = achieved model FLOPs/s / the fp32 matmul peak measured in this same script.

    .venv/bin/python bench/train_throughput.py [--device cuda --dtype bf16] [--steps 30]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np
import torch
import torch.nn as nn
from _results import add_out, write_result

from trajlm.data.features import cyclic_time
from trajlm.model import ModelConfig, TrajectoryModel

STATS = {
    "lat0": 41.15, "lon0": -8.61, "xy_mean": [0.0, 0.0], "xy_scale": 3000.0,
    "dxy_scale": 100.0, "dt_mean": 15.0, "dt_scale": 5.0, "n_points": 0,
}  # fmt: skip


def make_batch(B: int, T: int, seed: int = 0) -> dict[str, torch.Tensor]:
    g = np.random.default_rng(seed)
    steps = g.normal(0, 80, size=(B, T, 2)).cumsum(1)
    dt = g.uniform(10, 20, size=(B, T))
    dt[:, 0] = 0
    return {
        "pos": torch.tensor(steps, dtype=torch.float32),
        "t": torch.tensor(dt.cumsum(1), dtype=torch.float32),
        "t0": torch.full((B,), 1_372_636_800, dtype=torch.int64),
        "mask": torch.ones(B, T, dtype=torch.bool),
    }


class NaiveModel(nn.Module):
    """nn.TransformerEncoder + explicit mask; features built in Python per point."""

    def __init__(self, d: int, n_layers: int, n_heads: int, T: int) -> None:
        super().__init__()
        self.inp = nn.Linear(9, d)
        self.pos = nn.Embedding(T, d)
        layer = nn.TransformerEncoderLayer(d, n_heads, 4 * d, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Linear(d, 3)

    @staticmethod
    def features(batch: dict[str, torch.Tensor]) -> torch.Tensor:
        pos, t, t0 = batch["pos"].tolist(), batch["t"].tolist(), batch["t0"].tolist()
        rows = []
        for b in range(len(pos)):
            row = []
            for i in range(len(pos[b])):
                x, y = pos[b][i]
                px, py = pos[b][i - 1] if i else (x, y)
                dt = t[b][i] - t[b][i - 1] if i else 0.0
                cyc = cyclic_time(np.array([t0[b] + t[b][i]]))[0]
                row.append(
                    [x / 3000, y / 3000, (x - px) / 100, (y - py) / 100, (dt - 15) / 5, *cyc]
                )
            rows.append(row)
        return torch.tensor(rows, dtype=torch.float32)

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        f = self.features(batch).to(batch["pos"].device)  # (B, T, 9)
        T = f.shape[1]
        mask = torch.triu(torch.full((T, T), float("-inf"), device=f.device), diagonal=1)
        h = self.inp(f) + self.pos(torch.arange(T, device=f.device))
        h = self.enc(h, mask=mask)
        pred = self.head(h)[:, :-1]
        return ((pred - f[:, 1:, 2:5]) ** 2).mean()


def time_steps(model: nn.Module, batch, loss_fn, steps: int, autocast) -> float:
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    for i in range(steps + 3):
        if i == 3:  # warm-up steps excluded
            if batch["pos"].is_cuda:
                torch.cuda.synchronize()
            start = time.perf_counter()
        with autocast():
            loss = loss_fn(model, batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    if batch["pos"].is_cuda:
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / steps


def matmul_peak(device: torch.device, dtype: torch.dtype, n: int = 2048, reps: int = 10) -> float:
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    for _ in range(3):
        a @ b
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(reps):
        a @ b
    if device.type == "cuda":
        torch.cuda.synchronize()
    return 2 * n**3 * reps / (time.perf_counter() - start)


def train_flops_per_token(n_params: int, n_layers: int, d: int, T: int) -> float:
    """6N for the matmuls (forward + backward) plus attention scores 12 * L * T * d."""
    return 6 * n_params + 12 * n_layers * T * d


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "bf16"])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--compile", action="store_true", help="also time torch.compile(ours)")
    add_out(ap, "train_throughput.json")
    args = ap.parse_args()
    device = torch.device(args.device)
    bf16 = args.dtype == "bf16"

    def autocast():
        return torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16)

    B, T = args.batch, args.seq
    batch = {k: v.to(device) for k, v in make_batch(B, T).items()}
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=args.d, n_layers=args.layers, n_heads=4, max_len=T,
                      pos_type="rope", head="gaussian", stats=STATS)  # fmt: skip
    ours = TrajectoryModel(cfg).to(device)
    naive = NaiveModel(args.d, args.layers, 4, T).to(device)
    t_ours = time_steps(ours, batch, lambda m, b: m(b).loss, args.steps, autocast)
    t_naive = time_steps(naive, batch, lambda m, b: m(b), max(3, args.steps // 4), autocast)

    t_compiled = None
    if args.compile:
        compiled = torch.compile(ours)
        time_steps(compiled, batch, lambda m, b: m(b).loss, 2, autocast)  # compile outside timing
        t_compiled = time_steps(compiled, batch, lambda m, b: m(b).loss, args.steps, autocast)
    n_params = ours.num_params()
    flops_tok = train_flops_per_token(n_params, args.layers, args.d, T)
    peak = matmul_peak(device, torch.bfloat16 if bf16 else torch.float32)
    tok_ours, tok_naive = B * T / t_ours, B * T / t_naive
    result = {
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or platform.machine(),
        "dtype": args.dtype,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "batch": B, "seq": T, "d_model": args.d, "n_layers": args.layers, "n_params": n_params,
        "ours_tokens_per_s": tok_ours,
        "naive_tokens_per_s": tok_naive,
        "speedup_vs_naive": tok_ours / tok_naive,
        "compiled_tokens_per_s": B * T / t_compiled if t_compiled else None,
        "compiled_speedup_vs_naive": (B * T / t_compiled) / tok_naive if t_compiled else None,
        "matmul_peak_flops": peak,
        "model_flops_per_token": flops_tok,
        "mfu": tok_ours * flops_tok / peak,
    }  # fmt: skip
    print(f"{'':<10}{'tokens/s':>14}")
    print(f"{'ours':<10}{tok_ours:>14,.0f}")
    print(f"{'naive':<10}{tok_naive:>14,.0f}")
    if t_compiled:
        print(f"{'compiled':<10}{B * T / t_compiled:>14,.0f}")
    print(f"speed-up {result['speedup_vs_naive']:.1f}x   MFU {100 * result['mfu']:.1f}% "
          f"of measured peak {peak / 1e9:,.1f} GFLOP/s ({args.dtype})")  # fmt: skip
    write_result(result, args.out, "train_throughput.json")
    if not math.isfinite(result["mfu"]):
        raise SystemExit("non-finite MFU")


if __name__ == "__main__":
    main()
