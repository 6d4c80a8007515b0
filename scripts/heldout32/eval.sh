#!/bin/bash
# heldout32: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 32 (heldout32)"). usage: scripts/heldout32/eval.sh [SET ...]
# store $HELDOUT32/stores/SET -> $HELDOUT32/evals/SET_predict.json, log $HELDOUT32/logs/SET_predict.log
SETS=${*:-aware_phones wialon_wln ublox_ubx fleet_calc saildrone_nccf tracker_de opentracks scooters}
# shellcheck disable=SC2086  # the set names, split on purpose
HELDOUT=${HELDOUT32:-/tmp/heldout32} exec "$(dirname "$0")/../heldout_eval.sh" $SETS
