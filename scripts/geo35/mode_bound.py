"""Session 35 (geo35), a diagnostic on TRAIN folds only: how much could keying kNN's neighbours
by the travel mode give if the mode were KNOWN (the labels of the query's and the neighbours'
last history fixes), and how well does the history-only classifier read the mode?

    PYTHONPATH=. python scripts/geo35/mode_bound.py     # ~3 min, 1 thread; no val / test read

A bound, not an arm: a query's own label is not an input at prediction time. Rows are
``mode_arms.py``'s fold first windows (blocks 2-4, kNN library of the earlier blocks); the error
is the unshrunk answer's mean Euclidean 5-step error, as MK's tau is chosen. Writes
``--out``/bound.md (default $GEO35 or /tmp/geo35).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geostop26"))
from mode_arms import BLOCKS, TAUS, train_pieces  # noqa: E402
from stop_head_arms import build, ci, fmt  # noqa: E402

from trajlm._threads import apply_threads  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.heading_head import shrink_answer  # noqa: E402
from trajlm.eval.map_arms import map_knn  # noqa: E402
from trajlm.eval.mode_knn import MODE_CLASSES, affinity, crossfit_posteriors  # noqa: E402
from trajlm.eval.protocol import split_tables  # noqa: E402
from trajlm.eval.stop_head import fit_scale_head, optimal_shrink  # noqa: E402


def one_hot(cls: np.ndarray) -> np.ndarray:
    """(n, C) rows of 0 / 1; class -1 (not fitted) -> all zeros (affinity's floor)."""
    out = np.zeros((len(cls), len(MODE_CLASSES)))
    ok = cls >= 0
    out[np.flatnonzero(ok), cls[ok]] = 1.0
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/stores/geolife"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/geo35/cache"))
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("GEO35", "/tmp/geo35")))
    ap.add_argument("--overwrite", action="store_true")
    args = ap.parse_args(argv)
    md = args.out / "bound.md"
    if md.exists() and not args.overwrite:
        ap.error(f"{md} exists; pass --overwrite to replace it")
    if not args.data.exists():
        ap.error(f"{args.data} not found (an ingested GeoLife store)")
    apply_threads(1, None)
    folds, _, proj = build(argparse.Namespace(data=args.data, stage="val", blocks=BLOCKS,
                                              cache=args.cache))  # fmt: skip
    tp = train_pieces(split_tables(read_store(args.data))["train"], folds, proj)
    cls, fold_q = tp["cls"], tp["fold_q"]
    hot = one_hot(cls)
    q_cls = np.concatenate([cls[fq["at"]] for fq in fold_q])
    err = {}
    for tau in TAUS:
        e = []
        for fq in fold_q:
            q = fq["q"]
            aff = affinity(hot[fq["at"]], hot[np.maximum(fq["nb"], 0)] * (fq["nb"] >= 0)[..., None])
            pts = map_knn(aff, q["last"], q["conts"], tau, tuple(fq["frame"].T))
            pts = np.where(q["found"][:, None, None], pts, q["knn"])
            e.append(np.linalg.norm(pts - q["tgt"], axis=-1).mean(1))
        err[tau] = np.concatenate(e)
    base = err[0.0]
    lines = ["_train folds (blocks 2-4), first windows; unshrunk answer, mean Euclidean 5-step "
             "error (m); neighbours keyed by the KNOWN label of their last history fix and the "
             "query's (a bound: the query's label is not an input); Δ vs kNN, paired bootstrap "
             "95 % CI over queries_", "",
             "| tau | all | Δ vs kNN | " + " | ".join(f"{c} ({(q_cls == i).sum()})" for i, c in enumerate(MODE_CLASSES)) + " |",
             "|---|---|---|" + "---|" * len(MODE_CLASSES)]  # fmt: skip
    for tau, e in err.items():
        cells = [f"{e[q_cls == i].mean():.1f} ({fmt(ci(e[q_cls == i] - base[q_cls == i]))})"
                 if (q_cls == i).any() else "" for i in range(len(MODE_CLASSES))]  # fmt: skip
        lines.append(
            f"| {tau:g} | {e.mean():.1f} | {fmt(ci(e - base))} | " + " | ".join(cells) + " |"
        )
    # MS's bound: the query's KNOWN class (one-hot) appended to the scale head's 16 features,
    # cross-fitted over the folds (fold i by a head fitted on the other two), vs E the same way
    fe = {"E": [], "MS, known class": []}
    for i in range(len(folds)):
        rest = [j for j in range(len(folds)) if j != i]
        r = {
            k: np.concatenate([folds[j][k] for j in rest]) for k in ("last", "knn", "tgt", "feats")
        }
        s_opt = optimal_shrink(r["last"], r["knn"] - r["last"][:, None], r["tgt"])
        q, fq = fold_q[i]["q"], fold_q[i]
        x_rest = np.concatenate(
            [np.hstack([folds[j]["feats"], hot[fold_q[j]["at_all"]]]) for j in rest]
        )
        for name, head, x in (("E", fit_scale_head(r["feats"], s_opt, 0), q["feats"]),
                              ("MS, known class", fit_scale_head(x_rest, s_opt, 0),
                               np.hstack([q["feats"], hot[fq["at"]]]))):  # fmt: skip
            pts = shrink_answer(q["last"], q["knn"], head.predict(x))
            fe[name].append(np.linalg.norm(pts - q["tgt"], axis=-1).mean(1))
    fe = {k: np.concatenate(v) for k, v in fe.items()}
    lines += ["", f"Scale head with the KNOWN class as a feature (a bound for MS), train folds "
              f"cross-fitted, first windows: E {fe['E'].mean():.2f} m, with the class "
              f"{fe['MS, known class'].mean():.2f} m, Δ {fmt(ci(fe['MS, known class'] - fe['E']))}"]  # fmt: skip
    # the classifier (seed 0), cross-fitted by block on train rows: recall per class
    p, _ = crossfit_posteriors(tp["feats"], cls, tp["block"], 0)
    ok = cls >= 0
    pred = p.argmax(1)
    recall = {
        c: round(float((pred[ok & (cls == i)] == i).mean()), 3) for i, c in enumerate(MODE_CLASSES)
    }
    share = {c: round(float((pred[ok] == i).mean()), 3) for i, c in enumerate(MODE_CLASSES)}
    lines += ["", f"Classifier (seed 0), cross-fitted by time block on {ok.sum()} train rows: "
              f"accuracy {(pred[ok] == cls[ok]).mean():.3f}; recall per class {recall}; "
              f"share predicted {share}; majority class share {np.bincount(cls[ok]).max() / ok.sum():.3f}"]  # fmt: skip
    print("\n".join(lines), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    md.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
