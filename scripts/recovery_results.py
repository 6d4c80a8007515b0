"""Recovery over a spline anchor (issue 15 lever 3, docs/recovery.md), measured.

Trains configs/recovery.toml once per (variant, seed) on STORE's train split (skipped when
RUN/best exists), then scores every method on --split (val to tune, test once) with the
harness's recovery tasks (`make_recovery_task`, as `trajlm eval --task recover` builds them):
random 50 % over mask seeds 0-2 and every --intervals seconds; the baselines are linear
interpolation and the cubic / PCHIP / Akima splines in the harness's projection (train split).
Models: mean ± std over training seeds; the paired bootstrap 95 % CI (2,000 resamples of
trajectories; the seed-averaged error per point) of the difference to the best baseline of
each setting.

    PYTHONPATH=. python scripts/recovery_results.py --data /tmp/stores/porto --out out/recovery \
        --split val --seeds 0 --steps 1500 [--variants akima linear gate auto]
        [--intervals 240] [--train-only | --eval-only]

Writes OUT/recovery_<split>.md and .json. Every run uses one thread.
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from pathlib import Path

import numpy as np
import torch

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store import read_store
from trajlm.eval.baselines import (
    CubicSplineInterpolation,
    GapSwitchedInterpolation,
    LinearInterpolation,
)
from trajlm.eval.metrics import point_errors
from trajlm.model.config import ModelConfig
from trajlm.model.transformer import TrajectoryModel
from trajlm.tasks.recover import ModelRecoverer
from trajlm.train.config import TrainConfig
from trajlm.train.trainer import Trainer

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = {  # name -> (label, model overrides, train overrides)
    "akima": ("model over Akima anchor", {}, {}),
    "linear": ("model over linear anchor", {"infill_anchor": "linear"}, {}),
    "pchip": ("model over PCHIP anchor", {"infill_anchor": "pchip"}, {}),
    "auto": ("model over gap-switched anchor", {"infill_anchor": "auto"}, {}),
    # the same with another threshold (seconds), tried on val
    **{
        f"auto{g}": (
            f"model over gap-switched anchor, {g} s",
            {"infill_anchor": "auto", "infill_anchor_gap_s": float(g)},
            {},
        )
        for g in (60, 90)
    },  # fmt: skip
    "gate": ("model over Akima anchor + gate", {"recovery_gate": True}, {}),
    # levers that start from another variant's run of the same seed (INIT below)
    "more": ("model over Akima anchor, twice the steps", {}, {}),
    "head": ("linear-anchor model, Akima anchor, output side only", {}, {}),
}
# the baseline each variant's untrained model equals (its anchor)
ANCHOR = {"linear": "linear interp.", "pchip": "pchip spline",
          "auto": GapSwitchedInterpolation().name,
          "auto60": GapSwitchedInterpolation(gap_s=60.0).name,
          "auto90": GapSwitchedInterpolation(gap_s=90.0).name}  # fmt: skip
# variant -> (the run it starts from, train only the output side: ln_f and the heads)
INIT = {"more": ("akima", False), "head": ("linear", True)}


def train_run(store: Path, run: Path, variant: str, seed: int, steps: int, config: Path) -> Path:
    """Train one (variant, seed); RUN/best holds the final weights (no selection)."""
    best = run / "best"
    if (best / "model.safetensors").exists():
        return best
    cfg = tomllib.loads(config.read_text())
    _, model_over, train_over = VARIANTS[variant]
    tc = {**cfg["train"], "max_steps": steps, "save_every": steps, "eval_every": 0,
          "seed": seed, "progress": False, **train_over}  # fmt: skip
    mc = ModelConfig.from_dict({**cfg["model"], **model_over})
    t0 = time.perf_counter()
    kw = {}
    if variant in INIT:  # continue from the same seed's run of another variant
        base, head_only = INIT[variant]
        start = train_run(store, run.parent / f"{base}-s{seed}", base, seed, steps, config)
        tc["init_from"] = str(akima_init(start, run.parent / f"{run.name}-init"))
        if head_only:
            kw = {"mode": "selective", "n_last": 0}
    Trainer(store, run, mc, TrainConfig.from_dict(tc), **kw).fit()
    (run / "train_seconds.txt").write_text(f"{time.perf_counter() - t0:.1f}\n")
    return best


def akima_init(start: Path, out: Path) -> Path:
    """``start``'s weights with the Akima anchor; a model trained on another anchor gets its
    offset head zeroed (it starts AS the Akima baseline and learns the head from there)."""
    model = TrajectoryModel.from_pretrained(start)
    if model.config.infill_anchor != "akima":
        model.config.infill_anchor = "akima"
        torch.nn.init.zeros_(model.infill_head.mean.weight)
        if model.infill_head.mean.bias is not None:
            torch.nn.init.zeros_(model.infill_head.mean.bias)
    model.save_pretrained(out)
    return out


class Metres:
    """A metre-space baseline (eval/baselines.py) as a harness model, like eval/protocol.py."""

    def __init__(self, est, projection: LocalProjection) -> None:
        self.est, self.proj, self.name = est, projection, est.name

    def recover(self, task) -> np.ndarray:
        out = self.est.predict(task.t, task.xy(self.proj), task.known, task.groups)
        return np.stack(self.proj.inverse(out[:, 0], out[:, 1]), 1)


def errors(method, tasks) -> np.ndarray:
    """Errors (m) of every hidden point of every task, concatenated."""
    out = []
    for task in tasks:
        hidden = ~task.known
        out.append(point_errors(np.asarray(method.recover(task))[hidden], task.latlon[hidden]))
    return np.concatenate(out)


def traj_bootstrap(a, b, groups, n_boot: int = 2000, seed: int = 0) -> dict:
    """Mean of a - b over points and its 95 % interval, resampling whole trajectories."""
    d = np.asarray(a, np.float64) - np.asarray(b, np.float64)
    _, g = np.unique(groups, return_inverse=True)
    s, n = np.bincount(g, d), np.bincount(g).astype(np.float64)
    idx = np.random.default_rng(seed).integers(0, len(s), (n_boot, len(s)))
    means = s[idx].sum(1) / n[idx].sum(1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return {"diff": float(d.mean()), "lo": float(lo), "hi": float(hi),
            "rel": float(d.mean() / np.mean(b))}  # fmt: skip


def settings(df, mask_seeds, intervals) -> dict[str, list]:
    out = {"random 50 %": [make_recovery_task(df, "random", seed=s) for s in mask_seeds]}
    for i in intervals:
        out[f"every {i:g} s"] = [make_recovery_task(df, "downsample", interval_s=i)]
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/stores/porto"))
    ap.add_argument("--out", type=Path, default=Path("out/recovery"))
    ap.add_argument("--config", type=Path, default=ROOT / "configs" / "recovery.toml")
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--mask-seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--intervals", type=float, nargs="+", default=[240.0])
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--variants", nargs="+", default=["akima"], choices=list(VARIANTS))
    ap.add_argument("--train-only", action="store_true")
    ap.add_argument("--eval-only", action="store_true")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[Path]] = {v: [] for v in args.variants}
    for v in args.variants:
        for s in args.seeds:
            run = args.out / f"{v}-s{s}"
            if args.eval_only:
                if (run / "best" / "model.safetensors").exists():
                    runs[v].append(run / "best")
                continue
            runs[v].append(train_run(args.data, run, v, s, args.steps, args.config))
    if args.train_only:
        return
    proj = LocalProjection.fit(read_store(args.data, split="train"))
    df = read_store(args.data, split=args.split)
    baselines = [Metres(LinearInterpolation(), proj)]
    baselines += [Metres(CubicSplineInterpolation(k), proj) for k in ("cubic", "pchip", "akima")]
    # gap-switched: Akima over gaps <= 180 (90, 60) s, linear (the "auto" anchors) or PCHIP beyond
    baselines += [Metres(GapSwitchedInterpolation(long=k, gap_s=g), proj)
                  for g in (180.0, 90.0, 60.0) for k in ("linear", "pchip")]  # fmt: skip
    result = {"split": args.split, "data": str(args.data), "steps": args.steps, "rows": []}
    lines = [f"Recovery on the {args.split} split of {args.data} ({args.steps} steps per run)",
             "", "| setting | method | seeds | MAE (m) | vs best baseline | paired 95 % CI "
             "of the difference (m) | vs its anchor, 95 % CI (m) |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, tasks in settings(df, args.mask_seeds, args.intervals).items():
        groups = np.concatenate([t.groups[~t.known] for t in tasks])
        base = {m.name: errors(m, tasks) for m in baselines}
        best = min(base, key=lambda k: base[k].mean())
        for label, e in base.items():
            ci = traj_bootstrap(e, base[best], groups) if label != best else None
            result["rows"].append({"setting": name, "method": label, "mae_m": float(e.mean()),
                                   "ci": ci})  # fmt: skip
            rel = f"{ci['rel']:+.1%}" if ci else "best"
            cis = f"[{ci['lo']:+.1f}, {ci['hi']:+.1f}]" if ci else "-"
            lines.append(f"| {name} | {label} | - | {e.mean():.1f} | {rel} | {cis} | |")
        for v, bests in runs.items():
            if not bests:
                continue
            t0 = time.perf_counter()
            per_seed = np.stack([errors(ModelRecoverer(TrajectoryModel.from_pretrained(b)), tasks)
                                 for b in bests])  # fmt: skip
            sec = time.perf_counter() - t0
            maes = per_seed.mean(1)
            ci = traj_bootstrap(per_seed.mean(0), base[best], groups)
            vs_akima = traj_bootstrap(per_seed.mean(0), base["akima spline"], groups)
            anchor = ANCHOR.get(v, "akima spline")
            vs = traj_bootstrap(per_seed.mean(0), base[anchor], groups)
            result["rows"].append({"setting": name, "method": VARIANTS[v][0], "variant": v,
                                   "mae_m_per_seed": maes.tolist(), "ci": ci,
                                   "vs_akima": vs_akima, "anchor": anchor, "vs_anchor": vs,
                                   "eval_seconds": sec})  # fmt: skip
            std = f" ± {maes.std(ddof=1):.1f}" if len(maes) > 1 else ""
            lines.append(f"| {name} | {VARIANTS[v][0]} | {len(maes)} | {maes.mean():.1f}{std} | "
                         f"{ci['rel']:+.1%} | [{ci['lo']:+.1f}, {ci['hi']:+.1f}] | "
                         f"{vs['diff']:+.1f} [{vs['lo']:+.1f}, {vs['hi']:+.1f}] |")  # fmt: skip
    md = "\n".join(lines) + "\n"
    (args.out / f"recovery_{args.split}.md").write_text(md)
    (args.out / f"recovery_{args.split}.json").write_text(json.dumps(result, indent=1))
    print(md)


if __name__ == "__main__":
    main()
