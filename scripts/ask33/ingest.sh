#!/usr/bin/env bash
# Set 33's stores (ask33): ingest what scripts/ask33/gen.py wrote under $ASK33_OUT (default /tmp/ask33).
#   bash scripts/ask33/ingest.sh
set -euo pipefail
OUT=${ASK33_OUT:-/tmp/ask33}
T="python -m trajlm.cli"
$T data ingest "$OUT/fleet.csv" -o "$OUT/fleet_store" --traj-col run --vehicle-col unit \
  --label-col shift --time-col timestamp --overwrite
$T data ingest "$OUT/phone.csv" -o "$OUT/phone_store" --traj-col segment_id --vehicle-col participant_id \
  --label-col activity --time-col recorded_at --overwrite
$T data ingest "$OUT/ferries.csv" -o "$OUT/ferries_store" --traj-col voyage --vehicle-col vessel \
  --label-col service --time-col time_utc --overwrite
