#!/usr/bin/env bash
# Set 27's stores (ask27): ingest what scripts/ask27/gen.py wrote under $ASK27_OUT (default /tmp/ask27).
#   bash scripts/ask27/ingest.sh
set -euo pipefail
OUT=${ASK27_OUT:-/tmp/ask27}
T="python -m trajlm.cli"
$T data ingest "$OUT/apron.csv" -o "$OUT/apron_store" --traj-col task_no --vehicle-col vehicle_reg \
  --label-col vehicle_type --time-col timestamp --time-format '%d/%m/%Y %H:%M:%S' --tz Europe/London --overwrite
$T data ingest "$OUT/vests.csv" -o "$OUT/vests_store" --traj-col activity_id --vehicle-col athlete \
  --label-col session_type --time-col utc --overwrite
$T data ingest "$OUT/harvest.csv" -o "$OUT/harvest_store" --traj-col job_id --vehicle-col unit_name \
  --label-col operation --time-col gps_time_ms --overwrite
$T data ingest "$OUT/lifeboat.csv" -o "$OUT/lifeboat_store" --traj-col launch_id --vehicle-col boat \
  --label-col launch_type --time-col time_local --tz Europe/London --overwrite
