#!/usr/bin/env bash
# Set 30's stores (ask30): ingest what scripts/ask30/gen.py wrote under $ASK30_OUT (default /tmp/ask30).
#   bash scripts/ask30/ingest.sh
set -euo pipefail
OUT=${ASK30_OUT:-/tmp/ask30}
T="python -m trajlm.cli"
$T data ingest "$OUT/vineyard.csv" -o "$OUT/vineyard_store" --traj-col "Job ID" --vehicle-col Unit \
  --label-col Operation --time-col "Date Time" --lat-col Latitude --lon-col Longitude \
  --time-format '%m/%d/%Y %I:%M:%S %p' --tz America/Los_Angeles --overwrite
$T data ingest "$OUT/gritters.csv" -o "$OUT/gritters_store" --traj-col run_no --vehicle-col vehicle \
  --label-col activity --time-col recorded_at --time-format dmy --tz Europe/London --overwrite
$T data ingest "$OUT/rebalancing.csv" -o "$OUT/rebalancing_store" --traj-col mission --vehicle-col vehicule \
  --label-col type_mission --time-col horodatage --overwrite
