"""heldout34: markdown rows per set from $HELDOUT34/evals/SET_predict.json and
SET_predict_all.json (written by scripts/heldout34/eval.sh: the first 20 points of each test
trip, then every window of them): trajlm-small's next-5-points MAE against the strongest
baseline on the store's test split, paired bootstrap 95 % CI (docs/data.md "Session 34
(heldout34)").
    python scripts/heldout34/rows.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import small_vs_best_table  # noqa: E402

H = os.environ.get("HELDOUT34", "/tmp/heldout34")
SETS = ["ais_zst", "scooter_tgz", "walkers_mf", "pings_postgis", "travel_survey", "oruxmaps",
        "trips_m"]  # fmt: skip

if __name__ == "__main__":
    print("each test trip's first window:\n")
    small_vs_best_table(H, SETS)
    print("\nevery window of the test trips (`--windows all`):\n")
    small_vs_best_table(H, SETS, "_all")
