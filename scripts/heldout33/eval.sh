#!/bin/bash
# heldout33: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 33 (heldout33)"). usage: scripts/heldout33/eval.sh [SET ...]
# store $HELDOUT33/stores/SET -> $HELDOUT33/evals/SET_predict.json, log $HELDOUT33/logs/SET_predict.log
H=${HELDOUT33:-/tmp/heldout33}; REPO=$(cd "$(dirname "$0")/../.." && pwd)
SETS=${*:-torque_logs bus_gpsd sortie_acmi drones_czml fleet_influx drone_tlogs taxi_pings pings_geohash}
mkdir -p "$H/evals" "$H/logs"
for s in $SETS; do
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 timeout 300 "$REPO/.venv/bin/trajlm" eval \
    --task predict --data "$H/stores/$s" --model trajlm-small --threads 1 \
    --out "$H/evals/${s}_predict.json" --overwrite > "$H/logs/${s}_predict.log" 2>&1
  echo "$s rc=$?: $(grep -v '^ ' "$H/logs/${s}_predict.log" | tail -1 | cut -c1-200)"
done
