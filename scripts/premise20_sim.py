"""Similarity premise at a longer fine-tune, VAL for every seed (issue 14; docs/pretraining.md
"Session 20"): both arms (the pretrained checkpoint and a random init of its architecture)
through one fixed contrastive recipe, seeds 0-2, scored on the VAL split only, with a paired
bootstrap CI (pretrained - random init) over the val queries of the seed-averaged ranks.

    python scripts/premise20_sim.py --data STORE --pretrained RUN/best --out DIR \
        --config 1e-3:0.1:32:final:aug --cache DIR/models

The fine-tuned weights go to --cache under the keys `similarity_premise.py test` reads, so
the test split is then read once with that script (same cache: no re-training):

    python scripts/similarity_premise.py test --data STORE --pretrained RUN/best \
        --cache DIR/models --out DIR-test --pre-config C --scratch-config C --norm N
"""

from __future__ import annotations

import argparse
import json
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
    normed,
    parse_config,
    random_init,
    summary,
    tasks,
)

from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.compare import paired_bootstrap_ci  # noqa: E402
from trajlm.eval.report import write_markdown_table  # noqa: E402
from trajlm.model import TrajectoryModel  # noqa: E402
from trajlm.tasks.embed import ModelEmbedder  # noqa: E402

ARMS = {"pretrained": "pretrained", "random init": "random"}  # label -> cache key prefix


def val_ranks(args: argparse.Namespace, train: pl.DataFrame, val: pl.DataFrame) -> dict:
    """ranks[arm][norm][task] = (seeds, queries) on val; infos[arm] = per-seed fit info."""
    ts = tasks(val)
    ranks: dict = {a: {n: {t: [] for t in ts} for n in args.norms} for a in ARMS}
    infos: dict = {a: [] for a in ARMS}
    for arm, key in ARMS.items():
        for s in args.seeds:
            model = (
                TrajectoryModel.from_pretrained(args.pretrained)
                if arm == "pretrained"
                else random_init(args.scratch_from or args.pretrained, s)
            )
            cfg = parse_config(args.config, s)
            model, info = fine_tuned(
                model, cfg, train, val, args.cache, f"{key}_{args.config}_s{s}"
            )
            infos[arm].append(info)
            emb = ModelEmbedder(model, n_points=N_POINTS, layer=cfg.layer)
            for norm in args.norms:
                e = normed(emb, train, norm)
                for t, task in ts.items():
                    ranks[arm][norm][t].append(embedder_ranks(e, task))
            print(arm, s, {k: info.get(k) for k in ("best_epoch", "wall_s")}, flush=True)
    return {"ranks": ranks, "infos": infos}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="Store directory.")
    ap.add_argument("--pretrained", required=True, help="Pretrained run (RUN/best).")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--config", default="1e-3:0.1:32:final:aug", help="LR:TEMP:EPOCHS:LAYER[:aug]")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--norms", nargs="+", default=["raw", "whiten"])
    ap.add_argument("--cache", type=Path, default=None, help="fine-tuned weights (scratch)")
    ap.add_argument("--scratch-from", default=None,
                    help="the run whose architecture and NormStats the random arm takes "
                    "(default --pretrained; a transfer run reuses another corpus's arm)")  # fmt: skip
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    df = read_store(args.data)
    part = {s: df.filter(pl.col("split") == s).drop("split") for s in ("train", "val")}
    got = val_ranks(args, part["train"], part["val"])
    ranks, rows = got["ranks"], []
    rec: dict = {"config": args.config, "seeds": args.seeds, "infos": got["infos"], "val": {}}
    metrics = {"mean rank": lambda r: r, "top-1 (%)": lambda r: 100.0 * (r <= 1),
               "top-5 (%)": lambda r: 100.0 * (r <= 5)}  # fmt: skip
    # the rule (session 10's, per arm): the normalisation with the best seed-mean val top-1 on
    # the clock-shifted hard queries (ties: lower mean rank)
    pick = {}
    for arm in ARMS:
        key = "hard, clock-shifted"
        pick[arm] = min(args.norms, key=lambda n: (-summary(np.concatenate(ranks[arm][n][key]))["top1"],
                                                   summary(np.concatenate(ranks[arm][n][key]))["mean_rank"]))  # fmt: skip
    rec["pick"] = pick
    for t in ranks["pretrained"][args.norms[0]]:
        for arm in ARMS:
            for norm in args.norms:
                r = np.array(ranks[arm][norm][t], float)
                m = {k: f(r).mean(1) for k, f in metrics.items()}
                rec["val"].setdefault(t, {})[f"{arm} {norm}"] = {
                    k: v.tolist() for k, v in m.items()
                }
                rows.append([t, f"{arm} ({norm}{', picked' if pick[arm] == norm else ''})",
                             *[f"{v.mean():.2f} ± {v.std(ddof=1):.2f}" if len(v) > 1
                               else f"{v[0]:.2f}" for v in m.values()]])  # fmt: skip
        a = np.array(ranks["pretrained"][pick["pretrained"]][t], float)
        b = np.array(ranks["random init"][pick["random init"]][t], float)
        cis = {k: paired_bootstrap_ci(f(a).mean(0), f(b).mean(0)) for k, f in metrics.items()}
        rec["val"][t]["pretrained - random init"] = cis
        rows.append([t, "pretrained - random init, picked norms (95 % CI)",
                     *[f"{c['diff']:+.2f} ({c['lo']:+.2f} to {c['hi']:+.2f})" for c in cis.values()]])  # fmt: skip
    (args.out / "val.json").write_text(json.dumps(rec, indent=1))
    head = ["task (VAL)", "arm (normalisation)", "mean rank", "top-1 (%)", "top-5 (%)"]
    print(write_markdown_table(args.out / "val.md", head, rows).read_text())
    print("pick", json.dumps(pick))


if __name__ == "__main__":
    main()
