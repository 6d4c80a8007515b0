"""Claim: DDP on CPU (gloo) with 2 processes trains >= 1.8x as many tokens/s as 1 process, in
the same run; and two torchrun "nodes" on loopback train identical weights (issue 21).

Three parts, each process pinned to 1 torch thread (OMP_NUM_THREADS=1, cpu_threads=1):

1. scaling: the Trainer under `torchrun --standalone --nproc_per_node P` for P = 1, 2, same
   per-process batch B; tokens/s (all ranks) from train_summary.json, steady-state step time
   (after `--warmup` steps), scale efficiency = tps(2) / (2 x tps(1)).
2. profile: the same model and data in a hand-written loop that times each part of a step
   (window loading, forward + backward, the gradient all-reduce, the optimizer step), at
   P = 1 and P = 2: where the time beyond 1 process goes.
3. nodes: `torchrun --nnodes 2 --nproc_per_node 1 --rdzv-backend c10d --rdzv-endpoint
   127.0.0.1:PORT --node-rank R` started twice, separately (two "nodes" on loopback); both
   must exit 0 and save equal weights.

    python bench/ddp.py --out bench/results/ddp.json   # all three (without --out: printed only)
    python bench/ddp.py --nodes-only     # part 3 only (the slow test runs this)

GPU (unmeasured here, no GPU lent): the same script with `--device cuda` uses NCCL; see
docs/scale.md for the multi-GPU and Slurm commands.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _results import add_out, write_result

ROOT = Path(__file__).resolve().parents[1]
TORCHRUN = str(Path(sys.executable).with_name("torchrun"))
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_store(work: Path, n_points: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from scale import generate

    from trajlm.data.ingest import ingest

    store = work / "store"
    if not (store / "manifest.json").exists():
        generate(work / "input", n_points, "parquet")
        ingest(work / "input", "parquet", store, preset="default")
    return store


# ----------------------------------------------------------------------------- workers
def _model_and_config(args):
    from trajlm.model import ModelConfig
    from trajlm.train.config import TrainConfig

    tc = TrainConfig(max_steps=args.steps, batch_size=args.batch, max_len=args.max_len,
                     shuffle_buffer=0, eval_every=0, eval_batches=1, progress=False,
                     cpu_threads=1, log_every=1, device=args.device, bf16=args.bf16,
                     compile=args.compile, warmup_steps=0)  # fmt: skip
    mc = ModelConfig(d_model=args.d_model, n_layers=args.n_layers, n_heads=args.d_model // 32,
                     max_len=args.max_len)  # fmt: skip
    return mc, tc


def worker_train(args) -> None:
    """One rank of a Trainer run; rank 0 writes the summary, every rank its weights."""
    import torch

    from trajlm.train.trainer import Trainer

    times: list[tuple[int, float, float]] = []

    class StepClock:
        def on_log(self, trainer, record):
            times.append((record["step"], time.perf_counter(), time.process_time()))

    mc, tc = _model_and_config(args)
    trainer = Trainer(args.store, None, mc, tc, callbacks=[StepClock()])
    summary = trainer.fit()
    rank = int(os.environ.get("RANK", "0"))
    state = trainer._raw_model().state_dict()
    torch.save(state, Path(args.out_dir) / f"weights-rank{rank}.pt")
    if rank == 0:
        (s0, t0, c0), (s1, t1, c1) = times[min(args.warmup, len(times) - 1)], times[-1]
        summary["steady_step_s"] = (t1 - t0) / max(s1 - s0, 1)
        # CPU seconds this process used per step: the work, whatever else holds the cores.
        summary["steady_cpu_step_s"] = (c1 - c0) / max(s1 - s0, 1)
        summary["load_avg_1min"] = os.getloadavg()[0]
        (Path(args.out_dir) / "summary.json").write_text(json.dumps(summary))


def worker_profile(args) -> None:
    """Time the parts of a DDP step by hand: data, forward+backward, all-reduce, optimizer."""
    import torch
    import torch.distributed as dist
    from torch.utils.data import DataLoader

    from trajlm._threads import apply_threads
    from trajlm.data.loader import TrajectoryWindows, WindowConfig
    from trajlm.data.store import load_stats
    from trajlm.model import TrajectoryModel
    from trajlm.train.optim import adamw

    rank, world = int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        dist.init_process_group("gloo")
    apply_threads(1)
    mc, tc = _model_and_config(args)
    mc.stats = load_stats(args.store).to_dict()
    torch.manual_seed(0)
    model = TrajectoryModel(mc)
    opt = adamw(model, tc)
    windows = WindowConfig(max_len=tc.max_len, shuffle_buffer=0)  # as the Trainer's
    ds = TrajectoryWindows(args.store, "train", windows, rank=rank, world_size=world)
    params = [p for p in model.parameters() if p.requires_grad]
    parts = {"data": 0.0, "forward_backward": 0.0, "all_reduce": 0.0, "optimizer": 0.0}
    it = iter(DataLoader(ds, batch_size=tc.batch_size))
    for step in range(args.steps):
        if step == args.warmup:
            parts = dict.fromkeys(parts, 0.0)
        t0 = time.perf_counter()
        batch = next(it, None)
        if batch is None:  # a small store ran dry: the next epoch, as the Trainer does
            ds.set_epoch(step)
            it = iter(DataLoader(ds, batch_size=tc.batch_size))
            batch = next(it, None)
        if batch is None:
            raise SystemExit(f"{args.store}: its train split yields no window of "
                             f"{tc.max_len} points per rank; use a larger store")  # fmt: skip
        t1 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        model(batch).loss.backward()
        t2 = time.perf_counter()
        if world > 1:  # what DDP does (in buckets, overlapped with backward)
            flat = torch.cat([p.grad.reshape(-1) for p in params])
            dist.all_reduce(flat)
            flat /= world
        t3 = time.perf_counter()
        opt.step()
        t4 = time.perf_counter()
        for k, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            parts[k] += dt
    n = args.steps - args.warmup
    if rank == 0:
        out = {k: 1000 * v / n for k, v in parts.items()}  # ms per step
        (Path(args.out_dir) / "profile.json").write_text(json.dumps(out))
    if world > 1:
        dist.destroy_process_group()


# ----------------------------------------------------------------------------- launchers
def worker_args(args, mode: str, out_dir: Path) -> list[str]:
    return [__file__, "--worker", mode, "--store", str(args.store), "--out-dir", str(out_dir),
            "--steps", str(args.steps), "--warmup", str(args.warmup), "--batch", str(args.batch),
            "--max-len", str(args.max_len), "--d-model", str(args.d_model),
            "--n-layers", str(args.n_layers), "--device", args.device,
            *(["--bf16"] if args.bf16 else []), *(["--compile"] if args.compile else [])]  # fmt: skip


def standalone(args, mode: str, nproc: int, out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [TORCHRUN, "--standalone", "--nproc_per_node", str(nproc),
           *worker_args(args, mode, out_dir)]  # fmt: skip
    r = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=1200)
    if r.returncode:  # one line: the worker's own last words, not a CalledProcessError
        lines = [x for x in r.stderr.splitlines() if x.strip() and not x.startswith(" ")]
        raise SystemExit(f"bench/ddp.py: the {mode} worker ({nproc} process(es)) failed, exit "
                         f"{r.returncode}: {lines[-1] if lines else 'no message'}")  # fmt: skip
    name = "summary.json" if mode == "train" else "profile.json"
    return json.loads((out_dir / name).read_text())


def two_nodes(args, out_dir: Path) -> dict:
    """Two torchrun launchers, one per "node", rendezvous on 127.0.0.1 (c10d)."""
    import torch

    out_dir.mkdir(parents=True, exist_ok=True)
    endpoint = f"127.0.0.1:{free_port()}"
    procs = []
    for node_rank in (0, 1):
        cmd = [TORCHRUN, "--nnodes", "2", "--nproc_per_node", "1", "--rdzv-backend", "c10d",
               "--rdzv-endpoint", endpoint, "--rdzv-id", "trajlm-bench", "--node-rank",
               str(node_rank), *worker_args(args, "train", out_dir)]  # fmt: skip
        log = open(out_dir / f"node{node_rank}.log", "w")  # noqa: SIM115 - closed below
        procs.append((subprocess.Popen(cmd, env=ENV, stdout=log, stderr=log), log))
        time.sleep(0.5)  # the first launcher hosts the c10d store
    codes = []
    for p, log in procs:
        codes.append(p.wait(timeout=1200))
        log.close()
    w = [torch.load(out_dir / f"weights-rank{r}.pt") for r in (0, 1)] if codes == [0, 0] else []
    equal = bool(w) and all(torch.equal(w[0][k], w[1][k]) for k in w[0])
    return {"returncodes": codes, "weights_equal_across_ranks": equal, "endpoint": endpoint,
            "summary": json.loads((out_dir / "summary.json").read_text()) if w else None}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=300_000, help="synthetic store size")
    ap.add_argument("--store", type=Path, default=None, help="an existing store instead")
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--batch", type=int, default=32, help="per process")
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--n-layers", type=int, default=4)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--nodes-only", action="store_true")
    ap.add_argument("--work", type=Path, default=None)
    add_out(ap, "ddp.json")
    ap.add_argument("--worker", choices=["train", "profile"], help=argparse.SUPPRESS)
    ap.add_argument("--out-dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        (worker_train if args.worker == "train" else worker_profile)(args)
        return

    work = args.work or Path(tempfile.mkdtemp(prefix="trajlm-ddp-"))
    work.mkdir(parents=True, exist_ok=True)
    args.store = args.store or make_store(work, args.points)
    result: dict = {"config": {k: str(v) for k, v in vars(args).items()}}
    if not args.nodes_only:
        runs = {p: standalone(args, "train", p, work / f"train-{p}") for p in (1, 2)}
        tps = {p: r["tokens_per_s"] for p, r in runs.items()}
        steady = {p: args.batch * args.max_len * p / r["steady_step_s"] for p, r in runs.items()}
        result["scaling"] = {
            "tokens_per_s": tps,
            "steady_window_slots_per_s": steady,
            "speedup": tps[2] / tps[1],
            "efficiency": tps[2] / (2 * tps[1]),
            "steady_speedup": steady[2] / steady[1],
            "step_s": {p: r["steady_step_s"] for p, r in runs.items()},
            "cpu_step_s": {p: r["steady_cpu_step_s"] for p, r in runs.items()},
            # On P idle cores each rank would run at its CPU time per step: the speed-up the
            # work itself allows, without the other jobs on a shared machine.
            "cpu_bound_speedup": 2 * runs[1]["steady_cpu_step_s"] / runs[2]["steady_cpu_step_s"],
            "load_avg_1min": {p: r["load_avg_1min"] for p, r in runs.items()},
        }
        result["profile_ms_per_step"] = {
            p: standalone(args, "profile", p, work / f"profile-{p}") for p in (1, 2)
        }
        s = result["scaling"]
        print(f"1 process {tps[1]:,.0f} tok/s | 2 processes {tps[2]:,.0f} tok/s | speed-up "
              f"{s['speedup']:.2f}x (steady state {s['steady_speedup']:.2f}x; CPU-time bound "
              f"{s['cpu_bound_speedup']:.2f}x; load {s['load_avg_1min']})")  # fmt: skip
        for p, prof in result["profile_ms_per_step"].items():
            print(f"  P={p} ms/step: " + ", ".join(f"{k} {v:.1f}" for k, v in prof.items()))
    result["two_nodes"] = two_nodes(args, work / "nodes")
    print("two nodes on loopback:", {k: result["two_nodes"][k]
                                      for k in ("returncodes", "weights_equal_across_ranks")})  # fmt: skip
    write_result(result, args.out, "ddp.json")


if __name__ == "__main__":
    main()
