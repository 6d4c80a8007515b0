"""Span-generation KV cache: ``generate_spans`` with the cache vs rebuilding and rerunning the
whole infilling sequence at every step (the reference it replaces), one run each.

Setup: batch 64 rows of 64 points, contiguous hidden runs (half the points, mean run 8) with
known times (recovery), the default ModelConfig (d_model 128, 4 layers) with infilling heads,
random init (speed does not depend on training), one CPU thread.

    .venv/bin/python bench/span_cache.py

Prints both times, the speed-up and the largest position difference.
"""

from __future__ import annotations

import time

import torch

from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.objectives import infill as inf
from trajlm.objectives import masking as mk

STATS = {"lat0": 41.15, "lon0": -8.61, "xy_mean": [0.0, 0.0], "xy_scale": 800.0,
         "dxy_scale": 40.0, "dt_mean": 15.0, "dt_scale": 4.0, "n_points": 0}  # fmt: skip


def main(B: int = 64, T: int = 64) -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    cfg = ModelConfig(stats=STATS, pos_type="rope_time", infill_heads=True, max_len=256)
    model = TrajectoryModel(cfg).eval()
    g = torch.Generator().manual_seed(0)
    pos = (torch.randn(B, T, 2, generator=g) * 40).cumsum(1)
    t = (15.0 * torch.arange(T)).expand(B, T).contiguous()
    mask = torch.ones(B, T, dtype=torch.bool)
    dm = mk.contiguous_segments(mask, 0.5, 8.0, g)
    hidden = dm.both & mask
    batch = {"pos": pos.masked_fill(hidden[..., None], 0.0), "t": t,
             "t0": torch.full((B,), 1_700_000_000), "mask": mask}  # fmt: skip
    out, secs = {}, {}
    for use_cache in (False, True):
        t0 = time.perf_counter()
        out[use_cache] = inf.generate_spans(model, batch, dm, known_time=True, use_cache=use_cache)
        secs[use_cache] = time.perf_counter() - t0
    diff = float((out[True]["pos"] - out[False]["pos"]).abs().max())
    print(f"{int(hidden.sum())} hidden points in {B} rows of {T}: recompute {secs[False]:.2f} s, "
          f"cached {secs[True]:.2f} s, speed-up {secs[False] / secs[True]:.1f}x, "
          f"max |diff| {diff:.2e} m")  # fmt: skip


if __name__ == "__main__":
    main()
