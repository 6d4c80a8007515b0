"""Transfer (issue 7): a model pretrained elsewhere, adapted to a new city with 10 % of its data.

Per seed: from --source, fine-tune next-point prediction on 10 % of the target's train split
(full / selective / LoRA r=4 + head), train the same architecture from scratch on the same 10 %
and on 100 %; then PROTOCOL.md 5-step prediction on the target's test split beside the
baselines; mean ± std over seeds (``trajlm.eval.report.aggregate_runs``) with trainable share,
adapter size, training time and the step early stopping kept.

    python scripts/transfer_results.py --source GEOLIFE_RUN/best --data PORTO_STORE --out DIR \
        --steps 300 --lr 5e-4 --seeds 0 1 2

Writes DIR/<variant>-<mode>-<pct>-s<seed>/ (adapter, merged model, summary), DIR/eval/ (the
harness) and DIR/transfer.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from trajlm.data.store import read_store
from trajlm.eval.protocol import run_eval
from trajlm.eval.report import aggregate_runs, mean_std, write_markdown_table
from trajlm.finetune.trainer import finetune_next_point
from trajlm.model import TrajectoryModel
from trajlm.tasks.predict import ModelPredictor
from trajlm.train.trainer import TrainConfig

HEADER = ["model", "target data", "5-step MAE (m)", "FDE (m)", "trainable (%)",
          "adapter on disk (kB)", "train (s)", "kept step"]  # fmt: skip


def variants(source: str) -> dict[str, dict]:
    return {
        "zero-shot (source model)": dict(model=source, mode="frozen", fraction=0.1, max_steps=0),
        "transfer, full": dict(model=source, mode="full", fraction=0.1),
        "transfer, selective (last block + heads)":
            dict(model=source, mode="selective", fraction=0.1, n_last=1),
        "transfer, LoRA r=4 + head":
            dict(model=source, mode="lora", fraction=0.1, lora_r=4, modules_to_save=("head",)),
        "scratch, 10 %": dict(model=None, mode="full", fraction=0.1),
        "scratch, 100 %": dict(model=None, mode="full", fraction=1.0),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", required=True, help="Run pretrained on the source data.")
    ap.add_argument("--data", required=True, help="Target store.")
    ap.add_argument("--out", required=True, type=Path, help="Output directory.")
    ap.add_argument("--steps", type=int, default=300, help="Fine-tuning / training steps.")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--eval-every", type=int, default=25, help="Val loss every N steps.")
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    out: Path = args.out
    arch = TrajectoryModel.from_pretrained(args.source).config
    specs = variants(args.source)
    info: dict[str, list[dict]] = {}
    models = []
    for seed in args.seeds:
        tc = TrainConfig(batch_size=args.batch_size, max_len=48, stride=24, lr=args.lr,
                         warmup_steps=20, eval_every=args.eval_every, eval_batches=30,
                         seed=seed)  # fmt: skip
        for name, kw in specs.items():
            kw = {"max_steps": args.steps, **kw}
            tag = f"{name.split(',')[0].split(' ')[0]}-{kw['mode']}-{int(kw['fraction'] * 100)}"
            d = out / f"{tag}-s{seed}"
            s = finetune_next_point(data=args.data, out=d, train_config=tc, model_config=arch, **kw)
            info.setdefault(name, []).append(s)
            model = TrajectoryModel.from_pretrained(d / "merged").eval()
            models.append(ModelPredictor(model, name=f"{name} s{seed}"))
            keep = ("best_step", "best_val_loss", "train_s", "pct", "adapter_bytes")
            print(name, seed, {k: s[k] for k in keep}, flush=True)
    res = run_eval(read_store(args.data), "predict", models=tuple(models), seeds=(0,),
                   out=out / "eval", verbose=False)  # fmt: skip
    for name in specs:  # one mean ± std row per variant over the seeds
        runs = [f"{name} s{s}" for s in args.seeds]
        if len(runs) > 1:
            aggregate_runs(res, runs, name)
        else:
            res.rows += [{**r, "method": name} for r in res.rows if r["method"] == runs[0]]
    table = []
    for r in res.rows:
        name = r["method"]
        if name not in specs and name.rsplit(" s", 1)[0] in specs:
            continue  # a single seed's row: the aggregate stands for it
        cells = [name, "", mean_std(r, "mae_m"), mean_std(r, "fde_m"), "", "", "", ""]
        if name in specs:
            s = info[name]
            cells[1] = f"{int(specs[name]['fraction'] * 100)} %"
            cells[4] = f"{np.mean([x['pct'] for x in s]):.1f}"
            cells[5] = f"{np.mean([x['adapter_bytes'] for x in s]) / 1e3:.0f}"
            cells[6] = f"{np.mean([x['train_s'] for x in s]):.0f}"
            cells[7] = ", ".join(str(x["best_step"]) for x in s)
        table.append(cells)
    return write_markdown_table(out / "transfer.md", HEADER, table)


if __name__ == "__main__":
    main()
