"""Classify whole labelled trajectories of held-out data sets (session 22, classify22; loaders
and splits as scripts/classify21_measure.py): trajlm-small fine-tuned with the plain head and
with the hybrid head (percentile features + embedding), gradient boosting (fixed and tuned by
grouped CV on train), the majority class, a GB + hybrid ensemble (w on val) and the val-checked
choice among GB, hybrid and the ensemble. Val and test are both scored in one run; settings are
fixed before it (epochs per set from classify21's val choice), so test is read once.

Each set keeps its own train / test files (MAT vehicles, animals; the seeded synthetic set);
hurricanes (one file) is split 80/10/10 by storm, stratified by class (split seed 0). Val is
20 % of train's trajectories, stratified (``trajlm.tasks.classify_split.split_by_source``,
as `trajlm finetune --task classify --test-data`). ``--score-on val`` ranks settings without
reading test; ``--score-on test`` reads it once.

    python scripts/classify22_measure.py --sets animals vehicles synth --epochs 25 \
        --out /tmp/classify22/small.json
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from classify21_measure import diff_ci, mean_ci, parsed, parts_of

# the sets, their splits and the CI as session 21 read them (one copy: scripts/classify21_measure.py)
from classify_scoring import Scorer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="+", default=["vehicles", "animals", "hurricanes", "synth"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=25)
    args = parsed(ap)
    from trajlm.eval.classify import (
        FeatureGBClassifier,
        MajorityClassifier,
        segment_labels,
    )
    from trajlm.eval.classify_ensembles import ProbabilityEnsemble
    from trajlm.eval.classify_gb_cv import TunedGBClassifier, ValChoice
    from trajlm.tasks.classify import ModelClassifier

    report = {"args": {k: str(v) for k, v in vars(args).items()}, "sets": {}}
    for name in args.sets:
        parts = parts_of(name)
        train, val, test = parts["train"], parts["val"], parts["test"]
        classes = sorted(set(segment_labels(train)))
        sc = Scorer(train, val, test, classes)
        res, hits = sc.res, sc.hits
        extra: dict[str, list] = {"choice": [], "choice_reliable": [], "gb_cv": [], "w_gb": []}

        for seed in range(args.seeds):
            if seed == 0:
                sc.run("majority class", MajorityClassifier())
            sc.run("GB features", FeatureGBClassifier(random_state=seed))
            sc.run("GB features [balanced]", FeatureGBClassifier(class_weight="balanced",
                                                                random_state=seed))  # fmt: skip
            gb = sc.run("GB features [CV-tuned]", TunedGBClassifier(random_state=seed))
            extra["gb_cv"].append(list(gb.chosen_))
            if args.no_model:
                continue
            kw = dict(mode="lora", lora_r=1, epochs=args.epochs, n_points=64, head="linear",
                      lr=3e-3, seed=seed, batch_size="auto")  # fmt: skip
            sc.run("model (plain head)", ModelClassifier("trajlm-small", features=False, **kw))
            hyb = sc.run("hybrid (features + embedding)", ModelClassifier("trajlm-small", **kw))
            t0 = time.perf_counter()
            ens = sc.score("GB[CV] + hybrid, w on val",
                        ProbabilityEnsemble(gb, hyb).fit(train, val), t0)  # fmt: skip
            extra["w_gb"].append(ens.weight_)
            ens.name = "GB[CV] + hybrid"
            t0 = time.perf_counter()
            ch = sc.score("val-checked choice [best]",
                       ValChoice([gb, hyb, ens], rule="best").fit(train, val), t0)  # fmt: skip
            t0 = time.perf_counter()
            rc = sc.score(
                "val-checked choice [reliable]", ValChoice([gb, hyb, ens]).fit(train, val), t0
            )
            extra["choice"].append(ch.choice_)
            extra["choice_reliable"].append(rc.choice_)
            print(name, seed, {k: (round(v["val_acc"][-1], 1), round(v["acc"][-1], 1))
                               for k, v in res.items()}, flush=True)  # fmt: skip
        gbs = ("GB features", "GB features [balanced]", "GB features [CV-tuned]")
        best = max(gbs, key=lambda k: np.mean(res[k]["acc"]))
        out = {"n_train": int(train["traj_id"].n_unique()), "n_val": int(val["traj_id"].n_unique()),
               "n_test": int(test["traj_id"].n_unique()), "classes": classes,
               "best_gb_on_test": best, **extra, "methods": {}}  # fmt: skip
        for k, r in res.items():
            row = {"val_accuracy_pct": mean_ci(r["val_acc"]), "accuracy_pct": mean_ci(r["acc"]),
                   "macro_f1_pct": mean_ci(r["f1"]), "fit_s": round(float(np.mean(r["fit_s"])), 1)}  # fmt: skip
            if k not in gbs and k != "majority class":
                row["acc_minus_best_gb"] = diff_ci(hits[k], hits[best])
            if k == "GB features [CV-tuned]":
                row["acc_minus_GB_default"] = diff_ci(hits[k], hits["GB features"])
            out["methods"][k] = row
        report["sets"][name] = out
        print(json.dumps({name: out}, indent=1), flush=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
