"""L2-SP against the pretrained start's drift, VAL only (issue 14; docs/pretraining.md
"Session 27 (premise27)"): the pretrained arm of scripts/premise27/run.sh fine-tuned with
``ContrastiveConfig.l2sp`` = W (the same 32-epoch recipe otherwise), fine-tune seeds 0-2,
against the cached plain pretrained and random-init fine-tunes of the same run, on the val
split (raw), paired bootstrap 95 % CIs over the val queries of the seed-averaged scores. Test
is not read.

    python scripts/premise27/l2sp_val.py --data /tmp/stores/porto --weight W \
        --pretrained /tmp/premise27/pre_c1_seed1/best --cache /tmp/premise27/ft_seed1/porto/models \
        --out ${PREMISE27:-/tmp/premise27}/l2sp-val
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pool import METRICS, cached_ranks  # noqa: E402
from similarity_premise import tasks  # noqa: E402

from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.compare import paired_bootstrap_ci  # noqa: E402
from trajlm.eval.report import write_markdown_table  # noqa: E402

BASE = "1e-3:0.1:32:final:aug"  # session 20's recipe, as run.sh


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="Store directory.")
    ap.add_argument("--pretrained", required=True, help="run.sh's RUN/best")
    ap.add_argument("--cache", required=True, type=Path, help="run.sh's fine-tune cache")
    ap.add_argument("--weight", required=True, type=float, help="the L2-SP weight W")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    df = read_store(args.data)
    train, val = (df.filter(pl.col("split") == s).drop("split") for s in ("train", "val"))
    ts, src = tasks(val), (args.pretrained, args.cache)
    arms = {
        f"pretrained + L2-SP {args.weight:g}": cached_ranks(
            *src, "pretrained", f"{BASE}:l2sp{args.weight:g}", args.seeds, train, "raw", ts, val
        ),
        "pretrained": cached_ranks(*src, "pretrained", BASE, args.seeds, train, "raw", ts),
        "random init": cached_ranks(*src, "random", BASE, args.seeds, train, "raw", ts),
    }
    new = next(iter(arms))
    rows, rec = [], {"weight": args.weight, "seeds": args.seeds}
    for t in ts:
        rec[t] = {}
        for name, r in arms.items():
            m = {k: f(r[t]).mean(1) for k, f in METRICS.items()}
            rec[t][name] = {k: v.tolist() for k, v in m.items()}
            rows.append([t, name, *[f"{v.mean():.2f} ± {v.std(ddof=1):.2f}" if len(v) > 1
                                    else f"{v[0]:.2f}" for v in m.values()]])  # fmt: skip
        for other in ("pretrained", "random init"):
            cis = {k: paired_bootstrap_ci(f(arms[new][t]).mean(0), f(arms[other][t]).mean(0))
                   for k, f in METRICS.items()}  # fmt: skip
            rec[t][f"{new} - {other}"] = cis
            rows.append([t, f"{new} - {other} (95 % CI)",
                         *[f"{c['diff']:+.2f} ({c['lo']:+.2f} to {c['hi']:+.2f})"
                           for c in cis.values()]])  # fmt: skip
    (args.out / "l2sp_val.json").write_text(json.dumps(rec, indent=1))
    head = ["task (VAL)", "arm", *METRICS]
    print(write_markdown_table(args.out / "l2sp_val.md", head, rows).read_text())
    print(json.dumps({"mean_rank_ci_vs_scratch": rec["hard, clock-shifted"][f"{new} - random init"]["mean rank"]}))  # fmt: skip


if __name__ == "__main__":
    main()
