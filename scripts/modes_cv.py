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
from trajlm.eval.user_prior import UserPrior

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


class WithUser(Sliced):
    """Sliced + UserPrior columns; the rows' last column is a user code (never a feature)."""

    def fit_arrays(self, X: np.ndarray, y: np.ndarray) -> WithUser:
        self.prior_ = UserPrior()
        P = self.prior_.fit_transform(X[:, -1], y)
        return FeatureGBClassifier.fit_arrays(self, np.hstack([X[:, self.cols], P]), y)

    def proba_arrays(self, X: np.ndarray) -> np.ndarray:
        P = self.prior_.transform(X[:, -1])
        return FeatureGBClassifier.proba_arrays(self, np.hstack([X[:, self.cols], P]))


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
        log(
            f"  CV {100 * c['cv']:.1f} % (F1 {100 * c['cv_f1']:.1f}) {_label(c)} [{time.time() - t:.0f} s]"
        )
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
    ap.add_argument("--user-prior", action="store_true",
                    help="Stage D: + the user's own train mode mix (trajlm.eval.user_prior); "
                    "reuses DIR/cv_<split>.json's stages A-C when present.")  # fmt: skip
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
        lines += run_split(args, split, split_segments(segs, split), log)
    path = args.out / "modes_cv.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_split(args, split: str, parts: dict, log) -> list[str]:
    """Search (or reuse DIR/cv_<split>.json with --user-prior), confirm on val, read test."""
    pool = pl.concat([parts["train"], parts["val"]])
    X, names = FeatureGBClassifier(lit=ALL).features(pool)
    y = segment_labels(pool)
    users = segment_users(pool)[1]
    scheme = args.cv if args.cv != "auto" else ("user_time" if split == "user_time" else "user")
    other = "user" if scheme == "user_time" else "user_time"
    schemes = {
        "user": grouped_folds(users, args.folds),
        "user_time": user_time_folds(pool, args.folds),
    }
    log(f"== {split}: pool {len(y)} segments, CV {scheme} ({args.folds} folds)")
    saved = args.out / f"cv_{split}.json"
    if args.user_prior and saved.exists() and json.loads(saved.read_text())["cv"] == scheme:
        rec = json.loads(saved.read_text())  # stages A-C done: reuse their choice
        rec["recipe"]["lit"] = tuple(rec["recipe"]["lit"])
        rec.pop("val", None), rec.pop("test", None)  # re-scored below (deterministic)
        log(f"  reusing {saved}: {rec['chosen']}")
    else:
        ch = search(X, y, names, schemes[scheme], log)
        recipe = dict(lit=ch["lit"], **ch["gb"])
        ocv = {n: cv_accuracy(X, y, schemes[other], lambda c=c: Sliced(_cols(names, c[0]), **c[1]))
               ["accuracy"] for n, c in (("GB", ((), {})), ("chosen", (ch["lit"], ch["gb"])))}  # fmt: skip
        rec = {"split": split, "cv": scheme, "chosen": _label(ch), "recipe": recipe,
               "cv_acc": ch["cv"], "cv_base": float(ch["base_correct"].mean()),
               "cv_ci_vs_base": paired_bootstrap_ci(ch["correct"], ch["base_correct"]),
               f"cv_{other}": ocv, "candidates": ch["all"]}  # fmt: skip
    recipes = {"chosen": rec["recipe"]}
    if args.user_prior:  # stage D: the user's own train mode mix beside the features
        codes = np.unique(users, return_inverse=True)[1].astype(float)[:, None]
        XU = np.hstack([X, codes])
        lit, gb = rec["recipe"]["lit"], {k: v for k, v in rec["recipe"].items() if k != "lit"}
        for lab, (lt, kw) in (("GB + user prior", ((), {})), ("chosen + user prior", (lit, gb))):
            r = cv_accuracy(
                XU, y, schemes[scheme], lambda lt=lt, kw=kw: WithUser(_cols(names, lt), **kw)
            )
            rec.setdefault("cv_user_prior", {})[lab] = r["accuracy"]
            log(f"  CV {100 * r['accuracy']:.1f} % (F1 {100 * r['macro_f1']:.1f}) {lab}")
        if rec["cv_user_prior"]["chosen + user prior"] > rec["cv_acc"]:
            recipes["chosen + user prior"] = {**rec["recipe"], "user_prior": True}
    rows = []  # val confirms (fit train, score val); test read once per recipe
    for part in ("val", "test") if args.read_test else ("val",):
        yy = segment_labels(parts[part])
        gb_pred = FeatureGBClassifier().fit(parts["train"]).classify(parts[part])
        gb_ok = (gb_pred == yy).astype(float)
        rows.append(
            (part, "GB features (baseline)", [100 * gb_ok.mean()], [_f1(yy, gb_pred)], None)
        )
        for lab, recipe in recipes.items():
            preds = [FeatureGBClassifier(random_state=s, **recipe).fit(parts["train"])
                     .classify(parts[part]) for s in args.seeds]  # fmt: skip
            ok = np.mean([p == yy for p in preds], axis=0)
            accs = [100 * float(np.mean(p == yy)) for p in preds]
            pci = paired_bootstrap_ci(ok, gb_ok)
            rec.setdefault(part, {})[lab] = {"gb_acc": 100 * float(gb_ok.mean()), "acc": accs,
                                             "ci_vs_gb": pci, "n": len(yy),
                                             "pred": [p.tolist() for p in preds]}  # fmt: skip
            rows.append((part, lab, accs, [_f1(yy, p) for p in preds], pci))
            log(f"  {part}: GB {100 * gb_ok.mean():.1f} %, {lab} {np.mean(accs):.1f} ± "
                f"{np.std(accs):.1f} %, Δ {100 * pci['diff']:+.1f} "
                f"[{100 * pci['lo']:+.1f}, {100 * pci['hi']:+.1f}] (n={len(yy)})")  # fmt: skip
    saved.write_text(json.dumps(rec, indent=1, default=_json))
    ci, ocv = rec["cv_ci_vs_base"], rec[f"cv_{other}"]
    lines = [f"## {split} (CV: {scheme}, pool {len(y)} segments)", "",
             f"chosen: `{rec['chosen']}`; CV accuracy {100 * rec['cv_acc']:.1f} % vs GB "
             f"{100 * rec['cv_base']:.1f} % (Δ {100 * ci['diff']:+.1f} "
             f"[{100 * ci['lo']:+.1f}, {100 * ci['hi']:+.1f}]); {other} CV: GB "
             f"{100 * ocv['GB']:.1f} %, chosen {100 * ocv['chosen']:.1f} %"]  # fmt: skip
    if "cv_user_prior" in rec:
        lines[-1] += "; " + ", ".join(
            f"{k} {100 * v:.1f} %" for k, v in rec["cv_user_prior"].items()
        )
    lines += ["", "| part | method | accuracy (%) | macro-F1 (%) | Δ acc vs GB, pp [95 % CI] |",
              "|---|---|---|---|---|"]  # fmt: skip
    for part, lab, accs, f1s, pci in rows:
        d = "" if pci is None else (f"{100 * pci['diff']:+.1f} [{100 * pci['lo']:+.1f}, "
                                    f"{100 * pci['hi']:+.1f}]")  # fmt: skip
        lines.append(f"| {part} | {lab} | {np.mean(accs):.1f} ± {np.std(accs):.1f} | "
                     f"{np.mean(f1s):.1f} | {d} |")  # fmt: skip
    return lines + [""]


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return 100 * float(f1_score(y, pred, labels=np.unique(y), average="macro", zero_division=0))


def _json(o):
    return o.tolist() if isinstance(o, np.ndarray) else float(o)


if __name__ == "__main__":
    main()
