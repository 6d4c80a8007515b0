#!/bin/bash
# heldout37b: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 37 (heldout37b)"). usage: scripts/heldout37b/eval.sh [SET ...]
# store $HELDOUT37B/stores/SET -> $HELDOUT37B/evals/SET_predict.json, logs beside (decktrips_o /
# qgis_told: the stores read with the option each refusal named; wigle's one phone has no test trip)
SETS=${*:-homeassistant sqldump kepler trackdb valhalla decktrips_o qgis_told}
export HELDOUT=${HELDOUT37B:-/tmp/heldout37b}
# shellcheck disable=SC2086  # the set names, split on purpose
"$(dirname "$0")/../heldout_eval.sh" $SETS
