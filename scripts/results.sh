#!/usr/bin/env bash
# Reproduce docs/results.md prediction tables: ingest -> train 3 seeds -> eval beside baselines.
# Usage: scripts/results.sh porto|geolife [OUT=out/results] [STEPS=2000]
# ~20-30 min per data set on 2 CPU cores (each run uses one thread; early stopping on val).
set -euo pipefail
DATA=${1:?usage: scripts/results.sh porto|geolife}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/results}/$DATA; STEPS=${STEPS:-2000}
SHARED=${SHARED:-${TRAJLM_DATA:-../shared/data}}
mkdir -p "$OUT"
case "$DATA" in
  porto)   "$BIN/trajlm" data ingest "$SHARED/porto/train.1k.csv" --format porto --out "$OUT/store" --on-error skip --overwrite ;;
  geolife) "$BIN/trajlm" data ingest "$SHARED/geolife/Data" --format geolife --out "$OUT/store" --on-error skip --overwrite ;;
  *) echo "unknown data set $DATA"; exit 2 ;;
esac
models=()
for seed in 0 1 2; do
  run="$OUT/run-s$seed"
  "$BIN/trajlm" train --data "$OUT/store" --out "$run" --config configs/porto.toml \
    --max-steps "$STEPS" --seed "$seed" --overwrite > "$OUT/train-s$seed.log" 2>&1
  models+=(--model "$run/best")
done
"$BIN/trajlm" eval --task predict --data "$OUT/store" "${models[@]}" --seeds 1 --out "$OUT/eval_predict.json" --overwrite
"$BIN/python" scripts/plot_results.py "$OUT"
