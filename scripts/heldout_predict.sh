#!/bin/bash
# What the heldoutNN/predict.sh runners share (since heldout36): `trajlm predict --model
# trajlm-small --input RAW` on each raw set with no options, as a new user's first call.
# usage: HELDOUT=DIR scripts/heldout_predict.sh TAG SET=FILE...
# raw $HELDOUT/raw/FILE -> $HELDOUT/predict/SET.csv, log $HELDOUT/logs/SET_predictTAG.log
TAG=${1:?give a log tag}; shift
H=${HELDOUT:?set HELDOUT to the study folder}; REPO=${TRAJLM_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
mkdir -p "$H/predict" "$H/logs"
for pair in "$@"; do
  s=${pair%%=*}; f=${pair#*=}
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 timeout 300 "$REPO/.venv/bin/trajlm" predict \
    --model trajlm-small --input "$H/raw/$f" --out "$H/predict/$s.csv" --overwrite \
    > "$H/logs/${s}_predict$TAG.log" 2>&1
  echo "$s rc=$?: $(grep -v '^ ' "$H/logs/${s}_predict$TAG.log" | tail -1 | cut -c1-200)"
done
