"""The scaling study (issue 14, item 6; docs/scaling.md): one grid of pretraining runs on the
corpus, every run the same number of optimizer steps of the same batch (so the same tokens
seen), varying either the model size at the whole corpus or the corpus fraction at one size.

    python scripts/scaling_study.py --corpus /tmp/scaling/corpus --porto /tmp/stores/porto \
        --out /tmp/scaling/out --steps 800 --sizes 16x2 32x2 48x3 64x4 96x4 128x5 \
        --fractions 0.125 0.25 0.5 1 --data-size 64x4 --extra-seeds 1 --seeded-sizes 4 \
        --seeded-fractions 3 --compute-steps 2400 --compute-fractions 1 0.125
    python scripts/scaling_fit.py /tmp/scaling/out/scaling.json --img docs/img   # fits, plots

A size is D x L (d_model x n_layers; d_model / 16 heads, half as many kv heads); the rest of
the recipe is configs/pretrain_model.toml. A fraction keeps a seeded sample of each source's
train trajectories (nested: 1/8 is inside 1/4 ...; val, test and the corpus's normalization
are the whole corpus's), so only the amount of distinct train data changes. Every finished run
is one record in OUT/scaling.json (a second call skips the runs already there): params, tokens
seen, wall and CPU time, val loss (mean next-point loss on the whole corpus val split, sources
weighted as in training) and the 5-step MAE (PROTOCOL task 1) on the corpus val split (each
source's trips, and over all) and on Porto's val split, with constant velocity on the same
trips. The final weights are scored (cosine decay to the end; no selection on val).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def parse_size(spec: str) -> tuple[int, int]:
    d, layers = spec.lower().split("x")
    return int(d), int(layers)


def fraction_corpus(corpus: Path, fraction: float, out: Path, seed: int = 0) -> Path:
    """A copy of `corpus` whose train split keeps ceil(fraction x n) of each source's train
    trajectories (a seeded permutation per source, so smaller fractions nest in larger ones);
    val / test parquet files are linked, stats.json (the normalization) is kept as it is."""
    import polars as pl

    from trajlm.data.corpus import load_corpus

    if fraction >= 1.0:
        return corpus
    dest = out / f"corpus-f{fraction:g}"
    if (dest / "corpus.json").exists():
        return dest
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for f in corpus.iterdir():  # corpus.json, manifest.json, stats.json, .trajlm
        if f.is_file() and f.name != "index.parquet":
            shutil.copy2(f, tmp / f.name)
    index = pl.read_parquet(corpus / "index.parquet")
    keep: list[str] = []
    for src in load_corpus(corpus)["sources"]:
        ids = index.filter(
            (pl.col("split") == "train") & pl.col("traj_id").str.starts_with(src["name"] + "/")
        )["traj_id"].sort()
        order = np.random.default_rng([seed, len(ids)]).permutation(len(ids))
        keep += ids.gather(order[: math.ceil(fraction * len(ids))]).to_list()
    kept = pl.Series(keep)
    for split in ("train", "val", "test"):
        src_dir, dst_dir = corpus / "points" / f"split={split}", tmp / "points" / f"split={split}"
        dst_dir.mkdir(parents=True)
        for part in sorted(src_dir.glob("*.parquet")):
            if split == "train":
                df = pl.read_parquet(part)
                df.filter(pl.col("traj_id").is_in(kept.implode())).write_parquet(
                    dst_dir / part.name
                )
            else:
                os.symlink(part.resolve(), dst_dir / part.name)
    index.filter(
        (pl.col("split") != "train") | pl.col("traj_id").is_in(kept.implode())
    ).write_parquet(tmp / "index.parquet")
    os.replace(tmp, dest)
    return dest


def trip_errors(model, task) -> np.ndarray:
    """(N,) metres: each trip's error averaged over the k predicted steps."""
    from trajlm.data.metrics import point_errors
    from trajlm.model.rollout import ModelPredictor

    return point_errors(ModelPredictor(model).predict_next(task), task.target_latlon).mean(1)


def cv_trip_errors(task, proj) -> np.ndarray:
    from trajlm.data.metrics import point_errors
    from trajlm.eval.baselines import ConstantVelocity

    out = ConstantVelocity().predict(task.xy(proj), task.lengths, k=task.target_t.shape[1])
    pred = np.stack(proj.inverse(out[..., 0], out[..., 1]), axis=-1)
    return point_errors(pred, task.target_latlon).mean(1)


def corpus_val_tasks(corpus: Path) -> list[tuple[str, object, object, float]]:
    """Per source: (name, prediction task on its val trips, its plane, its weight)."""
    import polars as pl

    from trajlm.data.corpus import load_corpus
    from trajlm.data.features import LocalProjection
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store

    df = read_store(corpus, split="val")
    tasks = []
    for s in load_corpus(corpus)["sources"]:
        part = df.filter(pl.col("traj_id").str.starts_with(s["name"] + "/"))
        task = make_prediction_task(part)
        if len(task.lengths):
            tasks.append((s["name"], task, LocalProjection(s["lat0"], s["lon0"]), s["weight"]))
    return tasks


