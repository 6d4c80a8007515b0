#!/usr/bin/env bash
# Reproduce docs/travel-time.md (issue 15 lever 3): per data set, 3 od-only models
# (configs/tte_od.toml, 1,000 steps), then scripts/tte_residual.py on val (the choice: VAL_ARMS)
# and on test (read once: TEST_ARMS) against gradient boosting, 3 seeds.
# Usage: scripts/tte_residual.sh porto|geolife STORE
#   env: OUT=out/tte SEEDS="0 1 2" BIN=.venv/bin STEPS=1000 SPLITS="val test"
# ~4 min per model on one idle core (10 on a loaded 2-core machine), ~1-10 min per evaluation.
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
DATA=${1:?usage: scripts/tte_residual.sh porto|geolife STORE}
STORE=${2:?usage: scripts/tte_residual.sh porto|geolife STORE}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/tte}; SEEDS=${SEEDS:-0 1 2}; STEPS=${STEPS:-1000}
SPLITS=${SPLITS:-val test}
# session 6's arms, then session 7's (the mae+log loss, bags, the route-free query features)
VAL_ARMS=("model" "residual l1 mlp16" "residual l2 mlp16" "residual+model l1 linear"
          "residual+model l1 mlp16"
          "residual+model mae+log0 linear" "residual+model mae+log0.5 linear"
          "residual+model mae+log1 linear" "residual+model l1 linear bag5"
          "residual+model mae+log0.5 linear bag5" "residual+model l1 linear +query"
          "residual+model mae+log0.5 linear +query" "residual+model mae+log0 linear +query"
          "residual+model mae+log1 linear +query" "residual+model l1 linear +query bag5"
          "residual+model mae+log0.5 linear +query bag5" "residual+model mae+log0.5 mlp16"
          "residual+model l1 linear k10" "residual+model mae+log0.5 linear k10"
          "residual l1 mlp16 k10" "residual l1 mlp16 +query" "residual mae+log0.5 mlp16 +query"
          "residual mae+log0.5 linear k10" "residual l1 linear +query"
          "residual mae+log0 linear +query" "residual mae+log0.5 linear +query"
          "residual mae+log0 linear +geo" "residual+model mae+log0 linear +geo"
          "residual+model mae+log0.5 linear +geo")
# test: the baselines, the model, session 6's arms (its choice: residual+model l1 linear) and
# session 7's choice with its features-only ablation
TEST_ARMS=("linear regression" "distance / mean speed" "model" "residual l1 mlp16"
           "residual l2 mlp16" "residual+model l1 linear" "residual+model l1 mlp16"
           "residual+model mae+log0 linear +query" "residual mae+log0 linear +query")
mkdir -p "$OUT"
runs=()
for seed in $SEEDS; do
  run="$OUT/runs/$DATA-s$seed"
  if [[ ! -e "$run/best/model.safetensors" ]]; then
    "$BIN/trajlm" train --data "$STORE" --out "$run" --config configs/tte_od.toml \
      --max-steps "$STEPS" --seed "$seed" --overwrite > "$OUT/train-$DATA-s$seed.log" 2>&1
  fi
  runs+=("$run")
done
for split in $SPLITS; do
  # val: a sweep, the model's predictions memoised; test: few arms, costs with the model in
  if [[ $split == test ]]; then arms=("${TEST_ARMS[@]}"); cache=(); else
    arms=("${VAL_ARMS[@]}"); cache=(--cache-model); fi
  "$BIN/python" scripts/tte_residual.py --data "$STORE" --split "$split" --seeds $SEEDS \
    --runs "$(IFS=,; echo "${runs[*]}")" "${cache[@]}" --arms "${arms[@]}" \
    --out "$OUT/${DATA}_$split.json"
done
