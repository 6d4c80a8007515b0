#!/bin/bash
# heldout27: a new user's train / eval path on one ingested store (docs/generalization.md "Session 27 (heldout27)").
# usage: scripts/heldout27/run_set.sh NAME TASK...   TASK in train predict recover tte
# store $HELDOUT27/stores/NAME -> run $HELDOUT27/runs/NAME, evals $HELDOUT27/evals/NAME_TASK.json, logs $HELDOUT27/logs
N=$1; shift
H=${HELDOUT27:-/tmp/heldout27}; REPO=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$H/runs" "$H/evals" "$H/logs"; cd "$H" || exit 1
T="env PYTHONPATH=$REPO OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 nice -n 5 $REPO/.venv/bin/trajlm"
for task in "$@"; do
  S=$(date +%s)
  case $task in
    train) timeout 480 $T train --data stores/$N --out runs/$N --threads 1 --max-steps 150 > logs/${N}_train.log 2>&1;;
    predict) timeout 240 $T eval --task predict --data stores/$N --model runs/$N --model trajlm-small --threads 1 --out evals/${N}_predict.json --overwrite > logs/${N}_predict.log 2>&1;;
    recover) timeout 120 $T eval --task recover --data stores/$N --model runs/$N --model trajlm-small --seeds 1 --threads 1 --out evals/${N}_recover.json --overwrite > logs/${N}_recover.log 2>&1;;
    tte) timeout 60 $T eval --task tte --data stores/$N --model runs/$N --threads 1 > logs/${N}_tte.log 2>&1;;
  esac
  echo "$task rc=$? $(( $(date +%s)-S ))s" >> logs/${N}_$task.log
done
