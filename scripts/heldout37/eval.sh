#!/bin/bash
# heldout37: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 37 (heldout37)"). usage: scripts/heldout37/eval.sh [SET ...]
# store $HELDOUT37/stores/SET -> $HELDOUT37/evals/SET_predict.json, logs beside (od_matrix is
# not trajectories, pickle is never unpickled, ethucy has no header: no store)
SETS=${*:-firehose eventhubs msgpack npz osmand}
export HELDOUT=${HELDOUT37:-/tmp/heldout37}
# shellcheck disable=SC2086  # the set names, split on purpose
"$(dirname "$0")/../heldout_eval.sh" $SETS
