"""heldout26: the results table's rows from $HELDOUT26/evals/SET_predict.json and
$HELDOUT26/runs/SET/train_summary.json (docs/generalization.md "Session 26 (heldout26)").
    python scripts/heldout26/rows.py          # one markdown row per set; recovery cells after
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import print_rows  # noqa: E402

H = os.environ.get("HELDOUT26", "/tmp/heldout26")
SETS = ["endurance_horses", "rail_tunnels", "ferry_dateline", "snow_groomers", "purse_seiner",
        "refuse_trucks", "mower_fix", "takeout_records"]  # fmt: skip

if __name__ == "__main__":
    print_rows(H, SETS)
