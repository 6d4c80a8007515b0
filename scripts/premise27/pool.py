"""Pretraining seeds pooled (issue 14; docs/pretraining.md "Session 27 (premise27)"): the
cached 32-epoch similarity fine-tunes of several pretraining seeds of one recipe against the
random-init arm they share, on one split. Inference only: it trains and chooses nothing (the
fine-tunes come from scripts/premise27/run.sh's caches; the normalisation is the one VAL
picked there). Per task and metric: each pretraining seed - random init, and the pooled
difference = the per-query mean over every (pretraining seed, fine-tune seed) run of the
pretrained arm minus the per-query mean over the random-init fine-tune seeds, with a paired
bootstrap 95 % CI over the queries (the pretraining seeds' spread is in the per-seed rows, not
in that CI: two seeds give no interval of their own).

    python scripts/premise27/pool.py --data /tmp/stores/porto --split test \
        --pre seed0=/tmp/premise27/pre_c1_seed0/best:/tmp/premise27/ft_seed0/porto/models \
        --pre seed1=/tmp/premise27/pre_c1_seed1/best:/tmp/premise27/ft_seed1/porto/models \
        --out ${PREMISE27:-/tmp/premise27}/pool-test
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import polars as pl
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from similarity_premise import (  # noqa: E402
    N_POINTS,
    embedder_ranks,
    fine_tuned,
    normed,
    parse_config,
    random_init,
    tasks,
)

from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.compare import paired_bootstrap_ci  # noqa: E402
from trajlm.eval.report import write_markdown_table  # noqa: E402
from trajlm.model import TrajectoryModel  # noqa: E402
from trajlm.tasks.embed import ModelEmbedder  # noqa: E402

METRICS = {"mean rank": lambda r: r, "top-1 (%)": lambda r: 100.0 * (r <= 1),
           "top-5 (%)": lambda r: 100.0 * (r <= 5)}  # fmt: skip


def cached_ranks(run: str, cache: Path, key: str, config: str, seeds: list[int],
                 train: pl.DataFrame, norm: str, ts: dict,
                 fit_val: pl.DataFrame | None = None) -> dict[str, np.ndarray]:  # fmt: skip
    """{task: (seeds, queries) ranks} of the cached fine-tunes CACHE/KEY_CONFIG_sS; with
    ``fit_val`` a missing one is trained first (its epoch picked on that split) and cached."""
    out: dict = {t: [] for t in ts}
    for s in seeds:
        name = f"{key}_{config}_s{s}"
        if fit_val is None and not (cache / f"{name}.pt").exists():
            raise SystemExit(
                f"no cached fine-tune {cache}/{name}.pt (run scripts/premise27/run.sh)"
            )
        model = TrajectoryModel.from_pretrained(run) if key == "pretrained" else random_init(run, s)
        model, info = fine_tuned(model, parse_config(config, s), train, fit_val, cache, name)
        print(name, {k: info.get(k) for k in ("best_epoch", "wall_s", "cached")}, flush=True)
        emb = normed(ModelEmbedder(model, n_points=N_POINTS, layer=None), train, norm)
        for t, task in ts.items():
            out[t].append(embedder_ranks(emb, task))
    return {t: np.array(v, float) for t, v in out.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="Store directory.")
    ap.add_argument("--split", choices=("val", "test"), required=True)
    ap.add_argument("--pre", action="append", required=True, help="NAME=RUN/best:CACHE (2+)")
    ap.add_argument("--config", default="1e-3:0.1:32:final:aug")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--norm", default="raw", help="both arms' normalisation (VAL's pick)")
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args(argv)
    if not args.config.endswith(("final", "final:aug")):
        raise SystemExit(f"--config {args.config}: this script embeds the final layer only")
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    df = read_store(args.data)
    train = df.filter(pl.col("split") == "train").drop("split")
    ts = tasks(df.filter(pl.col("split") == args.split).drop("split"))
    pre = {}
    for spec in args.pre:
        name, rest = spec.split("=", 1)
        run, cache = rest.rsplit(":", 1)
        pre[name] = (run, Path(cache))
    first_run, first_cache = next(iter(pre.values()))
    scratch = cached_ranks(first_run, first_cache, "random", args.config, args.seeds, train,
                           args.norm, ts)  # fmt: skip
    ranks = {n: cached_ranks(r, c, "pretrained", args.config, args.seeds, train, args.norm, ts)
             for n, (r, c) in pre.items()}  # fmt: skip
    rows, rec = [], {"split": args.split, "config": args.config, "seeds": args.seeds,
                     "norm": args.norm, "pre": {n: list(map(str, v)) for n, v in pre.items()}}  # fmt: skip
    for t in ts:
        arms = {f"pretrained {n}": r[t] for n, r in ranks.items()}
        arms["pretrained, pooled"] = np.concatenate([r[t] for r in ranks.values()])
        arms["random init"] = scratch[t]
        rec[t] = {}
        for name, r in arms.items():
            m = {k: f(r).mean(1) for k, f in METRICS.items()}  # per run
            rec[t][name] = {k: v.tolist() for k, v in m.items()}
            rows.append([t, name, str(len(r)), *[f"{v.mean():.2f} ± {v.std(ddof=1):.2f}"
                                                 for v in m.values()]])  # fmt: skip
        for name in [a for a in arms if a != "random init"]:
            cis = {k: paired_bootstrap_ci(f(arms[name]).mean(0), f(scratch[t]).mean(0))
                   for k, f in METRICS.items()}  # fmt: skip
            rec[t][f"{name} - random init"] = cis
            rows.append([t, f"{name} - random init (95 % CI)", "",
                         *[f"{c['diff']:+.2f} ({c['lo']:+.2f} to {c['hi']:+.2f})"
                           for c in cis.values()]])  # fmt: skip
    (args.out / "pool.json").write_text(json.dumps(rec, indent=1))
    head = [f"task ({args.split})", "arm", "runs", *METRICS]
    print(write_markdown_table(args.out / "pool.md", head, rows).read_text())


if __name__ == "__main__":
    main()
