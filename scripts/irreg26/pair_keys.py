"""Paired bootstrap ratio of two rows of a thin_rules.py npz (per-trajectory MAE), e.g. a
time_query run against the default run at report times:

    python scripts/irreg26/pair_keys.py OUT.npz "ratio|tq_s0" "ratio|auto_s0"
Prints only."""

import sys

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ratio

path, a_key, b_key = sys.argv[1:4]
d = np.load(path)
a, b = d[a_key], d[b_key]
ok = np.isfinite(a) & np.isfinite(b)
r = paired_bootstrap_ratio(a[ok], b[ok])
print(f"{a_key} {np.mean(a[ok]):.1f} m / {b_key} {np.mean(b[ok]):.1f} m = "
      f"{r['ratio']:.3f} ({r['lo']:.3f}-{r['hi']:.3f}), {ok.sum()} trajectories")  # fmt: skip
