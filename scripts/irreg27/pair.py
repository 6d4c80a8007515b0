"""Paired bootstrap ratios (95 %) of rows of a verdicts.py npz (per-trajectory MAE at the test
trips' report times). A key ending in "|*" is the mean over runs of each trajectory's error
(e.g. "answer|*": the report-times verdict's answer, 3-seed mean).

    python scripts/irreg27/pair.py $IRREG27/evals/NAME_test.npz "answer|*" "linear-3 [time, fit]"
Prints only."""

import sys

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ratio


def row(d, key: str) -> np.ndarray:
    if key.endswith("|*"):
        keys = [k for k in d.files if k.startswith(key[:-1])]
        return np.mean([d[k] for k in keys], axis=0)
    return d[key]


path, a_key, b_key = sys.argv[1:4]
d = np.load(path)
a, b = row(d, a_key), row(d, b_key)
ok = np.isfinite(a) & np.isfinite(b)
r = paired_bootstrap_ratio(a[ok], b[ok])
print(f"{a_key} {np.mean(a[ok]):.1f} m / {b_key} {np.mean(b[ok]):.1f} m = "
      f"{r['ratio']:.3f} ({r['lo']:.3f}-{r['hi']:.3f}), {ok.sum()} trajectories")  # fmt: skip
