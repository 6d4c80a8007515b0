#!/usr/bin/env bash
# Set 40's stores (ask40): ingest what scripts/ask40/gen.py wrote under $ASK40_OUT (default /tmp/ask40).
#   bash scripts/ask40/ingest.sh
set -euo pipefail
OUT=${ASK40_OUT:-/tmp/ask40}
T="python -m trajlm.cli"
$T data ingest "$OUT/tractors.csv" -o "$OUT/tractors_store" --traj-col job --vehicle-col tractor \
  --label-col work --time-col stamp --tz Europe/London --overwrite
$T data ingest "$OUT/buses.csv" -o "$OUT/buses_store" --traj-col run_id --vehicle-col bus_no \
  --label-col run_type --time-col gps_time --lat-col latitude --lon-col longitude --overwrite
$T data ingest "$OUT/flights.csv" -o "$OUT/flights_store" --traj-col flight --vehicle-col drone \
  --label-col mission --time-col unix_s --overwrite
$T data ingest "$OUT/vans.csv" -o "$OUT/vans_store" --traj-col trip_ref --vehicle-col vin \
  --label-col usage --time-col ts --overwrite
