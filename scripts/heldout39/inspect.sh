#!/bin/bash
# heldout39: `trajlm data inspect` on each ingested store (docs/data.md "Session 39 (heldout39)").
# usage: scripts/heldout39/inspect.sh TAG [SET ...]; store $HELDOUT39/stores/SET ->
# log $HELDOUT39/logs/SET_inspectTAG.log (the store's counts, bbox and time span)
TAG=${1:?give a log tag}; shift
H=${HELDOUT39:-/tmp/heldout39}; REPO=$(cd "$(dirname "$0")/../.." && pwd)
for s in ${*:-vbox racechrono mapillary firebase aws dynamodb particle thingsboard}; do
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 "$REPO/.venv/bin/trajlm" data inspect \
    "$H/stores/$s" > "$H/logs/${s}_inspect$TAG.log" 2>&1
  echo "$s rc=$?: $(grep -iE 'trajector|bbox|span|error' "$H/logs/${s}_inspect$TAG.log" | head -3 | tr '\n' ' ' | cut -c1-250)"
done
