"""heldout34b: one markdown row per set, trajlm-small's next-5 MAE against the strongest baseline
on every window of the test trips (scripts/heldout34b/eval.sh first; docs/data.md "Session 34
(heldout34b)"). A reading study: one test trip a store, no quality claim.
    PYTHONPATH=$PWD python scripts/heldout34b/rows.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import small_vs_best_table  # noqa: E402

if __name__ == "__main__":
    H = os.environ.get("HELDOUT34B", "/tmp/heldout34b")
    small_vs_best_table(H, ["fieldmaps", "motive", "komoot", "sensorthings", "garmin"], "_all")
