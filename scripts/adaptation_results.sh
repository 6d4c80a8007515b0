#!/usr/bin/env bash
# Reproduce the issue-7 tables in docs/results.md ("Adaptation"): transport modes, similarity
# search, transfer GeoLife -> Porto, each 3 seeds, with the full / selective / LoRA trade-off.
# Usage: scripts/adaptation_results.sh   env: OUT=out/adaptation BIN=.venv/bin SHARED=../shared/data
#        GEOLIFE=<existing GeoLife store> PORTO=<existing Porto store> (skip ingest)
# ~45 min on one CPU thread (pretraining 1.5 min, classification 2 x 12 min, similarity 3 x 5 min,
# transfer 12 min); it calls scripts/{modes,similarity,transfer}_results.py (each has --help).
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
SPECS="pre:full:64:linear pre:lora1:64:linear pre:lora2:64:linear pre:selective:64:linear pre:frozen:64:linear scratch:full:64:linear"
for split in user_time time; do
  # shellcheck disable=SC2086  # SPECS is a list
  "$BIN/python" scripts/modes_results.py --data "$GEOLIFE" --pretrained "$PRE/best" --out "$OUT/classify-$split" \
    --specs $SPECS --epochs 20 --lr 3e-3 --seeds 0 1 2 --split-by "$split" > "$OUT/classify-$split.log" 2>&1
done
"$BIN/python" scripts/similarity_results.py --data "$GEOLIFE" --pretrained "$PRE/best" --out "$OUT/similarity" \
  --epochs 8 --n-points 32 --seeds 0 1 2 > "$OUT/similarity.log" 2>&1
# fewer query points (16 -> 8, 24 -> 12): the 100x-DTW operating point of results.md
for n in 16 24; do
  "$BIN/python" scripts/similarity_results.py --data "$GEOLIFE" --pretrained "$PRE/best" --out "$OUT/similarity-$n" \
    --epochs 8 --n-points "$n" --seeds 0 1 2 > "$OUT/similarity-$n.log" 2>&1
done
"$BIN/python" scripts/transfer_results.py --source "$PRE/best" --data "$PORTO" --out "$OUT/transfer" \
  --steps 300 --lr 5e-4 --seeds 0 1 2 > "$OUT/transfer.log" 2>&1
echo "tables: $OUT/classify-*/eval_classify.md $OUT/similarity*/similarity.md $OUT/transfer/transfer.md"
