#!/bin/bash
# heldout33: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 33 (heldout33)"). usage: scripts/heldout33/eval.sh [SET ...]
# store $HELDOUT33/stores/SET -> $HELDOUT33/evals/SET_predict.json (and, scored on every window
# of the test trips as eval advises under 10 of them, SET_predict_all.json), logs beside
SETS=${*:-torque_logs bus_gpsd sortie_acmi drones_czml fleet_influx drone_tlogs taxi_pings pings_geohash}
export HELDOUT=${HELDOUT33:-/tmp/heldout33}
# shellcheck disable=SC2086  # the set names, split on purpose
"$(dirname "$0")/../heldout_eval.sh" $SETS
# shellcheck disable=SC2086
EVAL_ARGS="--windows all" TAG=_all "$(dirname "$0")/../heldout_eval.sh" $SETS
