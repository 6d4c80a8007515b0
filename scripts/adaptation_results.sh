#!/usr/bin/env bash
# Reproduce the issue-7 tables in docs/results.md ("Adaptation"): transport modes, similarity
# search, transfer GeoLife -> Porto, each 3 seeds, with the full / selective / LoRA trade-off.
# Usage: scripts/adaptation_results.sh   env: OUT=out/adaptation BIN=.venv/bin SHARED=../shared/data
#        GEOLIFE=<existing GeoLife store> PORTO=<existing Porto store> (skip ingest)
# ~45 min on one CPU thread (pretraining 1.5 min, classification 2 x 12 min, similarity 3 x 5 min,
# transfer 12 min); the python scripts it calls are in scripts/experiments/.
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/adaptation}
SHARED=${SHARED:-${TRAJLM_DATA:-../shared/data}}
mkdir -p "$OUT"
GEOLIFE=${GEOLIFE:-$OUT/store-geolife}; PORTO=${PORTO:-$OUT/store-porto}
[[ -e "$GEOLIFE/manifest.json" ]] || "$BIN/trajlm" data ingest "$SHARED/geolife/Data" --format geolife --out "$GEOLIFE" --on-error skip
[[ -e "$PORTO/manifest.json" ]] || "$BIN/trajlm" data ingest "$SHARED/porto/train.1k.csv" --format porto --out "$PORTO" --on-error skip
PRE="$OUT/geolife-pretrained"
[[ -e "$PRE/best/model.safetensors" ]] || "$BIN/trajlm" train --data "$GEOLIFE" --out "$PRE" --config configs/demo.toml --max-steps 1500 --seed 0 > "$OUT/pretrain.log" 2>&1
# transport modes: whole segments thinned to 64 points; linear head (LoRA's share stays small)
SPECS="pre:full:64:linear,pre:lora1:64:linear,pre:lora2:64:linear,pre:selective:64:linear,pre:frozen:64:linear,scratch:full:64:linear"
for split in user_time time; do
  "$BIN/python" scripts/experiments/cls2.py "$GEOLIFE" "$PRE/best" "$OUT/classify-$split" "$SPECS" 20 3e-3 0,1,2 "$split" > "$OUT/classify-$split.log" 2>&1
done
"$BIN/python" scripts/experiments/sim3.py "$GEOLIFE" "$PRE/best" "$OUT/similarity" 8 32 > "$OUT/similarity.log" 2>&1
# fewer query points (16 -> 8, 24 -> 12): the 100x-DTW operating point of results.md
for n in 16 24; do
  "$BIN/python" scripts/experiments/sim3.py "$GEOLIFE" "$PRE/best" "$OUT/similarity-$n" 8 "$n" > "$OUT/similarity-$n.log" 2>&1
done
"$BIN/python" scripts/experiments/transfer3.py "$PRE/best" "$PORTO" "$OUT/transfer" 300 5e-4 > "$OUT/transfer.log" 2>&1
echo "tables: $OUT/classify-*/eval_classify.md $OUT/similarity*/similarity.md $OUT/transfer/transfer.md"
