"""smallval25: small val splits drawn from a pool of trips (errs_*.npz: per-trip 5-step ADE of
the model and every candidate configuration), the verdict's rule applied to each draw S, the
engine it chose scored on the rest of the pool E (disjoint). Reference: the best of the six
engines on E, kNN / place-aware kNN tuned on E (as a large val would). python sim.py OUT.json"""

import json
import os
import sys

import numpy as np

WORK = os.environ.get("SMALLVAL25_DIR", "/tmp/smallval25")  # outputs and inputs of the study

POOLS = ["porto", "geolife", "bike", "ped", "regatta", "cargo_bike", "santiago_taxis"]
SIZES = [3, 4, 5, 6, 8, 10, 15, 20, 30, 50]
REPS = 400
PHYS = ["linear-3", "constant velocity [time]", "linear-3 [time, fit]"]
KNN_DEFAULT, PLACE_DEFAULT = "knn|h=5,nb=10", "place|h=5,wp=0.1,wh=100.0,nb=20"
_IDX = {}


def boot_hi(a, b, n_boot=2000):  # compare.paired_bootstrap_ratio's interval (seed 0)
    n = len(a)
    if n not in _IDX:
        _IDX[n] = np.random.default_rng(0).integers(0, n, size=(n_boot, n))
    idx = _IDX[n]
    r = a[idx].mean(1) / b[idx].mean(1)
    return np.nanpercentile(r, [2.5, 97.5])


def tuned(names, E, S, fam, hist=None):
    """argmin on S over a family's grid, in the harness's order (first of ties)."""
    rows = [
        i
        for i, n in enumerate(names)
        if n.startswith(fam + "|") and (hist is None or f"h={hist}," in n)
    ]
    m = E[rows][:, S].mean(1)
    return rows[int(np.argmin(m))]


def engines(names, E, S, kind):
    """{engine family: row} of the candidates a rule holds, fitted / tuned on S."""
    ix = {n: i for i, n in enumerate(names)}
    out = {p: ix[p] for p in PHYS}
    if kind == "all":
        k = tuned(names, E, S, "knn")
        h = names[k].split("h=")[1].split(",")[0]
        out |= {"knn": k, "place": tuned(names, E, S, "place", h)}
    elif kind == "shrink":  # tuned only where val says it beats the default (CI under 1)
        k = tuned(names, E, S, "knn")
        h = names[k].split("h=")[1].split(",")[0]
        p = tuned(names, E, S, "place", h)
        for fam, row, dflt in (("knn", k, ix[KNN_DEFAULT]), ("place", p, ix[PLACE_DEFAULT])):
            out[fam] = row if row == dflt or boot_hi(E[row][S], E[dflt][S])[1] < 1 else dflt
    elif kind == "untuned":
        out |= {"knn": ix[KNN_DEFAULT], "place": ix[PLACE_DEFAULT]}
    elif kind == "knn_default":  # physics + the default kNN (no place-aware)
        out |= {"knn": ix[KNN_DEFAULT]}
    elif kind == "cv":
        out = {"constant velocity [time]": ix["constant velocity [time]"]}
    return out


def choose(names, E, S, kind, guard):
    """the row that answers: guarded (model only if hi < 1) or lenient (a baseline only if lo > 1)"""
    cands = engines(names, E, S, kind)
    best = min(cands, key=lambda c: E[cands[c]][S].mean())
    lo, hi = boot_hi(E[0][S], E[cands[best]][S])
    model = hi < 1 if guard else not lo > 1
    return ("model", 0) if model else (best, cands[best])


RULES = {  # name: (candidate set, guarded)
    "all6_guarded (now)": ("all", True),
    "physics_guarded": ("phys", True),
    "untuned_guarded": ("untuned", True),
    "shrink_guarded": ("shrink", True),
    "knn_default_guarded": ("knn_default", True),
    "cv_guarded": ("cv", True),
    "all6_lenient": ("all", False),
    "physics_lenient": ("phys", False),
}


def main(sizes: list = SIZES, rules: dict = RULES) -> None:
    res = {}
    for pool in POOLS:
        z = np.load(f"{WORK}/errs_{pool}.npz")
        names, E = list(z["names"]), z["errs"]
        P = E.shape[1]
        rng = np.random.default_rng(25)
        for n in sizes:
            if P - n < 20:
                continue
            rows = []
            for _ in range(REPS):
                perm = rng.permutation(P)
                S, Ev = perm[:n], perm[n:]
                ref_c = engines(names, E, Ev, "all") | {"model": 0}
                ref_fam = min(ref_c, key=lambda c: E[ref_c[c]][Ev].mean())
                ref = E[ref_c[ref_fam]][Ev].mean()
                row = {"ref": ref_fam}
                for r, (kind, guard) in rules.items():
                    fam, i = choose(names, E, S, kind, guard)
                    row[r] = (fam, float(E[i][Ev].mean() / ref))
                rows.append(row)
            res[f"{pool}|{n}"] = rows
            summ = {r: np.exp(np.mean([np.log(x[r][1]) for x in rows])) for r in rules}
            print(pool, n, {r: round(v, 3) for r, v in summ.items()}, flush=True)
    json.dump(res, open(sys.argv[1], "w"))


if __name__ == "__main__":
    main()
