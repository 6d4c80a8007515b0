#!/bin/bash
# heldout39: each raw set ingested as a new user would, with no options (docs/data.md "Session 39
# (heldout39)"). usage: scripts/heldout39/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT39/raw/FILE -> store $HELDOUT39/stores/SET (replaced), log $HELDOUT39/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([vbox]=session_20261205_140322.vbo [racechrono]=session_20261205_153310.csv
  [mapillary]=mapillary_images.json [firebase]=tracker-app-default-rtdb-export.json
  [aws]=aws-location [dynamodb]=AWSDynamoDB [particle]=loc-events.txt [thingsboard]=telemetry.json)
SETS=${*:-vbox racechrono mapillary firebase aws dynamodb particle thingsboard}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT39:-/tmp/heldout39} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
