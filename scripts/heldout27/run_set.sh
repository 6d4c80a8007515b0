#!/bin/bash
# heldout27: a new user's train / eval path on one ingested store (docs/generalization.md "Session 27 (heldout27)").
# usage: scripts/heldout27/run_set.sh NAME TASK...   TASK in train predict recover tte
# store $HELDOUT27/stores/NAME -> run $HELDOUT27/runs/NAME, evals $HELDOUT27/evals/NAME_TASK.json, logs $HELDOUT27/logs
HELDOUT=${HELDOUT27:-/tmp/heldout27} exec "$(dirname "$0")/../heldout_run_set.sh" "$@"
