#!/usr/bin/env bash
# docs/generalization.md: each recipe on Porto's default (time) split with its clocks moved,
# and on PROTOCOL's by-hour hold-out (train/val 00-06 UTC, test 06-09:11).
# Usage: scripts/generalization_results.sh   [OUT=out/gen] [STEPS=1600] [SEEDS="0"]
#        [RECIPES="porto_plain porto_context_dropout porto_clock_shift"]   (~10 min per training)
set -euo pipefail
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/gen}; STEPS=${STEPS:-1600}; SEEDS=${SEEDS:-0}
RECIPES=${RECIPES:-porto_plain porto_context_dropout porto_clock_shift}
SHARED=${SHARED:-${TRAJLM_DATA:-../shared/data}}
mkdir -p "$OUT"
[ -f "$OUT/store/manifest.json" ] || "$BIN/trajlm" data ingest "$SHARED/porto/train.1k.csv" \
  --format porto --out "$OUT/store" --on-error skip
[ -f "$OUT/store_hour6/manifest.json" ] || "$BIN/trajlm" data resplit "$OUT/store" --by hour=6 \
  --out "$OUT/store_hour6"
for split in store store_hour6; do
  mkdir -p "$OUT/runs/$split"
  for recipe in $RECIPES; do
    models=()
    for seed in $SEEDS; do
      run="$OUT/runs/$split/$recipe-s$seed"
      [ -f "$run/best/model.safetensors" ] || "$BIN/trajlm" train --data "$OUT/$split" \
        --out "$run" --config "configs/$recipe.toml" --max-steps "$STEPS" --seed "$seed" \
        > "$run.log" 2>&1
      models+=(--model "$run/best")
    done
    "$BIN/trajlm" eval --task predict --data "$OUT/$split" "${models[@]}" --seeds 1 \
      --shift clock=+4h --shift clock=+8h --shift clock=+12h --shift weekday=+1 \
      --shift weekday=+3 --out "$OUT/eval_${split}_$recipe.json" --overwrite
  done
done
"$BIN/python" scripts/generalization_table.py "$OUT"/eval_*.json
