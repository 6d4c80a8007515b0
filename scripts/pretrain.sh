#!/usr/bin/env bash
# `make pretrain`: build the pretraining corpus from every shared data set present
# (configs/pretrain.toml; missing ones are skipped with a note) and pretrain the
# position_frame="trajectory" model on it (configs/pretrain_model.toml). docs/pretraining.md.
# The default STEPS fits in 60 minutes on 2 cores (measured rate in docs/pretraining.md).
#   SHARED=../shared/data OUT=runs/pretrain STEPS=20000 THREADS=2 bash scripts/pretrain.sh
set -euo pipefail
SHARED=${SHARED:-../shared/data}
OUT=${OUT:-runs/pretrain}
STEPS=${STEPS:-20000}
THREADS=${THREADS:-2}
SEED=${SEED:-0}
BIN=${BIN:-.venv/bin}
SPEC=${SPEC:-configs/pretrain.toml}
CONFIG=${CONFIG:-configs/pretrain_model.toml}  # the model recipe (e.g. configs/trajlm_small.toml)
T="$BIN/python -m trajlm.cli"
start=$(date +%s)
$T data corpus "$SPEC" --data-root "$SHARED" --out "$OUT/corpus" --overwrite
$T train --data "$OUT/corpus" --out "$OUT/run" --config "$CONFIG" \
    --max-steps "$STEPS" --seed "$SEED" --threads "$THREADS" --overwrite
echo "pretrained $OUT/run (val-selected weights: $OUT/run/best) in $(( $(date +%s) - start )) s"
