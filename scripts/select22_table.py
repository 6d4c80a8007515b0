"""select22: the val check of saved candidate selectors, before -> after, on their stores.

    python scripts/select22_table.py --store pmm=/tmp/heldout20/stores/pmm \
        --runs pmm=/tmp/blend21/runs/sel_pmm_s0,/tmp/blend21/runs/sel_pmm_s1 ... --out DIR

For every run: the three engines (selector, plain kNN, place-aware kNN: the run's own pools) on
the store's val split (PROTOCOL task) -> the guarded verdict (trajlm/eval/selector_verdict.py;
and the argmin rule, reported beside), then the same engines on test, read once. Per store,
seeds pooled (per-trip errors averaged over seeds): selector (before) and the verdict's engine
(after) over plain kNN and over the better of kNN / place-aware kNN on test, with paired
bootstrap 95 % CIs over test trips. Runs fitted before the check are loaded with
engine="selector" (no warning); their verdict is computed here exactly as the fit computes it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval.compare import paired_bootstrap_ratio
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import CandidateSelectorPredictor
from trajlm.eval.selector_verdict import decide, engine_errors


def pairs(values: list[str], what: str) -> dict[str, str]:
    out = {}
    for v in values:
        name, sep, rest = v.partition("=")
        if not sep:
            raise SystemExit(f"{what} {v!r}: give NAME=VALUE")
        out[name] = rest
    return out


def score_store(store: Path, runs: list[Path]) -> dict:
    parts = split_tables(read_store(store))
    val_task, test_task = make_prediction_task(parts["val"]), make_prediction_task(parts["test"])
    seeds = []
    for run in runs:
        sel = CandidateSelectorPredictor.load(run, engine="selector")
        val = engine_errors(sel, val_task)
        test = engine_errors(sel, test_task)  # read once per run
        seeds.append({"run": str(run), "saved_verdict": sel.verdict_, "guarded": decide(val),
                      "argmin": decide(val, rule="argmin")["engine"],
                      "test": {e: v.tolist() for e, v in test.items()}})  # fmt: skip
    t = {e: np.mean([s["test"][e] for s in seeds], 0) for e in ("selector", "knn", "place_knn")}
    after = np.mean([s["test"][s["guarded"]["engine"]] for s in seeds], 0)
    argmin = np.mean([s["test"][s["argmin"]] for s in seeds], 0)
    best = "knn" if t["knn"].mean() <= t["place_knn"].mean() else "place_knn"
    arms = {"before": t["selector"], "after": after, "argmin": argmin,
            "place_knn": t["place_knn"]}  # fmt: skip
    ratios = {f"{a}/{b}": paired_bootstrap_ratio(x, t[b]) for a, x in arms.items()
              for b in ("knn", best)}  # fmt: skip
    return {"store": str(store), "n_val": len(val_task.lengths), "n_test": len(test_task.lengths),
            "knn_mae_m": float(t["knn"].mean()), "best_knn_test": best, "ratios": ratios,
            "engines": [s["guarded"]["engine"] for s in seeds],
            "val_ratio": [s["guarded"]["selector_over_best_knn"] for s in seeds],
            "argmin_engines": [s["argmin"] for s in seeds], "seeds": seeds}  # fmt: skip


def fmt(r: dict) -> str:
    return f"{r['ratio']:.3f} ({r['lo']:.3f}-{r['hi']:.3f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", action="append", required=True, help="NAME=STORE_DIR")
    ap.add_argument("--runs", action="append", required=True, help="NAME=RUN,RUN,...")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    stores, runs = pairs(a.store, "--store"), pairs(a.runs, "--runs")
    a.out.mkdir(parents=True, exist_ok=True)
    lines = ["| data set | runs | val / test trips | kNN MAE m | engines (val) | val sel / best kNN "
             "| before: sel / kNN | after / kNN | before: sel / best kNN | after / best kNN "
             "| argmin after / best kNN |", "|" + "---|" * 11]  # fmt: skip
    for name, store in stores.items():
        res = score_store(Path(store), [Path(r) for r in runs[name].split(",")])
        (a.out / f"{name}.json").write_text(json.dumps(res) + "\n")
        r, b = res["ratios"], res["best_knn_test"]
        vr = ", ".join(f"{v['ratio']:.3f} ({v['lo']:.3f}-{v['hi']:.3f})" for v in res["val_ratio"])
        lines.append(f"| {name} | {len(res['seeds'])} | {res['n_val']} / {res['n_test']} | "
                     f"{res['knn_mae_m']:,.1f} | {', '.join(res['engines'])} | {vr} | "
                     f"{fmt(r['before/knn'])} | {fmt(r['after/knn'])} | {fmt(r[f'before/{b}'])} | "
                     f"{fmt(r[f'after/{b}'])} | {fmt(r[f'argmin/{b}'])} |")  # fmt: skip
        print(lines[-1], flush=True)
    (a.out / "table.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
