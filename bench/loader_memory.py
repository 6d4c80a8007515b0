"""Claim: the window loader streams in constant memory (RSS growth 1 M -> 10 M points <= 50 MB).

Writes synthetic random-walk stores of 1 M and 10 M points (several part files, 65,536-row
row groups), then streams each in a fresh subprocess and samples its RSS (psutil).

    .venv/bin/python bench/loader_memory.py --out bench/results/loader_memory.json
    .venv/bin/python bench/loader_memory.py --sizes 200000 1000000   # quicker
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from _results import add_out, write_result

POINTS_PER_PART = 1_000_000
LAT0, LON0 = 41.15, -8.61


def write_synthetic_store(root: Path, n_points: int, seed: int = 0) -> Path:
    """Random-walk trajectories of 20..600 points at ~15 s, 1 M points per part file."""
    rng = np.random.default_rng(seed)
    out = root / "points" / "split=train"
    out.mkdir(parents=True)
    traj0 = 0
    for part, start in enumerate(range(0, n_points, POINTS_PER_PART)):
        n = min(POINTS_PER_PART, n_points - start)
        lens = rng.integers(20, 601, n // 20 + 1)
        lens = lens[: np.searchsorted(np.cumsum(lens), n) + 1]
        lens[-1] -= lens.sum() - n  # exactly n points; the last trajectory may be short
        tid = np.repeat(np.arange(len(lens)), lens)
        ids = pc.take(pa.array([f"t{traj0 + i:09d}" for i in range(len(lens))]), pa.array(tid))
        traj0 += len(lens)
        first = np.repeat(np.cumsum(lens) - lens, lens)
        step = np.cumsum(rng.integers(10, 21, n))
        t = 1_600_000_000 + np.repeat(rng.integers(0, 10**7, len(lens)), lens) + step - step[first]
        table = pa.table(
            {
                "traj_id": ids,
                "t": t.astype(np.int64),
                "lat": LAT0 + np.cumsum(rng.normal(0, 1e-4, n)),
                "lon": LON0 + np.cumsum(rng.normal(0, 1e-4, n)),
            }
        )
        pq.write_table(table, out / f"part-{part:05d}.parquet", row_group_size=65_536)
    (root / "stats.json").write_text(json.dumps({"lat0": LAT0, "lon0": LON0}))
    return root


def child(store: str, shuffle_buffer: int) -> None:
    """Stream the whole split once; print RSS figures and throughput as JSON."""
    import psutil

    from trajlm.data.loader import TrajectoryWindows, WindowConfig

    proc = psutil.Process()
    ds = TrajectoryWindows(store, config=WindowConfig(max_len=128, shuffle_buffer=shuffle_buffer))
    rss_start = proc.memory_info().rss
    peak, n_windows, n_points = rss_start, 0, 0
    t_start = time.perf_counter()
    for item in ds:
        n_windows += 1
        n_points += int(item["mask"].sum())
        if n_windows % 1000 == 0:
            peak = max(peak, proc.memory_info().rss)
    elapsed_s = time.perf_counter() - t_start
    peak = max(peak, proc.memory_info().rss)
    print(
        json.dumps(
            {
                "rss_start_mb": rss_start / 2**20,
                "rss_peak_mb": peak / 2**20,
                "windows": n_windows,
                "points_in_windows": n_points,
                "seconds": elapsed_s,
                "windows_per_s": n_windows / elapsed_s,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--shuffle-buffer", type=int, default=4096)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    add_out(ap, "loader_memory.json")
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.shuffle_buffer)
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            t0 = time.perf_counter()
            store = write_synthetic_store(Path(tmp) / f"n{n}", n)
            gen_s = time.perf_counter() - t0
            cmd = [sys.executable, __file__, "--child", str(store)]
            cmd += ["--shuffle-buffer", str(args.shuffle_buffer)]
            res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            res["generate_s"] = gen_s
            runs[str(n)] = res
            print(
                f"{n:>11,} points: peak RSS {res['rss_peak_mb']:.1f} MB "
                f"(start {res['rss_start_mb']:.1f}), {res['windows_per_s']:,.0f} windows/s, "
                f"generated in {gen_s:.1f} s"
            )
    small, large = runs[str(min(args.sizes))], runs[str(max(args.sizes))]
    growth = large["rss_peak_mb"] - small["rss_peak_mb"]
    result = {
        "claim": "RSS growth streaming 10x more points <= 50 MB",
        "config": {"max_len": 128, "shuffle_buffer": args.shuffle_buffer, "read_rows": 65_536},
        "runs": runs,
        "peak_rss_growth_mb": growth,
        "passed": growth <= 50.0,
    }
    write_result(result, args.out, "loader_memory.json")
    print(
        f"peak RSS growth {min(args.sizes):,} -> {max(args.sizes):,} points: {growth:+.1f} MB "
        f"({'PASS' if result['passed'] else 'FAIL'} <= 50 MB)"
    )


if __name__ == "__main__":
    main()
