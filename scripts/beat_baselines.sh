#!/usr/bin/env bash
# Issue 15 (docs/beat-baselines.md): train each lever's config with 3 seeds and score every arm
# beside every prediction baseline on val (the ablation, with --blend), then on test (read once).
# Usage: scripts/beat_baselines.sh porto|geolife
#   env: OUT=out/beat  STEPS=600  STORE=<an existing store; default: ingest as results.sh does>
#        ARMS="plain=configs/porto_plain.toml residual=configs/porto_residual.toml ..."  SEEDS="0 1 2"
# ~5 min per run on one busy CPU thread (600 steps); runs that exist are reused.
set -euo pipefail
DATA=${1:?usage: scripts/beat_baselines.sh porto|geolife}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/beat}/$DATA; STEPS=${STEPS:-600}; SEEDS=${SEEDS:-0 1 2}
SHARED=${SHARED:-${TRAJLM_DATA:-../shared/data}}
ARMS=${ARMS:-plain=configs/porto_plain.toml residual=configs/porto_residual.toml restime=configs/porto_residual_time.toml}
mkdir -p "$OUT"
STORE=${STORE:-$OUT/store}
if [ ! -d "$STORE" ]; then
  case "$DATA" in
    porto)   "$BIN/trajlm" data ingest "$SHARED/porto/train.1k.csv" --format porto --out "$STORE" --on-error skip ;;
    geolife) "$BIN/trajlm" data ingest "$SHARED/geolife/Data" --format geolife --out "$STORE" --on-error skip ;;
    *) echo "unknown data set $DATA"; exit 2 ;;
  esac
fi
arms=()
for arm in $ARMS; do
  name=${arm%%=*}; cfg=${arm#*=}; runs=""
  for seed in $SEEDS; do
    run="$OUT/$name-s$seed"
    if [ ! -f "$run/train_summary.json" ]; then
      OMP_NUM_THREADS=1 "$BIN/trajlm" train --data "$STORE" --out "$run" --config "$cfg" \
        --max-steps "$STEPS" --seed "$seed" --overwrite > "$run.log" 2>&1
    fi
    runs="$runs${runs:+,}$run"
  done
  arms+=(--arm "$name=$runs")
done
for split in val test; do
  OMP_NUM_THREADS=1 "$BIN/python" scripts/beat_baselines.py --data "$STORE" --split "$split" \
    "${arms[@]}" --blend --out "$OUT/beat_$split.json"
done
