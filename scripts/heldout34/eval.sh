#!/bin/bash
# heldout34: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 34 (heldout34)"). usage: scripts/heldout34/eval.sh [SET ...]
# store $HELDOUT34/stores/SET -> $HELDOUT34/evals/SET_predict.json (and, scored on every window
# of the test trips, SET_predict_all.json), logs beside
SETS=${*:-ais_zst scooter_tgz walkers_mf pings_postgis travel_survey oruxmaps trips_m}
export HELDOUT=${HELDOUT34:-/tmp/heldout34}
# shellcheck disable=SC2086  # the set names, split on purpose
"$(dirname "$0")/../heldout_eval.sh" $SETS
# shellcheck disable=SC2086
EVAL_ARGS="--windows all" TAG=_all "$(dirname "$0")/../heldout_eval.sh" $SETS
