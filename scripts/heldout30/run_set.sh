#!/bin/bash
# heldout30: a new user's train / eval path on one ingested store (docs/generalization.md "Session 30 (heldout30)").
# usage: scripts/heldout30/run_set.sh NAME TASK...   TASK in train predict recover tte
# store $HELDOUT30/stores/NAME -> run $HELDOUT30/runs/NAME, evals $HELDOUT30/evals/NAME_TASK.json, logs $HELDOUT30/logs
HELDOUT=${HELDOUT30:-/tmp/heldout30} exec "$(dirname "$0")/../heldout_run_set.sh" "$@"
