"""Two arms of runs (seeds) on one store's test split: each run's 5-step MAE, and the arms'
seed-mean per-trip errors compared by a paired bootstrap 95 % CI (trajlm.eval.compare), each
arm also against kNN continuation. The models answer alone (their own rollouts, no verdict).

    python scripts/newuser34/seed_pairs.py STORE --a RUN RUN RUN --b RUN RUN RUN [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import warnings

import numpy as np

import trajlm
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.protocol import run_eval


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("store")
    ap.add_argument("--a", nargs="+", required=True, help="arm A's run folders (e.g. fine-tuned)")
    ap.add_argument("--b", nargs="+", required=True, help="arm B's run folders (e.g. scratch)")
    ap.add_argument("--out")
    a = ap.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = [trajlm.TrajLM.from_pretrained(p, threads=1) for p in [*a.a, *a.b]]
        res = run_eval(trajlm.read_store(a.store), "predict", models=tuple(models), verbose=False)
    rows = {r["method"]: r for r in res.rows if r["setting"] == "k=5" and "_per_traj" in r}
    names = list(rows)
    runs = [n for n in names if n.startswith("trajlm")]
    arm_a, arm_b = runs[: len(a.a)], runs[len(a.a) :]
    report = {"runs": {n: float(rows[n]["metrics"]["mae_m"]) for n in names}}
    per = {
        "A": np.mean([rows[n]["_per_traj"] for n in arm_a], 0),
        "B": np.mean([rows[n]["_per_traj"] for n in arm_b], 0),
        "kNN": rows["kNN continuation"]["_per_traj"],
        "CV": rows["constant velocity"]["_per_traj"],
    }
    report["A - B"] = paired_bootstrap_ci(per["A"], per["B"])
    for arm in ("A", "B"):
        report[f"{arm} - kNN"] = paired_bootstrap_ci(per[arm], per["kNN"])
        report[f"{arm} - CV"] = paired_bootstrap_ci(per[arm], per["CV"])
    report["arms"] = {"A": arm_a, "B": arm_b}
    print(json.dumps(report, indent=2))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
