"""heldout32: one markdown row per set from $HELDOUT32/evals/SET_predict.json (written by
scripts/heldout32/eval.sh): trajlm-small's next-5-points MAE against the strongest baseline on
the store's test split, paired bootstrap 95 % CI (docs/data.md "Session 32 (heldout32)").
    python scripts/heldout32/rows.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import small_vs_best_table  # noqa: E402

H = os.environ.get("HELDOUT32", "/tmp/heldout32")
SETS = ["aware_phones", "wialon_wln", "ublox_ubx", "fleet_calc", "saildrone_nccf", "tracker_de",
        "opentracks", "scooters"]  # fmt: skip

if __name__ == "__main__":
    small_vs_best_table(H, SETS)
