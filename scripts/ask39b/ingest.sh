#!/usr/bin/env bash
# Set 39b's stores (ask39b): ingest what scripts/ask39b/gen.py wrote under $ASK39B_OUT (default /tmp/ask39b).
#   bash scripts/ask39b/ingest.sh
set -euo pipefail
OUT=${ASK39B_OUT:-/tmp/ask39b}
T="python -m trajlm.cli"
$T data ingest "$OUT/snowcats.csv" -o "$OUT/snowcats_store" --traj-col pass_id --vehicle-col unit \
  --label-col machine --time-col logged --tz America/Vancouver --overwrite
$T data ingest "$OUT/ebikes.csv" -o "$OUT/ebikes_store" --traj-col ride --vehicle-col bike \
  --label-col model --time-col time_utc --overwrite
$T data ingest "$OUT/vessel.csv" -o "$OUT/vessel_store" --traj-col leg --label-col kind --time-col epoch_ms \
  --overwrite
$T data ingest "$OUT/drops.csv" -o "$OUT/drops_store" --traj-col drop --vehicle-col driver_vehicle \
  --label-col body --time-col when --tz Australia/Sydney --overwrite
