#!/bin/bash
# heldout40: `trajlm predict --model trajlm-small --input RAW` on each raw set with no options, as
# a new user's first call (docs/data.md "Session 40 (heldout40)"). usage: scripts/heldout40/predict.sh TAG
# raw $HELDOUT40/raw/FILE -> $HELDOUT40/predict/SET.csv, log $HELDOUT40/logs/SET_predictTAG.log
TAG=${1:?give a log tag}
HELDOUT=${HELDOUT40:-/tmp/heldout40} exec "$(dirname "$0")/../heldout_predict.sh" "$TAG" \
  aprs=aprs-raw.txt meshtastic=msh-json.log blackvue=Record argo=ar_index_global_prof.txt \
  inaturalist=observations-512345.csv foreflight=foreflight-tracklog.csv swarm=checkins1.json navixy=navixy
