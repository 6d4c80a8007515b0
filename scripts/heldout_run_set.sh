#!/bin/bash
# What scripts/heldout26/run_set.sh and scripts/heldout27/run_set.sh share: a new user's train /
# eval path on one ingested store. usage: HELDOUT=DIR scripts/heldout_run_set.sh NAME TASK...
# TASK in train predict recover tte; store $HELDOUT/stores/NAME -> run $HELDOUT/runs/NAME,
# evals $HELDOUT/evals/NAME_TASK.json, logs $HELDOUT/logs
N=$1; shift
H=${HELDOUT:?set HELDOUT to the study folder}; REPO=$(cd "$(dirname "$0")/.." && pwd)
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
