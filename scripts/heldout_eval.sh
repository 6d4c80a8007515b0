#!/bin/bash
# What scripts/heldout32/eval.sh and scripts/heldout33/eval.sh share: trajlm-small against the
# baselines on each ingested store's test split (next-point prediction).
# usage: HELDOUT=DIR [EVAL_ARGS="--windows all"] [TAG=_all] scripts/heldout_eval.sh SET...
# store $HELDOUT/stores/SET -> $HELDOUT/evals/SET_predict$TAG.json, log $HELDOUT/logs/SET_predict$TAG.log
H=${HELDOUT:?set HELDOUT to the study folder}; REPO=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$H/evals" "$H/logs"
for s in "$@"; do
  # shellcheck disable=SC2086  # EVAL_ARGS: options, split on purpose
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 timeout 300 "$REPO/.venv/bin/trajlm" eval \
    --task predict --data "$H/stores/$s" --model trajlm-small --threads 1 $EVAL_ARGS \
    --out "$H/evals/${s}_predict$TAG.json" --overwrite > "$H/logs/${s}_predict$TAG.log" 2>&1
  echo "$s rc=$?: $(grep -v '^ ' "$H/logs/${s}_predict$TAG.log" | tail -1 | cut -c1-200)"
done
