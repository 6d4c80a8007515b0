"""Pool scripts/classify24_measure.py runs of one seed each (``--first-seed s --seeds 1``) into
one row per method: val / test accuracy and macro-F1 (mean ± 95 % t-interval over seeds) and
test accuracy minus the answering GB with the paired bootstrap 95 % CI over test segments
(seed-mean hits), as one run of all seeds would give.

    python scripts/classify24_pool.py /tmp/c24/geo_user_time_s*.json
"""

from __future__ import annotations

import json
import sys

import numpy as np
from classify21_measure import diff_ci, mean_ci

BASE = "GB default (answers now)"


def _seeds(runs: list[dict], method: str, field: str) -> list[float]:
    return [x for r in runs for x in r["methods"][method][field]["runs"]]


def main() -> None:
    sets: dict[str, list[dict]] = {}
    for path in sys.argv[1:]:
        for name, out in json.load(open(path))["sets"].items():
            sets.setdefault(name, []).append(out)
    for name, runs in sets.items():
        print(f"## {name}: {len(runs)} seeds; n train/val/test {runs[0]['n_train']} / "
              f"{runs[0]['n_val']} / {runs[0]['n_test']}; C {[r['C'] for r in runs]}; "
              f"w_gb {[r['w_gb'] for r in runs]}; engine {[r['engine'] for r in runs]}")  # fmt: skip
        print("| method | val acc | test acc | test macro-F1 | test acc - GB [95 % CI] |")
        print("|---|---|---|---|---|")
        for k in runs[0]["methods"]:
            hits = [np.asarray(h, float) for r in runs for h in r["test_hits"][k]]
            base = [np.asarray(h, float) for r in runs for h in r["test_hits"][BASE]]
            d = diff_ci(hits, base)
            cell = lambda m: f"{m['mean']:.1f} ± {m['ci95']:.1f}"  # noqa: E731
            print(f"| {k} | {cell(mean_ci(_seeds(runs, k, 'val_accuracy_pct')))} | "
                  f"{cell(mean_ci(_seeds(runs, k, 'accuracy_pct')))} | {cell(mean_ci(_seeds(runs, k, 'macro_f1_pct')))} | "
                  f"{d['diff']:+.1f} [{d['lo']:+.1f}, {d['hi']:+.1f}] |")  # fmt: skip


if __name__ == "__main__":
    main()
