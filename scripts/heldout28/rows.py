"""heldout28: the results table's rows from $HELDOUT28/evals/SET_predict.json and
$HELDOUT28/runs/SET/train_summary.json (docs/generalization.md "Session 28 (heldout28)").
    python scripts/heldout28/rows.py          # one markdown row per set; recovery cells after
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import print_rows  # noqa: E402

H = os.environ.get("HELDOUT28", "/tmp/heldout28")
SETS = ["whale_argos", "tuktuk_bangkok", "rowing_eight", "yard_trucks", "rescue_caltopo",
        "reindeer_lotek", "reindeer_gap", "balloon_flights", "harvester_yield"]  # fmt: skip

if __name__ == "__main__":
    print_rows(H, SETS)
