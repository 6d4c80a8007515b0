#!/bin/bash
# heldout35: `trajlm predict --model trajlm-small --input RAW` on each raw set with no options, as
# a new user's first call (docs/data.md "Session 35 (heldout35)"). usage: scripts/heldout35/predict.sh TAG
# raw $HELDOUT35/raw/FILE -> $HELDOUT35/predict/SET.csv, log $HELDOUT35/logs/SET_predictTAG.log
TAG=${1:?give a log tag}
H=${HELDOUT35:-/tmp/heldout35}; REPO=${TRAJLM_REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
mkdir -p "$H/predict" "$H/logs"
for pair in sumo_fcd=fcd.xml esri_tracks=tracks_query.json google_fit=google_fit garmin_details=garmin \
  strava_streams=strava_streams agents_rad=agents_rad.csv motive=motive pings_frame=pings_frame.json \
  verizon_history=location_history.csv; do
  s=${pair%%=*}; f=${pair#*=}
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 timeout 300 "$REPO/.venv/bin/trajlm" predict \
    --model trajlm-small --input "$H/raw/$f" --out "$H/predict/$s.csv" --overwrite \
    > "$H/logs/${s}_predict$TAG.log" 2>&1
  echo "$s rc=$?: $(grep -v '^ ' "$H/logs/${s}_predict$TAG.log" | tail -1 | cut -c1-200)"
done
