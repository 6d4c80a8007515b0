"""folds25: at 1-2 val trips (no check possible), which engine should answer? Draw S (n trips)
from each smallval25 pool, score the chosen engine on the rest E, ratio to the best engine on E
(the all-six reference of sim.py). python sim12.py"""

import os

import numpy as np

WORK = os.environ.get("SMALLVAL25_DIR", "/tmp/smallval25")  # smallval25's errs_*.npz
POOLS = ["porto", "geolife", "bike", "ped", "regatta", "cargo_bike", "santiago_taxis"]
PHYS = ["linear-3", "constant velocity [time]", "linear-3 [time, fit]"]
KNN_D, PLACE_D = "knn|h=5,nb=10", "place|h=5,wp=0.1,wh=100.0,nb=20"
REPS = 400


def tuned(names, E, S, fam, hist=None):
    rows = [
        i
        for i, n in enumerate(names)
        if n.startswith(fam + "|") and (hist is None or f"h={hist}," in n)
    ]
    return rows[int(np.argmin(E[rows][:, S].mean(1)))]


def ref_row(names, ix, E, Ev):
    k = tuned(names, E, Ev, "knn")
    h = names[k].split("h=")[1].split(",")[0]
    c = [ix[p] for p in PHYS] + [k, tuned(names, E, Ev, "place", h), 0]
    return min(c, key=lambda i: E[i][Ev].mean())


def main() -> None:
    res = {}
    for pool in POOLS:
        z = np.load(f"{WORK}/errs_{pool}.npz")
        names, E = list(z["names"]), z["errs"]
        ix = {n: i for i, n in enumerate(names)}
        unt = [ix[p] for p in PHYS] + [ix[KNN_D], ix[PLACE_D]]
        P = E.shape[1]
        rng = np.random.default_rng(25)
        for n in (1, 2):
            rows = {
                r: []
                for r in (
                    "model (unchecked)",
                    "kNN default",
                    "best untuned on val",
                    "model unless best untuned beats it on every val trip",
                    "best untuned unless model beats it on every val trip",
                )
            }
            for _ in range(REPS):
                perm = rng.permutation(P)
                S, Ev = perm[:n], perm[n:]
                ref = E[ref_row(names, ix, E, Ev)][Ev].mean()
                bu = min(unt, key=lambda i: E[i][S].mean())
                beats_model = np.all(E[bu][S] < E[0][S])
                model_beats = np.all(E[0][S] < E[bu][S])
                pick = {
                    "model (unchecked)": 0,
                    "kNN default": ix[KNN_D],
                    "best untuned on val": bu,
                    "model unless best untuned beats it on every val trip": bu
                    if beats_model
                    else 0,
                    "best untuned unless model beats it on every val trip": 0
                    if model_beats
                    else bu,
                }
                for r, i in pick.items():
                    rows[r].append(E[i][Ev].mean() / ref)
            res[(pool, n)] = {r: float(np.exp(np.mean(np.log(v)))) for r, v in rows.items()}
    rules = list(next(iter(res.values())))
    for n in (1, 2):
        print(f"n={n}")
        for r in rules:
            per = {p: round(res[(p, n)][r], 3) for p in POOLS}
            g = np.exp(np.mean(np.log(list(per.values()))))
            print(f"  {r}: geo-mean {g:.3f}  worst {max(per.values()):.3f}  {per}")


if __name__ == "__main__":  # fewval26 imports ref_row
    main()
