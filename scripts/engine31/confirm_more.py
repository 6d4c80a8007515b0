"""engine31: a third read, pre-registered after rules.py (committed before these stores were
generated): the pick (``RULE``, default the shrinkage of weight 1) with the fitting half's prior
from $ENGINE31/rules.json against the current rule, on stores no earlier read held (any
$ENGINE31/errs/*.json outside rules.json's two halves: heldout29's last kinds and heldout30's,
generated after the halves were read). Pick / current regret on test5, geometric mean, 95 % CI
over stores (20,000 draws). It decides nothing alone (a handful of 2-4 val-trip stores); it
says which way the boundary case leans.

    python scripts/engine31/confirm_more.py [RULE]
"""

import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rules import RULES, regret  # noqa: E402

OUT = Path(os.environ.get("ENGINE31", "/tmp/engine31"))


def main() -> None:
    r = json.loads((OUT / "rules.json").read_text())
    rule = sys.argv[1] if len(sys.argv) > 1 else "shrink(1.0)"
    seen = set(r["stores"]["fit"]) | set(r["stores"]["confirm"])
    stores = [
        json.loads(p.read_text())
        for p in sorted((OUT / "errs").glob("*.json"))
        if p.stem not in seen
    ]
    stores = [s for s in stores if s["n_val_trips"] < 10 and s["errs"]["test5"]]
    if not stores:
        print("no store outside the two halves")
        return
    lx = []
    for s in stores:
        a, c = RULES[rule](s, r["params"]), RULES["current"](s, r["params"])
        x = np.log(regret(s, a, "test5") / regret(s, c, "test5"))
        lx.append(x)
        print(f"  {s['store']}: current {c}, {rule} {a}: {np.exp(x):.3f}")
    lx = np.array(lx)
    rng = np.random.default_rng(0)
    boots = [lx[rng.integers(0, len(lx), len(lx))].mean() for _ in range(20000)]
    lo, hi = np.exp(np.percentile(boots, [2.5, 97.5]))
    print(f"{rule} / current on {len(lx)} new stores: {np.exp(lx.mean()):.3f} ({lo:.3f}-{hi:.3f})")


if __name__ == "__main__":
    main()
