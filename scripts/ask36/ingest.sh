#!/usr/bin/env bash
# Set 36's stores (ask36): ingest what scripts/ask36/gen.py wrote under $ASK36_OUT (default /tmp/ask36).
#   bash scripts/ask36/ingest.sh
set -euo pipefail
OUT=${ASK36_OUT:-/tmp/ask36}
T="python -m trajlm.cli"
$T data ingest "$OUT/ferries.csv" -o "$OUT/ferries_store" --traj-col crossing_id --vehicle-col vessel \
  --label-col route --time-col epoch_ms --overwrite
$T data ingest "$OUT/taxis.csv" -o "$OUT/taxis_store" --traj-col segment --vehicle-col licence \
  --label-col status --time-col timestamp --lat-col latitude --lon-col longitude --overwrite
$T data ingest "$OUT/phone.csv" -o "$OUT/phone_store" --traj-col segment_id --label-col activity \
  --time-col time --lon-col lng --overwrite
