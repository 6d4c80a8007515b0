"""Which GB answers for a classifier folder: default vs CV-tuned, chosen on val (gbchoice23).

For each set and seed: the default GB, the CV-tuned GB (what `finetune --task classify` saved
before) and ``ValPickedGB`` (what it saves now: the tuned one only when reliably above the
default on val). Val and test scored in one run; the choice is made on val before test is
read. Sets: classify21's labelled held-out sets (animals, vehicles, synth, hurricanes; splits
as scripts/classify21_measure.py) and GeoLife modes split as `finetune --task classify` splits
a store (``geo:time`` / ``geo:user_time``, store ``--geo``).

    python scripts/gbchoice23_measure.py --sets animals vehicles synth --out /tmp/g/s.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from classify21_measure import mean_ci, parts_of


def geo_parts(store: Path, split_by: str) -> dict:
    from trajlm import _cli_io as io
    from trajlm.eval.classify import make_mode_segments, split_segments
    from trajlm.eval.classify_notes import class_map_for

    df = io.read_store_checked(store, "--data")
    segments, _ = make_mode_segments(df, class_map_for("modes", df), min_points=10)
    return split_segments(segments, split_by)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="+", default=["animals", "vehicles", "synth", "hurricanes"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--geo", type=Path, default=Path("/tmp/s23/geo_keep"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    from trajlm.eval.classify import classification_metrics, segment_labels
    from trajlm.eval.classify_gb import FeatureGBClassifier
    from trajlm.eval.classify_gb_choice import ValPickedGB
    from trajlm.eval.compare import paired_bootstrap_ci

    report = {"args": {k: str(v) for k, v in vars(args).items()}, "sets": {}}
    for name in args.sets:
        parts = (
            geo_parts(args.geo, name.split(":")[1]) if name.startswith("geo:") else parts_of(name)
        )
        train, val, test = parts["train"], parts["val"], parts["test"]
        classes = sorted(set(segment_labels(train)))
        res: dict[str, dict] = {}
        hits: dict[str, list[np.ndarray]] = {}
        picks = []
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            t0 = time.perf_counter()
            default = FeatureGBClassifier(random_state=seed).fit(train)
            picked = ValPickedGB(random_state=seed, tune=True).fit(train, val)  # val only
            tuned = picked.tuned_  # the same CV-tuned fit (the one saved before gbchoice23)
            picks.append(picked.choice_)
            for method, clf in (("GB default", default), ("GB CV-tuned (before)", tuned),
                                ("GB val-picked (after)", picked)):  # fmt: skip
                r = res.setdefault(method, {"val_acc": [], "acc": [], "f1": []})
                for split, seg in (("val", val), ("test", test)):
                    y = segment_labels(seg)
                    pred = np.asarray(clf.classify(seg)).astype(str)
                    m, _ = classification_metrics(pred, y, classes)
                    if split == "val":
                        r["val_acc"].append(m["accuracy_pct"])
                    else:
                        r["acc"].append(m["accuracy_pct"])
                        r["f1"].append(m["macro_f1_pct"])
                        hits.setdefault(method, []).append((pred == y) * 100.0)
            print(name, seed, round(time.perf_counter() - t0, 1), "s", tuned.chosen_,
                  picked.choice_, {k: (round(v["val_acc"][-1], 1), round(v["acc"][-1], 1))
                                   for k, v in res.items()}, flush=True)  # fmt: skip
        out = {"n_train": int(train["traj_id"].n_unique()), "n_val": int(val["traj_id"].n_unique()),
               "n_test": int(test["traj_id"].n_unique()), "picks": picks, "methods": {}}  # fmt: skip
        for k, r in res.items():
            out["methods"][k] = {x: mean_ci(r[y]) for x, y in (("val_accuracy_pct", "val_acc"),
                                 ("accuracy_pct", "acc"), ("macro_f1_pct", "f1"))}  # fmt: skip
        a, b = "GB val-picked (after)", "GB CV-tuned (before)"
        ci = paired_bootstrap_ci(np.mean(hits[a], 0), np.mean(hits[b], 0))
        out["after_minus_before"] = {x: round(ci[x], 1) for x in ("diff", "lo", "hi")}
        ci = paired_bootstrap_ci(np.mean(hits[a], 0), np.mean(hits["GB default"], 0))
        out["after_minus_default"] = {x: round(ci[x], 1) for x in ("diff", "lo", "hi")}
        report["sets"][name] = out
        print(json.dumps({name: out}), flush=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
