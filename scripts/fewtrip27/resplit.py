"""fewtrip27: the rule-choosing procedure of rules.py repeated over random splits of the 20 kinds
into two halves of 10 (seeded): per split, the candidate with the lowest fitting-half regret
and, on the other half, its ratio to the current verdict and (d)'s (the shipped rule). Reads
$FEWTRIP27/errs/*.json (the 3-4 val trip stores); scored on test5.

    python scripts/fewtrip27/resplit.py [N_SPLITS]     # default 20; table on stdout
"""

import json
import sys

import numpy as np
from rules import CANDIDATES, OUT, RULES, current, fit_params, geo, kind_of, larger

SHIPPED = "val best on 5 windows per trip"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    stores = [json.loads(p.read_text()) for p in sorted((OUT / "errs").glob("*.json"))]
    stores = [s for s in stores if s["n_val_trips"] >= 3 and not larger(s["store"])]
    kinds = sorted({kind_of(s["store"]) for s in stores})
    rng = np.random.default_rng(2727)
    picks: dict[str, int] = {}
    won, shipped = [], []
    for _ in range(n):
        fit_k = set(rng.choice(kinds, len(kinds) // 2, replace=False))
        fit = [s for s in stores if kind_of(s["store"]) in fit_k]
        ev = [s for s in stores if kind_of(s["store"]) not in fit_k]
        p = fit_params(fit, "test5")
        winner = min(CANDIDATES, key=lambda r: geo(fit, RULES[r], p, "test5"))
        picks[winner] = picks.get(winner, 0) + 1
        base = geo(ev, current, p, "test5")
        won.append(geo(ev, RULES[winner], p, "test5") / base)
        shipped.append(geo(ev, RULES[SHIPPED], p, "test5") / base)
        print(
            f"winner {winner}: {won[-1]:.3f} vs current; {SHIPPED}: {shipped[-1]:.3f}", flush=True
        )
    print(f"\n{n} splits: picks {picks}")
    for name, x in (("the procedure's pick", won), (SHIPPED, shipped)):
        x = np.array(x)
        print(f"{name} / current on the other half: median {np.median(x):.3f}, range "
              f"{x.min():.3f}-{x.max():.3f}, under 1 in {int((x < 1).sum())} of {n}")  # fmt: skip


if __name__ == "__main__":
    main()
