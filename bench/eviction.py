"""Bounded-memory rollouts: an 8,192-point generation with a KV cache of `window` slots per layer
(trajlm.model.eviction) vs the full cache, and the error change from the smaller context.

    .venv/bin/python bench/eviction.py --model RUN --data STORE

Rows: full cache / recency / similarity x recency for one long rollout (B rows from test
histories): cache bytes, ms per point; then the ADE (20 -> 5 and 20 -> 20 steps, test windows)
with windows of 8 and 12 points vs the full 20-point context. Prints the result;
`--out bench/results/eviction.json` writes it.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import torch
from _results import add_out, write_result
from inference import errors, eval_windows, split

from trajlm.model import TrajectoryModel
from trajlm.model.eviction import POLICIES, generate_bounded


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--length", type=int, default=8192)
    ap.add_argument("--window", type=int, default=256)
    ap.add_argument("--batch", type=int, default=4)
    add_out(ap, "eviction.json")
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = TrajectoryModel.from_pretrained(args.model).eval()
    hist, _ = split(eval_windows(args.data, args.batch, 20, 5), 20)
    n = args.length - 20  # generated points: history + generated = length
    rows = []
    runs = {"full cache": lambda: model.generate(hist, n)}
    for p in POLICIES:
        runs[p] = lambda p=p: generate_bounded(model, hist, n, window=args.window, policy=p)
    ref = None
    for name, fn in runs.items():
        t = time.perf_counter()
        out = fn()
        sec = time.perf_counter() - t
        cfg = model.config
        full = (
            2 * cfg.n_layers * hist["pos"].shape[0] * cfg.kv_heads * args.length * cfg.head_dim * 4
        )
        ref = out if ref is None else ref
        dev = (out["pos"] - ref["pos"]).norm(dim=-1)  # (B, n) distance to the full-cache rollout
        rows.append({"variant": name, "cache_bytes": out.get("cache_bytes", full),
                     "ms_per_point": 1e3 * sec / n, "finite": bool(torch.isfinite(out["pos"]).all()),
                     "dev_from_full_m_at_100": dev[:, 99].mean().item(),
                     "dev_from_full_m_at_end": dev[:, -1].mean().item()})  # fmt: skip
        print(rows[-1], flush=True)
    quality = {}
    for K in (5, 20):
        h, truth = split(eval_windows(args.data, 1024, 20, K), 20)
        base = errors(model.generate(h, K)["pos"], truth)["ade_m"]
        quality[f"steps_{K}"] = {"full_ade_m": base, "windows": int(truth.shape[0])}
        for W in (8, 12):
            for p in POLICIES:
                e = errors(generate_bounded(model, h, K, window=W, policy=p)["pos"], truth)["ade_m"]
                quality[f"steps_{K}"][f"{p}_w{W}_ade_change"] = e / base - 1
    res = {"bench": "eviction", "length": args.length, "window": args.window,
           "batch": hist["pos"].shape[0], "threads": 1, "load_1min": os.getloadavg()[0],
           "rows": rows, "quality": quality}  # fmt: skip
    write_result(res, args.out, "eviction.json")
    print(json.dumps(quality, indent=1))


if __name__ == "__main__":
    main()
