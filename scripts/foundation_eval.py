"""Pretrained vs scratch, paired (issue 14 item 7; scripts/foundation_results.sh drives it).

    python scripts/foundation_eval.py val runs/foundation/val --out out/foundation/val.json
    python scripts/foundation_eval.py init PRE_RUN STORE OUT --seed 0
    python scripts/foundation_eval.py finetune recover STORE INIT OUT --seed 0 --steps 300
    python scripts/foundation_eval.py predict --data STORE --label Porto \
        --scratch RUN_s0/best,RUN_s1/best --pretrained RUN_s0/best,... --out scores.json
    python scripts/foundation_eval.py rows out/foundation

val: every run under a folder, its best val 5-step ADE (the Trainer's val_ade_m). init: a
random init of PRE_RUN's architecture with STORE's NormStats (the scratch arm of a task
fine-tune, so both arms go through the same fine-tune). finetune: ``finetune_task`` (the
`trajlm finetune --task recover|tte` path) with a seed. predict | recover | tte: per-trip test
errors of every seed of both arms, mean ± std over seeds, and the paired bootstrap 95 % CI
(trajlm.eval.compare) of pretrained minus scratch on the seed-averaged per-trip errors
(negative = pretraining helps). Appends one JSON record per call to --out. rows: the
similarity and modes rows of the same table from the driver's `similarity` and `modes` stages
(OUT/similarity-*/premise.json of scripts/similarity_results.py --scratch-arm,
OUT/modes-*/modes_summary.json of scripts/modes_results.py --paired; "±": std over seeds, ddof
1, as the other rows).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np


def val_scores(folder: Path) -> dict[str, dict]:
    """{run name: best val ADE (m), the step it was reached, steps run} for every run."""
    out = {}
    for metrics in sorted(folder.glob("*/metrics.jsonl")):
        rows = [json.loads(line) for line in metrics.read_text().splitlines() if line.strip()]
        evals = [r for r in rows if r.get("val_ade_m") is not None]
        if not evals:
            continue
        best = min(evals, key=lambda r: r["val_ade_m"])
        out[metrics.parent.name] = {"best_val_ade_m": best["val_ade_m"], "best_step": best["step"],
                                    "steps": max(r["step"] for r in rows)}  # fmt: skip
    return out


def random_init(pre: str, store: str, out: Path, seed: int) -> Path:
    """PRE's architecture, random weights (``seed``), STORE's NormStats; with PRE's
    train_config.json so a task fine-tune reads the same window settings as from PRE."""
    import shutil

    import torch

    from trajlm.data.store import load_stats
    from trajlm.model import ModelConfig, TrajectoryModel

    pre_model = TrajectoryModel.from_pretrained(pre)
    cfg = ModelConfig.from_dict(
        {**pre_model.config.to_dict(), "stats": load_stats(store).to_dict()}
    )
    torch.manual_seed(seed)
    TrajectoryModel(cfg).save_pretrained(out)
    for run in (Path(pre), Path(pre).parent):
        if (run / "train_config.json").exists():
            shutil.copy(run / "train_config.json", out / "train_config.json")
            break
    return out


def prediction_errors(weights: str, task) -> np.ndarray:
    from trajlm.data.metrics import point_errors
    from trajlm.model import TrajectoryModel
    from trajlm.model.rollout import ModelPredictor

    model = TrajectoryModel.from_pretrained(weights).eval()
    return point_errors(ModelPredictor(model).predict_next(task), task.target_latlon).mean(1)


def recovery_errors(weights: str, task) -> np.ndarray:
    """(N,) mean error (m) of each trip's hidden points (trips with none hidden: dropped)."""
    from trajlm.data.metrics import point_errors
    from trajlm.model import TrajectoryModel
    from trajlm.tasks.recover import ModelRecoverer

    model = TrajectoryModel.from_pretrained(weights).eval()
    hidden = ~task.known
    err = point_errors(ModelRecoverer(model).recover(task)[hidden], task.latlon[hidden])
    g = task.groups[hidden]
    return np.bincount(g, err)[np.unique(g)] / np.bincount(g)[np.unique(g)]


def tte_errors(weights: str, od) -> np.ndarray:
    from trajlm.model import TrajectoryModel
    from trajlm.tasks.travel_time import ModelTravelTime

    model = TrajectoryModel.from_pretrained(weights).eval()
    return np.abs(ModelTravelTime(model).travel_time(od) - od["duration_s"].to_numpy())


