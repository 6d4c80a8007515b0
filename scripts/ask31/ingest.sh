#!/usr/bin/env bash
# Set 31's stores (ask31): ingest what scripts/ask31/gen.py wrote under $ASK31_OUT (default /tmp/ask31).
#   bash scripts/ask31/ingest.sh
set -euo pipefail
OUT=${ASK31_OUT:-/tmp/ask31}
T="python -m trajlm.cli"
$T data ingest "$OUT/parking.csv" -o "$OUT/parking_store" --traj-col patrol_ref --vehicle-col officer \
  --label-col beat --time-col epoch --time-format unix --lon-col lng --overwrite
$T data ingest "$OUT/roadside.csv" -o "$OUT/roadside_store" --traj-col callout --vehicle-col unit \
  --label-col job --time-col when --lat-col latitude --lon-col longitude --tz Australia/Melbourne --overwrite
$T data ingest "$OUT/dogs.csv" -o "$OUT/dogs_store" --traj-col walk --vehicle-col walker \
  --label-col walk_type --time-col time --overwrite
