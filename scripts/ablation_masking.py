"""Masking-strategy ablation (issue 6): causal + ONE masked objective at a fixed mask ratio.

For each strategy x ratio x seed, pretrain the architecture and training settings of
configs/multitask.toml ([model], [train]) with the objective mix {causal: 1, <strategy>: 1},
mask_ratio_min = mask_ratio_max = ratio (``points``: downsample_prob = 0, i.e. pure random
masking), for --steps steps without any val pass (eval_every = 0: the final weights are
evaluated and val is never seen in training). Then evaluate recovery on the **val split** (its
rows relabelled "test", the real test rows dropped, through ``trajlm.eval.protocol.run_eval``):
MAE at random 50 % (mask seeds --mask-seeds) and at 240 s down-sampling, with the linear
interpolation baseline on the same rows.

Every run is evaluated with both ``ModelRecoverer`` modes; the table uses each strategy's
native one: ``spans`` -> "span" (the spans objective trains the [m]/[s] generation path; its bridged
span steps use the infill head, but never at in-place tokens), ``points`` / ``features`` -> "inplace" (they train the
in-place head and never the span path). The other mode is kept in the JSON and in a second
table as a check.

    python scripts/ablation_masking.py --data STORE --out DIR --steps 2000 --seeds 0 1 2 \
        --ratios 0.25 0.5 0.75 --strategies points spans features --jobs 1

Writes DIR/<strategy>-r<ratio>-s<seed>/ (a run directory plus record.json), DIR/ablation.json
(meta + one record per run) and DIR/ablation.md (mean ± std over seeds per strategy x ratio,
plus linear interpolation). A run whose record.json matches its spec is reused, not retrained
(--force retrains). --jobs N runs N runs at a time as subprocesses, one thread each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

STRATEGIES = ("points", "spans", "features")
NATIVE_MODE = {"points": "inplace", "spans": "span", "features": "inplace"}
MODES = ("inplace", "span")
SETTINGS = {"random_50": "random 50%", "every_240s": "every 240 s"}
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "configs" / "multitask.toml"


def run_name(strategy: str, ratio: float, seed: int) -> str:
    return f"{strategy}-r{ratio:g}-s{seed}"


def objectives(strategy: str, ratio: float) -> dict:
    """The objective mix of one ablation run: causal 1 + that one masked objective."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    mix = {"causal": 1.0, strategy: 1.0, "mask_ratio_min": ratio, "mask_ratio_max": ratio}
    if strategy == "points":
        mix["downsample_prob"] = 0.0  # pure random masking, no down-sampling batches
    return mix


def configs(spec: dict) -> tuple[dict, dict]:
    """(model, train) config dicts of a run: the TOML's values, objectives and steps overridden."""
    cfg = tomllib.loads(Path(spec["config"]).read_text())
    train = {k: v for k, v in cfg.get("train", {}).items() if k != "objectives"}
    train |= {
        "max_steps": spec["steps"],
        "seed": spec["seed"],
        "eval_every": 0,  # no val pass: val is the ablation's evaluation split
        "save_every": spec["steps"],
        "progress": False,
        "cpu_threads": 1,
        "objectives": objectives(spec["strategy"], spec["ratio"]),
    }
    return dict(cfg.get("model", {})), train


_VAL_TABLES: dict[str, object] = {}


def val_as_test(data: str):
    """The store's table with val relabelled as "test" and the real test rows dropped."""
    if data not in _VAL_TABLES:
        import polars as pl

        from trajlm.data.store import read_store

        df = read_store(data).filter(pl.col("split") != "test")
        df = df.with_columns(
            pl.when(pl.col("split") == "val").then(pl.lit("test")).otherwise(pl.col("split"))
            .alias("split")
        )  # fmt: skip
        if df.filter(pl.col("split") == "test").height == 0:
            raise SystemExit(f"{data}: empty val split; the ablation evaluates on val")
        _VAL_TABLES[data] = df
    return _VAL_TABLES[data]


def _row(result, method: str, setting: str) -> dict:
    r = next(r for r in result.rows if r["method"] == method and r["setting"] == setting)
    std = r.get("std") or {}
    return {"mae_m": r["metrics"]["mae_m"], "rmse_m": r["metrics"]["rmse_m"],
            "mae_std_masks": std.get("mae_m"), "n_points": r["n_points"],
            "n_trajectories": r["n_trajectories"]}  # fmt: skip


