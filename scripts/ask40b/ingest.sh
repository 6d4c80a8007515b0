#!/usr/bin/env bash
# Set 40b's stores (ask40b): ingest what scripts/ask40b/gen.py wrote under $ASK40B_OUT (default /tmp/ask40b).
#   bash scripts/ask40b/ingest.sh
set -euo pipefail
OUT=${ASK40B_OUT:-/tmp/ask40b}
T="python -m trajlm.cli"
$T data ingest "$OUT/cabs.csv" -o "$OUT/cabs_store" --traj-col fare_id --vehicle-col cab \
  --label-col fare_type --time-col ts_ms --overwrite
$T data ingest "$OUT/trucks.csv" -o "$OUT/trucks_store" --traj-col round_no --vehicle-col truck \
  --label-col service --time-col recorded --overwrite
$T data ingest "$OUT/elephants.csv" -o "$OUT/elephants_store" --traj-col bout --vehicle-col elephant \
  --label-col sex_class --time-col fix_utc --overwrite
$T data ingest "$OUT/helis.csv" -o "$OUT/helis_store" --traj-col flight_no --vehicle-col rego \
  --label-col flight_kind --time-col local_time --tz Pacific/Auckland --overwrite
