#!/usr/bin/env bash
# Reproduce docs/travel-time.md (issue 15 lever 3): per data set, 3 od-only models
# (configs/tte_od.toml, 1,000 steps), then scripts/tte_residual.py on val (the choice) and on
# test (read once) with gradient boosting, the model alone and the residual arms, 3 seeds.
# Usage: scripts/tte_residual.sh porto|geolife STORE
#   env: OUT=out/tte SEEDS="0 1 2" BIN=.venv/bin STEPS=1000 SPLITS="val test"
#        ARMS="gb model residual l1 mlp16 ..." is not an env knob: the arms are ARMS below.
# ~4 min per model on one idle core (10 on a loaded 2-core machine), ~1 min per evaluation.
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
DATA=${1:?usage: scripts/tte_residual.sh porto|geolife STORE}
STORE=${2:?usage: scripts/tte_residual.sh porto|geolife STORE}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/tte}; SEEDS=${SEEDS:-0 1 2}; STEPS=${STEPS:-1000}
SPLITS=${SPLITS:-val test}
ARMS=("model" "residual l1 mlp16" "residual l2 mlp16" "residual+model l1 linear"
      "residual+model l1 mlp16")
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
  "$BIN/python" scripts/tte_residual.py --data "$STORE" --split "$split" --seeds $SEEDS \
    --runs "$(IFS=,; echo "${runs[*]}")" --arms "${ARMS[@]}" --out "$OUT/${DATA}_$split.json"
done
