#!/bin/bash
# heldout39: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 39 (heldout39)"). usage: scripts/heldout39/eval.sh [SET ...]
# store $HELDOUT39/stores/SET -> $HELDOUT39/evals/SET_predict.json, logs beside
SETS=${*:-vbox racechrono mapillary firebase aws dynamodb particle thingsboard}
export HELDOUT=${HELDOUT39:-/tmp/heldout39}
# shellcheck disable=SC2086  # the set names, split on purpose
"$(dirname "$0")/../heldout_eval.sh" $SETS
