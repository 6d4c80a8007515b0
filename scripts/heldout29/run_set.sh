#!/bin/bash
# heldout29: a new user's train / eval path on one ingested store (docs/generalization.md "Session 29 (heldout29)").
# usage: scripts/heldout29/run_set.sh NAME TASK...   TASK in train predict recover tte
# store $HELDOUT29/stores/NAME -> run $HELDOUT29/runs/NAME, evals $HELDOUT29/evals/NAME_TASK.json, logs $HELDOUT29/logs
HELDOUT=${HELDOUT29:-/tmp/heldout29} exec "$(dirname "$0")/../heldout_run_set.sh" "$@"
