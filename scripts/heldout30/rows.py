"""heldout30: the results table's rows from $HELDOUT30/evals/SET_predict.json and
$HELDOUT30/runs/SET/train_summary.json (docs/generalization.md "Session 30 (heldout30)").
    python scripts/heldout30/rows.py          # one markdown row per set; recovery cells after
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import print_rows  # noqa: E402

H = os.environ.get("HELDOUT30", "/tmp/heldout30")
SETS = ["radiosonde", "cattle_dehesa", "ctv_signalk", "mailvan_portal", "runner_jalali",
        "harvester_bng_after", "rally_wide", "campervan_traccar", "campervan_traccar_after"]  # fmt: skip

if __name__ == "__main__":
    print_rows(H, SETS)
