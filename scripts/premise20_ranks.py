"""Where a similarity arm loses (issue 14; docs/pretraining.md "Session 20"): the per-query rank
distribution (seed-averaged; mean, median, p90, p99, share past 50) of cached contrastive
fine-tunes on one split's clock-shifted hard queries. Inference only: it trains nothing and
chooses nothing (the fine-tunes come from the --cache folders of premise20_sim.py /
similarity_premise.py).

    python scripts/premise20_ranks.py --data /tmp/stores/geolife --split test \
        --arm transfer=/tmp/premise20/pre_t1/best:/tmp/premise20/transfer/geolife/models:pretrained \
        --arm random=/tmp/premise19/pre_c1/best:/tmp/premise19/sim/geolife/models:random
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from similarity_premise import (  # noqa: E402
    N_POINTS,
    embedder_ranks,
    fine_tuned,
    parse_config,
    random_init,
    tasks,
)

from trajlm.data.store import read_store  # noqa: E402
from trajlm.model import TrajectoryModel  # noqa: E402
from trajlm.tasks.embed import ModelEmbedder  # noqa: E402


def arm_ranks(run: str, cache: Path, key: str, config: str, seeds: list[int], task) -> np.ndarray:
    """(seeds, queries) ranks of the cached fine-tunes KEY_CONFIG_sS (key: pretrained|random)."""
    out = []
    for s in seeds:
        model = TrajectoryModel.from_pretrained(run) if key == "pretrained" else random_init(run, s)
        cfg = parse_config(config, s)
        if not (cache / f"{key}_{config}_s{s}.pt").exists():
            raise SystemExit(f"--arm: no cached fine-tune {cache}/{key}_{config}_s{s}.pt")
        model, _ = fine_tuned(model, cfg, None, None, cache, f"{key}_{config}_s{s}")
        out.append(embedder_ranks(ModelEmbedder(model, n_points=N_POINTS, layer=cfg.layer), task))
    return np.array(out, float)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--config", default="1e-3:0.1:16:final:aug")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--arm", action="append", required=True, help="NAME=RUN:CACHE:KEY")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    df = read_store(args.data)
    df = df.filter(pl.col("split") == args.split).drop("split")  # as similarity_premise.py
    task = tasks(df)["hard, clock-shifted"]
    for spec in args.arm:
        name, rest = spec.split("=", 1)
        run, cache, key = rest.split(":")
        r = arm_ranks(run, Path(cache), key, args.config, args.seeds, task)
        m = r.mean(0)
        print(f"{args.split} {name}: mean {m.mean():.2f} median {np.median(m):.1f} "
              f"p90 {np.quantile(m, 0.9):.1f} p99 {np.quantile(m, 0.99):.1f} "
              f"past 50 {100 * (m > 50).mean():.1f} % top-1 {100 * (r <= 1).mean():.1f} %")  # fmt: skip


if __name__ == "__main__":
    main()
