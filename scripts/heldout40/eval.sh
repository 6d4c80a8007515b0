#!/bin/bash
# heldout40: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 40 (heldout40)"). usage: scripts/heldout40/eval.sh [SET ...]
# store $HELDOUT40/stores/SET -> $HELDOUT40/evals/SET_predict.json, logs beside
SETS=${*:-aprs meshtastic blackvue argo inaturalist foreflight swarm navixy}
export HELDOUT=${HELDOUT40:-/tmp/heldout40}
# shellcheck disable=SC2086  # the set names, split on purpose
"$(dirname "$0")/../heldout_eval.sh" $SETS
