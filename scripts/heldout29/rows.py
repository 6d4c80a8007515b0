"""heldout29: the results table's rows from $HELDOUT29/evals/SET_predict.json and
$HELDOUT29/runs/SET/train_summary.json (docs/generalization.md "Session 29 (heldout29)").
    python scripts/heldout29/rows.py          # one markdown row per set; recovery cells after
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import print_rows  # noqa: E402

H = os.environ.get("HELDOUT29", "/tmp/heldout29")
SETS = ["dogsled_race", "sheep_fence", "pigeon_race", "survey_nmea", "ebike_telemetry",
        "kayak_inreach", "police_avl", "golf_carts", "sheep_fence_after"]  # fmt: skip

if __name__ == "__main__":
    print_rows(H, SETS)
