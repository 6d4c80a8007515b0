"""Exploratory, after the pre-registered run (not part of its rule; test never read here): which
part of arm a (scripts/modes32/arms.py) moves user_time val. GB on train + views, 3 seeds.
``--forward``: instead, arm a as registered vs GB on session 10's forward folds of train + val
(each user's first o share fits, the next 10 % is skipped, the 10 % after is scored).

    PYTHONPATH=. python scripts/modes32/ablate_a.py --data /tmp/stores/geolife --out OUT [--forward]

Writes OUT/ablate_a.md (OUT/forward_a.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl
from arms import (  # scripts/modes32
    N_VIEWS,
    SEEDS,
    _ci,
    _fit_proba,
    augmented_copies,
    user_bootstrap_ci,
)

from trajlm.data.augment_segments import SegmentAugment
from trajlm.data.motion_features import segment_features
from trajlm.data.segments import make_mode_segments, segment_labels, split_segments
from trajlm.data.store import read_store
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.grouped_cv import forward_folds, segment_users

VARIANTS = {  # name -> (n_views, max GPS sigma m, SegmentAugment or None = no crop / thinning)
    "a as registered (4 views, crop + thin, noise <= 1.5 m)": (4, 1.5, SegmentAugment()),
    "crop + thin, no noise": (4, 0.0, SegmentAugment()),
    "noise only (<= 1.5 m), whole segments": (4, 1.5, SegmentAugment(prob=0.0)),
    "crop only, no thinning, no noise": (4, 0.0, SegmentAugment(min_keep=1.0)),
    "thinning only, no crop, no noise": (4, 0.0, SegmentAugment(min_crop=1.0)),
    "8 views, crop + thin, noise <= 1.5 m": (8, 1.5, SegmentAugment()),
}


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--forward", action="store_true", help="Arm a vs GB on forward folds.")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    parts = split_segments(make_mode_segments(read_store(args.data).drop("split"))[0], "user_time")
    if args.forward:
        return forward(pl.concat([parts["train"], parts["val"]]), args.out)
    tr, va = parts["train"], parts["val"]
    X, y = segment_features(tr)[0], segment_labels(tr)
    Xv, yv, uv = segment_features(va)[0], segment_labels(va), segment_users(va)[1]
    classes = np.unique(y)
    gb = classes[_fit_proba(X, y, Xv, 0, classes).argmax(1)] == yv
    lines = ["| variant (user_time val, 3 seeds) | accuracy (%) | Δ vs GB, segment CI | "
             "Δ vs GB, user CI |", "|---|---|---|---|", f"| GB | {100 * gb.mean():.1f} | | |"]  # fmt: skip
    for name, (n, sigma, aug) in VARIANTS.items():
        ok = []
        for seed in SEEDS:
            views = augmented_copies(tr, seed, n, sigma, aug)
            Xa = np.vstack([X] + [segment_features(v)[0] for v in views])
            ya = np.concatenate([y] + [segment_labels(v) for v in views])
            wa = np.concatenate([np.ones(len(y))] + [np.full(len(y), 1 / n)] * n)
            ok.append(classes[_fit_proba(Xa, ya, Xv, seed, classes, wa).argmax(1)] == yv)
        okm = np.mean(ok, axis=0)
        acc = [100 * o.mean() for o in ok]
        lines.append(f"| {name} | {np.mean(acc):.1f} ± {np.std(acc):.1f} | "
                     f"{_ci(paired_bootstrap_ci(okm, gb))} | {_ci(user_bootstrap_ci(okm, gb, uv))} |")  # fmt: skip
        print(lines[-1], flush=True)
    path = args.out / "ablate_a.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def forward(pool: pl.DataFrame, out: Path) -> Path:
    """Arm a (as registered) vs GB on the forward folds of ``pool``; one row per scheme."""
    ids, users = segment_users(pool)
    X, y = segment_features(pool)[0], segment_labels(pool)
    classes = np.unique(y)
    gb, aug = np.full(len(y), np.nan), np.full((len(SEEDS), len(y)), np.nan)
    for fit, _, sc in forward_folds(pool):
        gb[sc] = classes[_fit_proba(X[fit], y[fit], X[sc], 0, classes).argmax(1)] == y[sc]
        fit_df = pool.filter(pl.col("traj_id").is_in(ids[fit].tolist()))
        for i, seed in enumerate(SEEDS):
            views = augmented_copies(fit_df, seed)
            Xa = np.vstack([X[fit]] + [segment_features(v)[0] for v in views])
            ya = np.concatenate([y[fit]] + [segment_labels(v) for v in views])
            wa = np.concatenate([np.ones(len(fit))] + [np.full(len(fit), 1 / N_VIEWS)] * N_VIEWS)
            p = _fit_proba(Xa, ya, X[sc], seed, classes, wa)
            aug[i, sc] = classes[p.argmax(1)] == y[sc]
    s = ~np.isnan(gb)
    okm = aug[:, s].mean(0)
    acc = [100 * a[s].mean() for a in aug]
    lines = ["| forward folds (train + val, scored segments) | accuracy (%) | Δ vs GB, segment CI | "
             "Δ vs GB, user CI |", "|---|---|---|---|",
             f"| GB ({int(s.sum())} segments, {len(set(users[s]))} users) | {100 * gb[s].mean():.1f} | | |",
             f"| a as registered | {np.mean(acc):.1f} ± {np.std(acc):.1f} | "
             f"{_ci(paired_bootstrap_ci(okm, gb[s]))} | {_ci(user_bootstrap_ci(okm, gb[s], users[s]))} |"]  # fmt: skip
    print("\n".join(lines), flush=True)
    path = out / "forward_a.md"
    path.write_text("\n".join(lines) + "\n")
    return path


if __name__ == "__main__":
    main()
