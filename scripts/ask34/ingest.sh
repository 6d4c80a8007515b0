#!/usr/bin/env bash
# Set 34's stores (ask34): ingest what scripts/ask34/gen.py wrote under $ASK34_OUT (default /tmp/ask34).
#   bash scripts/ask34/ingest.sh
set -euo pipefail
OUT=${ASK34_OUT:-/tmp/ask34}
T="python -m trajlm.cli"
$T data ingest "$OUT/ais.csv" -o "$OUT/ais_store" --traj-col VoyageID --vehicle-col VesselName \
  --label-col VesselType --time-col BaseDateTime --overwrite
$T data ingest "$OUT/bikes.csv" -o "$OUT/bikes_store" --traj-col ride_id --vehicle-col bike_id \
  --label-col bike_type --time-col ts --overwrite
$T data ingest "$OUT/collars.csv" -o "$OUT/collars_store" --traj-col animal_id --vehicle-col animal_id \
  --label-col species --time-col fix_time_utc --overwrite
