"""The road domain in the model, measured: recovery at 240 s gaps on the synthetic city.

Trains configs/roads.toml once per (variant, seed) on the store `trajlm data synth -n N
--seed 0` writes (skipped when RUN/best exists), then scores every method on the test split
with the harness's "every 240 s" task (`make_recovery_task(test, "downsample", 240)`, as
`trajlm eval --task recover` does): linear, Akima, shortest-path interpolation, and the
models without roads, with road inputs, with the road-path anchor, and each model's output
snapped onto the shortest route ("-> snap"). Models: mean ± std over seeds; the paired
bootstrap 95 % CI (over test trajectories, the seed-averaged error per point) of the
difference to shortest-path interpolation.

    PYTHONPATH=. python scripts/road_recovery_results.py --out out/roads [--steps 1000]
        [--seeds 0 1 2] [--n 1000] [--gap 240] [--variants plain inputs anchor]
        [--train-only | --eval-only]

Writes OUT/road_recovery.md and .json. Every run uses one thread. --train-only trains;
--eval-only scores the runs that exist (the seeds column says how many each row has).
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

import numpy as np
import torch

from trajlm.data.ingest import synth_store
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store import read_store
from trajlm.eval.baselines import CubicSplineInterpolation, LinearInterpolation
from trajlm.eval.metrics import point_errors
from trajlm.model.config import ModelConfig
from trajlm.model.transformer import TrajectoryModel
from trajlm.roads import ShortestPathRecovery
from trajlm.roads.anchor import RouteRecovery, network_from_spec
from trajlm.tasks.recover import ModelRecoverer
from trajlm.train.config import TrainConfig
from trajlm.train.trainer import Trainer

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = {  # name -> (label, model overrides, train overrides)
    "plain": ("model (no roads)", {}, {}),
    "inputs": ("model + road inputs", {"n_edge_buckets": 1024},
               {"road_columns": ["segment_id", "segment_frac"]}),
    "anchor": ("model + road-path anchor (fastest route)", {"road_route": "fastest"},
               {"road_network": "NETWORK"}),
}  # fmt: skip


def train_run(store: Path, run: Path, variant: str, seed: int, steps: int, network: str) -> Path:
    """Train one (variant, seed) from configs/roads.toml; RUN/best is the final model."""
    if (run / "best" / "model.safetensors").exists():
        return run / "best"
    cfg = tomllib.loads((ROOT / "configs" / "roads.toml").read_text())
    _, model_over, train_over = VARIANTS[variant]
    tc = {**cfg["train"], "max_steps": steps, "save_every": steps, "seed": seed}
    tc.update({k: (network if v == "NETWORK" else v) for k, v in train_over.items()})
    mc = ModelConfig.from_dict({**cfg["model"], **model_over})
    Trainer(store, run, mc, TrainConfig.from_dict(tc)).fit()
    return run / "best"


class Metres:
    """A metre-space baseline (eval/baselines.py) as a harness model, on the graph's frame."""

    def __init__(self, est, projection) -> None:
        self.est, self.proj, self.name = est, projection, est.name

    def recover(self, task) -> np.ndarray:
        xy = task.xy(self.proj)
        out = self.est.predict(task.t.astype(float), xy, task.known, task.groups)
        return np.stack(self.proj.inverse(out[:, 0], out[:, 1]), 1)


def errors(method, task) -> np.ndarray:
    hidden = ~task.known
    return point_errors(np.asarray(method.recover(task))[hidden], task.latlon[hidden])


