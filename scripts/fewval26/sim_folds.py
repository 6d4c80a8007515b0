"""fewval26: at 1-2 val trips, does a choice among the untuned baselines on rolling-origin folds
of the TRAIN split (scripts/fewval26/train_folds.py; the model kept out) beat folds25's fixed kNN
at its defaults? sim12's draws (same seed): S = 1 or 2 val trips per draw, the chosen engine
scored on the rest E of smallval25's pool, regret = its ADE / the best engine on E. The fold
rules read no val trip; the "small" ones take train draw (i mod DRAWS), i.e. the choice as a
19-trip store would make it. Per pool ratio to kNN-default's regret, geometric mean over pools,
95 % CI by resampling the 7 pools. Inputs: $SMALLVAL25_DIR/errs_*.npz (default /tmp/smallval25),
$FEWVAL26_DIR/folds_*.json (default /tmp/fewval26). python scripts/fewval26/sim_folds.py"""

import json
import os
import sys
from pathlib import Path

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ratio

sys.path.insert(0, str(Path(__file__).parents[1] / "folds25"))
from sim12 import KNN_D, PHYS, PLACE_D, POOLS, REPS, WORK, ref_row  # noqa: E402

FOLDS = Path(os.environ.get("FEWVAL26_DIR", "/tmp/fewval26"))
UNTUNED = (*PHYS, KNN_D, PLACE_D)


def best(fold: dict, among: tuple = UNTUNED) -> str:
    return min(among, key=lambda n: fold["ade_m"][n])


def guarded(fold: dict) -> str:
    """kNN at defaults unless another untuned engine beats it on the folds with a paired
    bootstrap 95 % CI of its / kNN's ADE under 1."""
    b = best(fold)
    if b == KNN_D or fold["n_windows"] < 3:
        return KNN_D
    r = paired_bootstrap_ratio(np.array(fold["errs"][b]), np.array(fold["errs"][KNN_D]))
    return b if r["hi"] < 1 else KNN_D


def model_unless(fold: dict) -> str:
    """The model unless kNN at defaults has the lower ADE on the (whole-train) folds: the
    model's fold score is flattered (it trained on those trips)."""
    return "model" if fold["ade_m"]["model"] < fold["ade_m"][KNN_D] else KNN_D


def model_reliably(fold: dict) -> str:
    """The model only where it beats the best untuned engine on the folds with a paired CI
    under 1, else kNN at defaults."""
    b = best(fold)
    r = paired_bootstrap_ratio(np.array(fold["errs"]["model"]), np.array(fold["errs"][b]))
    return "model" if r["hi"] < 1 else KNN_D


RULES = {
    "kNN default (folds25, shipped)": lambda full, small: KNN_D,
    "best untuned on folds of the whole train split": lambda full, small: best(full),
    "kNN family (kNN / place-aware) on whole-train folds": lambda full, small: best(
        full, (KNN_D, PLACE_D)
    ),
    "best untuned on folds of a 19-trip train": lambda full, small: best(small),
    "kNN family on folds of a 19-trip train": lambda full, small: best(small, (KNN_D, PLACE_D)),
    "kNN unless reliably beaten on 19-trip folds": lambda full, small: guarded(small),
    "kNN unless reliably beaten on whole-train folds": lambda full, small: guarded(full),
    "model unless kNN beats it on whole-train folds (model flattered)": lambda full, small: (
        model_unless(full)
    ),
    "model where reliably best on whole-train folds, else kNN": lambda full, small: model_reliably(
        full
    ),
}


def main() -> None:
    res: dict = {}
    for pool in POOLS:
        z = np.load(f"{WORK}/errs_{pool}.npz")
        names, E = list(z["names"]), z["errs"]
        ix = {n: i for i, n in enumerate(names)}
        folds = json.loads((FOLDS / f"folds_{pool}.json").read_text())
        smalls = [f for f in folds["small"] if f["n_windows"] > 0]
        P = E.shape[1]
        rng = np.random.default_rng(25)
        picks: dict = {r: {} for r in RULES}
        for n in (1, 2):
            rows: dict = {r: [] for r in RULES}
            for i in range(REPS):
                perm = rng.permutation(P)
                Ev = perm[n:]
                ref = E[ref_row(names, ix, E, Ev)][Ev].mean()
                for r, rule in RULES.items():
                    pick = rule(folds["full"], smalls[i % len(smalls)])
                    picks[r][pick] = picks[r].get(pick, 0) + 1
                    rows[r].append(E[ix[pick]][Ev].mean() / ref)
            res[(pool, n)] = {r: float(np.exp(np.mean(np.log(v)))) for r, v in rows.items()}
        print(pool, {r: {k.split("|")[0]: v for k, v in p.items()} for r, p in picks.items()})
        f = folds["full"]["ade_m"]
        print(
            f"  model / kNN at defaults: whole-train folds {f['model'] / f[KNN_D]:.3f}, "
            f"pool {E[0].mean() / E[ix[KNN_D]].mean():.3f}"
        )
    boot = np.random.default_rng(26)
    for n in (1, 2):
        print(f"n={n} val trips")
        for r in RULES:
            per = np.array([res[(p, n)][r] for p in POOLS])
            rel = per / np.array([res[(p, n)][next(iter(RULES))] for p in POOLS])
            draws = [np.exp(np.log(rel[boot.integers(0, len(rel), len(rel))]).mean())
                     for _ in range(4000)]  # fmt: skip
            lo, hi = np.percentile(draws, [2.5, 97.5])
            print(
                f"  {r}: geo-mean regret {np.exp(np.log(per).mean()):.3f} worst {per.max():.3f}"
                f" | vs kNN default {np.exp(np.log(rel).mean()):.3f} ({lo:.3f}-{hi:.3f})"
                f" | per pool {dict(zip(POOLS, per.round(3).tolist(), strict=True))}"
            )


if __name__ == "__main__":
    main()
