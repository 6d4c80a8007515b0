"""heldout27: the results table's rows from $HELDOUT27/evals/SET_predict.json and
$HELDOUT27/runs/SET/train_summary.json (docs/generalization.md "Session 27 (heldout27)").
    python scripts/heldout27/rows.py          # one markdown row per set; recovery cells after
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import print_rows  # noqa: E402

H = os.environ.get("HELDOUT27", "/tmp/heldout27")
SETS = ["stork_ornitela", "yacht_race", "formula_e_motec", "tokyo_couriers", "kobo_survey",
        "glider_flights", "school_buses", "canal_barges"]  # fmt: skip

if __name__ == "__main__":
    print_rows(H, SETS)
