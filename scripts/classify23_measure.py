"""Stacking GB's out-of-fold probabilities into the hybrid head, and the val-checked engine the
CLI saves (session 23, classify23). Sets, splits and CI as scripts/classify21_measure.py /
classify22_measure.py (settings fixed beforehand from classify21's val choice: LoRA r=1, linear
head, lr 3e-3, batch auto; 25 epochs on the small sets, 10 on hurricanes). Rows: majority, GB
default / balanced / CV-tuned (``--no-tuned`` skips the CV, 4 min a seed on hurricanes), the
hybrid head, the stacked head (trajlm.eval.classify_stack) and the engine the CLI would save
(``ValChoice([GB, hybrid], rule="reliable")`` with GB = the fair GB of `finetune`). Val and test
are both scored in one run; test is read once.

    python scripts/classify23_measure.py --sets animals vehicles synth --out /tmp/classify23/s.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from classify21_measure import mean_ci, parts_of
from classify_scoring import Scorer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="+", default=["animals", "vehicles", "synth", "hurricanes"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--no-tuned", nargs="*", default=["hurricanes"])
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()

    import torch

    torch.set_num_threads(1)
    from trajlm.eval.classify import (
        FeatureGBClassifier,
        MajorityClassifier,
        segment_labels,
    )
    from trajlm.eval.classify_gb_cv import TunedGBClassifier, ValChoice
    from trajlm.eval.classify_stack import StackedHybridClassifier
    from trajlm.eval.compare import paired_bootstrap_ci
    from trajlm.tasks.classify import ModelClassifier

    report = {"args": {k: str(v) for k, v in vars(args).items()}, "sets": {}}
    for name in args.sets:
        epochs = 10 if name == "hurricanes" else 25
        parts = parts_of(name)
        train, val, test = parts["train"], parts["val"], parts["test"]
        classes = sorted(set(segment_labels(train)))
        sc = Scorer(train, val, test, classes)
        res, hits = sc.res, sc.hits
        choices: list[str] = []

        for seed in range(args.seeds):
            if seed == 0:
                sc.run("majority class", MajorityClassifier())
            gb = sc.run("GB features", FeatureGBClassifier(random_state=seed))
            sc.run("GB features [balanced]", FeatureGBClassifier(class_weight="balanced",
                                                                random_state=seed))  # fmt: skip
            fair = gb
            if name not in args.no_tuned:
                fair = sc.run("GB features [CV-tuned]", TunedGBClassifier(random_state=seed))
            kw = dict(mode="lora", lora_r=1, epochs=epochs, n_points=64, head="linear",
                      lr=3e-3, seed=seed, batch_size="auto")  # fmt: skip
            hyb = sc.run("hybrid (features + embedding)", ModelClassifier("trajlm-small", **kw))
            sc.run("stacked (hybrid + GB OOF probs)", StackedHybridClassifier("trajlm-small", **kw))
            t0 = time.perf_counter()
            ch = sc.score("saved engine (ValChoice reliable: fair GB, hybrid)",
                       ValChoice([fair, hyb]).fit(train, val), t0)  # fmt: skip
            choices.append(ch.choice_)
            print(name, seed, {k: (round(v["val_acc"][-1], 1), round(v["acc"][-1], 1))
                               for k, v in res.items()}, flush=True)  # fmt: skip
        gbs = [k for k in res if k.startswith("GB features")]
        best = max(gbs, key=lambda k: np.mean(res[k]["acc"]))
        out = {"n_train": int(train["traj_id"].n_unique()), "n_val": int(val["traj_id"].n_unique()),
               "n_test": int(test["traj_id"].n_unique()), "classes": classes, "epochs": epochs,
               "best_gb_on_test": best, "saved_engine": choices, "methods": {}}  # fmt: skip
        for k, r in res.items():
            row = {"val_accuracy_pct": mean_ci(r["val_acc"]), "accuracy_pct": mean_ci(r["acc"]),
                   "macro_f1_pct": mean_ci(r["f1"]), "fit_s": round(float(np.mean(r["fit_s"])), 1)}  # fmt: skip
            if k not in gbs and k != "majority class":
                ci = paired_bootstrap_ci(np.mean(hits[k], 0), np.mean(hits[best], 0))
                row["acc_minus_best_gb"] = {x: round(ci[x], 1) for x in ("diff", "lo", "hi")}
            out["methods"][k] = row
        h, s = "hybrid (features + embedding)", "stacked (hybrid + GB OOF probs)"
        ci = paired_bootstrap_ci(np.mean(hits[s], 0), np.mean(hits[h], 0))
        out["stacked_minus_hybrid"] = {x: round(ci[x], 1) for x in ("diff", "lo", "hi")}
        report["sets"][name] = out
        print(json.dumps({name: out}, indent=1), flush=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
