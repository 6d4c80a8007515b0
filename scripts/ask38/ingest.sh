#!/usr/bin/env bash
# Set 38's stores (ask38): ingest what scripts/ask38/gen.py wrote under $ASK38_OUT (default /tmp/ask38).
#   bash scripts/ask38/ingest.sh
set -euo pipefail
OUT=${ASK38_OUT:-/tmp/ask38}
T="python -m trajlm.cli"
$T data ingest "$OUT/couriers.csv" -o "$OUT/couriers_store" --traj-col drop_id --vehicle-col bike \
  --label-col bike_type --time-col recorded_at --tz Europe/Amsterdam --overwrite
$T data ingest "$OUT/apron.csv" -o "$OUT/apron_store" --traj-col task --vehicle-col unit \
  --label-col vtype --time-col ts_ms --overwrite
$T data ingest "$OUT/collars.csv" -o "$OUT/collars_store" --vehicle-col collar_id --time-col acq_time_utc --overwrite
$T data ingest "$OUT/rides.csv" -o "$OUT/rides_store" --traj-col ride_id --vehicle-col bike_id \
  --label-col rider_type --time-col started_local --overwrite
