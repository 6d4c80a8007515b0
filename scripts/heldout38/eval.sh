#!/bin/bash
# heldout38: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 38 (heldout38)"). usage: scripts/heldout38/eval.sh [SET ...]
# store $HELDOUT38/stores/SET -> $HELDOUT38/evals/SET_predict.json, logs beside (gopro: one
# ride, no test split; splunk_told: the Splunk export ingested with `--traj-col unit`, as told)
SETS=${*:-elastic bigquery splunk_told mqtt influx teslamate samsung}
export HELDOUT=${HELDOUT38:-/tmp/heldout38}
# shellcheck disable=SC2086  # the set names, split on purpose
"$(dirname "$0")/../heldout_eval.sh" $SETS
