#!/usr/bin/env bash
# Reproduce docs/results.md "Transport modes above gradient boosting (issue 15)": the hybrid head
# (GB's segment features beside the pooled embedding) and the GB + model ensemble, 3 seeds, both
# splits, beside the harness baselines, with the paired bootstrap CI against GB.
# Usage: scripts/modes_hybrid_results.sh
#   env: OUT=out/modes BIN=.venv/bin SHARED=../shared/data GEOLIFE=<existing GeoLife store>
#        PRE=<pretrained run> (else pretrained here as in scripts/adaptation_results.sh)
#        SCORE_ON=val (tuning; default test) SEEDS="0 1 2" EPOCHS=20 SPECS="..." SPLITS="user_time time"
#        EXTRA="--seed-average" (more scripts/modes_results.py options)
# ~6 min per split on one free CPU thread (2 specs x 3 seeds, each ~40 s; GB 3 x 5 s).
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/modes}
SHARED=${SHARED:-${TRAJLM_DATA:-../shared/data}}
SCORE_ON=${SCORE_ON:-test}; SEEDS=${SEEDS:-0 1 2}; EPOCHS=${EPOCHS:-20}
SPLITS=${SPLITS:-user_time time}
SPECS=${SPECS:-pre:full:64:linear:feat}; EXTRA=${EXTRA:-}
mkdir -p "$OUT"
GEOLIFE=${GEOLIFE:-$OUT/store-geolife}
[[ -e "$GEOLIFE/manifest.json" ]] || "$BIN/trajlm" data ingest "$SHARED/geolife/Data" --format geolife --out "$GEOLIFE" --on-error skip
PRE=${PRE:-$OUT/geolife-pretrained/best}
if [[ ! -e "$PRE/model.safetensors" ]]; then
  "$BIN/trajlm" train --data "$GEOLIFE" --out "$OUT/geolife-pretrained" --config configs/demo.toml --max-steps 1500 --seed 0 > "$OUT/pretrain.log" 2>&1
  PRE=$OUT/geolife-pretrained/best
fi
for split in $SPLITS; do
  # shellcheck disable=SC2086  # SPECS, SEEDS and EXTRA are lists
  "$BIN/python" scripts/modes_results.py --data "$GEOLIFE" --pretrained "$PRE" --out "$OUT/$SCORE_ON-$split" \
    --specs $SPECS --epochs "$EPOCHS" --lr 3e-3 --seeds $SEEDS --split-by "$split" --ensemble \
    --score-on "$SCORE_ON" $EXTRA > "$OUT/$SCORE_ON-$split.log" 2>&1
done
"$BIN/python" scripts/modes_hybrid_table.py "$OUT" --score-on "$SCORE_ON" --splits $SPLITS
