#!/bin/bash
# heldout32: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 32 (heldout32)"). usage: scripts/heldout32/eval.sh [SET ...]
# store $HELDOUT32/stores/SET -> $HELDOUT32/evals/SET_predict.json, log $HELDOUT32/logs/SET_predict.log
H=${HELDOUT32:-/tmp/heldout32}; REPO=$(cd "$(dirname "$0")/../.." && pwd)
SETS=${*:-aware_phones wialon_wln ublox_ubx fleet_calc saildrone_nccf tracker_de opentracks scooters}
mkdir -p "$H/evals" "$H/logs"
for s in $SETS; do
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 timeout 300 "$REPO/.venv/bin/trajlm" eval \
    --task predict --data "$H/stores/$s" --model trajlm-small --threads 1 \
    --out "$H/evals/${s}_predict.json" --overwrite > "$H/logs/${s}_predict.log" 2>&1
  echo "$s rc=$?: $(grep -v '^ ' "$H/logs/${s}_predict.log" | tail -1 | cut -c1-200)"
done
