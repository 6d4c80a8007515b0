#!/usr/bin/env bash
# Set 26's stores (ask26): ingest what scripts/ask26/gen.py wrote under $ASK26_OUT (default /tmp/ask26).
#   bash scripts/ask26/ingest.sh
set -euo pipefail
OUT=${ASK26_OUT:-/tmp/ask26}
T="python -m trajlm.cli"
$T data ingest "$OUT/ambulances.csv" -o "$OUT/amb_store" --traj-col job_id --vehicle-col unit \
  --label-col crew_type --time-col local_ts --tz Australia/Sydney --overwrite
$T data ingest "$OUT/diary.csv" -o "$OUT/diary_store" --traj-col trip --vehicle-col participant \
  --label-col mode --time-col time_jst --tz Asia/Tokyo --overwrite
$T data ingest "$OUT/boda.csv" -o "$OUT/boda_store" --traj-col ride_id --vehicle-col rider \
  --label-col service --time-col ts --overwrite