def val_loss(model, corpus: Path, max_len: int, batch_size: int = 64) -> dict:
    """Mean next-point loss over every val window of each source (in its own plane), and the
    mean over sources weighted by their training weights."""
    import torch
    from torch.utils.data import DataLoader

    from trajlm.data.corpus import load_corpus
    from trajlm.data.features import LocalProjection
    from trajlm.data.loader import TrajectoryWindows, WindowConfig

    per, weights = {}, {}
    model.eval()
    with torch.no_grad():
        for s in load_corpus(corpus)["sources"]:
            files = [corpus / "points" / "split=val" / f for f in s["files"]["val"]]
            ds = TrajectoryWindows(corpus, "val", WindowConfig(max_len=max_len, seed=0),
                                   projection=LocalProjection(s["lat0"], s["lon0"]))  # fmt: skip
            ds.files = files
            total, n = 0.0, 0
            for batch in DataLoader(ds, batch_size=batch_size):
                out = model(batch)
                if out.loss is not None and torch.isfinite(out.loss):
                    w = int(batch["mask"].sum()) if "mask" in batch else len(batch)
                    total, n = total + float(out.loss) * w, n + w
            if n:
                per[s["name"]], weights[s["name"]] = total / n, s["weight"]
    wsum = sum(weights.values())
    return {"val_loss": sum(per[k] * weights[k] / wsum for k in per), "val_loss_by_source": per}


def score(model, corpus: Path, porto: Path | None, max_len: int) -> dict:
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import load_stats, read_store

    rec = val_loss(model, corpus, max_len)
    errs, cvs, by_source = [], [], {}
    for name, task, proj, _w in corpus_val_tasks(corpus):
        e, c = trip_errors(model, task), cv_trip_errors(task, proj)
        errs.append(e)
        cvs.append(c)
        by_source[name] = {"n_trips": len(e), "mae_m": float(e.mean()), "cv_mae_m": float(c.mean())}
    e, c = np.concatenate(errs), np.concatenate(cvs)
    rec |= {"corpus_val_mae_m": float(e.mean()), "corpus_val_cv_mae_m": float(c.mean()),
            "corpus_val_trips": len(e), "corpus_val_by_source": by_source}  # fmt: skip
    if porto is not None:
        task = make_prediction_task(read_store(porto, split="val"))
        e, c = trip_errors(model, task), cv_trip_errors(task, load_stats(porto).projection)
        rec |= {"porto_val_mae_m": float(e.mean()), "porto_val_cv_mae_m": float(c.mean()),
                "porto_val_trips": len(e)}  # fmt: skip
    return rec


