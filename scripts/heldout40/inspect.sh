#!/bin/bash
# heldout40: `trajlm data inspect` on each ingested store (docs/data.md "Session 40 (heldout40)").
# usage: scripts/heldout40/inspect.sh TAG [SET ...]; store $HELDOUT40/stores/SET ->
# log $HELDOUT40/logs/SET_inspectTAG.log (the store's counts, bbox and time span)
TAG=${1:?give a log tag}; shift
H=${HELDOUT40:-/tmp/heldout40}; REPO=$(cd "$(dirname "$0")/../.." && pwd)
for s in ${*:-aprs meshtastic blackvue argo inaturalist foreflight swarm navixy}; do
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 "$REPO/.venv/bin/trajlm" data inspect \
    "$H/stores/$s" > "$H/logs/${s}_inspect$TAG.log" 2>&1
  echo "$s rc=$?: $(grep -iE 'trajector|bbox|span|error' "$H/logs/${s}_inspect$TAG.log" | head -3 | tr '\n' ' ' | cut -c1-250)"
done
