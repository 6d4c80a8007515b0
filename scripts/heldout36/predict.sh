#!/bin/bash
# heldout36: `trajlm predict --model trajlm-small --input RAW` on each raw set with no options, as
# a new user's first call (docs/data.md "Session 36 (heldout36)"). usage: scripts/heldout36/predict.sh TAG
# raw $HELDOUT36/raw/FILE -> $HELDOUT36/predict/SET.csv, log $HELDOUT36/logs/SET_predictTAG.log
TAG=${1:?give a log tag}
H=${HELDOUT36:-/tmp/heldout36}; REPO=${TRAJLM_REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
mkdir -p "$H/predict" "$H/logs"
for pair in orc_lake=positions.orc avro_lake=telemetry.avro kafka_ndjson=vehicle-positions.ndjson.gz \
  here_probe=probe_20261103.csv valhalla_traces=valhalla_traces endomondo=endomondo \
  citibike=202611-citibike-tripdata.csv topojson=tracks.topojson; do
  s=${pair%%=*}; f=${pair#*=}
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 timeout 300 "$REPO/.venv/bin/trajlm" predict \
    --model trajlm-small --input "$H/raw/$f" --out "$H/predict/$s.csv" --overwrite \
    > "$H/logs/${s}_predict$TAG.log" 2>&1
  echo "$s rc=$?: $(grep -v '^ ' "$H/logs/${s}_predict$TAG.log" | tail -1 | cut -c1-200)"
done
