"""Paired bootstrap ratios from measure.py's npz: python pair.py X.npz"""

import sys

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ratio

d = dict(np.load(sys.argv[1]))
base = [
    "dead reckoning [time]",
    "constant velocity [time]",
    "linear-3 [time, fit]",
    "kNN continuation",
]
for mode in ("steps", "report"):
    rows = {k.split("|", 1)[1]: v for k, v in d.items() if k.startswith(mode + "|")}
    models = [m for m in rows if m.startswith("trajlm:")]
    groups = {}
    for m in models:
        groups.setdefault("(positions only)" in m, []).append(m)
    for po, ms in groups.items():
        rows[f"3-seed mean{' (positions only)' if po else ''}"] = np.mean([rows[m] for m in ms], 0)
    print(f"== {mode}")
    for m in [*models, *[k for k in rows if k.startswith("3-seed")]]:
        cells = []
        for b in base:
            if b not in rows:
                continue
            a, c = rows[m], rows[b]
            ok = np.isfinite(a) & np.isfinite(c)
            r = paired_bootstrap_ratio(a[ok], c[ok])
            cells.append(f"{b}: {r['ratio']:.3f} ({r['lo']:.3f}-{r['hi']:.3f})")
        print(f"{m:40s} {np.nanmean(rows[m]):8.1f} m | " + " | ".join(cells))
    print(
        "baselines:",
        {b: round(float(np.nanmean(rows[b])), 1) for b in base if b in rows},
        "n",
        len(rows[base[-1]]),
    )
