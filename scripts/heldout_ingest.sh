#!/bin/bash
# What scripts/heldout31/ingest.sh and scripts/heldout32/ingest.sh share: each raw set ingested as
# a new user would, with no options. usage: HELDOUT=DIR scripts/heldout_ingest.sh TAG SET=FILE...
# raw $HELDOUT/raw/FILE -> store $HELDOUT/stores/SET (replaced), log $HELDOUT/logs/SET_ingestTAG.log;
# TRAJLM_REPO=DIR reads with another checkout's code
TAG=${1:?give a log tag}; shift
H=${HELDOUT:?set HELDOUT to the study folder}; REPO=${TRAJLM_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
mkdir -p "$H/stores" "$H/logs"
for pair in "$@"; do
  s=${pair%%=*}; f=${pair#*=}
  rm -rf "$H/stores/$s"
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 "$REPO/.venv/bin/trajlm" data ingest \
    "$H/raw/$f" --out "$H/stores/$s" > "$H/logs/${s}_ingest$TAG.log" 2>&1
  echo "$s rc=$?: $(grep -v '^ ' "$H/logs/${s}_ingest$TAG.log" | tail -1 | cut -c1-250)"
done
