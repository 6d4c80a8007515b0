"""outside35's rule, written before any test file is scored. Prints the chosen settings.

    python scripts/outside35/choose.py rts val_rec_STORE.json    -> "Q R"
    python scripts/outside35/choose.py ctrv val_pred_STORE.json  -> "TURNS SHRINK AHEAD"

rts (recover): of the val eval's rows named rts_q{Q}_r{R} (scripts/outside35/val.sh), the one
with the lowest mean, over the brief's two settings (random 50 % and every 240 s), of its MAE
divided by the spline baseline's MAE in that setting (the flavour eval tuned
on val: Akima on Porto) (the ratio puts both settings on one scale).
ctrv (predict): of the rows named ctrv_t{TURNS}_s{SHRINK}_{AHEAD}, the lowest val MAE.
"""

from __future__ import annotations

import json
import sys

RECOVERY_SETTINGS = ("random 50%", "every 240 s")


def main() -> None:
    kind, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        results = json.load(f)["results"]
    if kind == "rts":
        mae = {(r["setting"], r["method"]): r["metrics"]["mae_m"] for r in results}
        names = {r["method"] for r in results if r["method"].startswith("rts_q")}
        spline = next(r["method"] for r in results if r["method"].endswith(" spline"))
        score = {n: sum(mae[(s, n)] / mae[(s, spline)] for s in RECOVERY_SETTINGS) / 2
                 for n in names}  # fmt: skip
        q, r = min(score, key=score.get).removeprefix("rts_q").split("_r")
        print(q, r)
    else:
        rows = [r for r in results if r["method"].startswith("ctrv_t")]
        best = min(rows, key=lambda r: r["metrics"]["mae_m"])["method"]
        turns, rest = best.removeprefix("ctrv_t").split("_s", 1)
        shrink, ahead = rest.rsplit("_", 1)
        print(turns, shrink, ahead)


if __name__ == "__main__":
    main()
