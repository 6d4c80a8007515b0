"""smallval25: the curve (regret and pick rate by val size, each rule), geo-mean over pools,
and paired CIs of a rule against the current one (bootstrap over pools; within pools over draws)."""

import json
import os
import sys

import numpy as np

WORK = os.environ.get("SMALLVAL25_DIR", "/tmp/smallval25")  # outputs and inputs of the study

res = json.load(open(sys.argv[1] if len(sys.argv) > 1 else f"{WORK}/sim.json"))
pools = sorted(
    {k.split("|")[0] for k in res},
    key=lambda p: list(dict.fromkeys(k.split("|")[0] for k in res)).index(p),
)
sizes = sorted({int(k.split("|")[1]) for k in res})
rules = [r for r in next(iter(res.values()))[0] if r != "ref"]
NOW = "all6_guarded (now)"


def fam(f):
    return "knn" if f.startswith("knn") else "place" if f.startswith("place") else f


def table(rule_list):
    print("size | " + " | ".join(rule_list))
    for n in sizes:
        ps = [p for p in pools if f"{p}|{n}" in res]
        cells = []
        for r in rule_list:
            g = [np.mean([np.log(x[r][1]) for x in res[f"{p}|{n}"]]) for p in ps]
            pick = np.mean(
                [np.mean([fam(x[r][0]) == fam(x["ref"]) for x in res[f"{p}|{n}"]]) for p in ps]
            )
            cells.append(f"{np.exp(np.mean(g)):.3f} ({100 * pick:.0f}%)")
        print(f"{n} ({len(ps)} pools) | " + " | ".join(cells))


def paired(rule, n, rng=np.random.default_rng(0)):
    ps = [p for p in pools if f"{p}|{n}" in res]
    d = np.array(
        [np.mean([np.log(x[rule][1]) - np.log(x[NOW][1]) for x in res[f"{p}|{n}"]]) for p in ps]
    )
    boot = [d[rng.integers(0, len(d), len(d))].mean() for _ in range(4000)]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return (
        np.exp(d.mean()),
        np.exp(lo),
        np.exp(hi),
        {p: round(float(np.exp(x)), 3) for p, x in zip(ps, d, strict=False)},
    )


table(rules)
print()
for r in rules:
    if r == NOW:
        continue
    print(r)
    for n in sizes:
        m, lo, hi, per = paired(r, n)
        print(f"  n={n}: {m:.3f} ({lo:.3f}-{hi:.3f}) per pool {per}")
