"""engine31: how firm the pick's confirming-half win is (read after rules.py; the pre-registered
decision used one 2,000-draw bootstrap, whose upper bound sat at 1.000). Per changed store, the
pick / current ratio; the CI over stores and over kinds (stores of a kind resampled together)
with 20,000 draws.

    python scripts/engine31/robust.py [RULE]     # default the pick in $ENGINE31/rules.json
"""

import json
import os
import re
import sys
from pathlib import Path

import numpy as np

OUT = Path(os.environ.get("ENGINE31", "/tmp/engine31"))


def main() -> None:
    r = json.loads((OUT / "rules.json").read_text())
    rule = sys.argv[1] if len(sys.argv) > 1 else r["pick"]
    conf = r["stores"]["confirm"]
    lx = np.log(np.array(r[rule]["confirm_test5"]) / np.array(r["current"]["confirm_test5"]))
    print(f"{rule} / current on {len(lx)} confirming stores: changed {int((lx != 0).sum())}, "
          f"better {int((lx < 0).sum())}, worse {int((lx > 0).sum())}")  # fmt: skip
    for s, x in zip(conf, lx, strict=True):
        if x != 0:
            print(f"  {s}: {np.exp(x):.3f}")
    rng = np.random.default_rng(0)
    boots = [lx[rng.integers(0, len(lx), len(lx))].mean() for _ in range(20000)]
    lo, hi = np.exp(np.percentile(boots, [2.5, 97.5]))
    print(f"over stores: {np.exp(lx.mean()):.4f} ({lo:.4f}-{hi:.5f})")
    kinds = [re.sub(r"_s\d+$", "", s) for s in conf]
    uk = sorted(set(kinds))
    by = [lx[[i for i, k in enumerate(kinds) if k == u]] for u in uk]
    boots = [
        np.concatenate([by[i] for i in rng.integers(0, len(uk), len(uk))]).mean()
        for _ in range(20000)
    ]
    lo, hi = np.exp(np.percentile(boots, [2.5, 97.5]))
    print(f"over {len(uk)} kinds: ({lo:.4f}-{hi:.4f})")


if __name__ == "__main__":
    main()
