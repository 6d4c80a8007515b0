#!/usr/bin/env bash
# Set 37's stores (ask37): ingest what scripts/ask37/gen.py wrote under $ASK37_OUT (default /tmp/ask37).
#   bash scripts/ask37/ingest.sh
set -euo pipefail
OUT=${ASK37_OUT:-/tmp/ask37}
T="python -m trajlm.cli"
$T data ingest "$OUT/schoolbus.csv" -o "$OUT/schoolbus_store" --traj-col run --vehicle-col bus \
  --label-col route --time-col gps_time --overwrite
$T data ingest "$OUT/sweepers.csv" -o "$OUT/sweepers_store" --traj-col job --vehicle-col unit \
  --label-col mode --time-col epoch --overwrite
$T data ingest "$OUT/telematics.csv" -o "$OUT/telematics_store" --traj-col trip_id --vehicle-col policy \
  --time-col ts --overwrite
