#!/usr/bin/env bash
# The demo: data -> store -> train -> eval beside baselines -> predict + plot.
# Called by `make demo` (DATA=synth|porto|geolife, OUT, STEPS, SHARED, BIN from the Makefile).
set -euo pipefail
BIN=${BIN:-.venv/bin}; DATA=${DATA:-synth}; OUT=${OUT:-out/demo-$DATA}; STEPS=${STEPS:-600}
SHARED=${SHARED:-${TRAJLM_DATA:-../shared/data}}
case "$DATA" in
  synth) ;;
  porto)   INPUT="$SHARED/porto/train.1k.csv" ;;
  geolife) INPUT="$SHARED/geolife/Data" ;;
  *) echo "error: DATA must be synth, porto or geolife (got $DATA)" >&2; exit 2 ;;
esac
# checked before anything is written: a missing slice left an empty $OUT behind
if [ "$DATA" != synth ] && [ ! -e "$INPUT" ]; then
  echo "error: DATA=$DATA reads $INPUT, which is not there: set TRAJLM_DATA (or SHARED) to the folder holding porto/ and geolife/, or run DATA=synth" >&2
  exit 2
fi
mkdir -p "$OUT"
# Everything below writes only into $OUT, which the demo owns: --overwrite makes `make demo`
# re-runnable (trajlm replaces only its own files there, never anything else in the folder).
case "$DATA" in
  synth)   "$BIN/trajlm" data synth --out "$OUT/store" --n-trajectories 4000 --seed 0 --overwrite ;;
  porto)   "$BIN/trajlm" data ingest "$INPUT" --format porto --out "$OUT/store" --on-error skip --overwrite ;;
  geolife) "$BIN/trajlm" data ingest "$INPUT" --format geolife --out "$OUT/store" --on-error skip --overwrite ;;
esac
"$BIN/trajlm" data inspect "$OUT/store"
"$BIN/trajlm" data plot "$OUT/store" --out "$OUT/map.png" --n 80 --overwrite
"$BIN/trajlm" train --data "$OUT/store" --out "$OUT/run" --config configs/demo.toml --max-steps "$STEPS" --overwrite
"$BIN/trajlm" eval --task predict --data "$OUT/store" --model "$OUT/run" --seeds 1 --out "$OUT/eval_predict.json" --overwrite
"$BIN/trajlm" predict --model "$OUT/run" --input "$OUT/store" --split test --limit 6 --holdout 5 \
  --steps 5 --out "$OUT/predictions.csv" --plot "$OUT/predictions.png" --overwrite
echo "demo done: see $OUT/map.png, $OUT/predictions.png, $OUT/eval_predict.md (the model beside the baselines)"
