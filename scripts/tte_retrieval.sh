#!/usr/bin/env bash
# Reproduce docs/travel-time.md, session 8 (issue 15): retrieval features for travel time.
# Per data set: the 3 od-only models of scripts/tte_residual.sh (trained if missing), then
# scripts/tte_retrieval.py on val (the choice: VAL_ARMS; scripts/tte_choose.py --prefix residual
# over both data sets' val JSONs) and on test (read once: TEST_ARMS), 3 seeds.
# Usage: scripts/tte_retrieval.sh porto|geolife STORE
#   env: OUT=out/tte SEEDS="0 1 2" BIN=.venv/bin STEPS=1000 SPLITS="val test"
# ~8 min per model on a loaded 2-core machine; val ~8 min (Porto) to ~20 min (GeoLife).
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
DATA=${1:?usage: scripts/tte_retrieval.sh porto|geolife STORE}
STORE=${2:?usage: scripts/tte_retrieval.sh porto|geolife STORE}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/tte}; SEEDS=${SEEDS:-0 1 2}; STEPS=${STEPS:-1000}
SPLITS=${SPLITS:-val test}
VAL_ARMS=("gb +nn k5" "gb +nn k10" "gb +nn k20" "gb +ret k5" "gb +ret k10" "gb +ret k20"
          "model" "residual mae+log0 linear"
          "residual+model mae+log0 linear" "residual+model mae+log0 linear +ret k5"
          "residual+model mae+log0 linear +ret k10" "residual+model mae+log0 linear +ret k20"
          "residual+model mae+log0 linear +ret k20 bag5med"
          "residual+model mae+log0 linear on gb+ret k20 +ret"
          "residual+model l1 linear +ret k20" "residual+model mae+log0.5 linear +ret k20"
          "residual mae+log0 linear +ret k5" "residual mae+log0 linear +ret k10"
          "residual mae+log0 linear +ret k20" "residual mae+log0 linear +ret k20 bag5med"
          "residual mae+log0.5 linear +ret k20" "residual mae+log0 mlp16 +ret k20"
          "residual l1 mlp16 +ret k20" "residual mae+log0 linear on gb+ret k20 +ret")
# test (read once): the baselines (GB + retrieval: the gb arm best on val by the same rule), the
# model alone, session 7's hour-free recipe and the arm chosen on val (tte_choose.py --prefix)
TEST_ARMS=("linear regression" "distance / mean speed" "model" "residual+model mae+log0 linear"
           "residual+model mae+log0 linear on gb+ret k20 +ret")
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
  if [[ $split == test ]]; then arms=("${TEST_ARMS[@]}"); else arms=("${VAL_ARMS[@]}"); fi
  "$BIN/python" scripts/tte_retrieval.py --data "$STORE" --split "$split" --seeds $SEEDS \
    --runs "$(IFS=,; echo "${runs[*]}")" --ref "gb +ret k20" --arms "${arms[@]}" \
    --out "$OUT/${DATA}_retrieval_$split.json"
done
