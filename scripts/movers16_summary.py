"""Summary of movers16_score.py JSONs: K of N kinds never worse than CV, std_m coverage.

python scripts/movers16_summary.py RES.json [RES2.json ...]
"""

import json
import sys

import numpy as np

res = {}
for f in sys.argv[1:]:
    res.update(json.load(open(f)))
kinds = sorted({k.split("|")[0] for k in res})
for key in ("steps model/cv", "model/cv"):
    ok = 0
    worst = []
    for kd in kinds:
        cells = [(h, res[f"{kd}|{h}"][key]) for h in (2, 3, 5, 20) if f"{kd}|{h}" in res]
        bad = [
            (h, round(v[0], 3), round(v[1], 3))
            for h, v in cells
            if np.isfinite(v[1]) and v[1] > 1.0005
        ]
        ok += not bad
        if bad:
            worst.append((kd, bad))
    print(
        f"{key}: {ok} of {len(kinds)} kinds never worse than CV (no cell with CI above 1, h=2,3,5,20)"
    )
    for w in worst:
        print("   ", w)
    gm = np.exp(
        np.mean(
            [
                np.log(res[f"{kd}|{h}"][key][0])
                for kd in kinds
                for h in (2, 3, 5, 20)
                if np.isfinite(res[f"{kd}|{h}"][key][0])
            ]
        )
    )
    print("   geo-mean ratio over cells", round(gm, 3))
nan1 = [kd for kd in kinds if res.get(f"{kd}|1", {}).get("nan_model", 0)]
print("h=1 seconds_ahead all-NaN kinds:", nan1)
print(
    "std_m honesty: within 2 std_m (h=5):",
    {kd: round(res[f"{kd}|5"]["within_2std"], 2) for kd in kinds},
)
print(
    "kinds with truth within 2 std_m < 0.8 at h=5:",
    sum(res[f"{kd}|5"]["within_2std"] < 0.8 for kd in kinds),
    "of",
    len(kinds),
)
