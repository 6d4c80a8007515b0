"""Transport modes (PROTOCOL.md task 4, issue 7): fine-tuning modes of a pretrained model.

Each --spec is INIT:MODE[:N_POINTS[:HEAD]]: INIT ``pre`` (the --pretrained run) or ``scratch``
(its architecture, random init); MODE full | selective | lora<r> | frozen; N_POINTS thins every
segment to that many points (one window) instead of 64-point windows; HEAD mlp | linear. Every
spec is fitted once per --seeds seed and reported as mean ± std beside the harness baselines,
with the trainable share, the bytes fine-tuning saves and the training time.

    python scripts/modes_results.py --data GEOLIFE_STORE --pretrained RUN/best --out DIR \
        --specs pre:full:64:linear pre:lora1:64:linear scratch:full:64:linear \
        --epochs 20 --lr 3e-3 --seeds 0 1 2 --split-by user_time

Writes DIR/eval_classify.{json,md} (the harness), DIR/model-<spec>/ (the first seed's saved
classifier) and DIR/classify.md (the table of docs/results.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from trajlm.data.store import read_store
from trajlm.eval.classify import run_classify_eval
from trajlm.eval.report import mean_std, write_markdown_table
from trajlm.model import TrajectoryModel
from trajlm.tasks.classify import ModelClassifier

BASELINES = ("majority class", "GB features", "GB features [balanced]")
HEADER = ["method", "accuracy (%)", "macro-F1 (%)", "trainable", "trainable (%)",
          "saved by fine-tuning (kB)", "train (s)"]  # fmt: skip


def classifiers(spec: str, pretrained: str, seeds: list[int], epochs: int, lr: float) -> list:
    """One ModelClassifier per seed for a spec INIT:MODE[:N_POINTS[:HEAD]]."""
    init, mode, *rest = spec.split(":")
    if init not in ("pre", "scratch"):
        raise SystemExit(f"--specs {spec}: INIT must be pre or scratch, got {init!r}")
    n_points = int(rest[0]) if rest and rest[0] else None
    head = rest[1] if len(rest) > 1 else "mlp"
    kw = dict(mode=mode, epochs=epochs, lr=lr, name=f"trajlm {spec}", n_points=n_points, head=head)
    if mode.startswith("lora"):
        kw["mode"], kw["lora_r"] = "lora", int(mode[4:] or 8)
    arch = TrajectoryModel.from_pretrained(pretrained).config
    source = pretrained if init == "pre" else None
    return [ModelClassifier(source, model_config=arch, seed=s, **kw) for s in seeds]


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="Store with per-point labels (GeoLife).")
    ap.add_argument("--pretrained", required=True, help="Pretrained run directory.")
    ap.add_argument("--out", required=True, type=Path, help="Output directory.")
    ap.add_argument("--specs", nargs="+", required=True, help="INIT:MODE[:N_POINTS[:HEAD]]")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--split-by", default="user_time", choices=("time", "user_time"))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    out: Path = args.out
    df = read_store(args.data).drop("split")
    groups = [classifiers(s, args.pretrained, args.seeds, args.epochs, args.lr) for s in args.specs]
    res = run_classify_eval(df, models=tuple(groups), seeds=tuple(args.seeds),
                            split_by=args.split_by, out=out, verbose=True)  # fmt: skip
    rows = {r["method"]: r for r in res.rows}

    def scores(name: str) -> list[str]:
        return [mean_std(rows[name], "accuracy_pct"), mean_std(rows[name], "macro_f1_pct")]

    table = [[name, *scores(name), "", "", "", f"{rows[name]['fit_s']:.1f}"] for name in BASELINES]
    for group in groups:
        first = group[0]
        for m in group:
            print(m.name, m.seed, {k: v for k, v in m.info_.items() if k != "history"}, flush=True)
        saved = out / f"model-{first.name.replace(' ', '_').replace(':', '-')}"
        kb = first.save(saved) / 1e3
        train_s = np.mean([m.info_["train_s"] for m in group])
        info = first.info_
        table.append([first.name, *scores(first.name), f"{info['trainable']:,}",
                      f"{info['pct']:.1f}", f"{kb:.0f}", f"{train_s:.0f}"])  # fmt: skip
    return write_markdown_table(out / "classify.md", HEADER, table)


if __name__ == "__main__":
    main()