def train_one(data: Path, run: Path, size: tuple[int, int], steps: int, seed: int,
              config: Path) -> tuple[object, dict]:  # fmt: skip
    from trajlm import _cli_io as io
    from trajlm.train.trainer import Trainer

    cfg = io.load_config(config)
    mc, tc = io.configs_from(cfg, f"--config {config}", {"max_steps": steps, "seed": seed,
                                                         "device": "cpu"})  # fmt: skip
    mc.d_model, mc.n_layers = size
    mc.n_heads = max(1, size[0] // 16)
    mc.n_kv_heads = max(1, mc.n_heads // 2)
    tc.eval_every, tc.save_every, tc.progress, tc.cpu_threads = 0, steps, False, 1
    tc.warmup_steps = min(tc.warmup_steps, max(1, steps // 10))
    trainer = Trainer(data, run, mc, tc)
    cpu0, t0 = time.process_time(), time.perf_counter()
    summary = trainer.fit(overwrite=True)
    info = {"n_params": summary["n_params"], "steps": summary["steps"],
            "tokens_seen": round(summary["tokens_per_s"] * summary["train_time_s"]),
            "train_wall_s": summary["train_time_s"], "train_cpu_s": time.process_time() - cpu0,
            "final_train_loss": summary["final_loss"], "batch_size": tc.batch_size,
            "window": tc.max_len, "stride": tc.stride, "lr": tc.lr, "total_wall_s": time.perf_counter() - t0}  # fmt: skip
    return trainer._raw_model(), info


def train_windows(data: Path, window: int, stride: int | None) -> int:
    """Windows in one epoch of the train split (CorpusWindows' epoch)."""
    from trajlm.data.corpus_windows import CorpusWindows
    from trajlm.data.loader import WindowConfig

    return len(CorpusWindows(data, "train", WindowConfig(max_len=window, stride=stride)))


def grid(args) -> list[dict]:
    """(kind, size, fraction, seed): the size sweep at the largest fraction, the data sweep at
    --data-size, extra seeds for the smallest sizes and fractions; interleaved so
    a grid cut short still has points on both curves."""
    full = max(args.fractions)
    sizes = [parse_size(s) for s in args.sizes]
    dsize = parse_size(args.data_size)
    size_runs = [("params", s, full, args.seed) for s in sizes]
    data_runs = [("data", dsize, f, args.seed) for f in sorted(args.fractions) if f != full]
    runs, rest = (
        [],
        [r for r in size_runs if r[1] == dsize] + [r for r in size_runs if r[1] != dsize],
    )
    while rest or data_runs:
        if rest:
            runs.append(rest.pop(0))
        if data_runs:
            runs.append(data_runs.pop(0))
    for s in args.extra_seeds:
        runs += [("params", z, full, s) for z in sorted(sizes)[: args.seeded_sizes]]
        small = sorted(f for f in args.fractions if f != full)[: args.seeded_fractions]
        runs += [("data", dsize, f, s) for f in small]
    runs = [(k, z, f, s, args.steps) for k, z, f, s in runs]
    # the compute check: the data sweep's size trained longer, at some fractions
    runs += [("compute", dsize, f, args.seed, n) for n in args.compute_steps
             for f in args.compute_fractions]  # fmt: skip
    return [{"kind": k, "size": f"{d}x{n}", "fraction": f, "seed": s, "steps": st}
            for k, (d, n), f, s, st in runs]  # fmt: skip


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True, type=Path, help="a corpus (trajlm data corpus)")
    ap.add_argument("--porto", type=Path, help="Porto store; its val split is scored too")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--config", type=Path, default=ROOT / "configs" / "pretrain_model.toml")
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--sizes", nargs="+", default=["16x2", "32x2", "48x3", "64x4", "96x4", "128x5"])
    ap.add_argument("--fractions", nargs="+", type=float, default=[0.125, 0.25, 0.5, 1.0])
    ap.add_argument("--data-size", default="64x4", help="the size of the data sweep")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--extra-seeds", nargs="*", type=int, default=[])
    ap.add_argument("--seeded-sizes", type=int, default=3, help="smallest sizes run per seed")
    ap.add_argument("--seeded-fractions", type=int, default=0, help="smallest fractions too")
    ap.add_argument(
        "--compute-steps",
        nargs="*",
        type=int,
        default=[],
        help="also train --data-size this many steps (the compute check)",
    )
    ap.add_argument("--compute-fractions", nargs="+", type=float, default=[1.0])
    ap.add_argument("--only", type=int, default=0, help="stop after N new runs (0 = all)")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "scaling.json"
    doc = json.loads(path.read_text()) if path.exists() else {"runs": []}
    doc["setup"] = {"corpus": str(args.corpus), "porto": str(args.porto), "steps": args.steps,
                    "config": str(args.config), "held_constant": "optimizer steps x batch "
                    "(tokens seen), lr schedule, recipe; final weights scored"}  # fmt: skip
    done = {(r["kind"], r["size"], r["fraction"], r["seed"], r["steps"]) for r in doc["runs"]}
    for r in doc["runs"]:  # records from before train_windows was recorded
        if "train_windows" not in r:
            stride = r.get("stride", 16)
            r["train_windows"] = train_windows(fraction_corpus(args.corpus, r["fraction"],
                                                               args.out), r["window"], stride)  # fmt: skip
            r["stride"] = stride
    new = 0
    for spec in grid(args):
        key = (spec["kind"], spec["size"], spec["fraction"], spec["seed"], spec["steps"])
        # the size sweep's run at --data-size is also the data sweep's whole-corpus point
        if key in done or (spec["kind"] == "data" and ("params",) + key[1:] in done):
            continue
        if args.only and new >= args.only:
            break
        data = fraction_corpus(args.corpus, spec["fraction"], args.out)
        name = f"{spec['size']}-f{spec['fraction']:g}-s{spec['seed']}"
        name += f"-n{spec['steps']}" if spec["steps"] != args.steps else ""
        print(f"[{time.strftime('%H:%M:%S')}] training {name}", flush=True)
        model, info = train_one(data, args.out / "runs" / name, parse_size(spec["size"]),
                                spec["steps"], spec["seed"], args.config)  # fmt: skip
        t0 = time.perf_counter()
        rec = spec | info | score(model, args.corpus, args.porto, info["window"])
        rec |= {"eval_wall_s": time.perf_counter() - t0, "run": str(args.out / "runs" / name)}
        import polars as pl

        idx = pl.read_parquet(data / "index.parquet").filter(pl.col("split") == "train")
        rec |= {
            "train_trajectories": idx.height,
            "train_points": int(idx["n_points"].sum()),
            "train_windows": train_windows(data, info["window"], info["stride"]),
        }
        doc["runs"].append(rec)
        path.write_text(json.dumps(doc, indent=2))
        done.add(key)
        new += 1
        print(f"  {rec['n_params']:,} params  {rec['train_wall_s']:.0f} s  val loss "
              f"{rec['val_loss']:.4f}  corpus MAE {rec['corpus_val_mae_m']:.1f} m  Porto MAE "
              f"{rec.get('porto_val_mae_m', float('nan')):.1f} m", flush=True)  # fmt: skip
    return doc["runs"]


if __name__ == "__main__":
    main()