def paired_ci(err: np.ndarray, ref: np.ndarray, groups: np.ndarray, n_boot: int = 2000):
    """95 % CI of mean(err) - mean(ref), resampling trajectories (groups) with replacement."""
    rng = np.random.default_rng(0)
    ids, inv = np.unique(groups, return_inverse=True)
    diff_sum = np.bincount(inv, err - ref, len(ids))
    count = np.bincount(inv, minlength=len(ids)).astype(float)
    pick = rng.integers(0, len(ids), (n_boot, len(ids)))
    boot = diff_sum[pick].sum(1) / count[pick].sum(1)
    return float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=1000, help="trajectories of the synthetic city")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--gap", type=float, default=240.0)
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    ap.add_argument("--train-only", action="store_true")
    ap.add_argument("--eval-only", action="store_true", help="score the runs that exist only")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    out: Path = args.out
    store = out / "city"
    if not (store / "manifest.json").exists():
        synth_store(store, n_trajectories=args.n, seed=0)
    network = f"synthetic:seed=0,n={args.n}"
    graph = network_from_spec(network)  # the store's city: same seed, same graph
    runs = {}
    for s in args.seeds:  # a whole seed first
        for v in args.variants:
            run = out / f"run-{v}-s{s}"
            if not args.eval_only:
                train_run(store, run, v, s, args.steps, network)
            if (run / "best" / "model.safetensors").exists():
                runs[v, s] = run / "best"
    if args.train_only:
        return {}
    df = read_store(store)
    test = df.filter(df["split"] == "test").drop("split").sort(["traj_id", "t"])
    task = make_recovery_task(test, "downsample", interval_s=args.gap)
    proj = graph.projection
    shortest = ShortestPathRecovery(graph)
    base = {"linear interpolation": Metres(LinearInterpolation(), proj),
            "akima spline": Metres(CubicSplineInterpolation("akima"), proj),
            "shortest path": shortest, "fastest path": RouteRecovery(graph, "fastest")}  # fmt: skip
    err = {name: errors(m, task) for name, m in base.items()}
    per_seed: dict[str, list[np.ndarray]] = {}
    for (v, _seed), path in runs.items():
        model = TrajectoryModel.from_pretrained(path).eval()
        road = graph if (model.config.road_anchor or model.config.n_edge_buckets) else None
        # road inputs were trained on the city's segment ids: matched edges -> way ids
        rec = ModelRecoverer(model, road=road, road_ids="way", name=VARIANTS[v][0])
        per_seed.setdefault(rec.name, []).append(errors(rec, task))
        snap = ShortestPathRecovery(graph, base=rec)
        per_seed.setdefault(f"{rec.name} -> snap", []).append(errors(snap, task))
    ref = err["shortest path"]
    groups = task.groups[~task.known]
    rows = []
    for name, e in err.items():
        rows.append({"method": name, "mae_m": float(e.mean()), "std_m": None, "seeds": None,
                     "ci_vs_shortest_m": None if name == "shortest path" else
                     paired_ci(e, ref, groups)})  # fmt: skip
    for name, es in per_seed.items():
        maes = [float(e.mean()) for e in es]
        rows.append({"method": name, "mae_m": float(np.mean(maes)), "std_m": float(np.std(maes)),
                     "per_seed_m": maes, "seeds": len(maes),
                     "ci_vs_shortest_m": paired_ci(np.mean(es, 0), ref, groups)})  # fmt: skip
    sp = err["shortest path"].mean()
    lines = [f"Recovery every {args.gap:g} s, synthetic city (n={args.n}, seed 0), test split: "
             f"{int(task.groups.max()) + 1} trajectories, {int((~task.known).sum())} hidden "
             f"points; models: {args.steps} steps, seeds {args.seeds}.", "",
             "| method | seeds | MAE (m) | vs shortest path | paired 95 % CI of the difference "
             "(m) |", "|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        mae = f"{r['mae_m']:.1f}" + (f" ± {r['std_m']:.1f}" if r["std_m"] is not None else "")
        ci = r["ci_vs_shortest_m"]
        ci_s = "–" if ci is None else f"[{ci[0]:+.1f}, {ci[1]:+.1f}]"
        n = "–" if r["seeds"] is None else r["seeds"]
        lines.append(
            f"| {r['method']} | {n} | {mae} | {100 * (r['mae_m'] / sp - 1):+.1f} % | {ci_s} |"
        )
    text = "\n".join(lines) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    (out / "road_recovery.md").write_text(text)
    (out / "road_recovery.json").write_text(json.dumps({"args": {k: str(v) for k, v in
                                                        vars(args).items()}, "rows": rows},
                                                       indent=2))  # fmt: skip
    print(text)
    return {"rows": rows}


if __name__ == "__main__":
    main()
