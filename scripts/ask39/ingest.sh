#!/usr/bin/env bash
# Set 39's stores (ask39): ingest what scripts/ask39/gen.py wrote under $ASK39_OUT (default /tmp/ask39).
#   bash scripts/ask39/ingest.sh
set -euo pipefail
OUT=${ASK39_OUT:-/tmp/ask39}
T="python -m trajlm.cli"
$T data ingest "$OUT/kruger.csv" -o "$OUT/kruger_store" --traj-col animal --label-col species \
  --time-col fix_time_utc --overwrite
$T data ingest "$OUT/orders.csv" -o "$OUT/orders_store" --traj-col order_id --vehicle-col rider_id \
  --label-col vehicle --time-col order_time --tz Asia/Kolkata --overwrite
$T data ingest "$OUT/teen.csv" -o "$OUT/teen_store" --traj-col trip --label-col how --time-col ts --overwrite
$T data ingest "$OUT/lorries.csv" -o "$OUT/lorries_store" --traj-col job_no --vehicle-col reg \
  --label-col trailer --time-col timestamp --overwrite
