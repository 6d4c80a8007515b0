"""heldout35: markdown rows per set from $HELDOUT35/evals/SET_predict.json (written by
scripts/heldout35/eval.sh: the first window of each test trip): trajlm-small's next-5-points
MAE against the strongest baseline on the store's test split, paired bootstrap 95 % CI
(docs/data.md "Session 35 (heldout35)").
    python scripts/heldout35/rows.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import small_vs_best_table  # noqa: E402

H = os.environ.get("HELDOUT35", "/tmp/heldout35")
SETS = ["sumo_fcd", "esri_tracks", "google_fit", "garmin_details", "strava_streams", "agents_rad", "motive",
        "pings_frame", "verizon_history"]  # fmt: skip

if __name__ == "__main__":
    small_vs_best_table(H, SETS)
