#!/bin/bash
# heldout31: a new user's train / eval path on one ingested store (docs/generalization.md "Session 31 (heldout31)").
# usage: scripts/heldout31/run_set.sh NAME TASK...   TASK in train predict recover tte
# store $HELDOUT31/stores/NAME -> run $HELDOUT31/runs/NAME, evals $HELDOUT31/evals/NAME_TASK.json, logs $HELDOUT31/logs
HELDOUT=${HELDOUT31:-/tmp/heldout31} exec "$(dirname "$0")/../heldout_run_set.sh" "$@"