def evaluate(run: Path, data: str, mask_seeds: tuple[int, ...]) -> dict:
    """Recovery on val of the run's final weights, both modes, plus linear interpolation."""
    from trajlm.eval.protocol import run_eval
    from trajlm.model import TrajectoryModel
    from trajlm.tasks.recover import ModelRecoverer

    model = TrajectoryModel.from_pretrained(run).eval()
    recs = [ModelRecoverer(model, mode=m, name=f"trajlm ({m})") for m in MODES]
    res = run_eval(val_as_test(data), "recover", models=tuple(recs), seeds=mask_seeds,
                   intervals_s=(240.0,), verbose=False)  # fmt: skip
    out = {"modes": {}, "linear": {}}
    for key, setting in SETTINGS.items():
        out["linear"][key] = _row(res, "linear interp.", setting)
        for m, rec in zip(MODES, recs, strict=True):
            out["modes"].setdefault(m, {})[key] = _row(res, rec.name, setting)
    out["split_sizes"] = res.meta["split_sizes"]
    return out


def run_one(spec: dict, force: bool = False) -> dict:
    """Train (unless a matching record exists) and evaluate one run; returns its record."""
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig, Trainer

    run = Path(spec["run"])
    rec_path = run / "record.json"
    if rec_path.exists() and not force:
        rec = json.loads(rec_path.read_text())
        if rec.get("spec") == spec:
            return rec
    if run.exists():
        shutil.rmtree(run)
    model_cfg, train_cfg = configs(spec)
    t0 = time.perf_counter()
    summary = Trainer(spec["data"], run, ModelConfig.from_dict(model_cfg),
                      TrainConfig.from_dict(train_cfg)).fit()  # fmt: skip
    train_s = time.perf_counter() - t0
    shutil.rmtree(run / "trainer_state", ignore_errors=True)  # never resumed; saves disk
    t0 = time.perf_counter()
    ev = evaluate(run, spec["data"], tuple(spec["mask_seeds"]))
    mode = NATIVE_MODE[spec["strategy"]]
    rec = {
        "name": run.name,
        "strategy": spec["strategy"],
        "ratio": spec["ratio"],
        "seed": spec["seed"],
        "steps": spec["steps"],
        "eval_split": "val",
        "recover_mode": mode,
        "mae_random50_m": ev["modes"][mode]["random_50"]["mae_m"],
        "mae_240s_m": ev["modes"][mode]["every_240s"]["mae_m"],
        "linear_random50_m": ev["linear"]["random_50"]["mae_m"],
        "linear_240s_m": ev["linear"]["every_240s"]["mae_m"],
        "modes": ev["modes"],
        "linear": ev["linear"],
        "split_sizes": ev["split_sizes"],
        "objectives": train_cfg["objectives"],
        "final_loss": summary.get("final_loss"),
        "train_s": train_s,
        "eval_s": time.perf_counter() - t0,
        "run": str(run),
        "spec": spec,
    }
    rec_path.write_text(json.dumps(rec, indent=2) + "\n")
    return rec


def run_subprocess(spec: dict, force: bool) -> dict:
    """run_one in a fresh one-thread Python process (for --jobs > 1); log to RUN.log."""
    run = Path(spec["run"])
    run.parent.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    cmd += ["--force"] if force else []
    with open(run.parent / f"{run.name}.log", "w") as log:
        p = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{run.name} failed (exit {p.returncode}); see {log.name}")
    return json.loads((run / "record.json").read_text())


def _ms(values) -> str:
    v = np.asarray(values, dtype=float)
    return f"{v.mean():.1f}" if len(v) == 1 else f"{v.mean():.1f} ± {v.std():.1f}"


