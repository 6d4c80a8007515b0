#!/usr/bin/env bash
# Set 32's stores (ask32): ingest what scripts/ask32/gen.py wrote under $ASK32_OUT (default /tmp/ask32).
#   bash scripts/ask32/ingest.sh
set -euo pipefail
OUT=${ASK32_OUT:-/tmp/ask32}
T="python -m trajlm.cli"
$T data ingest "$OUT/parcels.csv" -o "$OUT/parcels_store" --traj-col round --vehicle-col van \
  --label-col round_type --time-col ts_ms --time-format unix_ms --overwrite
$T data ingest "$OUT/mobility.csv" -o "$OUT/mobility_store" --traj-col trip_no --vehicle-col participant_id \
  --label-col mode --time-col time --overwrite
$T data ingest "$OUT/harbour.csv" -o "$OUT/harbour_store" --traj-col movement --vehicle-col craft \
  --label-col service --time-col epoch --time-format unix --overwrite
$T data ingest "$OUT/club.csv" -o "$OUT/club_store" --traj-col ride --vehicle-col rider \
  --label-col ride_type --time-col local_time --tz Europe/Madrid --overwrite
