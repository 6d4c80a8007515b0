"""premise35: premise30's recipe (a) fine-tune, stopped on a held-out part of TRAIN.

Recipe (a) (scripts/premise30/finetune_r50.py: lr 5e-4, random-50 % masks only, ``adapt`` for a
pretrained init, ``keep`` for a random one) runs no validation and keeps its last step; with
more steps the scratch arm got worse (premise34 arm B). Here a fixed, seeded 10 % of Porto's
TRAIN trips is held out of the fine-tune (the same trips for every arm) and the kept weights
(OUT/best) are those of the evaluation with the lowest random-50 % MAE (m, mean over held-out
trips of each trip's mean over its hidden points; one fixed mask, seed 0) at steps N, 2N, ...,
max_steps. Porto's val split is never read (it is the rule's split). docs/pretraining.md
"Session 35 (premise35)".

    python scripts/premise35/finetune_val.py split /tmp/stores/porto /tmp/premise35/porto_ft
    python scripts/premise35/finetune_val.py gate INIT OUT --seed 0      # INIT + recovery_gate
    python scripts/premise35/finetune_val.py finetune STORE INIT OUT --seed 0 --refit adapt|keep
        [--lr 1.5e-4] [--freeze-body]   # premise35c's step size; premise36's head-only arm F
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script  # noqa: E402

r50 = load_script("premise30_finetune_r50", "premise30/finetune_r50.py")

HELD_OUT_FRACTION = 0.1
SPLIT_SEED = 35  # which train trips are held out (fixed: the same trips for every arm)
# The transformer body (premise36's arm F freezes it): point / span embeddings, blocks, final
# norm. What stays trainable is the output side: the infill head (a hidden point's offset over
# its anchor), the step head (span steps as bridge residuals) and the end-of-span head.
BODY_PREFIXES = ("embed.", "pos_emb.", "span_pos.", "blocks.", "ln_f.")


def split_store(src: Path, out: Path) -> dict:
    """A copy of store ``src`` whose train split lacks a seeded 10 % of its trips and whose val
    split is exactly those trips (test: empty). stats.json is ``src``'s own, so both arms get
    the scales recipe (a) gave them."""
    from trajlm.data.store import load_manifest, read_store

    if out.exists():
        raise SystemExit(f"{out} exists: the held-out split is written once")
    train = read_store(src, split="train").drop("split")
    trips = np.array(sorted(train["traj_id"].unique().to_list()))
    rng = np.random.default_rng(SPLIT_SEED)
    held = set(rng.choice(trips, size=round(HELD_OUT_FRACTION * len(trips)), replace=False))
    is_held = pl.col("traj_id").is_in(list(held))
    parts = {"train": train.filter(~is_held), "val": train.filter(is_held), "test": train.head(0)}
    manifest = load_manifest(src)
    tmp = out.with_name(out.name + ".tmp")
    for name, df in parts.items():
        (tmp / "points" / f"split={name}").mkdir(parents=True)
        df.sort(["traj_id", "t"]).write_parquet(
            tmp / "points" / f"split={name}" / "part-00000.parquet"
        )
    for f in ("stats.json", ".trajlm"):
        shutil.copy(src / f, tmp / f)
    index = pl.DataFrame({"traj_id": list(trips)}).with_columns(
        pl.when(is_held).then(pl.lit("val")).otherwise(pl.lit("train")).alias("split"))  # fmt: skip
    index.write_parquet(tmp / "index.parquet")
    manifest |= {
        "n_points": len(train), "n_trajectories": len(trips),
        "splits": {k: {"n_trajectories": v["traj_id"].n_unique(), "n_points": len(v)}
                   for k, v in parts.items()},
        "files": {k: ["part-00000.parquet"] for k in parts},
        "heldout_from": str(src), "heldout_seed": SPLIT_SEED,
    }  # fmt: skip
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
    tmp.rename(out)
    return manifest["splits"]


def add_gate(init: Path, out: Path, seed: int) -> None:
    """A copy of weights directory ``init`` with ``recovery_gate = true`` (the gate freshly
    initialised under ``seed``, sigmoid ~0.5 at the start; every other weight as in INIT)."""
    import torch
    from safetensors.torch import load_file

    from trajlm.model import ModelConfig, TrajectoryModel

    cfg = json.loads((init / "config.json").read_text()) | {"recovery_gate": True}
    torch.manual_seed(seed)
    model = TrajectoryModel(ModelConfig.from_dict(cfg))
    missing, unexpected = model.load_state_dict(load_file(init / "model.safetensors"), strict=False)
    if unexpected or any(not k.startswith("recovery_gate.") for k in missing):
        raise SystemExit(f"{init}: weights do not fit the gated model ({missing + unexpected})")
    model.save_pretrained(out)
    if (init / "train_config.json").exists():  # finetune reads batch_size / max_len there
        shutil.copy(init / "train_config.json", out / "train_config.json")


def heldout_metric(store: Path):
    """Metric: random-50 % MAE (m) on the store's val split (the held-out train trips)."""
    from trajlm.data.protocol_tasks import make_recovery_task
    from trajlm.data.store import read_store
    from trajlm.tasks.recover import ModelRecoverer
    from trajlm.train.objectives import Metric

    task = make_recovery_task(read_store(store, split="val"), mode="random", ratio=0.5, seed=0)
    hidden = ~task.known
    g = task.groups[hidden]

    def mae(model) -> float:
        from trajlm.data.metrics import point_errors

        err = point_errors(ModelRecoverer(model).recover(task)[hidden], task.latlon[hidden])
        return float((np.bincount(g, err)[np.unique(g)] / np.bincount(g)[np.unique(g)]).mean())

    return Metric("heldout_r50_mae_m", mae)


