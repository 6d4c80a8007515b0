"""Claim: ingest and training stream at constant memory, RSS growth <= 100 MB from 10 M to
100 M points (issue 21).

Per size N: generate N points (random-walk trips of 20..600 points at 10-20 s, 1 M points per
input file, written in chunks), then in fresh subprocesses, each sampling its own RSS every
0.1 s (psutil):

1. ingest: `trajlm.data.ingest.ingest` (streaming reader -> chunked cleaning -> the bounded-
   memory store writer), points/s;
2. train: the one Trainer over the store for a fixed number of steps (small model, 1 thread,
   no run directory), tokens/s, plus the start-up (coverage pass over the train split).

    python bench/scale.py --points 1000000 10000000 --out bench/results/scale.json
    nice -n 10 python bench/scale.py --points 100000000 --keep-results --out bench/results/scale.json  # + 100 M
    python bench/scale.py --points 1000000 --format csv        # CSV input instead of Parquet

The generated input and store live under --work (default: a temporary folder; 100 M points
are ~2.5 GB of Parquet input + ~2 GB of store) and are deleted afterwards.
GPU: `--device cuda --bf16 --compile` runs the training half on a GPU (unmeasured so far:
no GPU was lent to the task that wrote this; see docs/scale.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from _results import add_out, write_result

ROOT = Path(__file__).resolve().parents[1]
POINTS_PER_FILE = 1_000_000
LAT0, LON0, T0 = 41.15, -8.61, 1_600_000_000


def generate(folder: Path, n_points: int, fmt: str, seed: int = 0) -> float:
    """Write n_points as ceil(n / 1 M) input files; returns seconds. Memory: one file."""
    import polars as pl

    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    start, traj0 = time.perf_counter(), 0
    for part, first_row in enumerate(range(0, n_points, POINTS_PER_FILE)):
        n = min(POINTS_PER_FILE, n_points - first_row)
        lens = rng.integers(20, 601, n // 20 + 1)
        lens = lens[: np.searchsorted(np.cumsum(lens), n) + 1]
        lens[-1] -= lens.sum() - n  # exactly n points
        lens = lens[lens > 0]
        first = np.repeat(np.cumsum(lens) - lens, lens)
        step = np.cumsum(rng.integers(10, 21, n))
        t0 = T0 + rng.integers(0, 100 * 86_400, len(lens))  # trips over 100 days
        df = pl.DataFrame({
            "traj_id": pl.Series(np.arange(traj0, traj0 + len(lens))).cast(pl.Utf8)
            .str.zfill(10).gather(np.repeat(np.arange(len(lens)), lens)),
            "t": (np.repeat(t0, lens) + step - step[first]).astype(np.int64),
            "lat": LAT0 + np.cumsum(rng.normal(0, 1e-4, n)),
            "lon": LON0 + np.cumsum(rng.normal(0, 1e-4, n)),
        })  # fmt: skip
        traj0 += len(lens)
        name = folder / f"part-{part:05d}.{fmt}"
        df.write_parquet(name) if fmt == "parquet" else df.write_csv(name)
    return time.perf_counter() - start


class RssSampler:
    """Peak and last RSS of this process, sampled every `every_s` on a thread."""

    def __init__(self, every_s: float = 0.1) -> None:
        import psutil

        self.proc, self.every_s = psutil.Process(), every_s
        self.start = self.peak = self.proc.memory_info().rss
        self.t0, self.series = time.perf_counter(), []  # (s, MB) once a second
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            rss = self.proc.memory_info().rss
            self.peak = max(self.peak, rss)
            now = time.perf_counter() - self.t0
            if not self.series or now - self.series[-1][0] >= 1.0:
                self.series.append((round(now, 1), round(rss / 2**20)))

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)
        return {"rss_start_mb": self.start / 2**20, "rss_peak_mb": self.peak / 2**20,
                "rss_series_s_mb": self.series}  # fmt: skip


def child_ingest(inp: str, fmt: str, store: str, n_points: int) -> dict:
    from trajlm.data.ingest import ingest

    rss = RssSampler()
    t = time.perf_counter()
    manifest = ingest(inp, fmt, store, preset="default")
    elapsed = time.perf_counter() - t
    return {**rss.stop(), "seconds": elapsed, "points_per_s": n_points / elapsed,
            "n_points_stored": manifest["n_points"], "n_files": len(manifest["files"]["train"])}  # fmt: skip


def child_train(store: str, steps: int, device: str, bf16: bool, compile: bool) -> dict:
    import torch

    from trajlm.model import ModelConfig
    from trajlm.train.config import TrainConfig
    from trajlm.train.trainer import Trainer

    torch.set_num_threads(1)
    rss = RssSampler()
    t = time.perf_counter()
    tc = TrainConfig(max_steps=steps, batch_size=32, max_len=64, shuffle_buffer=256,
                     eval_every=0, eval_batches=5, progress=False, cpu_threads=1,
                     device=device, bf16=bf16, compile=compile)  # fmt: skip
    mc = ModelConfig(d_model=64, n_layers=2, n_heads=4, max_len=64)
    trainer = Trainer(store, None, mc, tc)
    startup = time.perf_counter() - t
    summary = trainer.fit()
    return {**rss.stop(), "startup_s": startup, "train_s": summary["train_time_s"],
            "tokens_per_s": summary["tokens_per_s"], "steps": summary["steps"],
            "final_loss": summary["final_loss"]}  # fmt: skip


def run_child(*args: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, __file__, "--child", *args], env=env, check=True,
                         capture_output=True, text=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--work", type=Path, default=None)
    add_out(ap, "scale.json")
    ap.add_argument("--keep-results", action="store_true", help="add rows to --out's old ones")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "ingest":
            res = child_ingest(rest[0], rest[1], rest[2], int(rest[3]))
        else:
            res = child_train(rest[0], int(rest[1]), rest[2], rest[3] == "1", rest[4] == "1")
        print(json.dumps(res))
        return

    if args.keep_results and args.out is None:
        raise SystemExit("--keep-results adds rows to --out's old ones: give --out FILE")
    rows = {}
    if args.keep_results and args.out.exists():
        rows = json.loads(args.out.read_text()).get("rows", {})
    work = args.work or Path(tempfile.mkdtemp(prefix="trajlm-scale-"))
    for n in args.points:
        d = work / f"n{n}"
        shutil.rmtree(d, ignore_errors=True)
        gen_s = generate(d / "input", n, args.format)
        ing = run_child("ingest", str(d / "input"), args.format, str(d / "store"), str(n))
        shutil.rmtree(d / "input")
        flags = [str(int(args.bf16)), str(int(args.compile))]
        tr = run_child("train", str(d / "store"), str(args.steps), args.device, *flags)
        shutil.rmtree(d)
        rows[str(n)] = {"generate_s": gen_s, "ingest": ing, "train": tr, "format": args.format,
                        "device": args.device}  # fmt: skip
        print(f"{n:>12,} points  ingest {ing['points_per_s']:>10,.0f} pt/s  peak RSS "
              f"{ing['rss_peak_mb']:7.0f} MB | train {tr['tokens_per_s']:8,.0f} tok/s  peak RSS "
              f"{tr['rss_peak_mb']:7.0f} MB  start-up {tr['startup_s']:.1f} s", flush=True)  # fmt: skip
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    sizes = sorted(rows, key=int)
    growth = {}
    for a, b in zip(sizes, sizes[1:], strict=False):
        growth[f"{a}->{b}"] = {
            stage: rows[b][stage]["rss_peak_mb"] - rows[a][stage]["rss_peak_mb"]
            for stage in ("ingest", "train")
        }
    result = {"rows": rows, "rss_peak_growth_mb": growth,
              "machine": f"{os.cpu_count()} CPUs, shared with other jobs"}  # fmt: skip
    write_result(result, args.out, "scale.json")
    print(json.dumps(growth, indent=2))


if __name__ == "__main__":
    main()
