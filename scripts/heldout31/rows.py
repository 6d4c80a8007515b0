"""heldout31: the results table's rows from $HELDOUT31/evals/SET_predict.json and
$HELDOUT31/runs/SET/train_summary.json (docs/generalization.md "Session 31 (heldout31)").
    python scripts/heldout31/rows.py          # one markdown row per set; recovery cells after
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import print_rows  # noqa: E402

H = os.environ.get("HELDOUT31", "/tmp/heldout31")
SETS = ["vms_tacsat", "wialon_vans", "dji_srt", "rover_rtklib", "erddap_drifters", "fiets_rd",
        "fleet_xml2003", "ttn_uplinks"]  # fmt: skip

if __name__ == "__main__":
    print_rows(H, SETS)
