"""heldout37b: markdown rows per set from $HELDOUT37B/evals/SET_predict.json (written by
scripts/heldout37b/eval.sh: the first window of each test trip): trajlm-small's next-5-points
MAE against the strongest baseline on the store's test split, paired bootstrap 95 % CI
(docs/data.md "Session 37 (heldout37b)").
    python scripts/heldout37b/rows.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import small_vs_best_table  # noqa: E402

H = os.environ.get("HELDOUT37B", "/tmp/heldout37b")
SETS = ["homeassistant", "sqldump", "kepler", "trackdb", "valhalla", "decktrips_o", "qgis_told"]

if __name__ == "__main__":
    small_vs_best_table(H, SETS)
