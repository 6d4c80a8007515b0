#!/bin/bash
# heldout39: `trajlm predict --model trajlm-small --input RAW` on each raw set with no options, as
# a new user's first call (docs/data.md "Session 39 (heldout39)"). usage: scripts/heldout39/predict.sh TAG
# raw $HELDOUT39/raw/FILE -> $HELDOUT39/predict/SET.csv, log $HELDOUT39/logs/SET_predictTAG.log
TAG=${1:?give a log tag}
HELDOUT=${HELDOUT39:-/tmp/heldout39} exec "$(dirname "$0")/../heldout_predict.sh" "$TAG" \
  vbox=session_20261205_140322.vbo racechrono=session_20261205_153310.csv \
  mapillary=mapillary_images.json firebase=tracker-app-default-rtdb-export.json \
  aws=aws-location dynamodb=AWSDynamoDB particle=loc-events.txt thingsboard=telemetry.json
