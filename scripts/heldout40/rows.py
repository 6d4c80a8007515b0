"""heldout40: markdown rows per set from $HELDOUT40/evals/SET_predict.json (written by
scripts/heldout40/eval.sh: the first window of each test trip): trajlm-small's next-5-points
MAE against the strongest baseline on the store's test split, paired bootstrap 95 % CI
(docs/data.md "Session 40 (heldout40)").
    python scripts/heldout40/rows.py [SET ...]
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import small_vs_best_table  # noqa: E402

H = os.environ.get("HELDOUT40", "/tmp/heldout40")
SETS = ["aprs", "meshtastic", "blackvue", "argo", "inaturalist", "foreflight", "swarm", "navixy"]

if __name__ == "__main__":
    small_vs_best_table(H, sys.argv[1:] or SETS)
