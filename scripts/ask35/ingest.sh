#!/usr/bin/env bash
# Set 35's stores (ask35): ingest what scripts/ask35/gen.py wrote under $ASK35_OUT (default /tmp/ask35).
#   bash scripts/ask35/ingest.sh
set -euo pipefail
OUT=${ASK35_OUT:-/tmp/ask35}
T="python -m trajlm.cli"
$T data ingest "$OUT/avl.csv" -o "$OUT/avl_store" --traj-col trip_id --vehicle-col vehicle_id \
  --label-col route_id --time-col timestamp --overwrite
$T data ingest "$OUT/vans.csv" -o "$OUT/vans_store" --traj-col tour_id --vehicle-col registration \
  --time-col gps_time --overwrite
$T data ingest "$OUT/runs.csv" -o "$OUT/runs_store" --traj-col activity_id --vehicle-col athlete \
  --time-col time --overwrite