def freeze_body(model) -> list[str]:
    """Set requires_grad False on every ``BODY_PREFIXES`` parameter of ``model``; returns the
    names left trainable (refuses a model where nothing, or everything, would be frozen)."""
    frozen, trained = [], []
    for name, p in model.named_parameters():
        body = name.startswith(BODY_PREFIXES)
        p.requires_grad_(not body)
        (frozen if body else trained).append(name)
    if not frozen or not trained:
        raise SystemExit(f"--freeze-body: {len(frozen)} body / {len(trained)} other parameters")
    return trained


def finetune(store: Path, init: Path, out: Path, seed: int, refit: str, steps: int,
             eval_every: int, lr: float = 5e-4, body_frozen: bool = False) -> dict:  # fmt: skip
    """finetune_task's full-mode recipe (trajlm/finetune/masked.py) with the held-out metric;
    ``body_frozen``: only the heads train (the same run otherwise: same RNG draws, same steps)."""
    from trajlm.train.config import TrainConfig
    from trajlm.train.optim import adamw
    from trajlm.train.trainer import Trainer

    base = {}
    if (init / "train_config.json").exists():
        keep = ("batch_size", "max_len", "stride", "cpu_threads", "device")
        base = {k: v for k, v in json.loads((init / "train_config.json").read_text()).items()
                if k in keep}  # fmt: skip
    cfg = TrainConfig.from_dict(
        base | {"max_steps": steps, "lr": lr, "warmup_steps": min(20, steps // 5), "seed": seed,
                "eval_every": eval_every, "eval_batches": 2, "save_every": steps,
                "progress": False, "objectives": r50.fixed_ratio_mix(0.5), "init_from": str(init),
                "refit_scales": refit}
    )  # fmt: skip
    trainer = Trainer(store, out, None, cfg, mode="full", metric=heldout_metric(store))
    if body_frozen:  # after Trainer built the model, so the RNG stream is the full run's
        print("trained:", " ".join(freeze_body(trainer.model)))
        trainer.optimizer = adamw(trainer.model, trainer.cfg)  # it sees trainable ones only
    summary = trainer.fit(overwrite=True)
    summary["kept"] = trainer.kept_note()
    print(summary["kept"])
    return summary


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("split")
    s.add_argument("src", type=Path)
    s.add_argument("out", type=Path)
    g = sub.add_parser("gate")
    g.add_argument("init", type=Path)
    g.add_argument("out", type=Path)
    g.add_argument("--seed", type=int, default=0)
    f = sub.add_parser("finetune")
    f.add_argument("store", type=Path)
    f.add_argument("init", type=Path)
    f.add_argument("out", type=Path)
    f.add_argument("--seed", type=int, default=0)
    f.add_argument("--refit", default="keep", help="TrainConfig.refit_scales")
    f.add_argument("--steps", type=int, default=600)
    f.add_argument("--eval-every", type=int, default=50)
    f.add_argument("--lr", type=float, default=5e-4, help="peak learning rate (premise35c: x0.3)")
    f.add_argument("--freeze-body", action="store_true",
                   help="train the heads only (premise36's arm F; default: every weight)")  # fmt: skip
    args = ap.parse_args(argv)
    if args.cmd == "finetune" and not 0 < args.lr < float("inf"):
        ap.error(f"--lr must be > 0 and finite, got {args.lr}")
    import torch

    torch.set_num_threads(1)
    if args.cmd == "split":
        print(split_store(args.src, args.out))
    elif args.cmd == "gate":
        add_gate(args.init, args.out, args.seed)
    else:
        finetune(
            args.store,
            args.init,
            args.out,
            args.seed,
            args.refit,
            args.steps,
            args.eval_every,
            args.lr,
            args.freeze_body,
        )


if __name__ == "__main__":
    main()
