#!/bin/bash
# heldout35: `trajlm predict --model trajlm-small --input RAW` on each raw set with no options, as
# a new user's first call (docs/data.md "Session 35 (heldout35)"). usage: scripts/heldout35/predict.sh TAG
# raw $HELDOUT35/raw/FILE -> $HELDOUT35/predict/SET.csv, log $HELDOUT35/logs/SET_predictTAG.log
TAG=${1:?give a log tag}
HELDOUT=${HELDOUT35:-/tmp/heldout35} exec "$(dirname "$0")/../heldout_predict.sh" "$TAG" \
  sumo_fcd=fcd.xml esri_tracks=tracks_query.json google_fit=google_fit garmin_details=garmin \
  strava_streams=strava_streams agents_rad=agents_rad.csv motive=motive pings_frame=pings_frame.json \
  verizon_history=location_history.csv
