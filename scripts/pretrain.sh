#!/usr/bin/env bash
# `make pretrain`: build the pretraining corpus from every shared data set present
# (configs/pretrain.toml; missing ones are skipped with a note) and pretrain on it with
# trajlm-small's recipe (configs/trajlm_small.toml: per-trajectory frame, residual on constant
# velocity, speed augmentation, scale-invariant) and its inference settings (coverage and
# backtest gates, no clock: scripts/inference_settings.py). Session 11: the plain recipe
# (CONFIG=configs/pretrain_model.toml, the default before) was 4-9x worse than constant velocity
# on held-out synthetic sets; this one 0.83-1.14x (docs/generalization.md "Session 11").
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
CONFIG=${CONFIG:-configs/trajlm_small.toml}  # the model recipe (configs/pretrain_model.toml: plain)
T="$BIN/python -m trajlm.cli"
start=$(date +%s)
$T data corpus "$SPEC" --data-root "$SHARED" --out "$OUT/corpus" --overwrite
$T train --data "$OUT/corpus" --out "$OUT/run" --config "$CONFIG" \
    --max-steps "$STEPS" --seed "$SEED" --threads "$THREADS" --overwrite
"$BIN/python" scripts/inference_settings.py "$OUT/run/best/config.json" "$OUT/run/config.json"
echo "pretrained $OUT/run (val-selected weights: $OUT/run/best) in $(( $(date +%s) - start )) s"