def make_task(kind: str, store: Path, setting: str):
    """The test-split task and the per-trip error function of ``kind``."""
    from trajlm.data.protocol_tasks import make_prediction_task, make_recovery_task
    from trajlm.data.store import read_store
    from trajlm.eval.protocol import make_tte_task

    df = read_store(store, split="test")
    if kind == "predict":
        return make_prediction_task(df), prediction_errors
    if kind == "recover":  # "random:0.5" or "downsample:240" (PROTOCOL task 2)
        mode, value = setting.split(":")
        kw = {"ratio": float(value)} if mode == "random" else {"interval_s": float(value)}
        return make_recovery_task(df, mode=mode, seed=0, **kw), recovery_errors
    return make_tte_task(df), tte_errors


def compare(kind: str, store: Path, setting: str, scratch: list[str], pre: list[str]) -> dict:
    from trajlm.eval.compare import paired_bootstrap_ci

    task, errors = make_task(kind, store, setting)
    arms = {
        "scratch": [errors(w, task) for w in scratch],
        "pretrained": [errors(w, task) for w in pre],
    }
    rec: dict = {"task": kind, "data": str(store), "setting": setting}
    for name, per_seed in arms.items():
        means = np.array([e.mean() for e in per_seed])
        rec[name] = {"weights": scratch if name == "scratch" else pre, "per_seed": means.tolist(),
                     "mean": float(means.mean()),
                     "std": float(means.std(ddof=1)) if len(means) > 1 else 0.0}  # fmt: skip
    a, b = np.mean(arms["pretrained"], axis=0), np.mean(arms["scratch"], axis=0)
    rec["pretrained_minus_scratch"] = paired_bootstrap_ci(a, b)
    return rec


def finetune(
    task: str, store: str, init: str, out: str, seed: int, steps: int, lr: float, refit: str
) -> dict:
    from trajlm.finetune.masked import finetune_task

    return finetune_task(init, store, out, task, max_steps=steps, lr=lr, seed=seed,
                         overwrite=True, refit_scales=refit)  # fmt: skip


UNITS = {"predict": "5-step MAE (m)", "recover": "MAE of hidden points (m)", "tte": "MAE (s)"}


