"""Transport modes chosen by grouped cross-validation, test read once (issue 15, session 9).

Per split (``--split-by``): the train + val segments are pooled and every candidate is scored
out of fold (trajlm.eval.grouped_cv). Folds follow the split they stand in for (``--cv auto``):
``user_time`` test = known users' latest segments -> each user's time blocks
(``user_time_folds``); ``time`` test = mostly users not seen in train -> user-grouped GroupKFold
(``grouped_folds``). Both schemes are reported for the baseline and the chosen recipe.

Search, staged (GB = FeatureGBClassifier; features computed once):
  A. features: the 30 base ones, + each literature group (trajlm.data.motion_features_lit),
     + all groups, + every group that helped alone -> best CV accuracy;
  B. GB settings on those features: (learning rate, iterations) x leaves x class weight;
  C. 3 GB seeds averaged with a feature share per split of 0.5 / 0.8.
Ties keep the earlier (simpler) candidate. Val then only confirms (fit train, score val);
``--read-test`` fits the chosen recipe on train (as the GB baseline) for each --seeds seed and
scores test once: accuracy, macro-F1, paired bootstrap 95 % CI vs GB (per segment, correctness
averaged over seeds).

    python scripts/modes_cv.py --data /tmp/stores/geolife --out out/modes9 \
        --split-by user_time time --read-test

Writes DIR/cv_<split>.json (every candidate) and DIR/modes_cv.md (the tables).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.motion_features_lit import LIT_GROUPS
from trajlm.data.segments import make_mode_segments, segment_labels, split_segments
from trajlm.data.store import read_store
from trajlm.eval.classify import FeatureGBClassifier
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.grouped_cv import cv_accuracy, grouped_folds, segment_users, user_time_folds

ALL = tuple(LIT_GROUPS)
# stage B grid: (learning_rate, max_iter), max_leaf_nodes, class_weight
LR_ITER = ((0.1, 200), (0.05, 300), (0.1, 100))
LEAVES = (31, 15)
WEIGHTS = (None, "balanced")


class Sliced(FeatureGBClassifier):
    """FeatureGBClassifier on a column subset of precomputed [base ; all literature] rows."""

    def __init__(self, cols: np.ndarray, **kw) -> None:
        super().__init__(**kw)
        self.cols = cols

    def fit_arrays(self, X: np.ndarray, y: np.ndarray) -> Sliced:
        return super().fit_arrays(X[:, self.cols], y)

    def proba_arrays(self, X: np.ndarray) -> np.ndarray:
        return super().proba_arrays(X[:, self.cols])


def _cols(names: list[str], lit: tuple[str, ...]) -> np.ndarray:
    keep = set(names[:30]) | {n for g in lit for n in LIT_GROUPS[g]}
    return np.array([i for i, n in enumerate(names) if n in keep])


def _label(c: dict) -> str:
    lit = "+".join(c["lit"]) or "none"
    gb = {k: v for k, v in c["gb"].items() if k not in ("lit",)}
    return f"lit[{lit}] " + " ".join(f"{k}={v}" for k, v in gb.items())


def search(X, y, names, folds, log) -> dict:
    """Stages A-C; returns the chosen candidate ({"lit", "gb", "cv"})."""
    done: list[dict] = []

    def run(lit: tuple[str, ...], **gb) -> dict:
        t = time.time()
        r = cv_accuracy(X, y, folds, lambda: Sliced(_cols(names, lit), **gb))
        c = {"lit": lit, "gb": gb, "cv": r["accuracy"], "cv_f1": r["macro_f1"],
             "correct": r["correct"].mean(0)}  # fmt: skip
        done.append(c)
        log(f"  CV {100 * c['cv']:.1f} % (F1 {100 * c['cv_f1']:.1f}) {_label(c)} [{time.time() - t:.0f} s]")
        return c

    def best(cands: list[dict]) -> dict:
        return max(cands, key=lambda c: (round(c["cv"], 6), -cands.index(c)))

    base = run(())
    single = [run((g,)) for g in ALL]
    helped = tuple(c["lit"][0] for c in single if c["cv"] > base["cv"])
    a = [base, *single, run(ALL)]
    if len(helped) > 1 and helped != ALL:
        a.append(run(helped))
    chosen = best(a)
    lit = chosen["lit"]
    b = [chosen]
    for lr, it in LR_ITER:
        for leaves in LEAVES:
            for cw in WEIGHTS:
                if (lr, it, leaves, cw) != (0.1, 200, 31, None):
                    b.append(run(lit, learning_rate=lr, max_iter=it, max_leaf_nodes=leaves,
                                 class_weight=cw))  # fmt: skip
    chosen = best(b)
    c = [chosen] + [run(lit, **{**chosen["gb"], "n_avg": 3, "max_features": f}) for f in (0.5, 0.8)]
    chosen = best(c)
    chosen["base_correct"] = base["correct"]
    chosen["all"] = [{k: v for k, v in d.items() if k != "correct"} for d in done]
    return chosen


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="Store with per-point labels (GeoLife).")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--split-by", nargs="+", default=["user_time", "time"],
                    choices=("time", "user_time"))  # fmt: skip
    ap.add_argument("--cv", default="auto", choices=("auto", "user", "user_time"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--read-test", action="store_true", help="Score the chosen recipe on test.")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logf = (args.out / "log.txt").open("a")

    def log(msg: str) -> None:
        print(msg, flush=True)
        logf.write(msg + "\n")
        logf.flush()

    segs = make_mode_segments(read_store(args.data).drop("split"))[0]
    lines = ["# Transport modes: grouped-CV choice (session 9)", ""]
    for split in args.split_by:
        parts = split_segments(segs, split)
        pool = pl.concat([parts["train"], parts["val"]])
        full = FeatureGBClassifier(lit=ALL)
        X, names = full.features(pool)
        y = segment_labels(pool)
        scheme = args.cv if args.cv != "auto" else ("user_time" if split == "user_time" else "user")
        schemes = {"user": grouped_folds(segment_users(pool)[1], args.folds),
                   "user_time": user_time_folds(pool, args.folds)}  # fmt: skip
        log(f"== {split}: pool {len(y)} segments, CV {scheme} ({args.folds} folds)")
        ch = search(X, y, names, schemes[scheme], log)
        ci = paired_bootstrap_ci(ch["correct"], ch["base_correct"])
        other = "user" if scheme == "user_time" else "user_time"
        recipe = dict(lit=ch["lit"], **ch["gb"])
        ocv = {n: cv_accuracy(X, y, schemes[other], lambda c=c, nm=names: Sliced(_cols(nm, c[0]), **c[1]))
               ["accuracy"] for n, c in (("GB", ((), {})), ("chosen", (ch["lit"], ch["gb"])))}  # fmt: skip
        rec = {"split": split, "cv": scheme, "chosen": _label(ch), "recipe": recipe,
               "cv_acc": ch["cv"], "cv_base": float(ch["base_correct"].mean()),
               "cv_ci_vs_base": ci, f"cv_{other}": ocv, "candidates": ch["all"]}  # fmt: skip
        # val confirms (fit train, score val); test read once for the chosen recipe
        rows = []
        for part in ("val", "test") if args.read_test else ("val",):
            yy = segment_labels(parts[part])
            gb = FeatureGBClassifier().fit(parts["train"])
            gb_ok = gb.classify(parts[part]) == yy
            preds = [FeatureGBClassifier(random_state=s, **recipe).fit(parts["train"])
                     .classify(parts[part]) for s in args.seeds]  # fmt: skip
            ok = np.mean([p == yy for p in preds], axis=0)
            accs = [100 * float(np.mean(p == yy)) for p in preds]
            pci = paired_bootstrap_ci(ok, gb_ok.astype(float))
            rec[part] = {"gb_acc": 100 * float(gb_ok.mean()), "acc": accs, "ci_vs_gb": pci,
                         "n": len(yy), "pred": [p.tolist() for p in preds]}  # fmt: skip
            rows.append((part, 100 * gb_ok.mean(), accs, pci))
            log(f"  {part}: GB {100 * gb_ok.mean():.1f} %, chosen {np.mean(accs):.1f} ± "
                f"{np.std(accs):.1f} %, Δ {100 * pci['diff']:+.1f} "
                f"[{100 * pci['lo']:+.1f}, {100 * pci['hi']:+.1f}] (n={len(yy)})")  # fmt: skip
        (args.out / f"cv_{split}.json").write_text(json.dumps(rec, indent=1, default=_json))
        lines += [f"## {split} (CV: {scheme}, pool {len(y)} segments)", "",
                  f"chosen: `{_label(ch)}`; CV accuracy {100 * ch['cv']:.1f} % vs GB "
                  f"{100 * rec['cv_base']:.1f} % (Δ {100 * ci['diff']:+.1f} "
                  f"[{100 * ci['lo']:+.1f}, {100 * ci['hi']:+.1f}]); {other} CV: GB "
                  f"{100 * ocv['GB']:.1f} %, chosen {100 * ocv['chosen']:.1f} %", "",
                  "| part | GB (%) | chosen (%) | Δ vs GB, pp [95 % CI] |", "|---|---|---|---|"]  # fmt: skip
        for part, g, accs, pci in rows:
            lines.append(f"| {part} | {g:.1f} | {np.mean(accs):.1f} ± {np.std(accs):.1f} | "
                         f"{100 * pci['diff']:+.1f} [{100 * pci['lo']:+.1f}, "
                         f"{100 * pci['hi']:+.1f}] |")  # fmt: skip
        lines.append("")
    path = args.out / "modes_cv.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _json(o):
    return o.tolist() if isinstance(o, np.ndarray) else float(o)


if __name__ == "__main__":
    main()
