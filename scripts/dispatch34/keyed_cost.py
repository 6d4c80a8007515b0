"""Session 34 (dispatch34): what keyed `reach` targets cost in the rollout's crossing table,
every (van, stop) pair (before) vs each van's own stops (now), on a synthetic fleet: VANS vans
with 3 stops each, the rollout's 129-point grid (1,800 s at 15 s), no model (random walks
stand in for its positions: the table's cost does not depend on them).

Command: OMP_NUM_THREADS=1 PYTHONPATH=. python scripts/dispatch34/keyed_cost.py [VANS ...]
(default 30 100 300). Prints seconds and the peak traced memory of `reach_table` both ways.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np
import polars as pl

from trajlm.api_reach import reach_table


def fleet(n: int, grid: np.ndarray, rng: np.random.Generator):
    ids = [f"van{i:04d}" for i in range(n)]
    hist = pl.DataFrame({"traj_id": ids, "t": np.zeros(n), "lat": 45.76 + rng.normal(0, 0.02, n),
                         "lon": 4.84 + rng.normal(0, 0.02, n)})  # fmt: skip
    steps = len(grid)
    walk = np.cumsum(rng.normal(0, 5e-5, (n, steps, 2)), axis=1)
    pred = pl.DataFrame({
        "traj_id": np.repeat(ids, steps), "step": np.tile(np.arange(1, steps + 1), n),
        "lat": (hist["lat"].to_numpy()[:, None] + walk[..., 0]).ravel(),
        "lon": (hist["lon"].to_numpy()[:, None] + walk[..., 1]).ravel(),
    })  # fmt: skip
    targets = np.column_stack([np.repeat(hist["lat"].to_numpy(), 3) + rng.normal(0, 0.005, 3 * n),
                               np.repeat(hist["lon"].to_numpy(), 3) + rng.normal(0, 0.005, 3 * n)])  # fmt: skip
    asked = {v: np.arange(3 * i, 3 * i + 3) for i, v in enumerate(ids)}
    return hist, pred, targets, asked


def measure(*args) -> tuple[float, float, int]:
    """reach_table(*args): (seconds, peak traced MiB, rows)."""
    tracemalloc.start()
    t0 = time.perf_counter()
    out = reach_table(*args)
    secs = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return secs, peak, out.height


def main(sizes: list[int]) -> None:
    grid = np.arange(1, 121) * 15.0
    for n in sizes:
        hist, pred, targets, asked = fleet(n, grid, np.random.default_rng(0))
        for name, a in (("every pair", None), ("own stops", asked)):
            secs, peak, rows = measure(hist, pred, targets, grid, 50.0, None, a)
            print(f"{n:5d} vans x {3 * n:5d} stops, {name:10s}: {rows:9,d} rows, {secs:6.2f} s, "
                  f"peak {peak:8.1f} MiB", flush=True)  # fmt: skip


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [30, 100, 300])