def table(records: list[dict]) -> str:
    """The markdown table of docs/pretraining.md from the predict / recover / tte records."""
    lines = ["| task | data | metric | scratch | pretrained + fine-tuned | pretrained - scratch "
             "(95 % CI) | relative |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in records:
        if "pretrained_minus_scratch" not in r:
            continue
        d, n = r["pretrained_minus_scratch"], len(r["scratch"]["per_seed"])
        task = r["task"] + (f" ({r['setting']})" if r.get("setting") else "")
        arms = [f"{r[a]['mean']:.1f} ± {r[a]['std']:.1f}" for a in ("scratch", "pretrained")]
        lines.append(f"| {task} | {r.get('label', '')} ({d['n']} trips, {n} seeds) | "
                     f"{UNITS[r['task']]} | {arms[0]} | {arms[1]} | {d['diff']:+.1f} "
                     f"({d['lo']:+.1f} to {d['hi']:+.1f}) | {d['rel']:+.1%} |")  # fmt: skip
    return "\n".join(lines)


def _ms(values, digits: int = 2) -> str:
    v = np.asarray(values, np.float64)
    return f"{v.mean():.{digits}f} ± {v.std(ddof=1) if len(v) > 1 else 0.0:.{digits}f}"


def similarity_rows(premise: dict, label: str) -> list[str]:
    """Mean rank, top-1 and top-5 rows: random init vs pretrained, both + contrastive."""
    rows = []
    for metric in ("mean rank", "top-1 (%)", "top-5 (%)"):
        r = premise[metric]
        rel = f"{r['rel']:+.1%}"
        rows.append(f"| similarity, + contrastive | {label} ({r['n']} queries, "
                    f"{len(premise['seeds'])} seeds) | {metric} | {_ms(r['random init'])} | "
                    f"{_ms(r['pretrained'])} | {r['diff']:+.2f} ({r['lo']:+.2f} to {r['hi']:+.2f})"
                    f" | {rel} |")  # fmt: skip
    return rows


def modes_rows(summary: dict, label: str) -> list[str]:
    """Accuracy / macro-F1 rows of every --paired pair vs its seeds' predictions (percent)."""
    from sklearn.metrics import f1_score

    y = np.asarray(summary["labels"])
    classes = sorted(set(y.tolist()))

    def per_seed(name: str) -> tuple[list[float], list[float]]:
        pred = [np.asarray(p) for p in summary["methods"][name]["pred"]]
        acc = [100.0 * float(np.mean(p == y)) for p in pred]
        f1 = [100.0 * f1_score(y, p, labels=classes, average="macro", zero_division=0)
              for p in pred]  # fmt: skip
        return acc, f1

    rows = []
    for pair in summary.get("paired", []):
        (acc_a, f1_a), (acc_b, f1_b) = per_seed(pair["a"]), per_seed(pair["b"])
        arms = [f"{_ms(acc, 1)} / {_ms(f1, 1)}" for acc, f1 in ((acc_b, f1_b), (acc_a, f1_a))]
        ci = " to ".join(f"{100 * pair[k]:+.1f}" for k in ("lo", "hi"))
        rows.append(f"| modes ({pair['a'].removeprefix('trajlm ')} vs "
                    f"{pair['b'].removeprefix('trajlm ')}) | {label} ({pair['n']} segments, "
                    f"{len(acc_a)} seeds) | accuracy / macro-F1 (%) | {arms[0]} | {arms[1]} | "
                    f"{100 * pair['diff']:+.1f} pp ({ci}) | {pair['rel']:+.1%} |")  # fmt: skip
    return rows


def rows_of(out: Path) -> str:
    """The similarity and modes rows found under ``out`` (markdown, one per line)."""
    lines = []
    for path in sorted(out.glob("similarity-*/premise.json")):
        label = path.parent.name.removeprefix("similarity-")
        lines += similarity_rows(json.loads(path.read_text()), label)
    for path in sorted(out.glob("modes-*/modes_summary.json")):
        summary = json.loads(path.read_text())
        label = f"GeoLife {summary['split_by']} split, {summary['scored_on']}"
        lines += modes_rows(summary, label)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("val")
    v.add_argument("folder", type=Path)
    v.add_argument("--out", type=Path)
    i = sub.add_parser("init")
    i.add_argument("pre")
    i.add_argument("store")
    i.add_argument("out", type=Path)
    i.add_argument("--seed", type=int, default=0)
    f = sub.add_parser("finetune")
    f.add_argument("task", choices=("recover", "tte"))
    f.add_argument("store")
    f.add_argument("init")
    f.add_argument("out")
    f.add_argument("--seed", type=int, default=0)
    f.add_argument("--steps", type=int, default=300)
    f.add_argument("--lr", type=float, default=5e-4)
    f.add_argument("--refit", default="keep", help="TrainConfig.refit_scales")
    for kind in ("predict", "recover", "tte"):
        c = sub.add_parser(kind)
        c.add_argument("--data", required=True, type=Path)
        c.add_argument("--label", default="")
        c.add_argument("--setting", default="random:0.5", help="recover: random:R | downsample:S")
        c.add_argument("--scratch", required=True, help="weights dirs, one per seed, commas")
        c.add_argument("--pretrained", required=True, help="weights dirs, one per seed, commas")
        c.add_argument("--out", type=Path)
    t = sub.add_parser("table")
    t.add_argument("scores", type=Path)
    r = sub.add_parser("rows")
    r.add_argument("out", type=Path, help="the driver's output folder (O)")
    args = ap.parse_args(argv)
    if args.cmd == "rows":
        print(rows_of(args.out))
        return {}

    import torch

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    if args.cmd == "table":
        print(table(json.loads(args.scores.read_text())))
        return {}
    if args.cmd == "val":
        rec = val_scores(args.folder)
        for name, r in rec.items():
            print(f"{name:<24} val ADE {r['best_val_ade_m']:7.1f} m (step {r['best_step']})")
    elif args.cmd == "init":
        rec = {"init": str(random_init(args.pre, args.store, args.out, args.seed))}
    elif args.cmd == "finetune":
        rec = finetune(
            args.task, args.store, args.init, args.out, args.seed, args.steps, args.lr, args.refit
        )
        rec = {k: v for k, v in rec.items() if k != "history"}
        print(json.dumps(rec, default=str))
    else:
        setting = args.setting if args.cmd == "recover" else ""
        rec = compare(
            args.cmd, args.data, setting, args.scratch.split(","), args.pretrained.split(",")
        )
        rec["label"] = args.label
        d = rec["pretrained_minus_scratch"]
        print(f"{args.label} {args.cmd} {setting}: scratch {rec['scratch']['mean']:.1f} ± "
              f"{rec['scratch']['std']:.1f}, pretrained {rec['pretrained']['mean']:.1f} ± "
              f"{rec['pretrained']['std']:.1f}; pretrained - scratch {d['diff']:+.1f} "
              f"(95% CI {d['lo']:+.1f} to {d['hi']:+.1f}, {d['rel']:+.1%}, n={d['n']})")  # fmt: skip
    if args.cmd in ("val", "predict", "recover", "tte") and args.out:
        old = json.loads(args.out.read_text()) if args.out.exists() else []
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(old + [rec], indent=2, default=str))
    return rec


if __name__ == "__main__":
    main()
