#!/bin/bash
# heldout36: each raw set ingested as a new user would, with no options (docs/data.md "Session 36
# (heldout36)"). usage: scripts/heldout36/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT36/raw/FILE -> store $HELDOUT36/stores/SET (replaced), log $HELDOUT36/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([orc_lake]=positions.orc [avro_lake]=telemetry.avro
  [kafka_ndjson]=vehicle-positions.ndjson.gz [here_probe]=probe_20261103.csv
  [valhalla_traces]=valhalla_traces [endomondo]=endomondo
  [citibike]=202611-citibike-tripdata.csv [topojson]=tracks.topojson)
SETS=${*:-orc_lake avro_lake kafka_ndjson here_probe valhalla_traces endomondo citibike topojson}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT36:-/tmp/heldout36} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
