"""A logistic stacker over GB's and the fine-tuned model's out-of-fold outputs vs the GB a
classifier folder answers with (session 24, classify24; trajlm.eval.classify_logit_stack).

Sets: GeoLife modes split as `finetune --task classify` splits a store (``geo:user_time``,
``geo:time``; store ``--geo``; scripts/gbchoice23_measure.py) and classify21's labelled
held-out sets (scripts/classify21_measure.py). Per seed: the default GB (what every folder
answered with in gbchoice23), K fold fine-tunes of trajlm-small (LoRA r=1, linear hybrid head,
lr 3e-3, 64 points, batch auto; settings fixed beforehand from classify21-23), and from those
same fits: the model alone (mean of the K fold fits), the logistic stacker (C on val), the
val-weighted average, and the engine ``ValChoice([GB, stacker, average])`` (rule reliable)
would keep. Folds: user_time blocks on geo:user_time, source trajectories elsewhere. Val and
test are scored in one run; test is read once.

    python scripts/classify24_measure.py --sets geo:user_time --epochs 5 --out /tmp/c24/u.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from classify21_measure import diff_ci, mean_ci, parts_of
from classify_scoring import Scorer
from gbchoice23_measure import geo_parts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="+", default=["geo:user_time", "geo:time"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--geo", type=Path, default=Path("/tmp/stores/geolife"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    from trajlm.eval.classify import segment_labels
    from trajlm.eval.classify_gb import FeatureGBClassifier
    from trajlm.eval.classify_gb_cv import ValChoice
    from trajlm.eval.classify_logit_stack import LogitStackClassifier
    from trajlm.tasks.classify import ModelClassifier

    report = {"args": {k: str(v) for k, v in vars(args).items()}, "sets": {}}
    for name in args.sets:
        geo = name.startswith("geo:")
        parts = geo_parts(args.geo, name.split(":")[1]) if geo else parts_of(name)
        train, val, test = parts["train"], parts["val"], parts["test"]
        sc = Scorer(train, val, test, sorted(set(segment_labels(train))))
        extra: dict[str, list] = {"C": [], "w_gb": [], "engine": [], "val_ci": []}
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            gb = sc.run("GB default (answers now)", FeatureGBClassifier(random_state=seed))

            def make(s: int, e: int = args.epochs) -> ModelClassifier:
                return ModelClassifier("trajlm-small", mode="lora", lora_r=1, epochs=e,
                                       n_points=64, head="linear", lr=3e-3, seed=s,
                                       batch_size="auto")  # fmt: skip

            folds = "user_time" if name == "geo:user_time" else "source"
            t0 = time.perf_counter()
            stack = LogitStackClassifier(make, n_splits=args.folds, folds=folds, seed=seed,
                                         name="stack [logistic]").fit(train, val)  # fmt: skip
            sc.score("stack [logistic]", stack, t0)
            avg = sc.score("stack [average, w on val]",
                           stack.with_combiner("average", "stack [average, w on val]"), t0)  # fmt: skip
            model = avg.with_combiner("average", "model (mean of fold fits)")
            model.weight_ = 0.0
            sc.score("model (mean of fold fits)", model, t0)
            t1 = time.perf_counter()
            ch = sc.score("engine: ValChoice reliable [GB, stack, average]",
                          ValChoice([gb, stack, avg]).fit(train, val), t1)  # fmt: skip
            extra["C"].append(stack.C_)
            extra["w_gb"].append(stack.weight_)
            extra["engine"].append(ch.choice_)
            extra["val_ci"].append(ch.val_ci_)
            print(name, seed, sc.last(), stack.C_, stack.weight_, ch.choice_, ch.val_ci_,
                  flush=True)  # fmt: skip
        base = "GB default (answers now)"
        out = {"n_train": int(train["traj_id"].n_unique()), "n_val": int(val["traj_id"].n_unique()),
               "n_test": int(test["traj_id"].n_unique()), **extra, "methods": {}}  # fmt: skip
        for k, r in sc.res.items():
            row = {"val_accuracy_pct": mean_ci(r["val_acc"]), "accuracy_pct": mean_ci(r["acc"]),
                   "macro_f1_pct": mean_ci(r["f1"]), "fit_s": round(float(np.mean(r["fit_s"])), 1)}  # fmt: skip
            if k != base:
                row["acc_minus_gb"] = diff_ci(sc.hits[k], sc.hits[base])
            out["methods"][k] = row
        # per-seed test hits (0/100 per segment), so separate runs' seeds can be pooled for the CI
        out["test_hits"] = {k: [h.astype(int).tolist() for h in v] for k, v in sc.hits.items()}
        report["sets"][name] = out
        print(json.dumps({name: out}), flush=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