def markdown(records: list[dict], meta: dict) -> str:
    lin = records[0]["linear"]
    l50, l240 = lin["random_50"]["mae_m"], lin["every_240s"]["mae_m"]
    sizes = records[0]["split_sizes"]
    head = [
        "# Masking-strategy ablation (recovery on the val split)",
        "",
        f"Store `{meta['data']}`; {meta['steps']} steps per run from `{meta['config']}` "
        f"([model], [train]) with objectives causal 1 + one strategy 1 at a fixed mask ratio; "
        f"final weights. Evaluated on **val** ({sizes['test']['n_trajectories']} trajectories; "
        f"train {sizes['train']['n_trajectories']}), recovery MAE in metres, mean ± std over "
        f"seeds {meta['seeds']} (random 50 %: each run's MAE is the mean over mask seeds "
        f"{meta['mask_seeds']}). Ratios: MAE / linear interpolation (< 1 beats it).",
        "",
    ]

    def table(mode_of, title: str) -> list[str]:
        lines = [f"## {title}", "",
                 "| strategy | mask ratio | recover mode | random 50 % | / linear | every 240 s "
                 "| / linear | runs |",
                 "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        keys = sorted({(r["strategy"], r["ratio"]) for r in records},
                      key=lambda k: (STRATEGIES.index(k[0]), k[1]))  # fmt: skip
        for strategy, ratio in keys:
            rs = [r for r in records if r["strategy"] == strategy and r["ratio"] == ratio]
            mode = mode_of(strategy)
            a = [r["modes"][mode]["random_50"]["mae_m"] for r in rs]
            b = [r["modes"][mode]["every_240s"]["mae_m"] for r in rs]
            lines.append(
                f"| {strategy} | {ratio:g} | {mode} | {_ms(a)} | {np.mean(a) / l50:.3f} "
                f"| {_ms(b)} | {np.mean(b) / l240:.3f} | {len(rs)} |"
            )
        sd = lin["random_50"]["mae_std_masks"]
        sd = f" ± {sd:.1f} (masks)" if sd is not None else ""
        lines.append(f"| linear interp. | – | – | {l50:.1f}{sd} | 1.000 | {l240:.1f} | 1.000 | – |")
        return lines + [""]

    body = table(lambda s: NATIVE_MODE[s], "Native recover mode (spans: span, others: inplace)")
    other = {"inplace": "span", "span": "inplace"}
    body += table(lambda s: other[NATIVE_MODE[s]], "Check: the other recover mode")
    return "\n".join(head + body)


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="Store directory (trajlm data ingest/synth).")
    ap.add_argument("--out", type=Path, help="Output directory.")
    ap.add_argument("--steps", type=int, default=2000, help="Pretraining steps per run.")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--ratios", type=float, nargs="+", default=[0.25, 0.5, 0.75])
    ap.add_argument("--strategies", nargs="+", default=list(STRATEGIES), choices=STRATEGIES)
    ap.add_argument("--jobs", type=int, default=1, help="Runs at a time (subprocesses).")
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG,
                    help="[model]/[train] source (objectives replaced).")  # fmt: skip
    ap.add_argument("--mask-seeds", type=int, nargs="+", default=[0, 1, 2],
                    help="Seeds of the random 50 %% recovery mask.")  # fmt: skip
    ap.add_argument("--force", action="store_true", help="Retrain runs that have a record.")
    ap.add_argument("--worker", help=argparse.SUPPRESS)  # internal: one run's spec as JSON
    args = ap.parse_args(argv)
    if args.worker:
        run_one(json.loads(args.worker), force=args.force)
        return []
    if not args.data or not args.out:
        ap.error("--data and --out are required")
    if not (Path(args.data) / "manifest.json").exists():
        ap.error(f"{args.data}: not a trajlm store (no manifest.json)")
    if any(not 0.0 < r < 1.0 for r in args.ratios):
        ap.error("ratios must be in (0, 1)")
    if args.steps < 1 or args.jobs < 1:
        ap.error("--steps and --jobs must be >= 1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    data, config = str(Path(args.data).resolve()), str(args.config.resolve())
    specs = [
        {
            "strategy": s,
            "ratio": r,
            "seed": seed,
            "steps": args.steps,
            "data": data,
            "config": config,
            "mask_seeds": list(args.mask_seeds),
            "run": str((out / run_name(s, r, seed)).resolve()),
        }  # fmt: skip
        for s in args.strategies
        for r in args.ratios
        for seed in args.seeds
    ]
    t0 = time.perf_counter()

    def done(rec: dict) -> dict:
        print(f"[{time.perf_counter() - t0:7.1f} s] {rec['name']}: random 50 % "
              f"{rec['mae_random50_m']:.1f} m, 240 s {rec['mae_240s_m']:.1f} m "
              f"(linear {rec['linear_random50_m']:.1f} / {rec['linear_240s_m']:.1f}); "
              f"train {rec['train_s']:.0f} s", flush=True)  # fmt: skip
        return rec

    if args.jobs == 1:
        import torch

        torch.set_num_threads(1)
        records = [done(run_one(spec, args.force)) for spec in specs]
    else:
        with ThreadPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(run_subprocess, spec, args.force) for spec in specs]
            records = [done(f.result()) for f in futures]
    meta = {"data": data, "config": config, "steps": args.steps, "seeds": args.seeds,
            "ratios": args.ratios, "strategies": args.strategies,
            "mask_seeds": args.mask_seeds, "eval_split": "val",
            "native_recover_mode": NATIVE_MODE, "wall_s": time.perf_counter() - t0}  # fmt: skip
    (out / "ablation.json").write_text(json.dumps({"meta": meta, "runs": records}, indent=2))
    (out / "ablation.md").write_text(markdown(records, meta) + "\n")
    print(f"wrote {out / 'ablation.json'} and {out / 'ablation.md'}")
    return records


if __name__ == "__main__":
    main()
