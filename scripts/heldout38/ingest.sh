#!/bin/bash
# heldout38: each raw set ingested as a new user would, with no options (docs/data.md "Session 38
# (heldout38)"). usage: scripts/heldout38/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT38/raw/FILE -> store $HELDOUT38/stores/SET (replaced), log $HELDOUT38/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([elastic]=fleet-search.json [bigquery]=bq-results-20261103-081512.csv
  [splunk]=splunk_export.csv [mqtt]=gps.log [influx]=telemetry.lp [gopro]=GX010042-GPS5.csv
  [teslamate]=positions.csv [samsung]=samsunghealth)
SETS=${*:-elastic bigquery splunk mqtt influx gopro teslamate samsung}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT38:-/tmp/heldout38} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
