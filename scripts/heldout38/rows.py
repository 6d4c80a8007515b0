"""heldout38: markdown rows per set from $HELDOUT38/evals/SET_predict.json (written by
scripts/heldout38/eval.sh: the first window of each test trip): trajlm-small's next-5-points
MAE against the strongest baseline on the store's test split, paired bootstrap 95 % CI
(docs/data.md "Session 38 (heldout38)").
    python scripts/heldout38/rows.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import small_vs_best_table  # noqa: E402

H = os.environ.get("HELDOUT38", "/tmp/heldout38")
SETS = ["elastic", "bigquery", "splunk_told", "mqtt", "influx", "teslamate", "samsung"]

if __name__ == "__main__":
    small_vs_best_table(H, SETS)
