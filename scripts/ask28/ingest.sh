#!/usr/bin/env bash
# Set 28's stores (ask28): ingest what scripts/ask28/gen.py wrote under $ASK28_OUT (default /tmp/ask28).
#   bash scripts/ask28/ingest.sh
set -euo pipefail
OUT=${ASK28_OUT:-/tmp/ask28}
T="python -m trajlm.cli"
$T data ingest "$OUT/waste.csv" -o "$OUT/waste_store" --traj-col task --vehicle-col lorry \
  --label-col task_type --time-col time --overwrite
$T data ingest "$OUT/rowing.csv" -o "$OUT/rowing_store" --traj-col outing --vehicle-col boat \
  --label-col piece --time-col epoch_s --overwrite
$T data ingest "$OUT/drone.csv" -o "$OUT/drone_store" --traj-col sortie --vehicle-col airframe \
  --label-col job --time-col datetime --time-format '%m/%d/%Y %I:%M:%S %p' --tz America/Denver --overwrite
