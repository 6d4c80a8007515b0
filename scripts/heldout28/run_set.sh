#!/bin/bash
# heldout28: a new user's train / eval path on one ingested store (docs/generalization.md "Session 28 (heldout28)").
# usage: scripts/heldout28/run_set.sh NAME TASK...   TASK in train predict recover tte
# (reindeer_gap: the Lotek file re-ingested with --max-gap-s 7200, as the new short-split warning says)
# store $HELDOUT28/stores/NAME -> run $HELDOUT28/runs/NAME, evals $HELDOUT28/evals/NAME_TASK.json, logs $HELDOUT28/logs
HELDOUT=${HELDOUT28:-/tmp/heldout28} exec "$(dirname "$0")/../heldout_run_set.sh" "$@"
