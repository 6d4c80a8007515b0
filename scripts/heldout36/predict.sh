#!/bin/bash
# heldout36: `trajlm predict --model trajlm-small --input RAW` on each raw set with no options, as
# a new user's first call (docs/data.md "Session 36 (heldout36)"). usage: scripts/heldout36/predict.sh TAG
# raw $HELDOUT36/raw/FILE -> $HELDOUT36/predict/SET.csv, log $HELDOUT36/logs/SET_predictTAG.log
TAG=${1:?give a log tag}
HELDOUT=${HELDOUT36:-/tmp/heldout36} exec "$(dirname "$0")/../heldout_predict.sh" "$TAG" \
  orc_lake=positions.orc avro_lake=telemetry.avro kafka_ndjson=vehicle-positions.ndjson.gz \
  here_probe=probe_20261103.csv valhalla_traces=valhalla_traces endomondo=endomondo \
  citibike=202611-citibike-tripdata.csv topojson=tracks.topojson
