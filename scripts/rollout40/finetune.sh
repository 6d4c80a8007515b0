#!/usr/bin/env bash
# One rollout40 fine-tune from trajlm-small's training run (needs runs/trajlm-small: its build,
# scripts/build_trajlm_small.sh), then a model folder with trajlm-small's own config.json
# (the same inference settings and coverage, so only the weights differ) and the run's LAST
# weights (pre-registered: the arm is judged at its last step, not at a val-picked one).
#   bash scripts/rollout40/finetune.sh ARM SEED     ARM: steady_ft | control_ft
# Outputs under $ROLLOUT40_OUT (default /tmp/rollout40): ARM_sSEED/run, ARM_sSEED/model.
set -euo pipefail
ARM=$1
SEED=$2
OUT=${ROLLOUT40_OUT:-/tmp/rollout40}/${ARM}_s$SEED
STEPS=${STEPS:-400}
PY=${PY:-.venv/bin/python}
export OMP_NUM_THREADS=1 PYTHONPATH=$PWD
mkdir -p "$OUT"
nice -n 10 "$PY" -m trajlm.cli train --data runs/trajlm-small/corpus --out "$OUT/run" \
    --config "scripts/rollout40/$ARM.toml" --max-steps "$STEPS" --seed "$SEED" --threads 1 \
    --no-val-check --overwrite > "$OUT/train.log" 2>&1
mkdir -p "$OUT/model"
cp trajlm/checkpoints/trajlm-small/config.json "$OUT/model/"
cp "$OUT/run/model.safetensors" "$OUT/run/train_config.json" "$OUT/model/"  # train_config: eval's seed-mean row
echo "$OUT/model"
