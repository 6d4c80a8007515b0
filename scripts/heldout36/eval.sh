#!/bin/bash
# heldout36: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 36 (heldout36)"). usage: scripts/heldout36/eval.sh [SET ...]
# store $HELDOUT36/stores/SET -> $HELDOUT36/evals/SET_predict.json, logs beside (citibike is a
# trip log: refused at ingest, no store)
SETS=${*:-orc_lake avro_lake kafka_ndjson here_probe valhalla_traces endomondo topojson}
export HELDOUT=${HELDOUT36:-/tmp/heldout36}
# shellcheck disable=SC2086  # the set names, split on purpose
"$(dirname "$0")/../heldout_eval.sh" $SETS
