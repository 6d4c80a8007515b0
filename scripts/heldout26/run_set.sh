#!/bin/bash
# heldout26: a new user's train / eval path on one ingested store (docs/generalization.md "Session 26 (heldout26)").
# usage: scripts/heldout26/run_set.sh NAME TASK...   TASK in train predict recover tte
# store $HELDOUT26/stores/NAME -> run $HELDOUT26/runs/NAME, evals $HELDOUT26/evals/NAME_TASK.json, logs $HELDOUT26/logs
HELDOUT=${HELDOUT26:-/tmp/heldout26} exec "$(dirname "$0")/../heldout_run_set.sh" "$@"
