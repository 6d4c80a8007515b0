"""heldout36: markdown rows per set from $HELDOUT36/evals/SET_predict.json (written by
scripts/heldout36/eval.sh: the first window of each test trip): trajlm-small's next-5-points
MAE against the strongest baseline on the store's test split, paired bootstrap 95 % CI
(docs/data.md "Session 36 (heldout36)").
    python scripts/heldout36/rows.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import small_vs_best_table  # noqa: E402

H = os.environ.get("HELDOUT36", "/tmp/heldout36")
SETS = ["orc_lake", "avro_lake", "kafka_ndjson", "here_probe", "valhalla_traces", "endomondo",
        "topojson"]  # fmt: skip

if __name__ == "__main__":
    small_vs_best_table(H, SETS)
