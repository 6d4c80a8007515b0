"""Session 30 (knn30): the tables of docs/api.md "Session 30 (knn30)" from rule_study.py's JSONs.

Two tags (folders of $KNN30, default /tmp/knn30) and a rule of each: for the plain and the
place-aware kNN, the mean over stores of test ADE after / before, its 95 % bootstrap CI over
stores (2,000 resamples, seed 0), how many stores get worse / better / stay; on "test" (one
window per test trip, eval's row) and "test5" (up to 5 windows per trip). fewtrip27's stores are
split into its evaluation half (the pre-registered gate) and its fitting half. Where a store was
re-tuned under jitter ("flips"): how many jittered copies chose another cell than the store.

Commands (print only):
  PYTHONPATH=. python scripts/knn30/summary.py ratios BEFORE_TAG AFTER_TAG [BEFORE_RULE AFTER_RULE]
  PYTHONPATH=. python scripts/knn30/summary.py flips TAG [TAG ...]
"""

import json
import os
import sys
from pathlib import Path

import numpy as np

EVAL_KINDS = ("car_tokyo", "drone", "ferry", "iceberg", "purse_seiner", "refuse_trucks",
              "seabird", "storm", "takeout", "wolf")  # fewtrip27's evaluation half  # fmt: skip
METHODS = {"knn": "kNN continuation", "place": "kNN (place-aware)"}


def groups(tag: str, runs: dict[str, dict]) -> dict[str, dict[str, dict]]:
    if not tag.startswith("fewtrip27"):
        return {tag: runs}
    ev = {n: r for n, r in runs.items() if n.startswith(EVAL_KINDS)}
    return {"fewtrip27 evaluation half": ev,
            "fewtrip27 fitting half": {n: r for n, r in runs.items() if n not in ev}}  # fmt: skip


def ratio_row(label: str, before: dict, after: dict, rules: tuple[str, str], method: str,
              split: str) -> str:  # fmt: skip
    """after / before test ADE per store: mean, bootstrap CI over stores, worse / better / same."""
    r = np.array([after[n]["base"][rules[1]][method][split] / before[n]["base"][rules[0]][method][split]
                  for n in before if n in after and rules[0] in before[n]["base"]
                  and rules[1] in after[n]["base"]])  # fmt: skip
    r = r[np.isfinite(r)]
    if not len(r):
        return f"| {label} | {METHODS[method]} | {split} | no store |"
    boot = np.random.default_rng(0).choice(r, (2000, len(r))).mean(1)
    lo, hi = np.percentile(boot, [2.5, 97.5])
    same = int((np.abs(r - 1) < 1e-9).sum())
    worse, better = int((r > 1 + 1e-9).sum()), int((r < 1 - 1e-9).sum())
    return (f"| {label} | {METHODS[method]} | {split} | {len(r)} | {r.mean():.4f} ({lo:.4f}-"
            f"{hi:.4f}) | {worse} / {better} / {same} | {r.max():.3f} | {r.min():.3f} |")  # fmt: skip


def flips(runs: dict[str, dict]) -> list[str]:
    out = []
    for rule in ("argmin", "guarded"):
        n = moved = 0
        for run in runs.values():
            base = run["base"].get(rule)
            for key, jit in run.items():
                if not key.startswith("jitter") or rule not in jit:
                    continue
                for m in METHODS:
                    n += 1
                    moved += jit[rule][m]["cell"] != base[m]["cell"]
        if n:
            out.append(f"| {rule} | {moved} of {n} | {moved / n:.2f} |")
    return out


def load(root: Path, tag: str) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted((root / tag).glob("*.json"))}


def main() -> None:
    """ratios BEFORE_TAG AFTER_TAG [BEFORE_RULE AFTER_RULE] (default argmin guarded) | flips TAG..."""
    root = Path(os.environ.get("KNN30", "/tmp/knn30"))
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "flips":
        print("| stores | rule | jittered copies whose cell moved (both kNNs) | rate |\n"
              "|---|---|---|---|")  # fmt: skip
        for tag in args:
            print("\n".join(f"| {tag} " + line for line in flips(load(root, tag))))
        return
    before, after = load(root, args[0]), load(root, args[1])
    rules = (args[2], args[3]) if len(args) > 3 else ("argmin", "guarded")
    print(f"before: {args[0]} {rules[0]}; after: {args[1]} {rules[1]}\n")
    print("| stores | kNN | split | n | mean after / before (95 % CI) | worse / better / same |"
          " max | min |\n|---|---|---|---|---|---|---|---|")  # fmt: skip
    for label, part in groups(args[0], before).items():
        for split in ("test", "test5"):
            for m in METHODS:
                print(ratio_row(label, part, after, rules, m, split))


if __name__ == "__main__":
    main()
